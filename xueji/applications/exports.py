"""The applications list and the approver's inbox (待办审批) as .xlsx: the rows the page's filters select, with
each deadline in words as on the page, G student numbers masked."""

from django.db.models import Prefetch
from django.http import FileResponse
from django.utils import timezone

from xueji.audit.exports import Sheet, export
from xueji.core.errors import NotFound
from xueji.core.masking import mask_student_number
from xueji.orgs.permissions import SchoolPolicy
from xueji.policy.fields import GRADE_LABELS

from . import selectors
from .models import Application, Step

LIST_SHEET = Sheet(
    "申请记录",
    ("申请编号", "申请类型", "学生或事项", "学籍号", "学校标识码", "学校", "状态", "当前环节", "当前环节办理单位",
     "办结期限", "本环节期限", "发起日期", "发起人"),
    text_columns=(3, 4),
    widths=(10, 14, 16, 22, 13, 28, 8, 16, 20, 22, 24, 12, 20),
)
INBOX_SHEET = Sheet(
    "待办审批",
    ("申请编号", "申请类型", "学生或事项", "年级", "学校标识码", "学校", "本环节", "办结期限", "本环节期限",
     "发起日期", "发起人"),
    text_columns=(4,),
    widths=(10, 14, 16, 8, 13, 28, 20, 22, 24, 12, 20),
)


def due_text(due) -> str:
    """A deadline as the page words it: the date and how long is left or how long overdue."""
    if due is None:
        return ""
    if due.left < 0:
        return f"{due.date:%Y-%m-%d}(已逾期{-due.left}{due.unit})"
    return f"{due.date:%Y-%m-%d}(剩余{due.left}{due.unit})"


def _list_row(today):
    def row(index: int, app: Application) -> list:
        steps = sorted(app.steps.all(), key=lambda s: s.order)
        current = next((s for s in steps if s.status == Step.Status.PENDING), None)
        pending = app.status == Application.Status.PENDING
        return [app.pk, app.type_label, app.subject,
                (mask_student_number(app.student.student_number) or "待注册") if app.student_id else "",
                app.school_id or "", app.school.name if app.school_id else "", app.get_status_display(),
                current.label if current else "", current.org_name if current else "",
                due_text(selectors.due(app.due_date, today=today)) if pending else "",
                due_text(selectors.due(current.due_date, working=True, today=today)) if current else "",
                timezone.localtime(app.created_at).date(), str(app.created_by) if app.created_by_id else ""]
    return row


def _refuse_foreign_school(user, school: str | None, action: str) -> None:
    if school and not SchoolPolicy.visible_to(user).filter(pk=school).exists():
        raise NotFound("未找到该学校,或该学校不在您的管辖范围内",
                       actor=user, action=action, object_type="school", object_id=school)


def export_applications(user, *, awaiting: str | None = None, type_code: str | None = None,
                        status: str | None = None, school: str | None = None, student=None,
                        student_key: str | None = None) -> FileResponse:
    """The applications list_applications selects for these filters (the page's and the API's list)."""
    _refuse_foreign_school(user, school, "application.export")
    qs = selectors.list_applications(user, awaiting=awaiting, type_code=type_code, status=status, school=school,
                                     student=student)
    # Only what the row shows: the steps (prefetched per chunk of the iterator), not the evidence.
    qs = qs.prefetch_related(None).prefetch_related(Prefetch("steps", queryset=Step.objects.order_by("order")))
    filters = {"awaiting": awaiting, "type": type_code, "status": status, "school": school, "student": student_key}
    return export(user, "application.export", sheet=LIST_SHEET, queryset=qs, row=_list_row(timezone.localdate()),
                  filters=filters, object_type="application")


def _inbox_row(today):
    def row(index: int, step: Step) -> list:
        app = step.application
        grade = app.student.grade if app.student_id else None
        return [app.pk, app.type_label, app.subject, GRADE_LABELS.get(grade, "") if grade else "",
                app.school_id or "", app.school.name if app.school_id else "", f"第{step.order}步 {step.label}",
                due_text(selectors.due(app.due_date, today=today)),
                due_text(selectors.due(step.due_date, working=True, today=today)),
                timezone.localtime(app.created_at).date(), str(app.created_by) if app.created_by_id else ""]
    return row


def export_inbox(user) -> FileResponse:
    """The steps waiting for this user, soonest due first, as the 待办审批 page lists them."""
    selectors.refuse_auditor(user)
    return export(user, "application.inbox_export", sheet=INBOX_SHEET, queryset=selectors.inbox_steps(user),
                  row=_inbox_row(timezone.localdate()), filters={"awaiting": "me"}, object_type="application")
