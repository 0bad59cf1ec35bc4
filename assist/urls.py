"""assist's pages (namespace `assist`)."""

from django.urls import path

from . import views

app_name = "assist"

urlpatterns = [
    path("assist/cases/<int:pk>/similar/", views.case_similar, name="case_similar"),
    path("assist/similar/draft/", views.draft_similar, name="draft_similar"),
    path("assist/merge/", views.merge_suggestions, name="merge_suggestions"),
    path("assist/synonyms/", views.synonyms, name="synonyms"),
    path("assist/synonyms/<int:pk>/edit/", views.synonym_edit, name="synonym_edit"),
    path("assist/synonyms/<int:pk>/delete/", views.synonym_delete, name="synonym_delete"),
    path("assist/cases/<int:pk>/units/", views.case_units, name="case_units"),
    path("assist/cases/<int:pk>/precheck/", views.case_precheck, name="case_precheck"),
    path("assist/precheck/draft/", views.draft_precheck, name="draft_precheck"),
]
