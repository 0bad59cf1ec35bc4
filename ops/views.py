"""The health probe of load balancers and monitoring."""

from django.db import connection
from django.http import HttpRequest, JsonResponse
from django.views.decorators.http import require_GET


@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        return JsonResponse({"status": "ok", "database": "reachable", "vendor": connection.vendor})
    except Exception:  # the probe must answer, whatever the database says
        return JsonResponse({"status": "error", "database": "unreachable"}, status=503)
