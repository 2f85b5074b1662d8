"""Reads of applications: one application, lists (awaiting me, overdue, by filter), deadlines in words, the
old → new values of a change. Every read goes through ApplicationPolicy; refused reads are logged.
"""

import datetime
from collections.abc import Mapping
from dataclasses import dataclass

from django.db.models import Exists, F, OuterRef, Q, QuerySet
from django.utils import timezone

from xueji.audit import services as audit
from xueji.core.errors import Forbidden, NotFound, RuleViolation
from xueji.core.inputs import parse_id
from xueji.policy.fields import FIELD_BY_NAME
from xueji.policy.province import get_policy
from xueji.policy.violations import Violation
from xueji.students.models import StatusEvent, Student
from xueji.students.permissions import StudentPolicy
from xueji.workdays.services import fallback_years, working_days_between

from .engine import change_type
from .models import Application, Evidence, Step
from .permissions import ApplicationPolicy, inbox

FALLBACK_NOTE = "(按周一至周五计算,当年节假日安排未录入)"
# Within this many days a deadline is shown in amber, so nobody is surprised by red.
SOON_DAYS = 3
NOT_FOUND = "未找到该申请,或该申请不在您的管辖范围内"
PAYLOAD_LABELS = {
    "entry_date": "入学日期",
    "identity_unresolved": "身份待核实(先发临时学籍号L)",
    "reason": "理由",
    "note": "说明",
    "ground": "事由",
    "start": "开始日期",
    "end": "结束日期",
    "until": "延期至",
    "grade": "年级",
    "hours_needed": "需停课(已请假)学时",
    "term_hours": "本学期总学时",
    "judicial_outcome": "司法处理结果",
    "truancy_weeks": "旷课周次",
    "truancy_runs": "连续旷课周数",
    "known_on": "学校获知日期",
    "reported_to": "已书面上报",
    "transfer_reason": "转学理由",
    "from_division": "原居住(务工)地",
    "to_division": "现居住(务工)地",
    "target_grade": "转入年级",
    "target_class": "转入班级",
    "mid_term_exception": "申请学期中转学特批",
    "visiting_reason": "借读理由",
    "starts_on": "开始日期",
    "ends_on": "结束日期",
    "host_class": "借读班级",
    "misconduct": "违纪事实",
    "probation": "所涉留校察看处分(编号)",
}
REPORT_RECIPIENTS = {"township": "乡镇人民政府", "county": "县级教育行政部门", "city": "市级教育行政部门"}


def _reason_labels() -> dict[str, str]:
    """Every reason and ground code of the policy's tables, with its Chinese label."""
    from xueji.policy import codes
    from xueji.policy.changes import reasons

    found: dict[str, str] = dict(codes.JUDICIAL_OUTCOME)
    for name in dir(reasons):
        table = getattr(reasons, name)
        if isinstance(table, Mapping):
            found.update({code: r.label for code, r in table.items() if isinstance(r, reasons.Reason)})
    found.update({"no_show": "开学后逾期未报到", "fraud": "以不正当手段骗取入学资格"})
    return found


def _readable(value):
    """A payload value as a registrar reads it: codes as their labels, flags as 是/否, lists joined."""
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, list):
        return "、".join(str(_readable(v)) for v in value)
    if isinstance(value, str):
        return REPORT_RECIPIENTS.get(value) or _reason_labels().get(value, value)
    return value


def refuse_auditor(user) -> None:
    # Auditors read the audit log; applications are the registry's business (their visible_to is empty anyway).
    if getattr(user, "role", "") == "auditor":
        raise Forbidden("审计员不查阅或办理学籍申请,请通过审计日志查看办理记录")


def with_details(qs: QuerySet) -> QuerySet:
    """What the JSON and the pages show of each application, fetched in a fixed number of queries."""
    return qs.select_related("student", "student__school", "school", "created_by").prefetch_related(
        "steps", "steps__decider", "evidence", "evidence__uploaded_by")


