"""Official documents (公文) as editable Word templates, and as PDF (issue 16).

Each document kind is a ``.docx`` template (docxtpl: Jinja2 placeholders inside an ordinary Word file)
committed in ``reporting/documents/templates/`` and built reproducibly by ``build_templates.py`` in the
layout of GB/T 9704-2012. The system administrator may upload a replacement in the admin (公文模板):
it is rendered in Jinja2's SandboxedEnvironment, may use only the fields its kind declares, is tried on
the kind's sample context before it is accepted, and the earlier versions are kept.

Modules:
- ``registry``  — ``DocumentKind`` and ``register``/``get``/``kinds``: the catalogue of kinds;
- ``proposal_documents`` — the kinds of the proposal work (提案表, 立案/不予立案通知, 交办通知书, 交办清单, 答复函,
                  征询意见表, 催办通知, 重点提案目录, 提案目录);
- ``engine``    — ``make(kind, obj, user=…)`` → .docx bytes; ``check_template`` for uploads;
- ``numbers``   — 发文字号: the next number of a series, once per document, under a row lock; audited;
- ``pdf``       — ``convert([docx, …])``/``to_pdf``/``merge`` via LibreOffice headless (optional);
- ``offers``    — ``case_documents(user, case)``: THE list of documents a person may get for a case,
                  read by the case page's partial (reporting/_case_documents.html) and the download views;
- ``responses``, ``printing`` — the audited download and the HTML print view.

Registering a kind (issues 23 and 24 add theirs this way, in their own module imported from
``reporting.apps`` or their app's ``ready()``)::

    from reporting.documents import DocumentKind, register

    register(DocumentKind(
        key="annual_report",                      # unique; also the default template's file name
        title="提案工作情况报告",
        scope="year",                             # what the object is: case, assignment, session, year, member…
        fields={"year": "年度", "body": "正文（段落列表）"},   # what the template may use, besides COMMON_FIELDS
        build=lambda obj, issue: {"year": str(obj.year), "body": [...]},   # plain values only
        sample=lambda: {"year": "2026", "body": ["示例段落。"]},            # every field, for trying uploads
        filename=lambda obj: f"{obj.year}年提案工作情况报告",
    ))

then add ``annual_report()`` to ``build_templates.py`` (its page, title and fields using the shared
helpers: ``new_document``, ``masthead``, ``number_rule``, ``title``, ``loop``, ``form``, ``grid``,
``signature``, ``colophon``), run it, commit the .docx, and serve it with
``engine.make(kind, obj, user=request.user)`` and ``responses.document_response`` (PDF: ``pdf.to_pdf``).
A kind with a 发文字号 calls ``issue.number(kind, object_key, series=…, pattern=issue.settings.number_pattern,
year=…)`` inside ``build`` and puts it in ``doc_number``. Every template may use ``COMMON_FIELDS``
(committee, header_text, issuer, cc, printer, print_date, date, doc_number, office_contact, office_phone),
filled from the 公文设置 (``reporting.models.DocumentSettings``).
"""

from . import proposal_documents as _proposal_documents  # noqa: F401  (registers the proposal work's kinds)
from .engine import check_template, make, render, sample_context
from .registry import COMMON_FIELDS, DocumentKind, get, kinds, register

__all__ = [
    "COMMON_FIELDS",
    "DocumentKind",
    "check_template",
    "get",
    "kinds",
    "make",
    "register",
    "render",
    "sample_context",
]
