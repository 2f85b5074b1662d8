"""The audit log as .xlsx for the auditor: the rows the log page's or the API's filters select, newest first,
with ID numbers typed into searches, reasons and details masked as on the page (第四十四条)."""

import json

from django.http import FileResponse
from django.utils import timezone

from xueji.core.masking import mask_ids_in, mask_ids_in_text

from .exports import Sheet, export
from .labels import action_label, object_label, outcome_label

SHEET = Sheet(
    "审计日志",
    ("记录编号", "时间", "账号", "单位代码", "单位", "操作", "操作代码", "对象类型", "对象", "结果", "事由", "来源地址",
     "详情"),
    text_columns=(3, 6, 8, 11),
    widths=(10, 20, 16, 12, 24, 20, 22, 10, 22, 6, 24, 16, 40),
)


class _OrgNames:
    """The name of a unit's code, looked up once per code (a log export meets a few thousand units at most)."""

    def __init__(self):
        self.names: dict[str, str] = {}

    def __call__(self, code: str) -> str:
        if code and code not in self.names:
            from xueji.orgs.models import Division, School

            self.names[code] = (School.objects.filter(code=code).values_list("name", flat=True).first()
                                or Division.objects.filter(code=code).values_list("name", flat=True).first() or "")
        return self.names.get(code, "")


def _row(org_name):
    def row(index: int, e) -> list:
        details = json.dumps(mask_ids_in(e.details), ensure_ascii=False) if e.details else ""
        return [e.pk, timezone.localtime(e.at).strftime("%Y-%m-%d %H:%M:%S"), e.actor_username, e.org_code,
                org_name(e.org_code), action_label(e.action), e.action, object_label(e.object_type),
                mask_ids_in_text(e.object_id), outcome_label(e.outcome), mask_ids_in_text(e.reason), e.source_ip,
                details]
    return row


def export_log(user, queryset, filters: dict) -> FileResponse:
    """`queryset` is the log already narrowed by AuditPolicy and the filters (the page's or the API's)."""
    return export(user, "audit.export", sheet=SHEET, queryset=queryset, row=_row(_OrgNames()), filters=filters,
                  object_type="audit")
