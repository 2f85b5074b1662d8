"""Reads of the registers, narrowed to the reader's jurisdiction: the school itself, and the county, city and province
above it (xueji.orgs.permissions.SchoolPolicy). Outside that, a school looks absent (404), and the refusal is
logged like every other."""

from __future__ import annotations

from django.db.models import Count, Q

from xueji.core.errors import NotFound
from xueji.orgs.models import School
from xueji.orgs.permissions import SchoolPolicy
from xueji.students.models import Student


def school_for(user, code: str, *, action: str = "registers.read") -> School:
    school = School.objects.select_related("county", "city").filter(pk=str(code)[:10]).first()
    if school is None or not SchoolPolicy.user_can(user, "view", school):
        raise NotFound("未找到该学校,或不在您的管辖范围内", actor=user, action=action, object_type="school",
                       object_id=code)
    return school


def may_edit(user, school: School) -> bool:
    """附件1–2 items are the school's to keep current (its registrar), or its bureaus'."""
    if not SchoolPolicy.user_can(user, "view", school):
        return False
    return (user.role == "registrar" and user.school_id == school.pk) or user.role in ("county", "city", "province")


def counts(school: School) -> dict:
    """Campuses, classes and students on the roll, whole and per campus: a few aggregates, never a loop."""
    on_roll = Student.objects.filter(school=school)
    totals = on_roll.aggregate(enrolled=Count("pk", filter=Q(status="在籍")),
                               suspended=Count("pk", filter=Q(status="休学")))
    classes = school.classes.count()
    by_campus: dict[int, dict] = {}
    for row in school.classes.filter(campus__isnull=False).values("campus_id").annotate(n=Count("pk")):
        by_campus.setdefault(row["campus_id"], {})["classes"] = row["n"]
    for row in (on_roll.filter(status="在籍", school_class__campus__isnull=False)
                .values("school_class__campus_id").annotate(n=Count("pk"))):
        by_campus.setdefault(row["school_class__campus_id"], {})["enrolled"] = row["n"]
    return {"campuses": school.campuses.count(), "classes": classes, **totals, "by_campus": by_campus}
