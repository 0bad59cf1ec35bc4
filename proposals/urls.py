"""The case pages: workbenches, lists, drafting, the case page and its actions, files, public pages."""

from django.urls import path

from . import views

app_name = "proposals"

urlpatterns = [
    path("", views.home, name="home"),
    path("workbench/member/", views.member_workbench, name="member_workbench"),
    path("workbench/staff/", views.staff_workbench, name="staff_workbench"),
    path("workbench/reviewer/", views.reviewer_workbench, name="reviewer_workbench"),
    path("workbench/unit/", views.unit_workbench, name="unit_workbench"),
    path("workbench/leader/", views.leader_workbench, name="leader_workbench"),
    path("cases/", views.case_list, name="case_list"),
    path("cases/overdue/", views.overdue_board, name="overdue_board"),
    path("cases/<id:pk>/urge/<id:assignment_id>/", views.urge_assignment, name="urge_assignment"),
    path("cases/assign/", views.bulk_assign, name="bulk_assign"),
    path("cases/new/", views.draft_new, name="draft_new"),
    path("cases/<id:pk>/", views.case_detail, name="case_detail"),
    path("cases/<id:pk>/edit/", views.draft_edit, name="draft_edit"),
    path("cases/<id:pk>/act/<str:name>/", views.action_view, name="case_action"),
    path("cases/<id:pk>/reply-draft/<id:assignment_id>/", views.reply_draft_view, name="reply_draft"),
    path("cases/<id:pk>/hosts/", views.host_search, name="host_search"),
    path("cases/<id:pk>/files/", views.upload, name="upload"),
    path("files/<id:pk>/", views.download, name="download"),
    path("members/search/", views.member_search, name="member_search"),
    path("public/", views.public_list, name="public_list"),
    path("public/<id:pk>/", views.public_detail, name="public_detail"),
]
