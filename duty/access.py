"""Who may see which duty records — the one place, read by the pages and the API alike.

- staff (提案委/政协办公室) see and record everything;
- a member sees their own record in full (activities they were invited to, their points line by line, their
  self-report) and of the others only the public totals (name, 界别, 专委会, total, rank);
- everyone else (units, reviewers and leaders who are not members, the administrators) sees nothing here:
  403. Another member's record is a 404 to a member, so ids cannot be probed.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404

from members.models import Role, User
from proposals.access import is_staff

from .models import Activity, Participation

REFUSED = "委员履职记录仅供委员本人和政协机关工作人员查看。"


def is_member(user) -> bool:
    return user.is_authenticated and user.is_active and Role.MEMBER in user.role_set()


def can_manage(user) -> bool:
    """Record activities and attendance, run the assessment, read every member's record."""
    return user.is_authenticated and user.is_active and is_staff(user)


def can_use(user) -> bool:
    return can_manage(user) or is_member(user)


def require_use(user) -> None:
    if not can_use(user):
        raise PermissionDenied(REFUSED)


def require_manage(user) -> None:
    require_use(user)
    if not can_manage(user):
        raise PermissionDenied("仅政协机关工作人员可以登记履职活动和组织考核。")


def visible_activities(user) -> QuerySet[Activity]:
    require_use(user)
    if can_manage(user):
        return Activity.objects.all()
    return Activity.objects.filter(pk__in=Participation.objects.filter(user=user).values("activity_id"))


def get_activity_or_404(user, pk: int) -> Activity:
    activity = (
        visible_activities(user).select_related("committee", "sector", "group", "report_author").filter(pk=pk).first()
    )
    if activity is None:
        raise Http404("未找到该履职活动，或您无权查看。")
    return activity


def get_member_or_404(viewer, user_id: int) -> User:
    """Whose full record ``viewer`` may read: their own, or anyone's for staff."""
    require_use(viewer)
    if user_id != viewer.pk and not can_manage(viewer):
        raise Http404("未找到该委员的履职档案，或您无权查看。")
    user = User.objects.filter(pk=user_id, memberships__isnull=False).distinct().first()
    if user is None:
        raise Http404("未找到该委员的履职档案。")
    return user
