"""Request-wide context the services read: the client IP for the audit trail."""

import ipaddress

from django.conf import settings
from django.http import Http404

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


def _networks(cidrs: list[str]) -> list[ipaddress.IPv4Network | ipaddress.IPv6Network]:
    return [ipaddress.ip_network(cidr, strict=False) for cidr in cidrs]


def ip_in_networks(ip: str | None, cidrs: list[str]) -> bool:
    if not ip:
        return False
    try:
        address = ipaddress.ip_address(ip)
    except ValueError:
        return False
    return any(address in network for network in _networks(cidrs))


class AdminNetworkMiddleware:
    """The admin site exists only for the configured networks: elsewhere it is a plain 404, so a
    scan from outside does not even learn that there is an admin login to guess passwords at."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.path_info.startswith("/admin/") and not ip_in_networks(
            client_ip_of(request), settings.ADMIN_ALLOWED_NETWORKS
        ):
            raise Http404("页面不存在")
        return self.get_response(request)
