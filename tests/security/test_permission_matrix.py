"""The permission matrix: every route × every method it serves × every role → the expected outcome.

The test walks the URL resolver (pages, API, admin) and FAILS when a route is not classified in
``MATRIX`` below: a new route must say who may use it. Outcomes:

- ``OK``: not refused by permission (any status but 401/403/404/405 and 5xx, and no redirect to a
  login page); a write sent with an empty or invalid body may well answer 400 or 409;
- ``LOGIN``: a redirect to the login page (anonymous visitors of pages);
- ``ADMIN_LOGIN``: a redirect to the admin's login (everyone the admin site does not admit);
- ``MSG``: a redirect back with an error message (pages that refuse through a message);
- 401 (anonymous API), 403 (the role may not), 404 (an object the user may not see).

The fixture world (tests/security/world.py) has one case in handling: the member is its
initiator, ``unit`` the lead unit (its reply sent), ``leader`` supervises it as a key proposal;
``other_member`` and ``other_unit`` have nothing to do with it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import pytest
from django.contrib import messages as django_messages
from django.db import transaction
from django.test import Client

from proposals.workflow import ACTIONS, SYSTEM
from tests.auth_helpers import login
from tests.security.world import ADMIN_GROUPS, ROLES, build, walk

OK, LOGIN, ADMIN_LOGIN, MSG = "ok", "login", "admin_login", "msg"
EVERYONE = frozenset(ROLES)
SIGNED_IN = EVERYONE - {"anonymous"}
SEES_CASE = frozenset({"member", "staff", "reviewer", "unit", "leader"})  # the world's case in handling
STATS = frozenset({"staff", "reviewer", "leader"})


def page(ok=SIGNED_IN, refused=403) -> dict:
    """A page: anonymous visitors are sent to log in; roles outside ``ok`` get ``refused``."""
    return {r: LOGIN if r == "anonymous" else OK if r in ok else refused for r in ROLES}


def api(ok=SIGNED_IN, refused=403) -> dict:
    return {r: 401 if r == "anonymous" else OK if r in ok else refused for r in ROLES}


def case_page(ok=SEES_CASE, *, seen_but_refused=403) -> dict:
    """An object page of the world's case: who cannot see the case gets 404, never 403."""
    return {
        r: LOGIN if r == "anonymous" else OK if r in ok else seen_but_refused if r in SEES_CASE else 404 for r in ROLES
    }


def case_api(ok=SEES_CASE) -> dict:
    return {r: 401 if r == "anonymous" else OK if r in ok else 403 if r in SEES_CASE else 404 for r in ROLES}


# 委员履职 (issue 24): members and staff use it, everyone else is refused (403); another member's record
# (an activity the outsider was not invited to, the member's dossier) is a 404 to the outsider.
DUTY = frozenset({"member", "other_member", "staff"})
DUTY_MEMBER = {"year": "2025", "user_id": "member_user"}


def duty_page(ok=DUTY, *, hidden=frozenset({"other_member"}), refused=403) -> dict:
    return {r: LOGIN if r == "anonymous" else OK if r in ok else 404 if r in hidden else refused for r in ROLES}


def duty_api(ok=DUTY, *, hidden=frozenset()) -> dict:
    return {r: 401 if r == "anonymous" else OK if r in ok else 404 if r in hidden else 403 for r in ROLES}


def public() -> dict:
    return {r: OK for r in ROLES}


@dataclass(frozen=True)
class Probe:
    method: str
    expect: dict
    kwargs: dict = field(default_factory=dict)  # values: a key of SecurityWorld.ids, or a literal
    query: str = ""
    body: dict | None = None  # values may name a key of SecurityWorld.ids as "@key"; None: upload a PDF
    path: str = ""  # for regex routes, the literal path
    label: str = ""


def GET(expect, **kw) -> Probe:
    return Probe("GET", expect, **kw)


def POST(expect, **kw) -> Probe:
    return Probe("POST", expect, **{"body": {}} | kw)


