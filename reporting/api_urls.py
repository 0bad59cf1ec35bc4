"""reporting's part of /api/ (included into the `api` namespace through settings.API_URLCONFS)."""

from django.urls import path

from . import api

urlpatterns = [
    path("stats/summary/", api.StatsSummaryView.as_view(), name="stats-summary"),
]
