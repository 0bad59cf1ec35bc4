"""Request-wide context the audit trail reads: the client IP of the request being served."""

from core.http import client_ip_of

from . import trail


class AuditContextMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        with trail.client_ip(client_ip_of(request)):
            return self.get_response(request)
