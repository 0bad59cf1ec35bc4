"""django-axes' backend, tolerant of logins that are not HTTP requests.

Every web and API login passes the request (LoginView, proposals.api.tokens), so axes counts and
locks them. Code that calls ``authenticate()`` without a request (a Django shell, the test client's
``login()``, the demo seeder's checks) has nobody to lock out and is let through to ModelBackend.
"""

from axes.backends import AxesStandaloneBackend


class AxesBackend(AxesStandaloneBackend):
    def authenticate(self, request=None, username=None, password=None, **kwargs):
        if request is None:
            return None
        return super().authenticate(request, username=username, password=password, **kwargs)
