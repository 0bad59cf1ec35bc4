"""django-axes' backend, tolerant of logins that are not HTTP requests.

Every web and API login passes the request (LoginView, proposals.api.tokens), so axes counts and
locks them. Code that calls ``authenticate()`` without a request (a Django shell, the test client's
``login()``, the demo seeder's checks) has nobody to lock out and is let through to ModelBackend.
"""

from axes.backends import AxesStandaloneBackend
from django.contrib.auth.backends import ModelBackend as DjangoModelBackend

from .models import User


class AxesBackend(AxesStandaloneBackend):
    def authenticate(self, request=None, username=None, password=None, **kwargs):
        if request is None:
            return None
        return super().authenticate(request, username=username, password=password, **kwargs)


class ModelBackend(DjangoModelBackend):
    """Django's ModelBackend, loading the session's user with its role flags (one query, not two)."""

    def get_user(self, user_id):
        try:
            user = User.objects.with_roles().get(pk=user_id)
        except User.DoesNotExist:
            return None
        return user if self.user_can_authenticate(user) else None
