"""The site's URLs: each app mounts its own (namespaced) urls; the project itself defines no view."""

from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("", include("ops.urls")),
    path("admin/", admin.site.urls),
    path("api/", include("proposals.api.urls")),
    path("notifications/", include("notifications.urls")),
    path("jobs/", include("jobs.urls")),
    path("", include("reporting.urls")),
    path("", include("imports.urls")),
    path("", include("audit.urls")),
    path("", include("assist.urls")),
    path("", include("duty.urls")),
    path("", include("members.urls")),
    path("", include("proposals.urls")),
]

# Rendered without the request context, so it works when the session or database is what failed.
handler500 = "core.views.server_error"
# Under /api/ these answer in the API's {"detail", "code"} shape, in Chinese (core.views).
handler400 = "core.views.bad_request"
handler404 = "core.views.page_not_found"
