"""The URLs of chencang_cppcc.settings_plain: the plain view and the health check the bench waits for."""

from django.http import HttpRequest, HttpResponse
from django.urls import path


def plain(request: HttpRequest) -> HttpResponse:
    return HttpResponse("ok", content_type="text/plain")


urlpatterns = [path("bench/plain/", plain), path("healthz", plain)]
