"""Where job files live: under MEDIA_ROOT/jobs/, never served by URL (only by the access-checked download view)."""

from __future__ import annotations

import uuid
from pathlib import Path

from django.conf import settings


def root() -> Path:
    path = Path(settings.MEDIA_ROOT) / "jobs"
    path.mkdir(parents=True, exist_ok=True)
    return path


def work_dir() -> Path:
    """Scratch space for a running job's file; the wrapper moves the finished file into place."""
    path = root() / "work"
    path.mkdir(parents=True, exist_ok=True)
    return path


def scratch_path(suffix: str) -> Path:
    return work_dir() / f"{uuid.uuid4().hex}{suffix}"


def final_path(job_id: int, attempt: int, suffix: str) -> Path:
    # One name per attempt: a stale worker finishing late cannot overwrite the file of the attempt that won.
    return root() / f"job{job_id}-{attempt}-{uuid.uuid4().hex[:8]}{suffix}"


def resolve(relative: str) -> Path | None:
    """The file of a job row, only if it is inside the jobs folder (the row stores a relative path)."""
    if not relative:
        return None
    base = root().resolve()
    path = (base / relative).resolve()
    return path if path.is_relative_to(base) and path.is_file() else None
