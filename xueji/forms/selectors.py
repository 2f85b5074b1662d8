"""Printed forms as reads of the record: each goes through the jurisdiction policy and leaves an audit row.

A refused attempt (absent, or outside the user's subtree) answers NotFound and is logged; a printed form is
logged after it was produced, so the log never claims a print that failed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from django.utils import timezone

from xueji.access import services as access
from xueji.audit import services as audit
from xueji.core.errors import NotFound, RuleViolation
from xueji.core.inputs import is_digits
from xueji.orgs.models import SchoolClass
from xueji.orgs.permissions import ClassPolicy
from xueji.policy.violations import Violation
from xueji.students.models import Status, Student
from xueji.students.permissions import StudentPolicy
from xueji.students.selectors import find_student

from . import basic_info, pdf
from .permissions import FormPolicy, checked_reason

FORM_NAME = "学生基本信息表(附件6)"

# Students who still hold a seat in the class and so get a form; those who left keep their records elsewhere.
SEATED = (Status.PENDING, Status.ENROLLED, Status.SUSPENDED)
CLASS_ACTION = "forms.class_basic_info"
STUDENT_PURPOSE = "print_basic_info"


@dataclass(frozen=True)
class Printout:
    filename: str
    content: bytes
    count: int


def _seat_order(student: Student) -> tuple:
    # 班内学号 is text: "2" comes before "10", and students without one follow in name order.
    seat = (student.seat_number or "").strip()
    return (0, int(seat), "") if is_digits(seat) and len(seat) < 10 else (1, 0, seat), student.name, student.pk


def student_basic_info(user, key: str, reason: str = "") -> Printout:
    """One student's 学生基本信息表; ID numbers masked unless a reason is given (recorded in the audit row)."""
    student = find_student(user, key, purpose=STUDENT_PURPOSE, audit_read=False)
    reason = checked_reason(reason)
    student = Student.objects.select_related("school", "school_class").prefetch_related("family").get(pk=student.pk)
    full_id = FormPolicy.prints_full_id(user, student.school, reason)
    if full_id:
        # A printout with full ID numbers is a release of personal data (第四十四条): the school's own copy is daily
        # work, anyone else's needs a grant; both are written into the consultation register.
        access.authorize(user, purpose="export", what=FORM_NAME, students=[student])
    context = basic_info.document_context(
        [student], full_id=full_id, subtitle=f"{student.school.name} · {student.name}")
    content = pdf.render("forms/basic_info.html", context)
    audit.record(user, f"student.{STUDENT_PURPOSE}", obj=student, reason=reason, details={"full_id": full_id})
    return Printout(_filename(student.key, student.name), content, 1)


def find_class(user, class_id: int, *, school_code: str | None = None) -> SchoolClass:
    """The class if the user may see it (and it belongs to `school_code` when given); else NotFound, logged."""
    qs = SchoolClass.objects.select_related("school")
    if school_code is not None:
        qs = qs.filter(school_id=school_code)
    school_class = qs.filter(pk=class_id).first()
    if school_class is None or not ClassPolicy.user_can(user, "view", school_class):
        raise NotFound("未找到该班级,或该班级不在您的管辖范围内",
                       actor=user, action=CLASS_ACTION, object_type="schoolclass", object_id=str(class_id))
    return school_class


def class_students(user, school_class: SchoolClass) -> list[Student]:
    """The students seated in the class that the user may read, in seat order."""
    qs = (StudentPolicy.visible_to(user)
          .filter(school_class=school_class, school=school_class.school, status__in=SEATED)
          .select_related("school", "school_class").prefetch_related("family", "awards"))
    return sorted(qs, key=_seat_order)


def class_basic_info(user, class_id: int, *, school_code: str | None = None, reason: str = "") -> Printout:
    """The 学生基本信息表 of every student of a class, one page each, in seat order."""
    school_class = find_class(user, class_id, school_code=school_code)
    reason = checked_reason(reason)
    students = class_students(user, school_class)
    if not students:
        raise RuleViolation(Violation(
            code="class_empty", field="class",
            message=f"{school_class} 目前没有在读学生,没有可打印的学生基本信息表:请先为该班分班"))
    full_id = FormPolicy.prints_full_id(user, school_class.school, reason)
    if full_id:
        access.authorize(user, purpose="export", what=FORM_NAME, school=school_class.school,
                         grade=school_class.grade, count=len(students))
    context = basic_info.document_context(
        students, full_id=full_id, subtitle=f"{school_class.school.name} · {school_class}")
    content = pdf.render("forms/basic_info.html", context)
    audit.record(user, CLASS_ACTION, obj=school_class, reason=reason, details={
        "count": len(students), "students": [s.key for s in students], "full_id": full_id})
    return Printout(_filename(f"class-{school_class.pk}", str(school_class)), content, len(students))


def _filename(key: str, label: str) -> str:
    # Kept to characters every browser and file system accepts; the Chinese label helps the registrar find it.
    label = re.sub(r'[\\/:*?"<>|\s]+', "", label)
    return f"学生基本信息表-{label}-{key}-{timezone.localdate():%Y%m%d}.pdf"
