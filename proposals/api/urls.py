"""Routes of /api/. One route per workflow action, generated from workflow.ACTIONS, so the schema
documents each action's body."""

from django.conf import settings
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
from rest_framework.permissions import AllowAny

from proposals.workflow import ACTIONS, SYSTEM

from . import tokens, views

app_name = "api"


def _action_routes():
    for action in ACTIONS.values():
        if action.actors == {SYSTEM}:
            continue  # scheduled commands only (deem_signed)
        yield path(
            f"cases/<id:pk>/actions/{action.name}/",
            views.action_view(action).as_view(),
            name=f"case-action-{action.name}",
        )


urlpatterns = [
    path("auth/token/", tokens.TokenView.as_view(), name="token"),
    path("auth/logout/", tokens.LogoutView.as_view(), name="logout"),
    path("cases/", views.CaseListView.as_view(), name="cases"),
    path("cases/<id:pk>/", views.CaseDetailView.as_view(), name="case"),
    path("cases/<id:pk>/actions/", views.AvailableActionsView.as_view(), name="case-actions"),
    *_action_routes(),
    path("cases/<id:pk>/actions/<str:action>/", views.UnknownActionView.as_view(), name="case-action-unknown"),
    path("cases/<id:pk>/events/", views.EventsView.as_view(), name="case-events"),
    path("cases/<id:pk>/assignments/", views.AssignmentsView.as_view(), name="case-assignments"),
    path("cases/<id:pk>/replies/", views.RepliesView.as_view(), name="case-replies"),
    path("cases/<id:pk>/ratings/", views.RatingsView.as_view(), name="case-ratings"),
    path("cases/<id:pk>/contacts/", views.ContactsView.as_view(), name="case-contacts"),
    path("cases/<id:pk>/attachments/", views.AttachmentsView.as_view(), name="case-attachments"),
    path(
        "cases/<id:pk>/attachments/<id:attachment_id>/download/",
        views.AttachmentDownloadView.as_view(),
        name="case-attachment-download",
    ),
    path("members/", views.MembersView.as_view(), name="members"),
    path("units/", views.UnitsView.as_view(), name="units"),
    path("committees/", views.CommitteesView.as_view(), name="committees"),
    path("sectors/", views.SectorsView.as_view(), name="sectors"),
    path("sessions/", views.SessionsView.as_view(), name="sessions"),
    # Higher apps add their endpoints to /api/ by naming a urlconf in settings.API_URLCONFS (by dotted
    # string: proposals never imports them); they share the `api` namespace, auth and error shape.
    *[path("", include(urlconf)) for urlconf in settings.API_URLCONFS],
    path("schema/", SpectacularAPIView.as_view(permission_classes=[AllowAny]), name="schema"),
    # The split view serves Swagger UI's init script as docs/?script= so the CSP needs no inline script.
    path(
        "docs/",
        SpectacularSwaggerSplitView.as_view(
            url_name="api:schema", permission_classes=[AllowAny], template_name="api/swagger_ui.html"
        ),
        name="docs",
    ),
]
