"""Checking and storing uploaded files — shared by the web pages and the API.

A file is accepted by what it is, not by what it is called: its first bytes must match one of
the formats a proposal needs (PDF, OFD, images, Office documents), and it must fit within
settings.UPLOAD_MAX_BYTES. The stored name is random (models.upload_path); the user's file name
is kept only as ``original_name``.
"""

from __future__ import annotations

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile

from core import clock

from .errors import invalid
from .models import Attachment, Case

# (magic prefix, content type, label). OFD, DOCX and XLSX are ZIP containers.
SIGNATURES: tuple[tuple[bytes, str, str], ...] = (
    (b"%PDF-", "application/pdf", "PDF"),
    (b"\x89PNG\r\n\x1a\n", "image/png", "PNG"),
    (b"\xff\xd8\xff", "image/jpeg", "JPEG"),
    (b"GIF87a", "image/gif", "GIF"),
    (b"GIF89a", "image/gif", "GIF"),
    (b"PK\x03\x04", "application/zip", "OFD/DOCX/XLSX"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "application/x-ole-storage", "DOC/XLS"),
)
ZIP_TYPES = {
    ".ofd": "application/ofd",
    ".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
OLE_TYPES = {".doc": "application/msword", ".xls": "application/vnd.ms-excel"}
ALLOWED_LABEL = "PDF、OFD、JPG、PNG、GIF、Word、Excel"


def sniff(head: bytes, filename: str = "") -> str | None:
    """The content type the file's first bytes prove, or None when they match no allowed format."""
    suffix = ("." + filename.rsplit(".", 1)[-1].lower()) if "." in filename else ""
    for magic, content_type, _label in SIGNATURES:
        if head.startswith(magic):
            if content_type == "application/zip":
                return ZIP_TYPES.get(suffix)
            if content_type == "application/x-ole-storage":
                return OLE_TYPES.get(suffix)
            return content_type
    return None


def check_upload(upload: UploadedFile, field: str = "file") -> str:
    """Raise a 400 WorkflowError for a missing, empty, oversized or disguised file; return its content type."""
    if upload is None:
        raise invalid("file_required", "请选择要上传的文件。", {field: ["请选择要上传的文件。"]})
    limit = settings.UPLOAD_MAX_BYTES
    if upload.size == 0:
        raise invalid("file_empty", "文件是空的。", {field: ["文件是空的。"]})
    if upload.size > limit:
        message = f"文件过大：不能超过 {limit // (1024 * 1024) or 1} MB。"
        raise invalid("file_too_large", message, {field: [message]})
    upload.seek(0)
    head = upload.read(16)
    upload.seek(0)
    content_type = sniff(head, upload.name or "")
    if content_type is None:
        message = f"文件类型不支持或内容与扩展名不符，仅支持 {ALLOWED_LABEL}。"
        raise invalid("file_type_not_allowed", message, {field: [message]})
    return content_type


def store(
    case: Case, user, upload: UploadedFile, purpose: str = Attachment.Purpose.ATTACHMENT, assignment=None
) -> Attachment:
    """Check and save one uploaded file as an attachment of ``case``. Permission is the caller's
    check (access.upload_purposes)."""
    if purpose not in Attachment.Purpose.values:
        raise invalid("purpose_invalid", "文件用途不正确。", {"purpose": ["文件用途不正确。"]})
    content_type = check_upload(upload)
    attachment = Attachment(
        case=case,
        purpose=purpose,
        original_name=(upload.name or "file")[:200],
        content_type=content_type,
        size=upload.size,
        uploaded_by=user,
        uploaded_at=clock.now(),
        assignment=assignment,
    )
    attachment.file.save(upload.name or "file", upload, save=False)
    attachment.save()
    return attachment
