"""duty's part of /api/ (included into the ``api`` namespace through settings.API_URLCONFS)."""

from django.urls import path

from . import api

urlpatterns = [
    path("duty/activities/", api.ActivitiesView.as_view(), name="duty-activities"),
    path("duty/points/<int:year>/", api.TotalsView.as_view(), name="duty-totals"),
    path("duty/points/<int:year>/<id:user_id>/", api.PointsView.as_view(), name="duty-points"),
]