CASE = {"pk": "case"}
DRAFT_BODY = {
    "kind": "proposal",
    "title": "关于城镇生活污水处理的提案",
    "facts": "管网老化。",
    "suggestions": "分期改造。",
}

# Who may take each action on the world's case (handling; lead unit replied, co unit signed; a key
# proposal): the actor check passes, so the answer is not 403/404 (a wrong state is a 409).
ACTION_ACTORS: dict[str, frozenset[str]] = {
    "cosign": frozenset({"staff"}),
    "decline_cosign": frozenset({"staff"}),
    "submit": frozenset({"member"}),
    "withdraw": frozenset({"member"}),
    "recommend": frozenset({"staff"}),
    "edit_for_review": frozenset({"staff", "reviewer"}),
    "return_for_revision": frozenset({"staff", "reviewer"}),
    "file": frozenset({"reviewer"}),
    "convert_to_suggestion": frozenset({"reviewer"}),
    "reject": frozenset({"reviewer"}),
    "merge": frozenset({"reviewer"}),
    "assign": frozenset({"staff"}),
    "reassign": frozenset({"staff"}),
    "sign": frozenset({"unit"}),
    "request_return": frozenset({"unit"}),
    "approve_return": frozenset({"staff"}),
    "refuse_return": frozenset({"staff"}),
    "log_contact": frozenset({"unit"}),
    "send_views": frozenset(),  # co-handlers only; the lead unit's contact is refused on the lead assignment
    "request_extension": frozenset({"unit"}),
    "approve_extension": frozenset({"staff"}),
    "refuse_extension": frozenset({"staff"}),
    "reply": frozenset({"unit"}),
    "return_reply": frozenset({"staff"}),
    "accept_reply": frozenset({"staff"}),
    "rate": frozenset({"member", "staff"}),
    "rehandle": frozenset({"staff"}),
    "close": frozenset({"staff"}),
    "follow_up": frozenset({"staff", "unit"}),
    "recommend_key": frozenset({"staff"}),
    "designate_key": frozenset({"reviewer"}),
    "log_supervision": frozenset({"staff", "leader"}),
    "set_public": frozenset({"member", "staff"}),
    "publish": frozenset({"staff"}),
}
# The web action page for a few representative actions (GET shows the form or the refusal).
WEB_ACTIONS = ("withdraw", "log_contact", "accept_reply", "log_supervision", "file")

# 三员分立 in the admin (issue 7): the system administrator keeps accounts, units and reference
# data; the security administrator roles, lockouts and 2FA devices; the auditor only reads the
# audit trail and the login log. Workflow data is read-only for everyone (superusers only).
V, VD = frozenset({"view"}), frozenset({"view", "delete"})
MANAGE = frozenset({"view", "add", "change", "delete"})
SYS_DATA = {"sysadmin": MANAGE}
NOBODY: dict = {}
ADMIN_RIGHTS: dict[str, dict[str, frozenset[str]]] = {
    "auth.group": {"secadmin": MANAGE},
    "knox.authtoken": NOBODY,
    "members.user": {"sysadmin": frozenset({"view", "add", "change"}), "secadmin": frozenset({"view", "change"})},
    **{
        f"members.{m}": SYS_DATA
        for m in (
            "term",
            "session",
            "membership",
            "unit",
            "sector",
            "specialcommittee",
            "membergroup",
            "partybranch",
            "organisation",
            "collectivesigner",
        )
    },
    "proposals.calendarday": SYS_DATA,
    "assist.synonymgroup": SYS_DATA,  # the similar-case synonym list: reference data
    "duty.pointrule": SYS_DATA,  # the duty point rules, versioned by year (issue 24)
    "duty.assessmentpolicy": SYS_DATA,
    # The documents' settings (one row, never deleted) and uploaded templates (versions kept, never deleted).
    "reporting.documentsettings": {"sysadmin": frozenset({"view", "add", "change"})},
    "reporting.documenttemplate": {"sysadmin": frozenset({"view", "add", "change"})},
    # Referenced by cases, so never deleted (deactivated instead).
    **{
        f"proposals.{m}": {"sysadmin": frozenset({"view", "add", "change"})}
        for m in ("category", "rejectionground", "workflowsetting")
    },
    **{
        f"proposals.{m}": NOBODY
        for m in (
            "case",
            "assignment",
            "reply",
            "rating",
            "contactrecord",
            "cohandlerview",
            "extension",
            "followup",
            "keyproposal",
            "supervisionactivity",
            "attachment",
        )
    },
    "notifications.outboxmessage": NOBODY,
    # Background jobs and their queue rows: superusers only (the owners see theirs on 我的导出).
    "jobs.job": NOBODY,
    "django_tasks_database.dbtaskresult": NOBODY,
    "audit.auditevent": {"auditor": V},
    "otp_totp.totpdevice": {"secadmin": VD},
    "axes.accessattempt": {"secadmin": VD, "auditor": V},
    "axes.accesslog": {"secadmin": V, "auditor": V},
    "axes.accessfailurelog": {"secadmin": V, "auditor": V},
}


