"""The site's URLs plus the bench's bare view (chencang_cppcc.settings_bench only)."""

from django.http import HttpRequest, HttpResponse
from django.urls import path

from .urls import handler500  # noqa: F401
from .urls import urlpatterns as site_urlpatterns


def bare(request: HttpRequest) -> HttpResponse:
    return HttpResponse("ok", content_type="text/plain")


urlpatterns = [path("bench/bare/", bare, name="bench_bare"), *site_urlpatterns]
