"""PDF through LibreOffice headless (Debian's ``libreoffice-writer-nogui``): optional. Without ``soffice``
the pages say PDF needs LibreOffice and the Word files still work.

Each conversion runs in its own temporary profile (``-env:UserInstallation``), so parallel conversions
(two requests, a request and the batch job) do not collide, and under a timeout.
"""

from __future__ import annotations

import io
import os
import shutil
import subprocess
import tempfile
from pathlib import Path

from django.conf import settings

FONTS_CONF = Path(__file__).parent / "fonts.conf"
PDF_TYPE = "application/pdf"
UNAVAILABLE = "生成 PDF 需要服务器安装 LibreOffice（Debian 软件包 libreoffice-writer-nogui）；Word 文件不受影响。"


class PdfUnavailable(RuntimeError):
    pass


class PdfFailed(RuntimeError):
    pass


def soffice() -> str | None:
    configured = getattr(settings, "DOCUMENTS_SOFFICE", "") or ""
    if configured:
        return configured if Path(configured).exists() else shutil.which(configured)
    return shutil.which("soffice") or shutil.which("libreoffice")


def available() -> bool:
    return soffice() is not None


def convert(documents: list[bytes], *, timeout: float | None = None) -> list[bytes]:
    """Each .docx as PDF bytes, in order: one soffice run for them all (its start-up dominates)."""
    binary = soffice()
    if binary is None:
        raise PdfUnavailable(UNAVAILABLE)
    if not documents:
        return []
    timeout = timeout or float(getattr(settings, "DOCUMENTS_PDF_TIMEOUT", 120))
    with tempfile.TemporaryDirectory(prefix="cppcc-pdf-") as tmp:
        root = Path(tmp)
        inputs = []
        for index, content in enumerate(documents):
            path = root / f"d{index:05d}.docx"
            path.write_bytes(content)
            inputs.append(str(path))
        out = root / "out"
        env = {**os.environ, "HOME": tmp, "FONTCONFIG_FILE": str(FONTS_CONF)}
        command = [
            binary,
            "--headless",
            "--norestore",
            "--nologo",
            "--nolockcheck",
            "--nodefault",
            f"-env:UserInstallation={(root / 'profile').as_uri()}",
            "--convert-to",
            "pdf:writer_pdf_Export",
            "--outdir",
            str(out),
            *inputs,
        ]
        try:
            subprocess.run(command, env=env, capture_output=True, timeout=timeout, check=False, cwd=tmp)
        except subprocess.TimeoutExpired:
            raise PdfFailed(f"LibreOffice 转换 PDF 超时（{timeout:.0f} 秒）。")
        results = []
        for path in inputs:
            pdf = out / (Path(path).stem + ".pdf")
            if not pdf.exists():
                raise PdfFailed("LibreOffice 未能生成 PDF。")
            results.append(pdf.read_bytes())
        return results


def to_pdf(document: bytes) -> bytes:
    return convert([document])[0]


def merge(pdfs: list[bytes]) -> bytes:
    from pypdf import PdfWriter

    writer = PdfWriter()
    for pdf in pdfs:
        writer.append(io.BytesIO(pdf))
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()
