"""One error shape for the whole API: {"detail", "code"} plus "errors" for bad data.

Workflow refusals already carry it (WorkflowError.as_dict()); DRF's own exceptions (bad
credentials, throttling, 404 from a lookup, invalid bodies) are reshaped here to match.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import Http404
from rest_framework import exceptions, serializers
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from core.params import BadParameter
from proposals.errors import WorkflowError

NOT_FOUND_MESSAGE = "未找到该提案，或您无权查看。"
# When DRF or Django give an English message (no translation for it), the answer still speaks Chinese.
FALLBACK_MESSAGES = {
    400: "请求有误，请检查后重试。",
    401: "请先登录或提供有效的令牌。",
    403: "您无权执行此操作。",
    404: NOT_FOUND_MESSAGE,
    405: "不支持该请求方法。",
    406: "无法提供所请求的格式。",
    415: "不支持的请求体类型。",
    429: "请求过于频繁，请稍后再试。",
}


class ErrorSerializer(serializers.Serializer):
    """Every refusal of the API."""

    detail = serializers.CharField(help_text="中文说明")
    code = serializers.CharField(help_text="稳定的机器可读代码，如 wrong_state、actor_not_allowed、invalid_data")
    errors = serializers.DictField(
        child=serializers.ListField(child=serializers.CharField()),
        required=False,
        help_text="仅 400：字段 → 错误信息列表",
    )


def _flatten(detail) -> dict[str, list[str]]:
    if isinstance(detail, dict):
        out = {}
        for key, value in detail.items():
            if isinstance(value, dict):
                for sub, messages in _flatten(value).items():
                    out[f"{key}.{sub}"] = messages
            else:
                out[str(key)] = [str(m) for m in (value if isinstance(value, list) else [value])]
        return out
    items = detail if isinstance(detail, list) else [detail]
    return {"non_field_errors": [str(m) for m in items]}


def _chinese(text: str) -> bool:
    return any("\u4e00" <= ch <= "\u9fff" for ch in text)


def exception_handler(exc, context):
    if isinstance(exc, WorkflowError):
        return Response(exc.as_dict(), status=exc.http_status)
    if isinstance(exc, BadParameter):
        return Response({"detail": exc.message, "code": exc.code}, status=400)
    if isinstance(exc, (Http404, exceptions.NotFound)):
        # Django's own lookups say "No Case matches the given query." — never shown: Chinese only.
        message = str(getattr(exc, "detail", exc))
        return Response(
            {"detail": message if _chinese(message) else NOT_FOUND_MESSAGE, "code": "not_found"}, status=404
        )
    if isinstance(exc, PermissionDenied):
        exc = exceptions.PermissionDenied()
    response = drf_exception_handler(exc, context)
    if response is None:
        return None
    if isinstance(exc, exceptions.ValidationError):
        errors = _flatten(exc.detail)
        first_field, first_messages = next(iter(errors.items()), ("", ["数据不正确。"]))
        prefix = "" if first_field == "non_field_errors" else f"{first_field}："
        response.data = {"detail": f"{prefix}{first_messages[0]}", "code": "invalid_data", "errors": errors}
        return response
    if isinstance(exc, exceptions.UnsupportedMediaType):
        response.data = {"detail": unsupported_media_type_message(exc, context), "code": "unsupported_media_type"}
        return response
    if isinstance(exc, exceptions.ParseError):
        response.data = {"detail": "请求体不是有效的 JSON，无法解析。", "code": "parse_error"}
        return response
    detail = getattr(exc, "detail", None)
    codes = exc.get_codes() if isinstance(exc, exceptions.APIException) else "error"
    message = str(detail if detail is not None else exc)
    response.data = {
        "detail": message if _chinese(message) else FALLBACK_MESSAGES.get(response.status_code, "请求未能完成。"),
        "code": codes if isinstance(codes, str) else "error",
    }
    return response


def unsupported_media_type_message(exc, context) -> str:
    """415: name the type received and the one(s) this endpoint accepts (JSON; uploads multipart)."""
    view = context.get("view")
    accepted = [parser.media_type for parser in getattr(view, "parser_classes", [])] or ["application/json"]
    request = context.get("request")
    received = (getattr(request, "content_type", "") or "").split(";")[0].strip() or "（未注明）"
    return f"不支持的请求体类型“{received}”：此接口只接受 {'、'.join(accepted)}。"