def find_application(user, application_id, *, purpose: str = "view", audit_read: bool = True) -> Application:
    """The application if the user may see it; otherwise NotFound (absent and outside look the same), logged."""
    refuse_auditor(user)
    application = None
    if parse_id(application_id) is not None:
        application = with_details(Application.objects.filter(pk=parse_id(application_id))).first()
    if application is None or not ApplicationPolicy.user_can(user, "view", application):
        raise NotFound(NOT_FOUND,
                       actor=user, action=f"application.{purpose}", object_type="application", object_id=str(application_id))
    if audit_read:
        audit.record(user, f"application.{purpose}", obj=application)
    return application


def find_evidence(user, application_id, evidence_id) -> Evidence:
    """A scan of an application, only for those who may see that application (第四十四条: records stay closed)."""
    application = find_application(user, application_id, purpose="evidence_view", audit_read=False)
    pk = parse_id(evidence_id)
    item = application.evidence.filter(pk=pk).first() if pk is not None else None
    if item is None:
        raise NotFound("未找到该证明材料", actor=user, action="application.evidence_view", object_type="evidence",
                       object_id=f"{application_id}/{evidence_id}")
    audit.record(user, "application.evidence_view", obj=application, details={"evidence": item.pk})
    return item


def overdue_filter(qs: QuerySet, today: datetime.date) -> QuerySet:
    """Pending applications past their own deadline (e.g. 15 days, 第十一条) or with a step past due."""
    late_steps = Step.objects.filter(status=Step.Status.PENDING, due_date__lt=today).values("application_id")
    return qs.filter(status=Application.Status.PENDING).filter(Q(due_date__lt=today) | Q(pk__in=late_steps))


def check_type(type_code: str | None) -> None:
    if type_code:
        change_type(type_code)  # raises a 422 listing the known types


def check_status(status: str | None) -> None:
    if status and status not in Application.Status.values:
        choices = "、".join(f"{v}({label})" for v, label in Application.Status.choices)
        raise RuleViolation(Violation(code="unknown_status", field="status",
                                      message=f"申请状态“{status}”不存在,可选:{choices}"))


def list_applications(user, *, awaiting: str | None = None, type_code: str | None = None,
                      status: str | None = None, school: str | None = None, student: Student | None = None,
                      today: datetime.date | None = None) -> QuerySet:
    """Applications the user may see; awaiting="me" keeps those whose current step is his to decide."""
    refuse_auditor(user)
    check_type(type_code)
    check_status(status)
    today = today or timezone.localdate()
    # One student's few applications are checked row by row; a list across the jurisdiction takes its ids.
    qs = (ApplicationPolicy.visible_among(user, Application.objects.filter(student=student)) if student is not None
          else ApplicationPolicy.visible_to(user))
    if awaiting == "me":
        qs = qs.filter(pk__in=inbox(user).values("application_id"))
    elif awaiting == "overdue":
        qs = overdue_filter(qs, today)
    if type_code:
        qs = qs.filter(type=type_code)
    if status:
        qs = qs.filter(status=status)
    if school:
        qs = qs.filter(school_id=school)
    order = [F("due_date").asc(nulls_last=True), "created_at", "id"] if awaiting else ["-created_at", "-id"]
    return with_details(qs.order_by(*order))


def audit_list(user, filters: dict, count: int) -> None:
    # A list shows the names of many children, so it is a read worth recording, like a student search.
    audit.record(user, "application.search", object_type="application",
                 details={**{k: v for k, v in filters.items() if v}, "count": count})


def inbox_count(user) -> int:
    if not getattr(user, "is_authenticated", False) or user.role in ("registrar", "auditor"):
        return 0
    return inbox(user).count()


def inbox_steps(user):
    return inbox(user).select_related("application__created_by", "application__student__school")


def overdue_applications(user, today: datetime.date | None = None) -> QuerySet:
    refuse_auditor(user)
    today = today or timezone.localdate()
    qs = overdue_filter(ApplicationPolicy.visible_to(user), today)
    return with_details(qs.order_by("school_id", F("due_date").asc(nulls_last=True), "id"))


