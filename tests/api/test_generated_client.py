"""Issue 26: the API works from clients generated from its own live schema.

1. Python: openapi-python-client (requirements-dev.txt) generates a package from /api/schema/; the
   test imports every module of it, then plays one whole case through it — draft, co-sign, submit,
   (recommend,) file, assign, sign, contact, reply (with its letter uploaded as multipart), accept,
   rate, close — with a token per role obtained through the client's own auth_token_create, and
   asserts the parsed models (and a refusal parsed as the Error model).
2. TypeScript: openapi-typescript (tests/api/ts/package.json, pinned with its lock file) generates
   the types, and tsc type-checks tests/api/ts/check.ts, an openapi-fetch client of the same
   operations; its @ts-expect-error lines make tsc fail if the types stop refusing wrong bodies.

Requests go through the full WSGI stack in-process (httpx.WSGITransport), on the test's database
connection, so the test is fast enough for both CI passes (SQLite and PostgreSQL).
"""

from __future__ import annotations

import datetime as dt
import importlib
import io
import json
import os
import pkgutil
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections, connection

from audit.models import AuditEvent
from core import clock
from proposals.models import Case
from tests.auth_helpers import device_for, totp_now
from tests.conftest import skip_or_fail
from tests.factories import PASSWORD

pytestmark = pytest.mark.slow

PACKAGE = "cppcc_api_client"
TS_DIR = Path(__file__).parent / "ts"
BASE_URL = "http://testserver"
GENERATOR_CONFIG = f"""\
project_name_override: cppcc-api-client
package_name_override: {PACKAGE}
post_hooks: []
"""


@pytest.fixture
def in_process(monkeypatch):
    """Requests through WSGI in this thread keep the test's connection and transaction (as Django's
    test client does)."""
    monkeypatch.setattr(connection, "close_if_unusable_or_obsolete", lambda: None)
    monkeypatch.setattr(connection, "close_if_health_check_failed", lambda: None)
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        yield
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


@pytest.fixture
def transport(in_process):
    httpx = pytest.importorskip("httpx")
    return httpx.WSGITransport(app=get_wsgi_application())


def live_schema(transport) -> dict:
    import httpx

    with httpx.Client(transport=transport, base_url=BASE_URL) as http:
        response = http.get("/api/schema/?format=json")
    assert response.status_code == 200
    return response.json()


def generate_python_client(schema: dict, where: Path):
    try:
        import openapi_python_client  # noqa: F401
    except ImportError:
        skip_or_fail("openapi-python-client 未安装：pip install -r requirements-dev.txt")
    (where / "schema.json").write_text(json.dumps(schema, ensure_ascii=False), encoding="utf-8")
    (where / "config.yaml").write_text(GENERATOR_CONFIG, encoding="utf-8")
    run = subprocess.run(
        [
            sys.executable,
            "-m",
            "openapi_python_client",
            "generate",
            "--path",
            "schema.json",
            "--config",
            "config.yaml",
            "--meta",
            "none",
        ],
        cwd=where,
        capture_output=True,
        text=True,
        timeout=120,
    )
    output = run.stdout + run.stderr
    assert run.returncode == 0, output
    # The generator reports what it could not turn into code as warnings; there must be none.
    assert "Warning" not in output and "could not" not in output.lower(), output
    sys.path.insert(0, str(where))
    try:
        package = importlib.import_module(PACKAGE)
        modules = [importlib.import_module(m.name) for m in pkgutil.walk_packages(package.__path__, f"{PACKAGE}.")]
    finally:
        sys.path.remove(str(where))
    return package, modules


@pytest.fixture
def client_package(transport, tmp_path):
    package, modules = generate_python_client(live_schema(transport), tmp_path)
    yield package, modules
    for name in [n for n in sys.modules if n == PACKAGE or n.startswith(f"{PACKAGE}.")]:
        del sys.modules[name]


