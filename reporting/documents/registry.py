"""The registry of document kinds: what each official document is, which fields its template may use,
how its context is built from its object, and a sample context to try an uploaded template on."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

DEFAULT_TEMPLATES = Path(__file__).parent / "templates"

# Fields every document's template may use, filled from DocumentSettings and the document's own date
# and number (see engine.common_context).
COMMON_FIELDS: dict[str, str] = {
    "committee": "委员会名称",
    "header_text": "版头（发文机关标志）",
    "issuer": "发文机关署名",
    "cc": "抄送",
    "printer": "印发机关",
    "print_date": "印发日期",
    "date": "成文日期",
    "doc_number": "发文字号（无则为空）",
    "office_contact": "提案委联系人",
    "office_phone": "提案委联系电话",
}


@dataclass(frozen=True)
class DocumentKind:
    """One kind of official document.

    ``build(obj, issue)`` returns the template's context for ``obj`` (a case, an assignment, a session,
    a year …); ``issue`` is an ``engine.Issue`` that gives the document a 发文字号 when the kind has a
    ``number_series`` (``issue.number(series, year)``), so numbers are only taken when a document is made.
    ``sample()`` returns a context with every field for trying an uploaded template. ``filename(obj)``
    names the download (without extension). ``scope`` names what ``obj`` is, for the pages that offer it.
    """

    key: str
    title: str
    fields: Mapping[str, str]
    build: Callable[[Any, Any], dict[str, Any]]
    sample: Callable[[], dict[str, Any]]
    filename: Callable[[Any], str]
    scope: str = "case"
    template: str = ""  # file name under DEFAULT_TEMPLATES; default "<key>.docx"
    landscape: bool = False
    extra: Mapping[str, Any] = field(default_factory=dict)

    @property
    def default_template(self) -> Path:
        return DEFAULT_TEMPLATES / (self.template or f"{self.key}.docx")

    @property
    def all_fields(self) -> dict[str, str]:
        return {**COMMON_FIELDS, **self.fields}


_KINDS: dict[str, DocumentKind] = {}


def register(kind: DocumentKind) -> DocumentKind:
    if kind.key in _KINDS and _KINDS[kind.key] != kind:
        raise ValueError(f"document kind {kind.key!r} registered twice")
    _KINDS[kind.key] = kind
    return kind


def get(key: str) -> DocumentKind | None:
    return _KINDS.get(key)


def kinds() -> list[DocumentKind]:
    return list(_KINDS.values())


def choices() -> list[tuple[str, str]]:
    return [(k.key, k.title) for k in _KINDS.values()]
