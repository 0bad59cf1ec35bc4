"""HTTP helpers every app uses: the client's IP, the admin's network fence, and the one safe redirect."""

from __future__ import annotations

import ipaddress

from django.conf import settings
from django.http import Http404, HttpRequest
from django.utils.http import url_has_allowed_host_and_scheme


def client_ip_of(request) -> str | None:
    if settings.TRUST_X_FORWARDED_FOR:
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
        if forwarded:
            return forwarded.split(",")[0].strip()
    return request.META.get("REMOTE_ADDR") or None


def safe_next(request: HttpRequest, default: str, target: str | None = None) -> str:
    """``target`` (default: the ``next`` of the form or link) if it stays on this site, and on HTTPS when
    we are; else ``default``. The one check every redirect to a user-given address goes through."""
    if target is None:
        target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return default


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