def admin_site(ok=frozenset(ADMIN_GROUPS), refused=403) -> dict:
    """The admin site: only the three administrators get in; inside, ``ok`` may, the others are refused."""
    return {r: (OK if r in ok else refused) if r in ADMIN_GROUPS else ADMIN_LOGIN for r in ROLES}


def _may(model: str, op: str) -> frozenset[str]:
    rights = ADMIN_RIGHTS[model]
    ops = {"view": {"view", "change"}}.get(op, {op})
    return frozenset(role for role, granted in rights.items() if granted & ops)


def _admin_rows() -> dict[str, list[Probe]]:
    rows: dict[str, list[Probe]] = {}
    one = {"object_id": "1"}
    for model in ADMIN_RIGHTS:
        app, name = model.split(".")
        prefix = f"admin:{app}_{name}"
        rows[f"{prefix}_changelist"] = [GET(admin_site(_may(model, "view"))), POST(admin_site(_may(model, "view")))]
        rows[f"{prefix}_add"] = [GET(admin_site(_may(model, "add"))), POST(admin_site(_may(model, "add")))]
        # The history of an object that does not exist redirects before any permission check.
        rows[f"{prefix}_history"] = [GET(admin_site(), kwargs={"object_id": "999999"})]
        rows[f"{prefix}_change"] = [
            GET(admin_site(_may(model, "view")), kwargs=one),
            POST(admin_site(_may(model, "change")), kwargs=one),
        ]
        rows[f"{prefix}_delete"] = [
            GET(admin_site(_may(model, "delete")), kwargs=one),
            POST(admin_site(_may(model, "delete")), kwargs=one),
        ]
        rows[f"admin/{app}/{name}/<path:object_id>/"] = [GET(admin_site(), kwargs=one)]  # redirects to change
    # Group 1 is a role group: roles are matched by name, so nobody deletes one (issue 20; other groups
    # stay the secadmin's, tests/security/test_admin_roles.py).
    rows["admin:auth_group_delete"] = [GET(admin_site(ok=()), kwargs=one), POST(admin_site(ok=()), kwargs=one)]
    return rows


