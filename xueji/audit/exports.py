"""Every list's .xlsx export, the same way: exactly the rows the list's filters select, read in chunks from a
server-side cursor, written by xueji.core.spreadsheets to a temporary file and streamed from it, refused above a
cap, and recorded in the audit log with who exported which filters and how many rows (第四十四条: a list of
children's identities leaving the system is a read worth recording)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from django.conf import settings
from django.db import transaction
from django.db.models import QuerySet
from django.http import FileResponse
from django.utils import timezone

from xueji.core.errors import RuleViolation
from xueji.core.masking import mask_ids_in_text
from xueji.core.spreadsheets import xlsx_response
from xueji.policy.violations import Violation

from . import services as audit

CHUNK_ROWS = 2000
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
# The list endpoints' OpenAPI: with ?format=xlsx the 200 answer is the file (design.md: "?format=xlsx on the same path").
XLSX_OPENAPI = {"responses": {200: {"description": "JSON;format=xlsx 时为按同样筛选条件导出的全部结果(.xlsx)",
                                    "content": {XLSX_TYPE: {"schema": {"type": "string", "format": "binary"}}}}}}
FORMAT_DOC = "json(默认,分页)或 xlsx(按同样条件导出全部结果,身份证件号掩码,记入审计日志)"


def max_rows() -> int:
    """The most rows one export writes (XUEJI_EXPORT_MAX_ROWS, default 1,000,000; an .xlsx sheet holds 1,048,576)."""
    return int(getattr(settings, "XUEJI_EXPORT_MAX_ROWS", 1_000_000))


def cap_note() -> str:
    """The sentence the list pages show beside their 导出 Excel link."""
    return f"按当前筛选条件导出全部结果(不止本页),单次最多 {max_rows():,} 行;身份证件号以掩码导出;导出记入审计日志。"


@dataclass(frozen=True)
class Sheet:
    """What a list's spreadsheet looks like: title (sheet and file name), headings, text columns, widths."""

    title: str
    headers: Sequence[str]
    text_columns: Sequence[int] = ()
    widths: Sequence[float] = field(default=())


def refuse_over_cap(count: int) -> None:
    limit = max_rows()
    if count > limit:
        raise RuleViolation(Violation(
            "export_too_large",
            f"符合筛选条件的共 {count:,} 行,超过单次导出上限 {limit:,} 行;请按学校、年级或状态等条件缩小范围后分批导出",
            field="format"))


def _filters_text(filters: dict) -> str:
    shown = [f"{k}={v}" for k, v in filters.items() if v not in (None, "")]
    # An ID number typed into the search is personal data: the file's heading shows it masked, like the page.
    return mask_ids_in_text(";".join(shown)) if shown else "无(管辖范围内全部)"


def export(user, action: str, *, sheet: Sheet, queryset: QuerySet, row: Callable[[int, object], Sequence],
           filters: dict, object_type: str, count: int | None = None) -> FileResponse:
    """The queryset's rows as a downloadable .xlsx; `row(index, item)` turns one item (a model instance, or a
    tuple when the queryset is a values_list) into the sheet's cells. One audit row records the export."""
    count = queryset.count() if count is None else count
    refuse_over_cap(count)
    stamp = timezone.localtime()
    heading = f"{sheet.title} · 导出于 {stamp:%Y-%m-%d %H:%M} · 导出人 {user.username} · 筛选条件:{_filters_text(filters)}"
    items = queryset.iterator(chunk_size=CHUNK_ROWS)
    rows = (row(index, item) for index, item in enumerate(items, start=1))
    response = xlsx_response(f"{sheet.title}-{stamp:%Y%m%d-%H%M}.xlsx", sheet.title, sheet.headers, rows,
                             text_columns=sheet.text_columns, heading=heading, widths=sheet.widths or None)
    with transaction.atomic():
        audit.record(user, action, object_type=object_type,
                     details={**{k: v for k, v in filters.items() if v not in (None, "")},
                              "count": response.row_count, "format": "xlsx"})
    return response


def export_params(request) -> list[tuple[str, str]]:
    """The current list's filters with format=xlsx and without the page number: the hidden fields of the page's
    导出 Excel form. A form, not a link: a searched ID or G number stays out of every href, as in the search box."""
    params = [(k, v) for k, values in request.GET.lists() if k not in ("page", "format") for v in values]
    return [*params, ("format", "xlsx")]
