"""The engine's own to-do items: approval steps awaiting the user, records past the registration deadline
(第十一条) and suspensions that ran out with nothing filed (第二十四、三十一条).

They live here, not in xueji/applications: todo reads the engine, and the engine must import no capability.
"""

import datetime

from django.db.models import DateField, DateTimeField, Exists, ExpressionWrapper, F, OuterRef, Subquery
from django.db.models.fields.json import KeyTextTransform
from django.db.models.functions import Cast, TruncDate
from django.urls import reverse
from django.utils import timezone

from xueji.applications.models import Application, Step
from xueji.applications.selectors import unregistered_overdue
from xueji.policy.province import get_policy
from xueji.students.models import Student
from xueji.students.permissions import StudentPolicy

from .registry import Described, Provider, register, shape

APPROVERS = ("registrar", "leader", "county", "city", "province")
# The school registrar acts on these; the county and city watch them (督办). Not the province: its subtree has no
# school to narrow by first, so the count in every page's navigation would read the whole student table (#15);
# the province opens the oversight pages instead.
SCHOOL_AND_WATCHERS = ("registrar", "county", "city")
PENDING = Application.Status.PENDING


# ---------------------------------------------------------------- approval steps


def step_rows(user):
    # The inbox: narrowed by the (org_code, role, status) index before any join.
    steps = Step.objects.filter(status=Step.Status.PENDING, role=user.role,
                                org_code=user.school_id or user.division_id or "")
    return shape(steps, "step", due="due_date", school="application__school_id",
                 grade="application__student__grade")


def describe_steps(user, ids: list[int]) -> dict[int, Described]:
    # The columns the titles show: the full application and seventy-field record of 25 rows were a tenth of a
    # busy county's home page (#15).
    steps = (Step.objects.filter(pk__in=ids).select_related("application__student").order_by()
             .only("label", "org_name", "application__type", "application__student__name"))
    return {
        s.pk: Described(title=f"{s.application.type_label}·{s.application.student.name}",
                        url=reverse("web:applications:detail", args=[s.application_id]),
                        detail=f"{s.label}({s.org_name})", batch_id=s.application_id)
        for s in steps
    }


# ---------------------------------------------------------------- registrations past the deadline (第十一条)


def registration_due():
    # The deadline computed in the query: entry (the record's creation) + the policy's days, as a date.
    days = datetime.timedelta(days=get_policy().registration_deadline_days)
    return TruncDate(ExpressionWrapper(F("created_at") + days, output_field=DateTimeField()))


def registration_rows(user):
    return shape(unregistered_overdue(user), "registration_overdue", due=registration_due(),
                 school="school_id", grade="grade")


def describe_students(what: str):
    def describe(user, ids: list[int]) -> dict[int, Described]:
        students = Student.objects.filter(pk__in=ids).only("pk", "name", "student_number").order_by()
        return {s.pk: Described(title=f"{s.name}·{what}",
                                url=reverse("web:students:detail", args=[s.key])) for s in students}
    return describe


# ---------------------------------------------------------------- expired suspensions (第二十四、三十一条)


def _suspension_end():
    """The end of the student's current suspension: the `end` of the last approved suspension or extension."""
    last = (Application.objects.filter(student=OuterRef("pk"), status=Application.Status.APPROVED,
                                       type__in=("suspension", "suspension_extension"))
            .order_by("-decided_at", "-id").annotate(end=KeyTextTransform("end", "payload")).values("end")[:1])
    return Subquery(last)


def suspension_rows(user):
    today = timezone.localdate()
    filed = Application.objects.filter(status=PENDING, type__in=("resumption", "suspension_extension"))
    students = (StudentPolicy.visible_in_schools(user).filter(status="休学")
                .annotate(t_end=_suspension_end()).filter(t_end__lt=today.isoformat())
                .exclude(Exists(filed.filter(student_id=OuterRef("pk")))))  # as unregistered_overdue
    return shape(students, "suspension_expired", due=Cast(F("t_end"), DateField()),
                 school="school_id", grade="grade")


register(Provider(kind="step", label="待我审批", roles=APPROVERS, rows=step_rows, describe=describe_steps,
                  working_days=True))
register(Provider(kind="registration_overdue", label="逾期未注册", roles=SCHOOL_AND_WATCHERS,
                  rows=registration_rows, describe=describe_students("逾期未提交学籍注册(第十一条)")))
register(Provider(kind="suspension_expired", label="休学期满未复学", roles=SCHOOL_AND_WATCHERS,
                  rows=suspension_rows, describe=describe_students("休学期满,未办理复学或延长休学(第二十四条)")))
