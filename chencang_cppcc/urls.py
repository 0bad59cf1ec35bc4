from django.contrib import admin
from django.db import connection
from django.http import JsonResponse
from django.urls import include, path
from django.views.decorators.http import require_GET


@require_GET
def healthz(request):
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        return JsonResponse({"status": "ok", "database": "reachable", "vendor": connection.vendor})
    except Exception:  # the probe must answer, whatever the database says
        return JsonResponse({"status": "error", "database": "unreachable"}, status=503)


admin.site.site_header = "陈仓区政协提案管理系统 · 管理后台"
admin.site.site_title = "提案管理后台"
admin.site.index_title = "系统管理"

urlpatterns = [
    path("healthz", healthz, name="healthz"),
    path("admin/", admin.site.urls),
    path("api/", include("proposals.api.urls")),
    path("notifications/", include("proposals.urls_notifications")),
    path("", include("proposals.urls_documents")),
    path("", include("proposals.urls_dashboard")),
    path("", include("members.urls")),
    path("", include("proposals.urls")),
]

# Rendered without the request context, so it works when the session or database is what failed.
handler500 = "chencang_cppcc.views.server_error"
