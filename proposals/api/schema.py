"""Schema helpers: the error responses every endpoint documents, and the request bodies of the
workflow actions, built from the table's FieldSpecs (the same specs the service validates with)."""

from __future__ import annotations

from drf_spectacular.utils import OpenApiResponse, inline_serializer
from rest_framework import serializers

from proposals.workflow import ActionDef, FieldSpec

from .errors import ErrorSerializer

ERRORS = {
    400: OpenApiResponse(ErrorSerializer, description="数据不正确（errors 列出各字段的问题）"),
    401: OpenApiResponse(ErrorSerializer, description="未登录或令牌无效、已过期、已撤销"),
    403: OpenApiResponse(ErrorSerializer, description="无权执行"),
    404: OpenApiResponse(ErrorSerializer, description="不存在，或无权查看"),
    409: OpenApiResponse(ErrorSerializer, description="当前状态不允许"),
}


def errors(*codes: int) -> dict:
    return {code: ERRORS[code] for code in (401, *codes)}


UnitRoleSerializer = inline_serializer(
    "AssignUnit",
    {
        "unit": serializers.IntegerField(min_value=1),
        "role": serializers.ChoiceField(choices=[("lead", "主办"), ("co", "会办"), ("separate", "分办")]),
    },
)


def drf_field(spec: FieldSpec) -> serializers.Field:
    common = {"label": spec.label, "required": spec.required, "help_text": spec.help or None}
    if spec.type in ("text", "string"):
        return serializers.CharField(max_length=spec.max_length, allow_blank=not spec.required, **common)
    if spec.type == "choice":
        return serializers.ChoiceField(choices=list(spec.choices), allow_blank=not spec.required, **common)
    if spec.type == "date":
        return serializers.DateField(**common)
    if spec.type == "bool":
        return serializers.BooleanField(**common)
    if spec.type == "id":
        return serializers.IntegerField(min_value=1, **common)
    if spec.type == "ids":
        return serializers.ListField(child=serializers.IntegerField(min_value=1), **common)
    if spec.type == "units":
        return serializers.ListField(child=UnitRoleSerializer, **common)
    raise ValueError(spec.type)


def action_body_serializer(action: ActionDef) -> type[serializers.Serializer]:
    attrs: dict = {spec.name: drf_field(spec) for spec in action.fields}
    if action.on_assignment:
        attrs["assignment"] = serializers.IntegerField(
            min_value=1, help_text="所操作的交办记录编号（承办单位一级的操作必填）"
        )
    camel = "".join(part.title() for part in action.name.split("_"))
    return type(f"{camel}ActionSerializer", (serializers.Serializer,), attrs)
