"""统计分析, the official documents (Word and PDF), the print view and the Excel exports; mounted at the site root."""

from django.urls import path

from . import views

app_name = "reporting"

urlpatterns = [
    path("stats/", views.dashboard, name="stats_dashboard"),
    path("stats/league.xlsx", views.league_xlsx, name="stats_league_xlsx"),
    path("cases/<id:pk>/documents/<slug:kind>.docx", views.case_document, name="case_document"),
    path("cases/<id:pk>/documents/<slug:kind>.pdf", views.case_document_pdf, name="case_document_pdf"),
    path("cases/<id:pk>/print/", views.case_print, name="case_print"),
    path("exports/catalogue.xlsx", views.catalogue_xlsx, name="export_catalogue"),
    path("exports/cases.xlsx", views.cases_xlsx, name="export_cases"),
    path("exports/key_proposals.docx", views.key_catalogue_docx, name="export_key_catalogue"),
    path("exports/key_proposals.pdf", views.key_catalogue_pdf, name="export_key_catalogue_pdf"),
    path("exports/catalogue.docx", views.catalogue_docx, name="export_catalogue_docx"),
    path("exports/catalogue.pdf", views.catalogue_pdf, name="export_catalogue_pdf"),
    path("sessions/<id:pk>/assignment_list.docx", views.assignment_list, name="session_assignment_list"),
    path(
        "sessions/<id:pk>/assignment_list.pdf",
        views.assignment_list,
        {"fmt": "pdf"},
        name="session_assignment_list_pdf",
    ),
    path("sessions/<id:pk>/notices/", views.session_batch, name="session_batch"),
]
