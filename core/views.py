"""Site-wide views that belong to no app: the 500 handler."""

from django.http import HttpRequest, HttpResponseServerError
from django.template import loader

FALLBACK_500 = '<!DOCTYPE html><html lang="zh-Hans"><meta charset="utf-8"><title>系统错误</title><h1>系统暂时出错</h1><p>请稍后重试。</p></html>'


def server_error(request: HttpRequest) -> HttpResponseServerError:
    # No RequestContext: context processors touch the session, the user and the database, any of
    # which may be what just failed. The page reveals nothing about the error.
    try:
        body = loader.get_template("500.html").render()
    except Exception:  # a broken template must not turn a 500 into a crash of the handler
        body = FALLBACK_500
    return HttpResponseServerError(body)