def unregistered_overdue(user, today: datetime.date | None = None) -> QuerySet:
    """待注册 students entered more than the deadline ago (15 days, 第十一条) with no registration under way."""
    today = today or timezone.localdate()
    cutoff = today - datetime.timedelta(days=get_policy().registration_deadline_days)
    in_progress = Application.objects.filter(type="registration", status=Application.Status.PENDING)
    # The county's schools named first: the (school, status) index then reads their 待注册 records only, not
    # every 待注册 record of the province joined to the schools afterwards (250 ms at 5,000,000, in the count
    # every page's navigation shows).
    return (StudentPolicy.visible_in_schools(user)
            .filter(status="待注册", created_at__date__lt=cutoff)
            # NOT EXISTS, probed per record by the student index, rather than NOT IN, which hashed every pending
            # registration of the province first.
            .exclude(Exists(in_progress.filter(student_id=OuterRef("pk"))))
            .select_related("school").order_by("school_id", "created_at", "id"))


@dataclass(frozen=True)
class Due:
    """A deadline as a person reads it: the date, how long is left, and a colour."""

    date: datetime.date
    left: int
    unit: str
    level: str  # "overdue" (red), "soon" (amber) or "ok"
    note: str = ""

    @property
    def text(self) -> str:
        if self.left < 0:
            return f"已逾期{-self.left}{self.unit}"
        if self.left == 0:
            return "今天到期"
        return f"剩余{self.left}{self.unit}"


def due(date: datetime.date | None, *, working: bool = False, today: datetime.date | None = None) -> Due | None:
    """Calendar days for the registration deadline (第十一条); working days for step deadlines."""
    if date is None:
        return None
    today = today or timezone.localdate()
    if working:
        left, unit = working_days_between(today, date), "个工作日"
        note = FALLBACK_NOTE if fallback_years(today, date) else ""
    else:
        left, unit, note = (date - today).days, "天", ""
    level = "overdue" if left < 0 else "soon" if left <= SOON_DAYS else "ok"
    return Due(date=date, left=left, unit=unit, level=level, note=note)


def due_memo(today: datetime.date):
    """`due` for one page: the same date in many rows is worked out once (working days walk the calendar)."""
    seen: dict[tuple, Due | None] = {}

    def due_on(date: datetime.date | None, working: bool = False) -> Due | None:
        if (date, working) not in seen:
            seen[(date, working)] = due(date, working=working, today=today)
        return seen[(date, working)]

    return due_on


def _decided_changes(application: Application) -> dict | None:
    """The old → new pairs recorded when the change was applied; None while nothing was applied."""
    if application.status != Application.Status.APPROVED:
        return None
    last = max((s.decided_at for s in application.steps.all() if s.decided_at), default=None)
    if last is None:
        return None
    event = (StatusEvent.objects.filter(student_id=application.student_id, kind=application.type_label,
                                        at__gte=last).order_by("at", "id").first())
    return event.changes if event else {}


def change_rows(application: Application) -> list[dict]:
    """Each requested change of a controlled item: field, label, old value, new value (raw, not masked).

    Before approval the old value is the record's current one; after it, the value the history recorded.
    """
    requested = application.payload.get("changes")
    if not isinstance(requested, dict):
        return []
    recorded = _decided_changes(application)
    rows = []
    for name, new in requested.items():
        if recorded is not None:
            old, new = (recorded.get(name) or [new, new])[:2]
        else:
            old = getattr(application.student, name, None) if name in FIELD_BY_NAME else None
        label = FIELD_BY_NAME[name].label if name in FIELD_BY_NAME else name
        rows.append({"field": name, "label": label, "old": _plain(old), "new": _plain(new)})
    return rows


def other_payload(application: Application) -> list[dict]:
    """Payload items other than `changes`, in Chinese: key names, and names for the codes and ids of values."""
    from .payload_text import payload_rows

    return payload_rows(application.payload, PAYLOAD_LABELS, _readable)


def _plain(value):
    if value is None or isinstance(value, str | bool | int | float):
        return value
    return str(value)


def awaiting_registration(user, school, school_class=None) -> QuerySet:
    """待注册 students of a school (or class) the user sees, for whom no registration is under way yet."""
    in_progress = Application.objects.filter(type="registration", status=Application.Status.PENDING)
    qs = StudentPolicy.visible_to(user).filter(school=school, status="待注册")
    if school_class is not None:
        qs = qs.filter(school_class=school_class)
    return qs.exclude(pk__in=in_progress.values("student_id")).order_by("grade", "school_class_id", "name", "id")
