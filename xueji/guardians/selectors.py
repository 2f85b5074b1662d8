"""Reads of the guardian capability: a guardian's children, the state of a student's code, a school's reports
and who confirmed this term. Counts are computed in the database, one query per table."""

from django.db.models import Count, Exists, OuterRef, Q
from django.utils import timezone

from xueji.orgs.models import School, SchoolClass
from xueji.policy import guardians as rules
from xueji.students.models import Status, Student
from xueji.workdays.models import Term

from .models import BindingCode, GuardianLink, TermCheck
from .permissions import GuardianPolicy, ReportPolicy

# Students who sit in the school this term: the ones whose guardians are asked to check.
SEATED = (Status.PENDING, Status.ENROLLED, Status.SUSPENDED)


def children(user):
    return GuardianPolicy.children(user).select_related("school", "school_class").order_by("name", "pk")


def answered(user, students, term: Term | None) -> dict[int, str]:
    """{student id: answer} of this guardian's checks in the term."""
    if term is None:
        return {}
    rows = TermCheck.objects.filter(user=user, student__in=students, school_year=term.school_year, term=term.number)
    return dict(rows.values_list("student_id", "answer"))


def code_state(student: Student) -> dict:
    """What the registrar may know of the codes: whether one is open and until when, and who is bound."""
    now = timezone.now()
    open_code = (BindingCode.objects.filter(student=student, used_at__isnull=True, voided_at__isnull=True,
                                            expires_at__gt=now).order_by("-issued_at").first())
    links = (GuardianLink.objects.filter(student=student, revoked_on__isnull=True).select_related("user")
             .order_by("since"))
    return {"open_code": open_code, "links": list(links)}


def reports(user, school: School, *, open_only: bool = True):
    qs = (ReportPolicy.visible_to(user).filter(school=school)
          .select_related("student", "student__school_class", "handled_by", "application", "term_check__user"))
    if open_only:
        qs = qs.filter(handled_at__isnull=True)
    return qs.order_by("handled_at", "-reported_at", "-pk")


def report_rows(report_qs) -> list[dict]:
    return [{"report": r, "label": rules.field_label(r.field), "info_change": rules.needs_info_change(r.field)}
            for r in report_qs]


def _checks(term: Term, answer: str | None = None):
    qs = TermCheck.objects.filter(school_year=term.school_year, term=term.number, student=OuterRef("pk"))
    return qs.filter(answer=answer) if answer else qs


def class_counts(school: School, term: Term) -> list[dict]:
    """Per class: seated students, with a bound guardian, confirmed, reported errors (one query)."""
    bound = GuardianLink.objects.filter(student=OuterRef("pk"), revoked_on__isnull=True)
    students = (Student.objects.filter(school=school, status__in=SEATED)
                .annotate(bound=Exists(bound), confirmed=Exists(_checks(term, TermCheck.Answer.CONFIRMED)),
                          reported=Exists(_checks(term, TermCheck.Answer.REPORTED)), checked=Exists(_checks(term)))
                .values("school_class_id")
                .annotate(seated=Count("pk"), bound_count=Count("pk", filter=Q(bound=True)),
                          confirmed_count=Count("pk", filter=Q(confirmed=True)),
                          reported_count=Count("pk", filter=Q(reported=True)),
                          checked_count=Count("pk", filter=Q(checked=True)))
                .order_by("school_class_id"))
    names = {c.pk: c for c in SchoolClass.objects.filter(school=school)}
    rows = []
    for row in students:
        klass = names.get(row["school_class_id"])
        rows.append({"class_id": row["school_class_id"], "class_name": str(klass) if klass else "未分班",
                     "grade": klass.grade if klass else None, "seated": row["seated"], "bound": row["bound_count"],
                     "confirmed": row["confirmed_count"], "reported": row["reported_count"],
                     "unchecked": row["seated"] - row["checked_count"]})
    return sorted(rows, key=lambda r: (r["grade"] or 99, r["class_name"]))


def term_checks(school: School, term: Term):
    """Who answered this term, for the school's list (the school's current students)."""
    return (TermCheck.objects.filter(student__school=school, school_year=term.school_year, term=term.number)
            .select_related("user", "student", "student__school_class").order_by("student__school_class_id",
                                                                                 "student__name", "at"))
