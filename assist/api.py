"""GET /api/cases/{id}/similar/ — the similar cases of a case, mounted into /api/ through
settings.API_URLCONFS; same authentication, error shape and schema conventions as proposals.api."""

from __future__ import annotations

from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from proposals import access
from proposals.api.schema import errors
from proposals.errors import invalid

from . import selectors

SimilarCaseSerializer = inline_serializer(
    "SimilarCase",
    {
        "id": serializers.IntegerField(),
        "number": serializers.CharField(help_text="编号，如“四届三次会议 第012号”；未编号为空"),
        "title": serializers.CharField(),
        "state": serializers.CharField(help_text="状态代码，如 submitted、filed、closed"),
        "state_label": serializers.CharField(),
        "session": serializers.CharField(allow_null=True),
        "score": serializers.FloatField(help_text="相似度（余弦，0–1）"),
        "why": serializers.ListField(child=serializers.CharField(), help_text="共同的词（同义词组标注“同义”）"),
        "units": serializers.ListField(child=serializers.CharField(), help_text="承办单位"),
        "reply": inline_serializer(
            "SimilarCaseReply",
            {
                "unit": serializers.CharField(),
                "reply_class": serializers.CharField(allow_blank=True),
                "letter": serializers.CharField(),
            },
            allow_null=True,
            help_text="已审核通过的答复（最近一件）",
        ),
    },
    many=True,
)


@extend_schema(
    tags=["cases"],
    parameters=[OpenApiParameter("limit", int, description=f"返回条数，1–{selectors.MAX_SIMILAR}，默认 5")],
    responses={200: SimilarCaseSerializer, **errors(400, 404)},
)
class SimilarCasesView(APIView):
    """与该提案内容相近的提案（按相似度排列，仅含您有权查看的提案）。"""

    def get(self, request, pk):
        case = access.get_case_or_404(request.user, pk)
        raw = request.query_params.get("limit", "5")
        if not raw.isdigit() or not 1 <= int(raw) <= selectors.MAX_SIMILAR:
            message = f"limit 应为 1 到 {selectors.MAX_SIMILAR} 之间的整数。"
            raise invalid("invalid_data", message, {"limit": [message]})
        out = []
        for item in selectors.similar_cases(request.user, case, int(raw)):
            c = item.case
            out.append(
                {
                    "id": c.pk,
                    "number": c.display_number,
                    "title": c.title,
                    "state": c.status,
                    "state_label": c.status_label,
                    "session": c.session.name if c.session else None,
                    "score": item.score,
                    "why": item.why,
                    "units": item.units,
                    "reply": {
                        "unit": item.reply.assignment.unit.name,
                        "reply_class": item.reply.reply_class or "",
                        "letter": item.reply.letter,
                    }
                    if item.reply
                    else None,
                }
            )
        return Response(out)