MATRIX: dict[str, list[Probe]] = {
    "ops:healthz": [GET(public())],
    # --- Admin site -------------------------------------------------------------------------------
    "admin:index": [GET(admin_site())],
    # A TOTP secret is never shown again, not even to the security administrator (OTP_ADMIN_HIDE_SENSITIVE_DATA).
    "admin:otp_totp_totpdevice_config": [GET(admin_site(ok=()), kwargs={"pk": "1"})],
    "admin:otp_totp_totpdevice_qrcode": [GET(admin_site(ok=()), kwargs={"pk": "1"})],
    "admin:login": [GET(public()), POST(public())],
    # A signed-in non-administrator logging out of the admin is sent to the admin index: harmless.
    "admin:logout": [POST(public())],
    "admin:password_change": [GET(admin_site()), POST(admin_site(), body={})],
    "admin:password_change_done": [GET(admin_site())],
    "admin:autocomplete": [GET(admin_site(ok=()))],  # without its query parameters: refused
    # The template in use, to edit it in Word; an uploaded version's file (none in the world: 404).
    "admin:reporting_documenttemplate_current": [GET(admin_site(ok={"sysadmin"}), kwargs={"kind": "filing_notice"})],
    "admin:reporting_documenttemplate_file": [GET({**admin_site(ok=()), "sysadmin": 404}, kwargs={"pk": "1"})],
    # Importing the State Council's holiday notice replaces a year's calendar: the sysadmin only.
    "admin:proposals_calendarday_import_notice": [GET(admin_site(ok={"sysadmin"}))],
    "admin:jsi18n": [GET(admin_site())],
    "admin:view_on_site": [GET(admin_site(ok=(), refused=404), kwargs={"content_type_id": "1", "object_id": "1"})],
    # Passwords are the system administrator's; the security administrator only sets roles.
    "admin:auth_user_password_change": [
        GET(admin_site({"sysadmin"}), kwargs={"id": "member_user"}),
        POST(admin_site({"sysadmin"}), kwargs={"id": "member_user"}),
    ],
    "admin:app_list": [
        GET(admin_site({"sysadmin"}, refused=404), path="/admin/proposals/"),
        GET(admin_site({"auditor"}, refused=404), path="/admin/audit/"),
    ],
    "admin/(?P<url>.*)$": [GET(admin_site(ok=()) | {r: 404 for r in ADMIN_GROUPS}, path="/admin/no-such-page/")],
    **_admin_rows(),
    # --- API --------------------------------------------------------------------------------------
    "api:token": [POST(public(), body={})],  # answers 400 (no credentials) to everyone
    "api:logout": [POST(api())],
    "api:cases": [GET(api()), POST(api(ok={"member", "other_member", "staff"}), body={})],
    "api:case": [GET(case_api(), kwargs=CASE), Probe("PATCH", case_api(ok={"member"}), kwargs=CASE, body={})],
    "api:case-actions": [GET(case_api(), kwargs=CASE)],
    **{
        f"api:case-action-{name}": [
            POST(
                case_api(ok=ACTION_ACTORS[name]),
                kwargs=CASE,
                body={"assignment": "@lead"} if ACTIONS[name].on_assignment else {},
            )
        ]
        for name in ACTIONS
        if ACTIONS[name].actors != {SYSTEM}
    },
    "api:case-action-unknown": [
        POST(case_api(ok=()) | {r: 404 for r in SEES_CASE}, kwargs={**CASE, "action": "no_such_action"}, body={})
    ],
    "api:case-events": [GET(case_api(), kwargs=CASE)],
    "api:case-assignments": [GET(case_api(), kwargs=CASE)],
    "api:case-replies": [GET(case_api(), kwargs=CASE)],
    "api:case-ratings": [GET(case_api(), kwargs=CASE)],
    "api:case-contacts": [GET(case_api(), kwargs=CASE)],
    # Uploading: staff any file; the initiator only before submission; a unit only its reply letter.
    "api:case-attachments": [
        GET(case_api(), kwargs=CASE),
        POST(case_api(ok={"staff", "leader"}), kwargs=CASE, body=None),
    ],
    "api:case-attachment-download": [GET(case_api(), kwargs={**CASE, "attachment_id": "attachment"})],
    "api:members": [GET(api())],
    "api:units": [GET(api())],
    "api:committees": [GET(api())],
    "api:sectors": [GET(api())],
    "api:sessions": [GET(api())],
    "api:stats-summary": [GET(api(ok=STATS))],
    "api:case-similar": [GET(case_api(), kwargs=CASE)],
    "api:case-suggested-units": [GET(case_api(ok={"staff"}), kwargs=CASE)],  # issue 22: staff only
    "api:duty-activities": [GET(duty_api())],
    "api:duty-totals": [GET(duty_api(), kwargs={"year": "2025"})],
    "api:duty-points": [GET(duty_api(ok={"member", "staff"}, hidden={"other_member"}), kwargs=DUTY_MEMBER)],
    "api:schema": [GET(public())],
    "api:docs": [GET(public())],
    # --- Review assistance (issue 15) -------------------------------------------------------------
    "assist:case_similar": [GET(case_page(), kwargs=CASE)],
    "assist:draft_similar": [POST(page(), body={"title": "老旧小区加装电梯"})],
    "assist:merge_suggestions": [GET(page(ok={"staff", "reviewer"})), POST(page(ok={"staff", "reviewer"}), body={})],
    # The synonym list is staff's (issue 15): everyone else is refused, whatever the group.
    "assist:synonyms": [GET(page(ok={"staff"})), POST(page(ok={"staff"}), body={"words": "公交 公共交通"})],
    "assist:synonym_edit": [
        GET(page(ok={"staff"}), kwargs={"pk": "synonym_group"}),
        POST(page(ok={"staff"}), kwargs={"pk": "synonym_group"}, body={"words": "矩阵甲 矩阵丙"}),
    ],
    "assist:synonym_delete": [
        GET(page(ok={"staff"}), kwargs={"pk": "synonym_group"}),
        POST(page(ok={"staff"}), kwargs={"pk": "synonym_group"}, body={}),
    ],
    # --- Review assistance, part 2 (issue 22): suggested units to staff; 预审 to drafters and reviewers --------
    "assist:case_units": [GET(case_page(ok={"staff"}), kwargs=CASE)],
    # The world's case is in handling: past drafting, so only staff and reviewers see its 预审 record.
    "assist:case_precheck": [GET(case_page(ok={"staff", "reviewer"}), kwargs=CASE)],
    "assist:draft_precheck": [POST(page(), body={"title": "老旧小区加装电梯"})],
    # --- 委员履职 (issue 24) ------------------------------------------------------------------------
    "duty:home": [GET(duty_page(hidden=()))],
    "duty:activity_list": [GET(duty_page(hidden=()))],
    "duty:activity_new": [GET(page(ok={"staff"})), POST(page(ok={"staff"}))],
    "duty:activity_detail": [GET(duty_page(ok={"member", "staff"}), kwargs={"pk": "duty_activity"})],
    "duty:activity_attendance": [POST(duty_page(ok={"staff"}), kwargs={"pk": "duty_activity"})],
    "duty:activity_invite": [
        POST(duty_page(ok={"staff"}), kwargs={"pk": "duty_activity"}, body={"members": "@other_member_user"})
    ],
    "duty:activity_opinion": [
        POST(duty_page(ok={"staff"}), kwargs={"pk": "duty_activity"}, body={"text": "建议分片区推进雨污分流改造。"})
    ],
    # The member confirms their recorded attendance; staff are not among its participants (told by a message).
    "duty:activity_confirm": [
        POST(duty_page(ok={"member"}) | {"staff": MSG}, kwargs={"pk": "duty_activity"}),
    ],
    "duty:dossier": [GET(duty_page(ok={"member", "staff"}), kwargs=DUTY_MEMBER)],
    "duty:dossier_print": [GET(duty_page(ok={"member", "staff"}), kwargs=DUTY_MEMBER)],
    "duty:totals": [GET(duty_page(hidden=()), kwargs={"year": "2025"})],
    "duty:self_report": [
        GET(duty_page(hidden=()), kwargs={"year": "2025"}),
        POST(duty_page(hidden=()), kwargs={"year": "2025"}),
    ],
    "duty:self_reports": [GET(page(ok={"staff"}), kwargs={"year": "2025"})],
    "duty:assessment": [
        GET(page(ok={"staff"}), kwargs={"year": "2025"}),
        POST(page(ok={"staff"}), kwargs={"year": "2025"}),
    ],
    "duty:notice_print": [GET(duty_page(hidden=()), kwargs={"year": "2025"})],
    # The 履职档案 and the 通报 as Word/PDF (reporting's documents engine): exactly duty's pages' rules.
    "reporting:duty_dossier_document": [GET(duty_page(ok={"member", "staff"}), kwargs=DUTY_MEMBER)],
    "reporting:duty_dossier_document_pdf": [GET(duty_page(ok={"member", "staff"}), kwargs=DUTY_MEMBER)],
    "reporting:duty_notice_document": [GET(duty_page(hidden=()), kwargs={"year": "2025"})],
    "reporting:duty_notice_document_pdf": [GET(duty_page(hidden=()), kwargs={"year": "2025"})],
    # --- Accounts (part B) ---------------------------------------------------------------------------
    "members:otp_verify": [GET(page())],
    "members:otp_enrol": [GET(page())],
    "members:password_change": [GET(page())],
    "members:account": [GET(page())],  # 我的账户 (issue 17): every signed-in user
    "audit:audit_log": [GET(page(ok={"auditor"}))],
    # --- Notifications ----------------------------------------------------------------------------
    "notifications:list": [GET(page())],
    "notifications:bell": [GET(page())],
    "notifications:mark_read": [POST(page(ok={"member"}, refused=404), kwargs={"pk": "notification"}, body={})],
    "notifications:mark_all_read": [POST(page(), body={})],
    "notifications:preferences": [GET(page()), POST(page(), body={})],
    "notifications:outbox": [GET(page(ok={"staff"}))],
    # --- Documents and exports --------------------------------------------------------------------
    "reporting:case_document": [
        GET(case_page(), kwargs={**CASE, "kind": "proposal_form"}),
        # The 交办通知书 goes to units and the office, not to the proposer (offers.case_documents).
        GET(case_page(SEES_CASE - {"member"}, seen_but_refused=404), kwargs={**CASE, "kind": "assignment_notice"}),
    ],
    # PDFs: LibreOffice is switched off for this module (the page saying PDF needs it is what answers).
    "reporting:case_document_pdf": [GET(case_page(), kwargs={**CASE, "kind": "proposal_form"})],
    "reporting:export_catalogue_docx": [GET(page(ok=STATS))],
    "reporting:export_catalogue_pdf": [GET(page(ok=STATS))],
    "reporting:export_key_catalogue_pdf": [GET(page(ok=STATS))],
    "reporting:session_assignment_list": [GET(page(ok={"staff"}), kwargs={"pk": "session"})],
    "reporting:session_assignment_list_pdf": [GET(page(ok={"staff"}), kwargs={"pk": "session"})],
    "reporting:session_batch": [POST(page(ok={"staff"}), kwargs={"pk": "session"}, body={"format": "zip"})],
    "reporting:case_print": [GET(case_page(), kwargs=CASE)],
    "reporting:export_catalogue": [GET(page(ok=STATS))],
    "reporting:export_cases": [GET(page(ok=STATS))],
    "reporting:export_key_catalogue": [GET(page(ok=STATS))],
    # --- Background jobs (我的导出): a staff member's job is the staff's; to anyone else it does not exist.
    "jobs:list": [GET(page())],
    "jobs:detail": [GET(page(ok={"staff"}, refused=404), kwargs={"pk": "job"})],
    "jobs:download": [GET(page(ok={"staff"}, refused=404), kwargs={"pk": "job"})],
    # --- Statistics -------------------------------------------------------------------------------
    "reporting:stats_dashboard": [GET(page(ok=STATS))],
    "reporting:stats_league_xlsx": [GET(page(ok=STATS))],
    "reporting:annual_report": [GET(page(ok={"staff"})), POST(page(ok={"staff"}), body={})],
    "imports:catalogue": [GET(page(ok={"staff"})), POST(page(ok={"staff"}), body={})],
    # --- Pages ------------------------------------------------------------------------------------
    "proposals:home": [GET(page())],
    "members:login": [GET(public()), POST(public(), body={})],
    "members:logout": [POST(public(), body={})],
    "proposals:member_workbench": [GET(page(ok={"member", "other_member"}))],
    "proposals:staff_workbench": [GET(page(ok={"staff"}))],
    "proposals:reviewer_workbench": [GET(page(ok={"reviewer"}))],
    "proposals:unit_workbench": [GET(page(ok={"unit", "other_unit"}))],
    "proposals:leader_workbench": [GET(page(ok={"leader"}))],
    "proposals:case_list": [GET(page())],
    "proposals:overdue_board": [GET(page(ok={"staff"}))],
    # 催办 from the board (issue 17): staff only; others who see the case are refused by the service.
    # The world's lead assignment is not overdue: staff are told so by a message.
    "proposals:urge_assignment": [
        POST(case_page(ok={"staff"}) | {"staff": MSG}, kwargs={**CASE, "assignment_id": "lead"})
    ],
    "proposals:bulk_assign": [GET(page(ok={"staff"})), POST(page(ok={"staff"}))],
    # Only members draft; staff enter paper proposals on a member's behalf (on_behalf_of).
    "proposals:draft_new": [
        GET(page()),
        POST(page(ok={"member", "other_member"}), body=DRAFT_BODY | {"category": "@category"}),
    ],
    # The case is past drafting: whoever sees it is sent back to it with a message.
    "proposals:draft_edit": [
        GET(case_page(ok=(), seen_but_refused=MSG), kwargs=CASE),
        POST(case_page(ok=(), seen_but_refused=MSG), kwargs=CASE, body=DRAFT_BODY),
    ],
    **{
        f"proposals:case_action[{name}]": [
            GET(
                case_page(ok=ACTION_ACTORS[name]),
                kwargs={**CASE, "name": name},
                query="assignment=@lead" if ACTIONS[name].on_assignment else "",
            ),
            POST(
                case_page(ok=ACTION_ACTORS[name]),
                kwargs={**CASE, "name": name},
                body={"assignment": "@lead"} if ACTIONS[name].on_assignment else {},
            ),
        ]
        for name in WEB_ACTIONS
    },
    "proposals:case_action[no_such_action]": [
        GET(case_page(ok=(), seen_but_refused=404), kwargs={**CASE, "name": "no_such_action"})
    ],
    # The lead unit's reply is already sent (409, shown as a message); others are refused by message too.
    "proposals:reply_draft": [
        POST(
            case_page(ok={"unit"}, seen_but_refused=MSG) | {"unit": MSG},
            kwargs={**CASE, "assignment_id": "lead"},
            body={"letter": "草稿"},
        )
    ],
    "proposals:case_detail": [
        GET(case_page(), kwargs=CASE),
        GET(case_page(ok={"member"}, seen_but_refused=404), kwargs={"pk": "draft"}),
    ],
    "proposals:host_search": [GET(case_page(), kwargs=CASE, query="host_q=提案")],
    # Uploading 督办材料 on the page: staff and the supervising leader; the initiator only before submission,
    # a unit only its reply letter while it handles (this one has replied): no upload right at all is a 404.
    "proposals:upload": [POST(case_page(ok={"staff", "leader"}, seen_but_refused=404), kwargs=CASE, body=None)],
    "proposals:download": [GET(case_page(), kwargs={"pk": "attachment"})],
    "proposals:member_search": [GET(page(), query="q=委员")],
    "proposals:public_list": [GET(public())],
    "proposals:public_detail": [
        GET(public(), kwargs={"pk": "published"}),
        GET(public() | {r: 404 for r in ROLES}, kwargs=CASE),
    ],
}


