"""The system administrator replaces a document's template in the admin: checked (sandboxed, declared
fields only, tried on the sample) before it is used; a broken one is refused with the reason in Chinese;
earlier versions are kept and switching the newest off returns to the previous one. Audited."""

import io
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from docx import Document

from audit.models import AuditEvent
from members.models import AdminRole, role_group
from reporting import documents
from reporting.models import DocumentTemplate
from tests.auth_helpers import login
from tests.factories import CaseBuilder, UserFactory


@pytest.fixture
def sysadmin(db):
    user = UserFactory(username="sysadmin", is_staff=True)
    user.groups.add(role_group(AdminRole.SYSADMIN))
    return user


def docx_with(*paragraphs: str) -> bytes:
    document = Document()
    for text in paragraphs:
        document.add_paragraph(text)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def upload(client, kind: str, content: bytes, name: str = "模板.docx", note: str = ""):
    return client.post(
        reverse("admin:reporting_documenttemplate_add"),
        {"kind": kind, "note": note, "upload": SimpleUploadedFile(name, content)},
    )


def text_of(content: bytes) -> str:
    return "\n".join(p.text for p in Document(io.BytesIO(content)).paragraphs)


def test_an_uploaded_template_is_used_and_the_upload_is_audited(client, world, sysadmin):
    login(client, sysadmin)
    response = upload(
        client, "filing_notice", docx_with("{{ header_text }}", "新版：{{ addressee }}，{{ number }}已立案。")
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    template = DocumentTemplate.objects.get(kind="filing_notice")
    assert (template.version, template.active, template.uploaded_by) == (1, True, sysadmin)
    event = AuditEvent.objects.get(action="document_template_upload")
    assert event.actor == sysadmin and event.data["kind"] == "filing_notice" and event.data["version"] == 1
    case = CaseBuilder(world).filed().refresh()
    text = text_of(documents.make(documents.get("filing_notice"), case))
    assert f"新版：张委员、李委员，{case.display_number}已立案。" in text


def test_versions_are_kept_and_switching_the_newest_off_returns_to_the_previous(client, world, sysadmin):
    login(client, sysadmin)
    assert upload(client, "filing_notice", docx_with("第一版 {{ title }}")).status_code == 302
    assert upload(client, "filing_notice", docx_with("第二版 {{ title }}")).status_code == 302
    case = CaseBuilder(world).filed().refresh()
    kind = documents.get("filing_notice")
    assert "第二版" in text_of(documents.make(kind, case))
    second = DocumentTemplate.objects.get(kind="filing_notice", version=2)
    response = client.post(
        reverse("admin:reporting_documenttemplate_change", args=[second.pk]), {"note": "退回上一版"}
    )  # "active" unticked
    assert response.status_code == 302
    assert "第一版" in text_of(documents.make(kind, case))
    assert DocumentTemplate.objects.filter(kind="filing_notice").count() == 2
    assert client.post(reverse("admin:reporting_documenttemplate_delete", args=[second.pk])).status_code == 403


def test_a_template_using_a_field_the_document_does_not_declare_is_refused(client, sysadmin):
    login(client, sysadmin)
    response = upload(client, "filing_notice", docx_with("{{ title }} {{ unit.contacts }} {{ secret_key }}"))
    assert response.status_code == 200
    html = response.content.decode()
    assert "模板未被采用" in html and "没有的字段" in html and "secret_key" in html and "unit" in html
    assert not DocumentTemplate.objects.exists()


def test_a_broken_template_is_refused_with_the_reason(client, sysadmin):
    login(client, sysadmin)
    html = upload(client, "filing_notice", docx_with("{{ title ")).content.decode()
    assert "模板语法错误" in html
    html = upload(client, "filing_notice", b"not a word file", name="x.docx").content.decode()
    assert "不是有效的 Word 文件" in html
    # a loop over a field that is a string, reading a row attribute that does not exist: fails the trial
    html = upload(
        client, "assignment_list", docx_with("{%p for r in rows %}", "{{ r.nonexistent }}", "{%p endfor %}")
    ).content.decode()
    assert "用示例数据试生成失败" in html
    assert not DocumentTemplate.objects.exists()


def test_the_sandbox_refuses_reaching_into_python(db):
    kind = documents.get("filing_notice")
    errors = documents.check_template(kind, docx_with("{{ title.__class__.__mro__ }}"))
    assert errors and ("不允许" in errors[0] or "失败" in errors[0])


def test_the_administrator_downloads_the_template_in_use_to_edit_it(client, sysadmin):
    login(client, sysadmin)
    response = client.get(reverse("admin:reporting_documenttemplate_current", args=["assignment_notice"]))
    assert response.status_code == 200
    assert "{{ doc_number }}" in text_of(response.content)
    page = client.get(reverse("admin:reporting_documenttemplate_add")).content.decode()
    assert "交办通知书" in page and "{{ doc_number }}" in page


def test_members_and_staff_cannot_reach_the_template_admin(client, world):
    login(client, world.staff)
    assert client.get(reverse("admin:reporting_documenttemplate_add")).status_code in (302, 403, 404)


def test_the_settings_refuse_a_number_pattern_without_its_number(client, sysadmin):
    login(client, sysadmin)
    response = client.get(reverse("admin:reporting_documentsettings_changelist"))
    assert response.status_code == 302
    url = response["Location"]
    form = {
        "committee": "中国人民政治协商会议陈仓区委员会",
        "header_text": "政协陈仓区委员会提案委员会",
        "issuer": "政协陈仓区委员会提案委员会",
        "number_pattern": "陈政协提〔{year}〕号",
        "reply_number_pattern": "{unit}函〔{year}〕{number}号",
        "cc": "区委办公室",
        "printer": "政协陈仓区委员会办公室",
        "reply_cc": "区政协提案委员会",
        "office_contact": "提案委员会办公室",
        "office_phone": "0917-6212000",
    }
    assert "必须包含 {number}" in client.post(url, form).content.decode()
    form["number_pattern"] = "陈政协提〔{year}〕{number}号"
    assert client.post(url, form).status_code == 302
    assert re.search("admin_change", str(list(AuditEvent.objects.values_list("action", flat=True))))
