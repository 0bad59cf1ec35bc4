"""drf-spectacular postprocessing: every error the API can give is in the schema, with its body.

The views document their own refusals (proposals.api.schema.errors); this hook adds, to every
operation, the answers that come from the framework around them rather than from the view:

- 400 — on every operation: a query parameter or cursor that cannot be used (``invalid_parameter``,
  ``invalid_cursor``), a NUL byte anywhere (``nul_byte``), and with a body: one that is not valid JSON
  (``parse_error``), nested too deep (``json_too_deep``) or over the size limit (``request_too_large``);
- 401 — no token, or a token that is invalid, expired or revoked, on every authenticated operation;
- 403 — a session (cookie) request whose login still needs its second factor or a password change
  (members.middleware), or that fails the CSRF check, on every authenticated operation;
- 404 — an id in the path that does not exist or is not visible;
- 415 — a body in another content type than the one declared (JSON; uploads multipart/form-data);
- 429 — the request rate limit (the login endpoint has its own, lower one), on every operation.

Every one of them has the one error body ``Error`` ({"detail", "code"}, plus "errors" on 400).

It also names the enums of query parameters: a filter's choices that equal a component enum
(``status`` → CaseStatusEnum) refer to it, and the others lose their Chinese ``title`` (generators
name a type after it: ``CasesList状态``), so generated clients get readable ASCII names.
"""

from __future__ import annotations

ERROR_REF = {"$ref": "#/components/schemas/Error"}

DESCRIPTIONS = {
    "400": "数据或参数不正确（errors 列出各字段的问题）；请求体不是有效的 JSON（code: parse_error）、嵌套过深"
    "（json_too_deep）或过大（request_too_large）；查询参数或翻页游标无效（invalid_parameter、invalid_cursor）；"
    "含空字符（nul_byte）",
    "401": "未登录或令牌无效、已过期、已撤销",
    "403": "无权执行（会话登录时：尚未完成双因素验证、须先修改密码或 CSRF 校验失败）",
    "404": "不存在，或无权查看",
    "409": "当前状态不允许",
    "415": "请求体类型不受支持（code: unsupported_media_type）：只接受所声明的类型",
    "429": "请求过于频繁（code: throttled）；Retry-After 头给出需等待的秒数",
}

RETRY_AFTER = {
    "Retry-After": {"schema": {"type": "integer"}, "description": "需等待的秒数"},
}


def _error_response(code: str) -> dict:
    response = {"description": DESCRIPTIONS[code], "content": {"application/json": {"schema": ERROR_REF}}}
    if code == "429":
        response["headers"] = RETRY_AFTER
    return response


def _authenticated(operation: dict) -> bool:
    security = operation.get("security")
    return bool(security) and {} not in security


def error_codes(path: str, method: str, operation: dict) -> list[str]:
    codes = ["400", "429"]  # core.middleware refuses a NUL byte or a bad parameter on any operation
    if "requestBody" in operation:
        codes += ["415"]
    if _authenticated(operation):
        codes += ["401", "403"]
    if "{" in path:
        codes.append("404")
    return codes


def _name_parameter_enums(result) -> None:
    components = result.get("components", {}).get("schemas", {})
    by_values = {frozenset(schema["enum"]): name for name, schema in components.items() if "enum" in schema}
    for methods in result.get("paths", {}).values():
        for operation in methods.values():
            for parameter in operation.get("parameters", []):
                schema = parameter.get("schema", {})
                holder, key = (schema, "items") if schema.get("type") == "array" else (parameter, "schema")
                target = holder.get(key, {})
                if "enum" not in target:
                    continue
                name = by_values.get(frozenset(target["enum"]))
                if name:
                    holder[key] = {"$ref": f"#/components/schemas/{name}"}
                else:
                    target.pop("title", None)


def document_framework_errors(result, generator, request, public):
    """POSTPROCESSING_HOOKS entry (see settings.SPECTACULAR_SETTINGS)."""
    _name_parameter_enums(result)
    for path, methods in result.get("paths", {}).items():
        for method, operation in methods.items():
            responses = operation.setdefault("responses", {})
            for code in error_codes(path, method, operation):
                if code not in responses:
                    responses[code] = _error_response(code)
            for code, response in responses.items():
                if code in DESCRIPTIONS and not response.get("description"):
                    response["description"] = DESCRIPTIONS[code]
                if code == "429":
                    response.setdefault("headers", RETRY_AFTER)
            operation["responses"] = dict(sorted(responses.items()))
    return result