def route_key(key: str) -> str:
    return key.split("[", 1)[0]


@pytest.fixture(scope="module")
def sw(django_db_setup, django_db_blocker):
    """The world, built once for the module and rolled back after it."""
    with django_db_blocker.unblock():
        with transaction.atomic():
            world = build()
            world.ids["category"] = world.world.category.pk
            yield world
            transaction.set_rollback(True)


def _fill(value, ids):
    if isinstance(value, str) and value.startswith("@"):
        return ids[value[1:]]
    return value


def url_of(route: str, probe: Probe, ids: dict) -> str:
    if probe.path:
        return probe.path
    kwargs = {k: str(ids.get(v, v)) for k, v in probe.kwargs.items()}
    path = "/" + re.sub(r"<(?:\w+:)?(\w+)>", lambda m: kwargs[m.group(1)], route)
    query = re.sub(r"@(\w+)", lambda m: str(ids[m.group(1)]), probe.query)
    return f"{path}?{query}" if query else path


def _pdf():
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile("scan.pdf", b"%PDF-1.4\n%matrix\n", content_type="application/pdf")


def send(client: Client, probe: Probe, url: str, ids: dict, api: bool):
    if probe.method == "GET":
        return client.get(url)
    if probe.body is None:  # an upload
        # 督办材料: the world's case is a key proposal in handling, where staff and its leader may add
        # evidence (issue 17: each purpose only while its step can happen).
        return client.post(url, {"file": _pdf(), "purpose": "evidence"})
    body = {k: _fill(v, ids) for k, v in probe.body.items()}
    if api:
        return client.generic(probe.method, url, data=__import__("json").dumps(body), content_type="application/json")
    return client.generic(
        probe.method,
        url,
        data=__import__("urllib.parse").parse.urlencode(body, doseq=True),
        content_type="application/x-www-form-urlencoded",
    )


