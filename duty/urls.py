"""duty's pages (namespace ``duty``)."""

from django.urls import path

from . import views

app_name = "duty"

urlpatterns = [
    path("duty/", views.home, name="home"),
    path("duty/activities/", views.activity_list, name="activity_list"),
    path("duty/activities/new/", views.activity_new, name="activity_new"),
    path("duty/activities/<id:pk>/", views.activity_detail, name="activity_detail"),
    path("duty/activities/<id:pk>/attendance/", views.activity_attendance, name="activity_attendance"),
    path("duty/activities/<id:pk>/invite/", views.activity_invite, name="activity_invite"),
    path("duty/activities/<id:pk>/opinions/", views.activity_opinion, name="activity_opinion"),
    path("duty/activities/<id:pk>/confirm/", views.activity_confirm, name="activity_confirm"),
    path("duty/dossier/<int:year>/<id:user_id>/", views.dossier, name="dossier"),
    path("duty/dossier/<int:year>/<id:user_id>/print/", views.dossier_print, name="dossier_print"),
    path("duty/totals/<int:year>/", views.totals, name="totals"),
    path("duty/self-report/<int:year>/", views.self_report, name="self_report"),
    path("duty/self-reports/<int:year>/", views.self_reports, name="self_reports"),
    path("duty/assessment/<int:year>/", views.assessment, name="assessment"),
    path("duty/assessment/<int:year>/notice/", views.notice_print, name="notice_print"),
]
