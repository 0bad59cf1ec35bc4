"""The health probe of load balancers and monitoring."""

from django.db import connection
from django.http import HttpRequest, JsonResponse
from django.views.decorators.http import require_GET


@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        body = {"status": "ok", "database": "reachable"}
        if request.user.is_authenticated:
            # Which database software runs is a hint for an attacker: signed-in users only.
            body["vendor"] = connection.vendor
        return JsonResponse(body)
    except Exception:  # the probe must answer, whatever the database says
        return JsonResponse({"status": "error", "database": "unreachable"}, status=503)
