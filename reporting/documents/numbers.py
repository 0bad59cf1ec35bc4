"""发文字号: each document that has one gets the next number of its series and year once, when it is first
made, and keeps it (downloading it again prints the same number). Numbers never repeat: the series row
is locked (SELECT … FOR UPDATE) while the next number is taken, and two unique constraints back it up."""

from __future__ import annotations

from django.db import IntegrityError, transaction

from audit import trail as audit
from core import clock
from reporting.models import DocumentNumberSeries, IssuedDocumentNumber


def format_number(pattern: str, *, year: int, number: int, **names: str) -> str:
    try:
        return pattern.format(year=year, number=number, **names)
    except (KeyError, IndexError, ValueError):
        # A pattern the administrator mistyped must not stop the office: fall back to the plain form.
        return f"〔{year}〕{number}号"


def issue(kind: str, object_key: str, *, series: str, pattern: str, year: int, user=None, case=None, **names) -> str:
    existing = IssuedDocumentNumber.objects.filter(kind=kind, object_key=object_key).first()
    if existing is not None:
        return existing.text
    try:
        with transaction.atomic():
            return _take(kind, object_key, series=series, pattern=pattern, year=year, user=user, case=case, **names)
    except IntegrityError:
        # Two first downloads of one document at once: the other one numbered it.
        return IssuedDocumentNumber.objects.get(kind=kind, object_key=object_key).text


def _take(kind: str, object_key: str, *, series: str, pattern: str, year: int, user, case, **names) -> str:
    DocumentNumberSeries.objects.get_or_create(series=series, year=year)
    counter = DocumentNumberSeries.objects.select_for_update().get(series=series, year=year)
    # Under the lock: another request may have numbered this document while this one waited.
    existing = IssuedDocumentNumber.objects.filter(kind=kind, object_key=object_key).first()
    if existing is not None:
        return existing.text
    counter.last += 1
    counter.save(update_fields=["last"])
    text = format_number(pattern, year=year, number=counter.last, **names)
    issued = IssuedDocumentNumber.objects.create(
        kind=kind,
        object_key=object_key,
        series=series,
        year=year,
        number=counter.last,
        text=text,
        issued_at=clock.now(),
        issued_by=user if getattr(user, "is_authenticated", False) else None,
    )
    audit.record(
        "document_number",
        actor=user,
        obj=issued,
        object_type="document",
        case=case,
        data={"kind": kind, "object": object_key, "series": series, "year": year, "number": counter.last, "text": text},
    )
    return text
