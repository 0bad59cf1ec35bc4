"""The statistics endpoint of the API (GET /api/stats/summary/), served by reporting, mounted beside
the case API. Same authentication, errors and schema conventions as proposals.api."""

from __future__ import annotations

from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from core.params import id_param
from members.models import Term
from proposals import access
from proposals.api.schema import errors
from proposals.errors import forbidden, not_found

from . import stats


@extend_schema(
    tags=["stats"],
    parameters=[OpenApiParameter("term", int, description="届次编号，默认当前届")],
    responses={
        200: inline_serializer(
            "StatsSummary",
            {
                "term": serializers.DictField(),
                "proposals_filed": serializers.IntegerField(),
                "suggestions": serializers.IntegerField(),
                "key_proposals": serializers.IntegerField(),
                "members": serializers.IntegerField(),
                "special_committees": serializers.IntegerField(),
                "handling_units": serializers.IntegerField(),
                "replied": serializers.IntegerField(),
                "on_time_reply_rate": serializers.FloatField(allow_null=True),
                "satisfaction_rate": serializers.FloatField(allow_null=True),
                "filing_rate": serializers.FloatField(allow_null=True),
                "received": serializers.IntegerField(),
                "filed_of_received": serializers.IntegerField(),
                "under_review": serializers.IntegerField(),
                "face_to_face_rate": serializers.FloatField(allow_null=True),
                "contact_points": serializers.ListField(child=serializers.DictField()),
                "sector_table": serializers.DictField(child=serializers.ListField(child=serializers.DictField())),
                "committee_table": serializers.DictField(child=serializers.ListField(child=serializers.DictField())),
                "by_status": serializers.DictField(child=serializers.IntegerField()),
                "by_category": serializers.DictField(child=serializers.IntegerField()),
                "reply_classes": serializers.DictField(child=serializers.IntegerField()),
            },
        ),
        **errors(403, 404),
    },
)
class StatsSummaryView(APIView):
    """统计摘要（提案委、审查、督办领导）；口径见 DOMAIN.md “Counting”。"""

    def get(self, request):
        if not access.can_view_statistics(request.user):
            raise forbidden("actor_not_allowed", "只有提案委、审查和督办领导可以查看统计。")
        term_id = id_param(request.query_params, "term", "届次")
        term = Term.objects.filter(pk=term_id).first() if term_id else Term.current()
        if term is None:
            raise not_found("term_not_found", "未找到该届次。")
        return Response(stats.summary(term))
