"""Issue 26: the API accepts and declares JSON only (uploads: multipart/form-data only); any other
content type is answered 415 in the API's Chinese {"detail", "code"} shape and changes nothing; the
schema declares one body type per operation and every error the API can give, with its body."""

import io
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from rest_framework.test import APIClient

from audit.models import AuditEvent
from proposals.models import Case
from tests.api.conftest import token_for
from tests.factories import CaseBuilder


def schema() -> dict:
    response = APIClient().get("/api/schema/?format=json")
    assert response.status_code == 200
    return response.json()


def authed(user) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token_for(user.username)}")
    return client


@pytest.mark.parametrize(
    "content_type, body",
    [
        ("application/x-www-form-urlencoded", "username=m1&password=x"),
        (
            "multipart/form-data; boundary=BoUnDaRy",
            '--BoUnDaRy\r\nContent-Disposition: form-data; name="username"\r\n\r\nm1\r\n--BoUnDaRy--\r\n',
        ),
        ("text/plain", "m1"),
    ],
)
def test_the_token_endpoint_answers_another_content_type_with_415_in_chinese(world, content_type, body):
    response = APIClient().generic("POST", "/api/auth/token/", body, content_type=content_type)
    assert response.status_code == 415
    assert response.json() == {
        "detail": f"不支持的请求体类型“{content_type.split(';')[0]}”：此接口只接受 application/json。",
        "code": "unsupported_media_type",
    }


def test_a_form_encoded_action_is_refused_with_415_and_changes_nothing(world):
    builder = CaseBuilder(world).submitted()
    reviewer = authed(world.reviewer)
    events = AuditEvent.objects.count()
    response = reviewer.post(f"/api/cases/{builder.case.pk}/actions/file/", {"note": "x"}, format="multipart")
    assert response.status_code == 415, response.json()
    assert response.json()["code"] == "unsupported_media_type"
    assert "application/json" in response.json()["detail"]
    assert Case.objects.get(pk=builder.case.pk).status == "submitted"
    assert AuditEvent.objects.filter(action="file").count() == 0
    assert AuditEvent.objects.count() == events
    # The same request as JSON is carried out.
    assert reviewer.post(f"/api/cases/{builder.case.pk}/actions/file/", {}, format="json").json()["status"] == "filed"


def test_creating_and_editing_a_draft_accept_json_only(world):
    member = authed(world.member)
    body = {"title": "关于城区供暖设施的提案", "facts": "供暖不足。", "suggestions": "改造管网。"}
    assert member.post("/api/cases/", body, format="multipart").status_code == 415
    assert not Case.objects.exists()
    created = member.post("/api/cases/", body, format="json")
    assert created.status_code == 201, created.json()
    case_id = created.json()["id"]
    patch = member.generic(
        "PATCH", f"/api/cases/{case_id}/", "title=改", content_type="application/x-www-form-urlencoded"
    )
    assert patch.status_code == 415 and patch.json()["code"] == "unsupported_media_type"
    assert Case.objects.get(pk=case_id).title == "关于城区供暖设施的提案"


def test_malformed_json_is_a_chinese_400(world):
    response = APIClient().generic("POST", "/api/auth/token/", "{bad", content_type="application/json")
    assert response.status_code == 400
    assert response.json() == {"detail": "请求体不是有效的 JSON，无法解析。", "code": "parse_error"}


def test_uploads_accept_multipart_only(world):
    case = CaseBuilder(world).case
    member = authed(world.member)
    url = f"/api/cases/{case.pk}/attachments/"
    refused = member.post(url, {"purpose": "attachment"}, format="json")
    assert refused.status_code == 415
    assert refused.json()["detail"] == "不支持的请求体类型“application/json”：此接口只接受 multipart/form-data。"
    assert not case.attachments.exists()
    stored = member.post(url, {"file": SimpleUploadedFile("调研.pdf", b"%PDF-1.7\nbody")}, format="multipart")
    assert stored.status_code == 201, stored.json()


def test_the_schema_declares_one_body_type_per_operation(db):
    bodies = {}
    for path, methods in schema()["paths"].items():
        for method, operation in methods.items():
            if "requestBody" in operation:
                bodies[(method, path)] = list(operation["requestBody"]["content"])
    assert bodies[("post", "/api/cases/{id}/attachments/")] == ["multipart/form-data"]
    others = {key: types for key, types in bodies.items() if key != ("post", "/api/cases/{id}/attachments/")}
    assert len(others) > 30
    assert {tuple(types) for types in others.values()} == {("application/json",)}, others


def test_every_operation_documents_the_errors_it_can_give_with_the_error_body(db):
    spec = schema()
    missing = []
    for path, methods in spec["paths"].items():
        for method, operation in methods.items():
            authenticated = {} not in operation.get("security", [{}])
            expected = {"429"}
            if "requestBody" in operation:
                expected |= {"400", "415"}
            if authenticated:
                expected |= {"401", "403"}
            if "{" in path:
                expected.add("404")
            if "/actions/" in path and method == "post":
                expected.add("409")
            responses = operation["responses"]
            missing += [f"{method} {path} {code}" for code in sorted(expected - set(responses))]
            for code in expected & set(responses):
                body = responses[code]["content"]["application/json"]["schema"]
                assert body == {"$ref": "#/components/schemas/Error"}, (path, method, code)
                assert responses[code]["description"], (path, method, code)
            assert "Retry-After" in responses["429"]["headers"]
    assert not missing, missing
    token = spec["paths"]["/api/auth/token/"]["post"]["responses"]
    assert {"400", "403", "415", "429"} <= set(token) and "401" not in token
    error = spec["components"]["schemas"]["Error"]
    assert set(error["required"]) == {"detail", "code"}


def test_operation_ids_and_component_names_are_readable_and_generated_without_warnings(db, tmp_path):
    spec = schema()
    ids = [op["operationId"] for methods in spec["paths"].values() for op in methods.values()]
    assert len(ids) == len(set(ids))
    assert "cases_action_file" in ids and "auth_token_create" in ids and "cases_list" in ids
    numbered = [name for name in ids + list(spec["components"]["schemas"]) if re.search(r"\d", name)]
    assert not numbered, numbered
    tags = {tag for methods in spec["paths"].values() for op in methods.values() for tag in op["tags"]}
    assert tags == {"auth", "cases", "actions", "attachments", "reference", "stats", "duty"}
    # drf-spectacular's own check: no warning or error while generating (fails the command otherwise).
    out, err = io.StringIO(), io.StringIO()
    call_command(
        "spectacular", "--fail-on-warn", "--validate", "--file", str(tmp_path / "schema.yaml"), stdout=out, stderr=err
    )
    assert "Warning" not in err.getvalue() and "Error" not in err.getvalue(), err.getvalue()
