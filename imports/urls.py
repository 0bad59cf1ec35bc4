"""The legacy catalogue import page; mounted at the site root."""

from django.urls import path

from . import views

app_name = "imports"

urlpatterns = [
    path("stats/import/", views.import_catalogue, name="catalogue"),
]
