"""The checks a scan passes before it enters the archive: those of the application evidence (JPG, PNG or PDF by
its first bytes, the upload size limit), plus what makes a scan hostile to whoever opens it later: an empty file,
or a PDF carrying script, launch actions or embedded files (a scanner produces none of these)."""

import re

from django.conf import settings

from xueji.applications.services import ALLOWED_EVIDENCE
from xueji.policy.violations import Violation

# Names in the clear only: a script hidden in a compressed object stream is not seen; the download still
# carries the sniffed type with nosniff, so no browser takes the file for a page.
ACTIVE_PDF = re.compile(rb"/(JavaScript|JS|Launch|EmbeddedFiles?|RichMedia)\b")
CHUNK = 1024 * 1024


def scan_problems(upload, field: str = "file") -> list[Violation]:
    if upload is None:
        return [Violation(code="required", field=field, message="请上传材料的扫描件(JPG、PNG或PDF)")]
    name = getattr(upload, "name", "") or "文件"
    size = getattr(upload, "size", 0) or 0
    if size == 0:
        return [Violation(code="file_empty", field=field, message=f"扫描件“{name}”是空文件,请重新选择")]
    if size > settings.XUEJI_UPLOAD_MAX_BYTES:
        limit = settings.XUEJI_UPLOAD_MAX_BYTES // (1024 * 1024)
        return [Violation(code="evidence_too_large", field=field,
                          message=f"扫描件“{name}”超过{limit}MB,请压缩后上传")]
    head = _head(upload)
    if head not in ALLOWED_EVIDENCE:
        return [Violation(code="evidence_type", field=field, message=f"扫描件“{name}”须为JPG、PNG或PDF文件")]
    if ALLOWED_EVIDENCE[head] == "application/pdf" and _has_active_content(upload):
        return [Violation(code="evidence_active", field=field,
                          message=f"扫描件“{name}”含有脚本、自动动作或嵌入文件,不是扫描件;请用扫描仪或"
                                  f"“打印为PDF”重新生成后上传")]
    return []


def content_type_of(upload) -> str:
    return ALLOWED_EVIDENCE[_head(upload)]


def _head(upload) -> bytes:
    upload.seek(0)
    head = upload.read(3)
    upload.seek(0)
    return head


def _has_active_content(upload) -> bool:
    # Read in chunks with an overlap, so a name split across two chunks is still seen.
    upload.seek(0)
    tail = b""
    try:
        while chunk := upload.read(CHUNK):
            if ACTIVE_PDF.search(tail + chunk):
                return True
            tail = chunk[-32:]
    finally:
        upload.seek(0)
    return False