class Api:
    """The generated package, with the operations this test called (for the coverage figure)."""

    def __init__(self, package, transport):
        self.transport = transport
        self.called: set[str] = set()
        self.m = importlib.import_module(f"{PACKAGE}.models")
        self.Client = package.Client
        self.AuthenticatedClient = package.AuthenticatedClient
        self.types = importlib.import_module(f"{PACKAGE}.types")

    def op(self, tag: str, operation_id: str):
        module = importlib.import_module(f"{PACKAGE}.api.{tag}.{operation_id}")
        self.called.add(operation_id)
        return module

    def anonymous(self):
        return self.Client(base_url=BASE_URL, httpx_args={"transport": self.transport}, raise_on_unexpected_status=True)

    def login(self, user):
        from members.twofactor import requires_2fa

        body = {"username": user.username, "password": PASSWORD}
        if requires_2fa(user):  # staff and reviewer: the TOTP code of their (test-enrolled) authenticator
            device = device_for(user)
            device.last_t = -1
            device.save(update_fields=["last_t"])
            body["otp"] = totp_now(user)
        response = self.op("auth", "auth_token_create").sync_detailed(
            client=self.anonymous(), body=self.m.LoginRequest(**body)
        )
        assert response.status_code == 200, response.content
        token = response.parsed
        assert isinstance(token, self.m.Token) and len(token.token) > 20
        assert isinstance(token.expiry, dt.datetime)
        return self.AuthenticatedClient(
            base_url=BASE_URL,
            token=token.token,
            prefix="Token",
            httpx_args={"transport": self.transport},
            raise_on_unexpected_status=True,
        )

    def call(self, tag, operation_id, *args, expect=200, **kwargs):
        response = self.op(tag, operation_id).sync_detailed(*args, **kwargs)
        assert response.status_code == expect, (operation_id, response.content.decode())
        return response.parsed

    def action(self, name, case_id, client, body=None, expect=200):
        kwargs = {"client": client} if body is None else {"client": client, "body": body}
        parsed = self.call("actions", f"cases_action_{name}", case_id, expect=expect, **kwargs)
        if expect == 200:
            assert isinstance(parsed, self.m.CaseDetail), parsed
        else:
            assert isinstance(parsed, self.m.Error), parsed
        return parsed


