"""The audit log page, mounted at the site root."""

from django.urls import path

from . import views

app_name = "audit"

urlpatterns = [
    path("audit/", views.audit_log, name="audit_log"),
]
