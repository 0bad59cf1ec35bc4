"""Site-wide views that belong to no app: the 400, 404 and 500 handlers, in the API's JSON shape
({"detail", "code"}) under /api/ and as the site's pages elsewhere."""

from django.conf import settings
from django.core.exceptions import RequestDataTooBig, TooManyFieldsSent
from django.http import HttpRequest, HttpResponse, HttpResponseServerError, JsonResponse
from django.template import loader
from django.views import defaults

FALLBACK_500 = '<!DOCTYPE html><html lang="zh-Hans"><meta charset="utf-8"><title>系统错误</title><h1>系统暂时出错</h1><p>请稍后重试。</p></html>'


def _is_api(request: HttpRequest) -> bool:
    return request.path_info.startswith("/api/")


def refuse_input(request: HttpRequest, message: str, code: str, status: int = 400) -> HttpResponse:
    """A refusal of the request's input: {"detail", "code"} for the API, the 400 page with the message
    elsewhere."""
    if _is_api(request):
        return JsonResponse({"detail": message, "code": code}, status=status)
    try:
        body = loader.get_template("400.html").render({"message": message})
    except Exception:  # the error page must answer whatever failed
        body = (
            f'<!DOCTYPE html><html lang="zh-Hans"><meta charset="utf-8"><title>请求有误</title><p>{message}</p></html>'
        )
    return HttpResponse(body, status=status)


def too_large_message(error: Exception) -> str:
    if isinstance(error, TooManyFieldsSent):
        return f"表单字段过多（上限 {settings.DATA_UPLOAD_MAX_NUMBER_FIELDS} 个），已拒绝。"
    limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE // (1024 * 1024) or 1
    return f"请求体过大（上传文件以外的数据上限约 {limit} MB），已拒绝。"


def bad_request(request: HttpRequest, exception=None) -> HttpResponse:
    if isinstance(exception, (RequestDataTooBig, TooManyFieldsSent)):
        return refuse_input(request, too_large_message(exception), "request_too_large")
    return refuse_input(request, "系统无法处理该请求，请检查后重试。", "bad_request")


def page_not_found(request: HttpRequest, exception=None) -> HttpResponse:
    if _is_api(request):
        return JsonResponse({"detail": "接口或资源不存在。", "code": "not_found"}, status=404)
    return defaults.page_not_found(request, exception)


def server_error(request: HttpRequest) -> HttpResponseServerError:
    # No RequestContext: context processors touch the session, the user and the database, any of
    # which may be what just failed. The page reveals nothing about the error.
    try:
        body = loader.get_template("500.html").render()
    except Exception:  # a broken template must not turn a 500 into a crash of the handler
        body = FALLBACK_500
    return HttpResponseServerError(body)