def test_a_python_client_generated_from_the_live_schema_plays_a_whole_case(world, client_package, transport):
    package, modules = client_package
    api = Api(package, transport)
    m = api.m
    assert len([mod for mod in modules if ".api." in mod.__name__ and not mod.__name__.endswith("__init__")]) >= 50

    with clock.frozen(dt.date(2026, 3, 2)):
        member, cosigner, staff, reviewer, unit = (
            api.login(world.member),
            api.login(world.member2),
            api.login(world.staff),
            api.login(world.reviewer),
            api.login(world.unit_user),
        )

        # Draft (委员), with a supporting document uploaded as multipart/form-data.
        draft = api.call(
            "cases",
            "cases_create",
            expect=201,
            client=member,
            body=m.CaseCreateRequest(
                title="关于加快车站棚户区改造的提案",
                facts="车站片区房屋老旧，基础设施薄弱。",
                suggestions="一是统筹资金；二是分期实施。",
                category=world.category.pk,
                cosigners=[world.member2.pk],
            ),
        )
        assert isinstance(draft, m.CaseDetail)
        assert draft.status == m.CaseStatusEnum.DRAFT and draft.kind == m.CaseKindEnum.PROPOSAL
        assert [(p.name, p.role) for p in draft.proposers] == [
            ("张委员", m.ProposerDocRoleEnum.INITIATOR),
            ("李委员", m.ProposerDocRoleEnum.COSIGNER),
        ]
        case_id = draft.id
        doc = api.call(
            "attachments",
            "cases_attachments_create",
            case_id,
            expect=201,
            client=member,
            body=m.AttachmentUploadRequest(
                file=api.types.File(
                    payload=io.BytesIO("%PDF-1.7\n调研报告".encode()),
                    file_name="调研报告.pdf",
                    mime_type="application/pdf",
                )
            ),
        )
        assert isinstance(doc, m.Attachment) and doc.original_name == "调研报告.pdf"

        # Co-sign (附议人), submit (委员).
        offered = api.call("actions", "cases_actions_list", case_id, client=cosigner)
        assert [a.name for a in offered] == ["cosign", "decline_cosign"]
        assert all(isinstance(a, m.AvailableAction) for a in offered)
        api.action("cosign", case_id, cosigner, m.CosignActionRequest())
        assert api.action("submit", case_id, member).status == m.CaseStatusEnum.SUBMITTED

        # A refusal comes back as the Error model: a co-signer cannot file.
        refused = api.action("file", case_id, cosigner, expect=403)
        assert refused.code == "actor_not_allowed" and refused.detail

        # Staff recommend, the reviewer files: numbered.
        api.action(
            "recommend",
            case_id,
            staff,
            m.RecommendActionRequest(outcome=m.RecommendActionOutcomeEnum.FILE, reason="符合立案标准"),
        )
        filed = api.action("file", case_id, reviewer)
        assert filed.status == m.CaseStatusEnum.FILED and filed.number == 1 and filed.display_number

        # Assign (提案委) to one unit; the unit signs.
        assigned = api.action(
            "assign",
            case_id,
            staff,
            m.AssignActionRequest(units=[m.AssignUnitRequest(unit=world.unit.pk, role=m.AssignmentRoleEnum.LEAD)]),
        )
        assert assigned.status == m.CaseStatusEnum.ASSIGNED and isinstance(assigned.due_date, dt.date)
        rows = api.call("cases", "cases_assignments_list", case_id, client=unit)
        assert [(r.unit_name, r.status) for r in rows] == [("区住建局", m.AssignmentStatusEnum.PENDING)]
        assignment = rows[0].id
        signed = api.action("sign", case_id, unit, m.SignActionRequest(assignment=assignment))
        assert signed.status == m.CaseStatusEnum.HANDLING

        # Contact (面商), logged by the unit.
        api.action(
            "log_contact",
            case_id,
            unit,
            m.LogContactActionRequest(
                assignment=assignment,
                way=m.WayEnum.VISIT,
                point=m.PointEnum.INTAKE,
                date=clock.today(),
                people="张委员、钱科长",
                summary="上门面商，听取意见。",
                face_to_face=True,
            ),
        )
        contacts = api.call("cases", "cases_contacts_list", case_id, client=member)
        assert [(c.way, c.face_to_face) for c in contacts] == [(m.WayEnum.VISIT, True)]
        assert isinstance(contacts[0].date, dt.date)

        # Reply with the stamped letter (uploaded first), accepted by staff.
        letter = api.call(
            "attachments",
            "cases_attachments_create",
            case_id,
            expect=201,
            client=unit,
            body=m.AttachmentUploadRequest(
                file=api.types.File(
                    payload=io.BytesIO("%PDF-1.7\n答复函".encode()), file_name="答复函.pdf", mime_type="application/pdf"
                ),
                purpose=m.PurposeEnum.REPLY_LETTER,
                assignment=assignment,
            ),
        )
        api.action(
            "reply",
            case_id,
            unit,
            m.ReplyActionRequest(
                assignment=assignment,
                reply_class=m.ActionReplyClassEnum.B,
                letter="已列入2026年改造计划。",
                signer="赵局长",
                contact_person="钱科长",
                contact_phone="0917-6212345",
                letter_file=letter.id,
            ),
        )
        assert api.call("cases", "cases_replies_list", case_id, client=member) == []  # not yet accepted
        accepted = api.action("accept_reply", case_id, staff, m.AcceptReplyActionRequest(assignment=assignment))
        assert accepted.status == m.CaseStatusEnum.REPLIED
        replies = api.call("cases", "cases_replies_list", case_id, client=member)
        assert len(replies) == 1 and isinstance(replies[0], m.Reply)
        assert replies[0].reply_class == m.ReplyClassEnum.B and replies[0].letter == "已列入2026年改造计划。"

        # Both proposers rate; staff close.
        for who, rating in ((member, m.SatisfactionEnum.SATISFIED), (cosigner, m.SatisfactionEnum.BASIC)):
            api.action(
                "rate",
                case_id,
                who,
                m.RateActionRequest(
                    assignment=assignment, reply_rating=rating, contact_rating=m.SatisfactionEnum.SATISFIED
                ),
            )
        ratings = api.call("cases", "cases_ratings_list", case_id, client=staff)
        assert sorted(r.reply_rating.value for r in ratings) == ["basic", "satisfied"]
        closed = api.action("close", case_id, staff)
        assert closed.status == m.CaseStatusEnum.CLOSED and isinstance(closed.closed_at, dt.datetime)

        # The proposer reads it back: detail, list, timeline.
        detail = api.call("cases", "cases_retrieve", case_id, client=member)
        assert isinstance(detail, m.CaseDetail) and detail.status == m.CaseStatusEnum.CLOSED
        page = api.call("cases", "cases_list", client=member, status=[m.CaseStatusEnum.CLOSED])
        assert isinstance(page, m.PaginatedCaseListList)
        assert [(c.id, c.status) for c in page.results] == [(case_id, m.CaseStatusEnum.CLOSED)]
        timeline = [e.action for e in api.call("cases", "cases_events_list", case_id, client=member)]
        for step in (
            "create",
            "cosign",
            "submit",
            "file",
            "assign",
            "sign",
            "log_contact",
            "accept_reply",
            "rate",
            "close",
        ):
            assert step in timeline, (step, timeline)
        units = api.call("reference", "units_list", client=staff)
        assert "区住建局" in [u.name for u in units] and all(isinstance(u, m.Unit) for u in units)

        # Logging out revokes the token: the next call is a 401 parsed as Error.
        assert api.call("auth", "auth_logout", client=member, expect=204) is None
        gone = api.call("cases", "cases_retrieve", case_id, client=member, expect=401)
        assert isinstance(gone, m.Error)

    case = Case.objects.get(pk=case_id)
    assert (case.status, case.number) == ("closed", 1)
    assert AuditEvent.objects.filter(action="file", outcome="refused").count() == 1
    covered = sorted(api.called)
    print(f"\ngenerated Python client: {len(covered)} operations called: {', '.join(covered)}")
    assert len(covered) >= 24


