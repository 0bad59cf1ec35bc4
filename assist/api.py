"""GET /api/cases/{id}/similar/ — the similar cases of a case, mounted into /api/ through
settings.API_URLCONFS; same authentication, error shape and schema conventions as proposals.api."""

from __future__ import annotations

from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.exceptions import PermissionDenied
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


class UnitSuggestionSerializer(serializers.Serializer):
    """One suggested unit (a class, not an inline serializer: the lead and co lists share one component)."""

    unit_id = serializers.IntegerField()
    unit = serializers.CharField(help_text="单位名称")
    score = serializers.FloatField(help_text="推荐分（类似提案的相似度之和等，仅用于排序）")
    count = serializers.IntegerField(help_text="近年类似提案中由该单位主办（会办）的件数")
    reason = serializers.CharField(help_text="推荐理由，如“近3年类似提案 7 件由区住建局主办”")
    examples = serializers.ListField(child=serializers.CharField(), help_text="类似提案的案由（至多 3 件）")

    class Meta:
        ref_name = "UnitSuggestion"


SuggestedUnitsSerializer = inline_serializer(
    "SuggestedUnits",
    {
        "lead": UnitSuggestionSerializer(many=True, help_text="可能的主办单位（至多 3 个，按可能性排列）"),
        "co": UnitSuggestionSerializer(many=True, help_text="可能的会办单位"),
    },
)


@extend_schema(tags=["cases"], responses={200: SuggestedUnitsSerializer, **errors(403, 404)})
class SuggestedUnitsView(APIView):
    """建议承办单位：根据往年类似提案的交办情况推荐主办和会办单位（仅提案委工作人员；只供参考，不会自动选定）。"""

    def get(self, request, pk):
        case = access.get_case_or_404(request.user, pk)
        if not access.is_staff(request.user):
            raise PermissionDenied("只有提案委工作人员可以查看建议承办单位。")
        lead, co = selectors.suggested_units(request.user, case)

        def row(s):
            return {
                "unit_id": s.unit_id,
                "unit": s.unit,
                "score": s.score,
                "count": s.count,
                "reason": s.reason,
                "examples": s.examples,
            }

        return Response({"lead": [row(s) for s in lead], "co": [row(s) for s in co]})
