from django.urls import path

from . import views_dashboard as views

urlpatterns = [
    path("stats/", views.dashboard, name="stats_dashboard"),
    path("stats/league.xlsx", views.league_xlsx, name="stats_league_xlsx"),
    path("stats/import/", views.import_catalogue, name="stats_import"),
]
