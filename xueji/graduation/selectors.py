"""Graduation reads: batches, their students, the 毕业生花名册 (附件5) rows and the city's sealings. Every read
goes through the application jurisdiction policy (ApplicationPolicy) and leaves an audit row where it reads
personal data."""

import re

from django.db.models import Count, Min, Q

from xueji.applications.models import Application, Step
from xueji.applications.permissions import ApplicationPolicy
from xueji.certificates.models import Certificate
from xueji.core.errors import NotFound
from xueji.policy.fields import GRADE_LABELS

from .models import Sealing
from .services import TYPE

BATCH_ID = re.compile(r"^[a-z_]{1,14}-\d{14}-[0-9a-f]{6}$")


def visible(user):
    return Application.objects.filter(type=TYPE, pk__in=ApplicationPolicy.visible_to(user).values("pk"))


def batches(user, *, awaiting_me: bool = False) -> list[dict]:
    """One row per batch the user can see, newest first, with its counts by status."""
    qs = visible(user)
    if awaiting_me:
        org = user.school_id or user.division_id
        qs = qs.filter(status=Application.Status.PENDING, steps__status=Step.Status.PENDING,
                       steps__role=user.role, steps__org_code=org)
    rows = (qs.values("batch", "school_id", "school__name")
            .annotate(total=Count("pk"), created=Min("created_at"),
                      pending=Count("pk", filter=Q(status=Application.Status.PENDING)),
                      approved=Count("pk", filter=Q(status=Application.Status.APPROVED)),
                      rejected=Count("pk", filter=Q(status=Application.Status.REJECTED)))
            .order_by("-created", "batch"))
    return list(rows[:200])


def find_batch(user, batch: str, *, purpose: str = "view") -> list[Application]:
    """The batch's applications, or NotFound when absent or outside the user's reach (logged)."""
    apps = []
    if BATCH_ID.match(batch or ""):
        apps = list(visible(user).filter(batch=batch).select_related("student", "student__school_class", "school")
                    .prefetch_related("steps").order_by("student__school_class__name", "student__name", "pk"))
    if not apps:
        raise NotFound("未找到该批毕业申请,或不在您的管辖范围内", actor=user, action=f"graduation.{purpose}",
                       object_type="graduation_batch", object_id=str(batch)[:40])
    return apps


def current_step(app: Application):
    return next((s for s in app.steps.all() if s.status == Step.Status.PENDING), None)


def certificates_of(apps: list[Application]) -> dict[int, Certificate]:
    ids = [a.pk for a in apps]
    found = {}
    for start in range(0, len(ids), 5000):
        found.update({c.application_id: c for c in Certificate.objects.filter(application_id__in=ids[start:start + 5000])})
    return found


def batch_rows(apps: list[Application]) -> list[dict]:
    certs = certificates_of(apps)
    rows = []
    for app in apps:
        step = current_step(app)
        cert = certs.get(app.pk)
        student = app.student
        rows.append({
            "application": app.pk, "student": student, "status": app.status,
            "status_label": app.get_status_display(), "record_status": student.status,
            "class_name": student.school_class.name if student.school_class else "",
            "grade_label": GRADE_LABELS.get(student.grade, ""),
            "step": step.label if step else "", "step_org": step.org_name if step else "",
            "certificate": cert.number if cert else "", "sealed_on": cert.sealed_on if cert else None,
        })
    return rows


def sealings(user) -> list[Sealing]:
    if user.role == "province":
        return list(Sealing.objects.select_related("city", "sealed_by"))
    if user.role != "city":
        return []
    return list(Sealing.objects.filter(city_id=user.division_id).select_related("city", "sealed_by"))


def candidates(user):
    """The registrar's school's 在籍 students of a final grade not yet proposed: the propose page's list."""
    from xueji.audit import services as audit
    from xueji.policy import graduation as rules
    from xueji.students.models import Student

    school = user.school
    finals = [g for g in school.grades if rules.is_final_grade(g)]
    busy = Application.objects.filter(type=TYPE, status__in=[Application.Status.PENDING, Application.Status.APPROVED],
                                      school=school).values("student_id")
    qs = (Student.objects.filter(school=school, status="在籍", grade__in=finals).exclude(pk__in=busy)
          .select_related("school_class").order_by("grade", "school_class__name", "name", "pk"))
    audit.record(user, "graduation.candidates", obj=school, details={"grades": finals})
    return qs
