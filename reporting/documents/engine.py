"""Rendering: a kind's template (the administrator's newest active upload, else the committed default)
filled by docxtpl in Jinja2's SandboxedEnvironment; the check an uploaded template must pass."""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

from django.utils import timezone
from docx import Document
from docxtpl import DocxTemplate
from jinja2 import StrictUndefined, TemplateSyntaxError
from jinja2.exceptions import SecurityError, UndefinedError
from jinja2.sandbox import SandboxedEnvironment

from core import clock
from reporting.models import DocumentSettings, DocumentTemplate

from . import numbers
from .registry import DocumentKind

DOCX_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def jinja_env() -> SandboxedEnvironment:
    # Sandboxed: an uploaded template reaches only the plain values of its context (no attribute of a
    # model, no method call that changes anything); StrictUndefined: a misspelt row field fails the trial.
    return SandboxedEnvironment(autoescape=True, undefined=StrictUndefined)


def chinese_date(value: Any) -> str:
    if value is None or value == "":
        return ""
    if isinstance(value, dt.datetime):
        value = timezone.localtime(value).date()
    return f"{value.year}年{value.month}月{value.day}日"


class Issue:
    """What making one document needs besides its object: who makes it (for the numbers' audit)."""

    def __init__(self, user=None) -> None:
        self.user = user
        self.settings = DocumentSettings.current()

    def number(self, kind: str, object_key: str, *, series: str, pattern: str, year: int, case=None, **names) -> str:
        return numbers.issue(
            kind, object_key, series=series, pattern=pattern, year=year, user=self.user, case=case, **names
        )


def common_context(settings: DocumentSettings, *, date: Any = None) -> dict[str, Any]:
    day = chinese_date(date or clock.today())
    return {
        "committee": settings.committee,
        "header_text": settings.header_text,
        "issuer": settings.issuer,
        "cc": settings.cc,
        "printer": settings.printer,
        "print_date": chinese_date(clock.today()),
        "date": day,
        "doc_number": "",
        "office_contact": settings.office_contact,
        "office_phone": settings.office_phone,
    }


def current_template(kind: DocumentKind) -> DocumentTemplate | None:
    return DocumentTemplate.objects.filter(kind=kind.key, active=True).order_by("-version").first()


def template_bytes(kind: DocumentKind) -> bytes:
    uploaded = current_template(kind)
    if uploaded is not None:
        return bytes(uploaded.content)
    return kind.default_template.read_bytes()


def render(kind: DocumentKind, context: dict[str, Any], *, template: bytes | None = None) -> bytes:
    document = DocxTemplate(io.BytesIO(template if template is not None else template_bytes(kind)))
    document.render(context, jinja_env(), autoescape=True)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def make(kind: DocumentKind, obj: Any, *, user=None) -> bytes:
    """The document of ``kind`` for ``obj`` as .docx bytes (the caller has checked access)."""
    issue = Issue(user)
    context = {**common_context(issue.settings), **kind.build(obj, issue)}
    return render(kind, context)


def sample_context(kind: DocumentKind) -> dict[str, Any]:
    return {**common_context(DocumentSettings.current()), "doc_number": "陈政协提〔2026〕1号", **kind.sample()}


def check_template(kind: DocumentKind, content: bytes) -> list[str]:
    """Why an uploaded template cannot be used (in Chinese), or [] when it renders the sample cleanly."""
    try:
        document = DocxTemplate(io.BytesIO(content))
        document.init_docx()
    except Exception:
        return ["不是有效的 Word 文件（.docx）。请在 Word 或 WPS 中“另存为”.docx 格式后再上传。"]
    declared = kind.all_fields
    try:
        undeclared = document.get_undeclared_template_variables(jinja_env(), dict.fromkeys(declared, ""))
    except TemplateSyntaxError as error:
        return [f"模板语法错误（{error.message}），请检查 {{{{ }}}} 和 {{% %}} 是否成对、拼写是否正确。"]
    except Exception as error:
        return [f"模板无法解析：{error}"]
    if undeclared:
        allowed = "、".join(f"{key}（{label}）" for key, label in declared.items())
        return [f"模板使用了本文书没有的字段：{'、'.join(sorted(undeclared))}。可用的字段：{allowed}。"]
    try:
        rendered = render(kind, sample_context(kind), template=content)
        Document(io.BytesIO(rendered))
    except SecurityError as error:
        return [f"模板使用了不允许的操作：{error}"]
    except UndefinedError as error:
        return [f"用示例数据试生成失败：模板引用了不存在的内容（{error.message}）。"]
    except TemplateSyntaxError as error:
        return [f"模板语法错误（{error.message}）。"]
    except Exception as error:
        return [f"用示例数据试生成失败：{error}"]
    return []
