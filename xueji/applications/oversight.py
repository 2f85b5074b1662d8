"""Lists for those who watch deadlines and cases (督办): steps past their due date (第二十二条 and the other time
limits), suspensions that ran out with nothing filed (第二十四、三十一条), and the dropouts a school reports at
term end (第三十三条). Each reads through the jurisdiction policies and is audited by its caller.
"""

import datetime
from dataclasses import dataclass, field

from django.utils import timezone

from xueji.accounts.models import Role
from xueji.audit import services as audit
from xueji.policy.changes import dropout as dropout_rules
from xueji.policy.fields import GRADE_LABELS
from xueji.policy.province import get_policy
from xueji.students.permissions import StudentPolicy
from xueji.workdays.models import Term
from xueji.workdays.services import fallback_years, school_year_of, working_days_between

from .models import Application, Step
from .permissions import ids_in_scope
from .selectors import FALLBACK_NOTE, refuse_auditor
from .types.suspension import expired_suspensions

ROWS_MAX = 2000
CITY_RUN = "市直管学校"


def audit_list(user, what: str, count: int, **details) -> None:
    # Lists name many children: the read is recorded like a search.
    audit.record(user, f"oversight.{what}", object_type="student", details={**details, "count": count})


# ---------------------------------------------------------------- overdue steps


@dataclass
class Group:
    key: str
    name: str
    schools: dict = field(default_factory=dict)

    @property
    def count(self) -> int:
        return sum(len(s["rows"]) for s in self.schools.values())


def _area(school) -> tuple[str, str]:
    # A city-run school answers to the city (第三条), so it is grouped apart from the county it stands in.
    if school.city_run or school.county_id is None:
        return f"{school.city_id}-city", f"{school.city.name}{CITY_RUN}"
    return school.county_id, school.county.name


def overdue_steps(user, today: datetime.date | None = None) -> list[dict]:
    """Pending steps past their due date in applications the user may see, oldest first within each school."""
    refuse_auditor(user)
    today = today or timezone.localdate()
    steps = Step.objects.filter(status=Step.Status.PENDING, due_date__lt=today)
    if user.role != "province":
        # The jurisdiction's application ids first (index probes), then its late steps; no DISTINCT.
        steps = steps.filter(application_id__in=ids_in_scope(user))
    steps = (steps.select_related("application", "application__student", "application__school",
                             "application__school__county", "application__school__city")
             .order_by("application__school_id", "due_date", "application_id")[:ROWS_MAX])
    rows = []
    late_by = {}  # working days late, once per due date (a list holds hundreds of steps, a few dozen dates)
    for step in steps:
        application = step.application
        if step.due_date not in late_by:
            late_by[step.due_date] = working_days_between(step.due_date, today)
        area, area_name = _area(application.school)
        rows.append({
            "step": step, "application": application, "student": application.student,
            "school": application.school, "area": area, "area_name": area_name,
            "holder": f"{step.org_name} · {Role(step.role).label if step.role in Role.values else step.role}",
            "days_overdue": (today - step.due_date).days,
            "working_days_overdue": late_by[step.due_date],
            "fallback_note": FALLBACK_NOTE if fallback_years(step.due_date, today) else "",
        })
    return rows


def group_overdue(rows: list[dict]) -> list[Group]:
    """County (or the city's directly run schools) → school → steps."""
    groups: dict[str, Group] = {}
    for row in rows:
        group = groups.setdefault(row["area"], Group(row["area"], row["area_name"]))
        school = group.schools.setdefault(row["school"].pk, {"school": row["school"], "rows": []})
        school["rows"].append(row)
    return [groups[k] for k in sorted(groups)]


# ---------------------------------------------------------------- expired suspensions


def expired(user) -> list[dict]:
    """Suspended students of the user's jurisdiction whose suspension ran out with nothing filed; what the
    school may start next: resumption or extension, and for high school automatic withdrawal (第三十一条)."""
    refuse_auditor(user)
    today = timezone.localdate()
    students = StudentPolicy.visible_to(user).select_related("school").order_by("school_id", "grade", "name", "id")
    rows = []
    for student, end, flags in expired_suspensions(students)[:ROWS_MAX]:
        senior = not get_policy().is_compulsory(student.grade)
        rows.append({
            "student": student, "school": student.school, "ended_on": end, "days_past": (today - end).days,
            "flags": flags, "senior": senior,
            "next": ["resumption", "suspension_extension", *(["auto_withdrawal"] if senior else [])],
            "may_start": StudentPolicy.user_can(user, "edit", student),
        })
    return rows


# ---------------------------------------------------------------- dropouts


def current_term(today: datetime.date):
    """The term in progress, else the last one that started (the term a term-end list is about)."""
    return (Term.objects.filter(starts_on__lte=today, ends_on__gte=today).first()
            or Term.objects.filter(starts_on__lte=today).order_by("-starts_on").first())


def _report(application) -> tuple[list[str], str]:
    """(recipients of the written report, the authority that recorded it) of a dropout application."""
    if application is None:
        return [], ""
    codes = application.payload.get("reported_to") or ()
    if application.type == "no_show_dropout":
        codes = dropout_rules.required_recipients()  # 第十二条 names township and county
    recipients = [dropout_rules.RECIPIENTS.get(c, c) for c in codes]
    steps = sorted(application.steps.all(), key=lambda s: s.order)
    return recipients, steps[-1].org_name if steps else ""


def dropouts(user, today: datetime.date | None = None) -> tuple[list[dict], object]:
    """辍学 students of compulsory grades in the user's jurisdiction, with when and to whom the dropout was
    reported; the record is kept through the compulsory years (第三十三条)."""
    refuse_auditor(user)
    today = today or timezone.localdate()
    policy = get_policy()
    grades = [g for g in GRADE_LABELS if policy.is_compulsory(g)]
    students = list(StudentPolicy.visible_to(user).filter(status="辍学", grade__in=grades)
                    .select_related("school", "school__county").order_by("school_id", "grade", "name", "id")[:ROWS_MAX])
    reports = {}
    for application in (Application.objects.filter(student__in=students, status=Application.Status.APPROVED,
                                                   type__in=("dropout", "no_show_dropout"))
                        .prefetch_related("steps").order_by("decided_at", "id")):
        reports[application.student_id] = application  # the latest wins
    term = current_term(today)
    rows = []
    for student in students:
        application = reports.get(student.pk)
        recipients, authority = _report(application)
        decided = timezone.localdate(application.decided_at) if application and application.decided_at else None
        rows.append({
            "student": student, "school": student.school, "application": application,
            "reported_on": timezone.localdate(application.created_at) if application else None,
            "recorded_on": decided, "reported_to": recipients, "authority": authority,
            "this_term": bool(term and decided and term.starts_on <= decided <= term.ends_on),
            "kept_through": dropout_rules.record_kept_through(student.grade, school_year_of(decided or today)),
        })
    return rows, term
