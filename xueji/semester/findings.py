"""The correction list's findings (第四十五条、第四十六条): the offences of the units an authority governs, found in the
database one query per kind and cut at ROWS_MAX. An authority lists a finding for correction (a Correction row)
and later marks it corrected; the findings themselves are never stored."""

import datetime
from dataclasses import dataclass

from django.db.models import DateField, ExpressionWrapper, F, OuterRef, Q, Subquery
from django.db.models.fields.json import KeyTextTransform
from django.db.models.functions import TruncDate
from django.urls import reverse

from xueji.applications.models import Application, Step
from xueji.orgs.models import SchoolClass
from xueji.policy import semester as rules
from xueji.policy.fields import GRADE_LABELS
from xueji.policy.province import get_policy
from xueji.students.models import Student
from xueji.transfers.models import ArchiveHandover

from .caps import over_cap_classes
from .permissions import divisions_reporting_to, schools_reporting_to

ROWS_MAX = 500


@dataclass
class Finding:
    kind: str
    ref: str
    unit_code: str
    unit_name: str
    school_id: str | None
    detail: str
    url: str
    articles: str = ""

    def __post_init__(self):
        self.articles = self.articles or rules.CORRECTION_KINDS[self.kind][1]

    @property
    def label(self) -> str:
        return rules.CORRECTION_KINDS[self.kind][0]

    @property
    def key(self) -> tuple[str, str]:
        return self.kind, self.ref


def _grade(n) -> str:
    return GRADE_LABELS.get(n, f"{n}年级")


def over_cap(schools) -> list[Finding]:
    classes = (over_cap_classes(SchoolClass.objects.filter(school__in=schools), normal=False)
               .select_related("school").order_by("school_id", "grade", "name")[:ROWS_MAX])
    return [Finding("over_cap", f"class:{c.pk}", c.school_id, c.school.name, c.school_id,
                    f"{_grade(c.grade)}{c.name}{c.t_size}人(常规{c.t_normal}人,最大{c.t_hard}人)"
                    + ("" if c.t_size > c.t_hard else ",未记录超额理由"),
                    reverse("web:placement:school", args=[c.school_id])) for c in classes]


def unregistered(schools, today: datetime.date) -> list[Finding]:
    cutoff = today - datetime.timedelta(days=get_policy().registration_deadline_days)
    filed = Application.objects.filter(type="registration", status=Application.Status.PENDING).values("student_id")
    students = (Student.objects.filter(school__in=schools, status="待注册", created_at__date__lt=cutoff)
                .exclude(pk__in=filed).select_related("school").order_by("school_id", "created_at", "pk")[:ROWS_MAX])
    return [Finding("unregistered", f"student:{s.pk}", s.school_id, s.school.name, s.school_id,
                    f"{s.name}({_grade(s.grade)}),{s.created_at:%Y-%m-%d}建档,未提交注册",
                    reverse("web:students:detail", args=[s.key])) for s in students]


def _suspension_end():
    last = (Application.objects.filter(student=OuterRef("pk"), status=Application.Status.APPROVED,
                                       type__in=("suspension", "suspension_extension"))
            .order_by("-decided_at", "-id").annotate(end=KeyTextTransform("end", "payload")).values("end")[:1])
    return Subquery(last)


def suspensions_run_out(schools, today: datetime.date) -> list[Finding]:
    filed = Application.objects.filter(status=Application.Status.PENDING,
                                       type__in=("resumption", "suspension_extension", "auto_withdrawal",
                                                 "dropout", "withdrawal")).values("student_id")
    students = (Student.objects.filter(school__in=schools, status="休学").annotate(t_end=_suspension_end())
                .filter(t_end__lt=today.isoformat()).exclude(pk__in=filed)
                .select_related("school").order_by("school_id", "t_end", "pk")[:ROWS_MAX])
    return [Finding("dropout_unreported", f"student:{s.pk}", s.school_id, s.school.name, s.school_id,
                    f"{s.name}({_grade(s.grade)})休学至{s.t_end}已期满,未复学也未报告",
                    reverse("web:students:detail", args=[s.key])) for s in students]


def archives_late(schools, today: datetime.date) -> list[Finding]:
    unsent = Q(from_school__in=schools, sent_at__isnull=True)
    unreceived = Q(to_school__in=schools, sent_at__isnull=False, received_at__isnull=True)
    items = (ArchiveHandover.objects.filter(unsent | unreceived, due_date__lt=today)
             .select_related("student", "from_school", "to_school").order_by("due_date", "pk")[:ROWS_MAX])
    found = []
    for h in items:
        # Whoever holds the archive up is at fault: the sender until it sends, then the receiver.
        school = h.from_school if h.sent_at is None else h.to_school
        what = "未寄出档案" if h.sent_at is None else "未确认接收档案"
        found.append(Finding("archive_late", f"handover:{h.pk}", school.pk, school.name, school.pk,
                             f"{h.student.name}:{h.from_school_name} → {h.to_school_name},期限{h.due_date},{what}",
                             reverse("web:transfers:handovers")))
    return found


def decided_late(schools, divisions, start: datetime.date, end: datetime.date) -> list[Finding]:
    """Steps decided after their due date in the term: a school's (第四十六条) or a lower bureau's (第四十五条)."""
    decided_on = TruncDate("decided_at")
    steps = (Step.objects.filter(decided_at__isnull=False, due_date__isnull=False)
             .annotate(t_on=ExpressionWrapper(decided_on, output_field=DateField()))
             .filter(t_on__gte=start, t_on__lte=end, t_on__gt=F("due_date"))
             .filter(Q(org_code__in=schools.values("code")) | Q(org_code__in=divisions.values("code")))
             .select_related("application").order_by("org_code", "due_date", "pk")[:ROWS_MAX])
    school_codes = set(schools.filter(code__in={s.org_code for s in steps}).values_list("code", flat=True))
    found = []
    for s in steps:
        is_school = s.org_code in school_codes
        found.append(Finding(
            "decided_late", f"step:{s.pk}", s.org_code, s.org_name, s.org_code if is_school else None,
            f"{s.application.type_label}·{s.label}:期限{s.due_date},{s.t_on}才办理",
            reverse("web:applications:detail", args=[s.application_id]),
            articles="" if is_school else rules.AUTHORITY_LATE_ARTICLES))
    return found


def findings(division, start: datetime.date, end: datetime.date, today: datetime.date) -> list[Finding]:
    schools = schools_reporting_to(division)
    divisions = divisions_reporting_to(division)
    return [*over_cap(schools), *unregistered(schools, today), *suspensions_run_out(schools, today),
            *archives_late(schools, today), *decided_late(schools, divisions, start, end)]


