"""Job kinds, registered by the apps that own the work (their AppConfig.ready imports their jobs module).

A handler is called as ``handler(job, progress)`` inside the job wrapper; it reads its parameters from
``job.params``, calls ``progress(done, total)`` as it goes, and returns ``None`` or a ``JobFile`` (the
path of a file it wrote under ``jobs.storage.work_dir()`` and the name to download it as). A handler must
be idempotent: a job whose worker died is run again from the start.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any


@dataclass(frozen=True)
class JobFile:
    path: Path
    filename: str
    content_type: str = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@dataclass(frozen=True)
class JobKind:
    name: str
    label: str
    handler: Callable[..., Any]
    # Listed on 我的导出 (exports and imports a person started); system jobs (the dashboard refresh) are not.
    listed: bool = True


_KINDS: dict[str, JobKind] = {}


def register(name: str, label: str, *, listed: bool = True):
    """Decorator: ``@register("export_cases", "提案列表导出")`` on the handler."""

    def decorate(handler: Callable[..., Any]) -> Callable[..., Any]:
        _KINDS[name] = JobKind(name, label, handler, listed)
        return handler

    return decorate


def get(name: str) -> JobKind | None:
    return _KINDS.get(name)


def label(name: str) -> str:
    kind = _KINDS.get(name)
    return kind.label if kind else name


def listed_kinds() -> list[str]:
    return [k.name for k in _KINDS.values() if k.listed]