def outcome(response):
    status = response.status_code
    if status >= 500 or status in (401, 403, 404, 405):
        return status
    if status in (301, 302, 303):
        location = response["Location"]
        if location.startswith("/login/?next="):
            return LOGIN
        if location.startswith("/admin/login/"):
            return ADMIN_LOGIN
        queued = getattr(getattr(response.wsgi_request, "_messages", None), "_queued_messages", [])
        if any(m.level >= django_messages.ERROR for m in queued):
            return MSG
    return OK


ROUTES = {key: (route, pattern) for key, route, pattern in walk()}


@pytest.fixture(autouse=True)
def _no_libreoffice(settings):
    """PDF routes answer their "PDF needs LibreOffice" page: a conversion per role would cost minutes."""
    settings.DOCUMENTS_SOFFICE = "/nonexistent/soffice"


def test_every_route_is_in_the_matrix():
    classified = {route_key(k) for k in MATRIX}
    missing = sorted(set(ROUTES) - classified)
    assert not missing, f"routes missing from the permission matrix (classify them in MATRIX): {missing}"
    stale = sorted(classified - set(ROUTES))
    assert not stale, f"matrix rows for routes that no longer exist: {stale}"


def test_the_matrix_covers_every_role():
    for key, probes in MATRIX.items():
        for probe in probes:
            assert set(probe.expect) == set(ROLES), key


@pytest.mark.parametrize("key", sorted(MATRIX))
def test_route_answers_each_role_as_the_matrix_says(key, sw, db):
    route = ROUTES[route_key(key)][0]
    mismatches = []
    for probe in MATRIX[key]:
        url = url_of(route, probe, sw.ids)
        for role in ROLES:
            client = Client()
            if sw.users[role] is not None:
                login(client, sw.users[role])
            with transaction.atomic():
                response = send(client, probe, url, sw.ids, api=route.startswith("api/"))
                transaction.set_rollback(True)  # each probe starts from the same world
            got, want = outcome(response), probe.expect[role]
            if got != want:
                where = response.get("Location", "")
                mismatches.append(f"{probe.method} {url} as {role}: expected {want}, got {got} {where}".rstrip())
    assert not mismatches, "\n".join(mismatches)


def test_administrators_are_plain_group_members_until_part_b(sw, db):
    for name in ADMIN_GROUPS:
        assert sw.users[name].groups.filter(name=name).exists()
