"""assist's part of /api/ (included into the `api` namespace through settings.API_URLCONFS)."""

from django.urls import path

from . import api

urlpatterns = [
    path("cases/<int:pk>/similar/", api.SimilarCasesView.as_view(), name="case-similar"),
    path("cases/<int:pk>/suggested-units/", api.SuggestedUnitsView.as_view(), name="case-suggested-units"),
]
