"""duty's part of /api/ (mounted through settings.API_URLCONFS into the ``api`` namespace): activities and
points, with the scoping of ``duty.access`` — the same as the pages'."""

from __future__ import annotations

from django.http import Http404
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from proposals.api.schema import errors

from . import access, selectors
from .forms import filter_activities
from .models import Participation

MAX_ACTIVITIES = 500

ActivitySerializer = inline_serializer(
    "DutyActivity",
    {
        "id": serializers.IntegerField(),
        "kind": serializers.CharField(),
        "kind_label": serializers.CharField(),
        "title": serializers.CharField(),
        "date": serializers.DateField(),
        "organiser": serializers.CharField(),
        "my_status": serializers.CharField(allow_null=True, help_text="委员本人的出席情况；工作人员为空"),
    },
    many=True,
)

TotalSerializer = inline_serializer(
    "DutyTotal",
    {
        "user": serializers.IntegerField(),
        "name": serializers.CharField(),
        "sector": serializers.CharField(),
        "committee": serializers.CharField(),
        "total": serializers.DecimalField(max_digits=7, decimal_places=1),
        "rank": serializers.IntegerField(),
    },
    many=True,
)

PointsSerializer = inline_serializer(
    "DutyPoints",
    {
        "year": serializers.IntegerField(),
        "user": serializers.IntegerField(),
        "total": serializers.DecimalField(max_digits=7, decimal_places=1),
        "ranks": serializers.ListField(child=serializers.DictField()),
        "rules": serializers.ListField(child=serializers.DictField(), help_text="每项计分规则及其记录（含链接）"),
    },
)


def _year(year: int) -> None:
    if not 2000 <= year <= 2100 or selectors.term_for_year(year) is None:
        raise Http404("该年度没有届次记录。")


@extend_schema(
    tags=["duty"],
    parameters=[OpenApiParameter("year", int), OpenApiParameter("kind", str)],
    responses={200: ActivitySerializer, **errors(403)},
)
class ActivitiesView(APIView):
    """履职活动：工作人员看全部；委员只看邀请了本人的活动（含本人出席情况）；承办单位无权查看。"""

    def get(self, request):
        activities = access.visible_activities(request.user).select_related("committee", "sector", "group")
        _, activities = filter_activities(request.query_params, activities)
        rows = list(activities.order_by("-date", "-id")[:MAX_ACTIVITIES])
        mine = {}
        if not access.can_manage(request.user):
            mine = dict(
                Participation.objects.filter(user=request.user, activity__in=[a.pk for a in rows]).values_list(
                    "activity_id", "status"
                )
            )
        return Response(
            [
                {
                    "id": a.pk,
                    "kind": a.kind,
                    "kind_label": a.get_kind_display(),
                    "title": a.title,
                    "date": a.date,
                    "organiser": a.organiser_label,
                    "my_status": mine.get(a.pk),
                }
                for a in rows
            ]
        )


@extend_schema(tags=["duty"], responses={200: TotalSerializer, **errors(403, 404)})
class TotalsView(APIView):
    """全体委员某年度的履职得分与名次（公开部分：不含明细）。"""

    def get(self, request, year: int):
        access.require_use(request.user)
        _year(year)
        return Response(
            [
                {
                    "user": r.user_id,
                    "name": r.name,
                    "sector": r.sector,
                    "committee": r.committee,
                    "total": r.total,
                    "rank": r.rank,
                }
                for r in selectors.public_totals(year)
            ]
        )


@extend_schema(tags=["duty"], responses={200: PointsSerializer, **errors(403, 404)})
class PointsView(APIView):
    """一名委员某年度的履职得分明细：本人或工作人员可见，每条记录带链接。"""

    def get(self, request, year: int, user_id: int):
        user = access.get_member_or_404(request.user, user_id)
        _year(year)
        d = selectors.dossier(user, year)
        return Response(
            {
                "year": year,
                "user": user.pk,
                "total": d.total,
                "ranks": [{"within": r.within, "rank": r.rank, "of": r.of} for r in d.ranks],
                "rules": [
                    {
                        "kind": row.kind,
                        "label": row.label,
                        "per": row.per,
                        "cap": row.cap,
                        "rule_year": row.rule_year,
                        "subtotal": row.subtotal,
                        "records": [
                            {
                                "date": line.record.date,
                                "record": line.record.label,
                                "url": line.record.url,
                                "points": line.points,
                                "capped": line.capped,
                            }
                            for line in row.lines
                        ],
                    }
                    for row in d.rows
                ],
            }
        )
