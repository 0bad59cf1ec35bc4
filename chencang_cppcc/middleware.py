"""Request-wide context the services read: the client IP for the audit trail."""

from django.conf import settings

from proposals import audit


def client_ip_of(request) -> str | None:
    if settings.TRUST_X_FORWARDED_FOR:
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
        if forwarded:
            return forwarded.split(",")[0].strip()
    return request.META.get("REMOTE_ADDR") or None


class AuditContextMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        with audit.client_ip(client_ip_of(request)):
            return self.get_response(request)
