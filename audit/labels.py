"""Chinese names of the audit trail's event codes, for the auditor's pages and export.

The audit app sits below every other app, so it cannot read their names for what they record. Each app
registers the names of the events it writes from its ``AppConfig.ready()``; a code nobody registered is
shown as itself, so an event is never hidden for want of a name.
"""

from __future__ import annotations

from collections.abc import Mapping

_LABELS: dict[str, str] = {}


def register(labels: Mapping[str, str]) -> None:
    _LABELS.update(labels)


def label(code: str) -> str:
    return _LABELS.get(code, code)


def codes_named(text: str) -> list[str]:
    """The codes whose Chinese name is ``text`` (the auditor may filter by either)."""
    return sorted(code for code, name in _LABELS.items() if name == text)


# The events the audit app itself writes.
register({"export": "导出"})
