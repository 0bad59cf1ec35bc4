"""Request hygiene every app relies on (issue 20): no input reaches a view that could make it fail
with a server error, and no authenticated answer is kept by a cache.

- ``InputGuardMiddleware`` refuses, with a 400 in Chinese, a NUL byte anywhere in the path, the query
  string or a form/JSON body (PostgreSQL refuses NUL in text: it used to be a 500), and a JSON body
  nested deeper than ``JSON_MAX_DEPTH`` (checked on the bytes, before any parser recurses into it).
  A body over Django's size limits is answered by ``core.views.bad_request`` in the same shape.
- ``NoStoreMiddleware`` marks every answer to a signed-in user and every API answer
  ``Cache-Control: no-store`` (a shared or browser cache must not keep personal data).
"""

from __future__ import annotations

from urllib.parse import unquote_to_bytes

from django.core.exceptions import RequestDataTooBig, TooManyFieldsSent
from django.http.multipartparser import MultiPartParserError
from django.utils.cache import add_never_cache_headers

from .params import BadParameter
from .views import refuse_input, too_large_message

NUL_MESSAGE = "请求中含有不允许的空字符（NUL），已拒绝。"
JSON_MAX_DEPTH = 64
_OPENERS, _CLOSERS = frozenset(b"[{"), frozenset(b"]}")


def json_depth_exceeds(body: bytes, limit: int = JSON_MAX_DEPTH) -> bool:
    """Whether ``body`` nests arrays/objects deeper than ``limit`` (brackets inside strings don't count)."""
    if body.count(b"[") + body.count(b"{") <= limit:
        return False  # cannot be deeper: the common case costs two counts
    depth, in_string, escaped = 0, False, False
    quote, backslash = ord('"'), ord("\\")
    for byte in body:
        if in_string:
            if escaped:
                escaped = False
            elif byte == backslash:
                escaped = True
            elif byte == quote:
                in_string = False
        elif byte == quote:
            in_string = True
        elif byte in _OPENERS:
            depth += 1
            if depth > limit:
                return True
        elif byte in _CLOSERS:
            depth -= 1
    return False


def _has_nul(raw: str | bytes) -> bool:
    data = raw.encode("latin-1", "replace") if isinstance(raw, str) else raw
    return b"\x00" in data or b"\x00" in unquote_to_bytes(data)


class InputGuardMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        refusal = self._check(request)
        if refusal is not None:
            return refusal
        response = self.get_response(request)
        if getattr(request, "bad_parameter", False) and response.status_code == 200:
            response.status_code = 400  # a page shown with a message about a bad parameter
        return response

    def process_exception(self, request, exception):
        # A view (page or API) that met an unusable parameter: core.params.BadParameter → 400.
        if isinstance(exception, BadParameter):
            return refuse_input(request, exception.message, exception.code)
        return None

    def _check(self, request):
        if _has_nul(request.path_info) or _has_nul(request.META.get("QUERY_STRING", "")):
            return refuse_input(request, NUL_MESSAGE, "nul_byte")
        if request.method in ("GET", "HEAD", "OPTIONS"):
            return None
        content_type = request.META.get("CONTENT_TYPE", "").split(";")[0].strip().lower()
        try:
            if content_type.startswith("multipart/"):
                # Pages' form fields only (an uploaded file may well contain NUL bytes); the API parses
                # its own bodies, and answers a multipart body where it takes JSON with its 415.
                if request.method == "POST" and not request.path_info.startswith("/api/"):
                    if any("\x00" in v for _, values in request.POST.lists() for v in values):
                        return refuse_input(request, NUL_MESSAGE, "nul_byte")
                return None
            body = request.body
        except (RequestDataTooBig, TooManyFieldsSent) as error:
            return refuse_input(request, too_large_message(error), "request_too_large")
        except MultiPartParserError:
            return refuse_input(request, "表单数据格式不正确，无法解析。", "bad_multipart")
        if b"\x00" in body or (content_type != "application/json" and _has_nul(body)):
            return refuse_input(request, NUL_MESSAGE, "nul_byte")
        if content_type.endswith("json"):
            if b"\\u0000" in body.lower():
                return refuse_input(request, NUL_MESSAGE, "nul_byte")
            if json_depth_exceeds(body):
                return refuse_input(request, f"JSON 嵌套超过 {JSON_MAX_DEPTH} 层，已拒绝。", "json_too_deep")
        return None


class NoStoreMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        user = getattr(request, "user", None)
        if request.path_info.startswith("/api/") or (user is not None and user.is_authenticated):
            add_never_cache_headers(response)
        return response
