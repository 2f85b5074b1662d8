"""The school's term-end re-check (第四十三条): its data-quality list and the term's changes.

One query per kind, each counted and cut in the database (a window COUNT beside the first rows), so a school of
5,000 pupils costs seven small queries. Every row links to the page where it is fixed.
"""

import datetime
from dataclasses import dataclass, field

from django.db.models import Count, Exists, OuterRef, Q, Window
from django.urls import reverse
from django.utils import timezone

from xueji.applications.models import Application, Step
from xueji.guardians.models import TermCheck
from xueji.intake.models import DuplicateCase
from xueji.orgs.models import SchoolClass
from xueji.policy import codes
from xueji.policy.fields import GRADE_LABELS, STUDENT_FIELDS
from xueji.students.models import Student

from .caps import over_cap_classes
from .figures import term_events

ROWS = 50
ACTIVE = ("待注册", "在籍", "休学")


@dataclass
class Section:
    kind: str
    label: str
    article: str
    fix: str
    count: int = 0
    rows: list[dict] = field(default_factory=list)


def _take(qs, to_row) -> tuple[int, list[dict]]:
    """The first ROWS rows with the total beside each: one query."""
    rows = list(qs.annotate(t_total=Window(Count("pk")))[:ROWS])
    return (rows[0].t_total if rows else 0), [to_row(r) for r in rows]


def _student_key(pk: int, number: str | None) -> str:
    return number if number and not number.upper().startswith("G") else str(pk)


def _student_row(student, detail: str = "", edit: bool = True) -> dict:
    key = _student_key(student.pk, student.student_number)
    return {"title": student.name, "grade": GRADE_LABELS.get(student.grade, student.grade), "detail": detail,
            "url": reverse("web:students:edit" if edit else "web:students:detail", args=[key])}


def _students(school):
    return (Student.objects.filter(school=school, status__in=ACTIVE)
            .only("pk", "name", "student_number", "grade").order_by("grade", "name", "pk"))


# ---------------------------------------------------------------- the kinds


def _required_missing() -> Q:
    """A record missing any required item of 附件6 (the ★ items of xueji.policy.fields)."""
    missing = Q()
    for spec in STUDENT_FIELDS:
        if not spec.required:
            continue
        model_field = Student._meta.get_field(spec.name)
        blank = Q(**{f"{spec.name}__isnull": True}) if model_field.null else Q()
        if model_field.get_internal_type() == "CharField":
            blank |= Q(**{spec.name: ""})
        if blank:
            missing |= blank
    return missing | (Q(id_number="") & ~Q(id_type=codes.ID_TYPE_NONE))


def missing_photos(school) -> Section:
    section = Section("photo", "缺少照片", "第十一条", "在学生信息页上传照片")
    section.count, section.rows = _take(_students(school).filter(Q(photo="") | Q(photo_retake_needed=True)),
                                        lambda s: _student_row(s, "缺少照片或需重新采集", edit=False))
    return section


def missing_items(school) -> Section:
    section = Section("required", "必填项目不全", "第十一条", "按附件6补全学生基本信息")
    section.count, section.rows = _take(_students(school).filter(_required_missing()),
                                        lambda s: _student_row(s, "附件6必填项目有空缺"))
    return section


def unconfirmed(school, school_year: int, term: int) -> Section:
    section = Section("guardian", "家长未核对确认", "第十一条", "请家长登录核对子女学籍信息,或电话核实")
    confirmed = TermCheck.objects.filter(student=OuterRef("pk"), school_year=school_year, term=term,
                                         answer=TermCheck.Answer.CONFIRMED)
    students = _students(school).filter(status="在籍").exclude(Exists(confirmed))
    section.count, section.rows = _take(students, lambda s: _student_row(s, "本学期家长尚未确认信息无误", edit=False))
    return section


def open_duplicates(school) -> Section:
    section = Section("duplicate", "疑似重复学籍未处理", "第十四条", "由学籍主管部门认定是否同一人")
    cases = (DuplicateCase.objects.filter(school=school, status=DuplicateCase.Status.OPEN)
             .select_related("student", "authority").order_by("created_at", "pk"))

    def row(case):
        return {"title": case.student.name, "grade": GRADE_LABELS.get(case.student.grade, ""),
                "detail": f"待{case.authority.name}认定",
                "url": reverse("web:students:detail", args=[case.student.key])}

    section.count, section.rows = _take(cases, row)
    return section


def classes_over_cap(school) -> Section:
    section = Section("over_cap", "班额超过常规", "第十三条", "调整编班,或在编班方案中写明超出的理由")
    classes = over_cap_classes(SchoolClass.objects.filter(school=school), normal=True).order_by("grade", "name")

    def row(c):
        reason = c.t_reason or "未记录理由"
        return {"title": f"{GRADE_LABELS.get(c.grade, c.grade)}{c.name}", "grade": "",
                "detail": f"{c.t_size}人,常规班额{c.t_normal}人,最大{c.t_hard}人;理由:{reason}",
                "url": reverse("web:placement:school", args=[school.code])}

    section.count, section.rows = _take(classes, row)
    return section


def overdue_applications(school, today: datetime.date) -> Section:
    section = Section("overdue", "申请超过办理期限仍未办结", "第二十二条", "催办或说明原因")
    late = Step.objects.filter(application=OuterRef("pk"), status=Step.Status.PENDING, due_date__lt=today)
    apps = (Application.objects.filter(Q(school=school) | Q(student__school=school),
                                       status=Application.Status.PENDING)
            .filter(Exists(late)).select_related("student").order_by("due_date", "pk"))

    def row(a):
        return {"title": f"{a.type_label}·{a.subject}", "grade": "",
                "detail": f"办结期限{a.due_date or '见各步骤'}",
                "url": reverse("web:applications:detail", args=[a.pk])}

    section.count, section.rows = _take(apps, row)
    return section


def review(school, school_year: int, term: int, today: datetime.date | None = None) -> list[Section]:
    today = today or timezone.localdate()
    return [missing_photos(school), missing_items(school), unconfirmed(school, school_year, term),
            open_duplicates(school), classes_over_cap(school), overdue_applications(school, today)]


# ---------------------------------------------------------------- the term's changes


def term_changes(school, start: datetime.date, end: datetime.date) -> tuple[list[dict], int, list[dict]]:
    """(count by kind, total, the latest ROWS events) of the school's status events in the term."""
    events = term_events([school.pk], start, end)
    by_kind = list(events.values("kind").annotate(count=Count("id")).order_by("-count", "kind"))
    latest = (events.select_related("student").only("at", "kind", "from_status", "to_status", "student__name",
                                                     "student__student_number", "student__id")
              .order_by("-at", "-id")[:ROWS])
    rows = [{"at": e.at, "kind": e.kind, "change": f"{e.from_status or '—'} → {e.to_status or '—'}",
             "title": e.student.name, "url": reverse("web:students:detail", args=[e.student.key])} for e in latest]
    return by_kind, sum(k["count"] for k in by_kind), rows