def _npm_tools() -> Path:
    bin_dir = TS_DIR / "node_modules" / ".bin"
    if not (bin_dir / "tsc").exists() or not (bin_dir / "openapi-typescript").exists():
        npm = shutil.which("npm")
        if npm is None:
            skip_or_fail("npm 未安装：TypeScript 客户端检查需要 Node.js 20 与 npm")
        run = subprocess.run(
            [npm, "ci", "--no-audit", "--no-fund"], cwd=TS_DIR, capture_output=True, text=True, timeout=300
        )
        if run.returncode != 0:
            skip_or_fail(f"npm ci 失败（无法从 npm 注册表安装 openapi-typescript）：{run.stderr[-500:]}")
    return bin_dir


def test_a_typescript_client_generated_from_the_live_schema_type_checks(world, transport, tmp_path):
    bin_dir = _npm_tools()
    schema_file = tmp_path / "schema.json"
    schema_file.write_text(json.dumps(live_schema(transport), ensure_ascii=False), encoding="utf-8")
    generated = TS_DIR / "generated"
    generated.mkdir(exist_ok=True)
    env = {**os.environ, "NO_COLOR": "1"}
    run = subprocess.run(
        [str(bin_dir / "openapi-typescript"), str(schema_file), "-o", str(generated / "api.d.ts")],
        cwd=TS_DIR,
        capture_output=True,
        text=True,
        timeout=120,
        env=env,
    )
    assert run.returncode == 0, run.stdout + run.stderr
    types = (generated / "api.d.ts").read_text(encoding="utf-8")
    assert '"/api/cases/{id}/actions/file/"' in types and "cases_action_file" in types
    check = subprocess.run(
        [str(bin_dir / "tsc"), "-p", "tsconfig.json"], cwd=TS_DIR, capture_output=True, text=True, timeout=180, env=env
    )
    assert check.returncode == 0, check.stdout + check.stderr
