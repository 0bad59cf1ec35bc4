"""Account pages, mounted at the site root by chencang_cppcc/urls.py."""

from django.contrib.auth import views as auth_views
from django.urls import path

from . import views

app_name = "members"

urlpatterns = [
    path(
        "login/",
        auth_views.LoginView.as_view(
            template_name="registration/login.html",
            redirect_authenticated_user=True,
            authentication_form=views.LoginForm,
        ),
        name="login",
    ),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("login/otp/", views.otp_verify, name="otp_verify"),
    path("account/", views.account, name="account"),
    path("account/2fa/", views.otp_enrol, name="otp_enrol"),
    path("account/password/", views.password_change, name="password_change"),
]
