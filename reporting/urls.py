"""统计分析, Word documents, the print view and the Excel exports; mounted at the site root."""

from django.urls import path

from . import views

app_name = "reporting"

urlpatterns = [
    path("stats/", views.dashboard, name="stats_dashboard"),
    path("stats/annual/", views.annual_report, name="annual_report"),
    path("stats/league.xlsx", views.league_xlsx, name="stats_league_xlsx"),
    path("cases/<id:pk>/documents/<slug:kind>.docx", views.case_document, name="case_document"),
    path("cases/<id:pk>/print/", views.case_print, name="case_print"),
    path("exports/catalogue.xlsx", views.catalogue_xlsx, name="export_catalogue"),
    path("exports/cases.xlsx", views.cases_xlsx, name="export_cases"),
    path("exports/key_proposals.docx", views.key_catalogue_docx, name="export_key_catalogue"),
]
