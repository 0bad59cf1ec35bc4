"""Small helpers the page views share: role workbenches, paging without COUNT, redirects."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from django.urls import reverse

from members.models import Role

# The first role a user holds, in this order, decides the workbench `home` opens.
WORKBENCHES: list[tuple[str, str, str]] = [
    (Role.STAFF, "proposals:staff_workbench", "提案委工作台"),
    (Role.REVIEWER, "proposals:reviewer_workbench", "审查工作台"),
    (Role.UNIT, "proposals:unit_workbench", "承办单位工作台"),
    (Role.LEADER, "proposals:leader_workbench", "督办工作台"),
    (Role.MEMBER, "proposals:member_workbench", "委员工作台"),
]


def workbenches_of(user) -> list[tuple[str, str]]:
    roles = user.role_set() if user.is_authenticated else frozenset()
    return [(url_name, label) for role, url_name, label in WORKBENCHES if role in roles]


def role_required(role: str) -> Callable:
    """A page of one role's workbench; other roles are told so (403), not redirected in a loop."""

    def decorate(view):
        @wraps(view)
        @login_required
        def wrapped(request: HttpRequest, *args, **kwargs):
            if not request.user.has_role(role):
                raise PermissionDenied("此页面仅供相应角色使用。")
            return view(request, *args, **kwargs)

        return wrapped

    return decorate


def case_url(case_id: int) -> str:
    return reverse("proposals:case_detail", args=[case_id])


def is_htmx(request: HttpRequest) -> bool:
    return request.headers.get("HX-Request") == "true"
