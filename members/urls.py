"""Account pages, mounted at the site root by chencang_cppcc/urls.py."""

from django.urls import path

from . import views

app_name = "members"

urlpatterns = [
    path("login/otp/", views.otp_verify, name="otp_verify"),
    path("account/2fa/", views.otp_enrol, name="otp_enrol"),
    path("account/password/", views.password_change, name="password_change"),
    path("audit/", views.audit_log, name="audit_log"),
]
