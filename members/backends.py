"""django-axes' backend, tolerant of logins that are not HTTP requests.

Every web and API login passes the request (LoginView, proposals.api.tokens), so axes counts and
locks them. Code that calls ``authenticate()`` without a request (a Django shell, the test client's
``login()``, the demo seeder's checks) has nobody to lock out and is let through to ModelBackend.
"""

from axes.backends import AxesStandaloneBackend
from django.contrib.auth.backends import ModelBackend as DjangoModelBackend

from . import authcache
from .models import User


class AxesBackend(AxesStandaloneBackend):
    def authenticate(self, request=None, username=None, password=None, **kwargs):
        if request is None:
            return None
        return super().authenticate(request, username=username, password=password, **kwargs)


class ModelBackend(DjangoModelBackend):
    """Django's ModelBackend, loading the session's user with its role flags and its confirmed OTP
    devices — from the cache while nothing of them changed (members.authcache), else in two queries."""

    def get_user(self, user_id):
        user = authcache.load(user_id, lambda: _load_user(user_id))
        return user if user is not None and self.user_can_authenticate(user) else None


def _load_user(user_id):
    from django_otp import devices_for_user

    user = User.objects.with_roles().filter(pk=user_id).first()
    if user is not None and authcache.enabled():  # uncached, django-otp reads the one device it needs
        # members.middleware.OTPMiddleware takes the session's device from here.
        user._otp_devices = {device.persistent_id: device for device in devices_for_user(user, confirmed=True)}
    return user
