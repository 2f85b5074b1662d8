"""Issuing the lifelong student number (第十一条 一人一号、终身不变).

The StudentNumber table is the register of every number ever issued; its primary key is the guarantee that a
number is never given twice, and a replaced number stays there pointing at the same person.
"""

import secrets

from django.db import IntegrityError, transaction
from django.utils import timezone

from xueji.core.errors import Conflict, RuleViolation
from xueji.policy import student_number as rules
from xueji.policy.idcard import is_valid_resident_id
from xueji.policy.violations import Violation

from .models import JNumberSequence, Student, StudentNumber


def choose_kind(student: Student) -> str:
    """G for a verified 居民身份证, J for a student without a usable one, or whose G number is already another
    person's lifelong number: a record whose ID was corrected away from this one kept it (第十一条 终身不变)."""
    if not (student.id_type == "1" and is_valid_resident_id(student.id_number)):
        return "J"
    held = (StudentNumber.objects.filter(number=rules.g_number(student.id_number)).exclude(student=student)
            .select_related("student").first())
    if held is None or held.student_id == student.earlier_record_id:
        return "G"
    # Still the same ID on that record: a second record of one person, which issue_number refuses (第十四条).
    return "G" if (held.student.id_type, held.student.id_number) == (student.id_type, student.id_number) else "J"


def _next_j_sequence(division_code: str, birth_date) -> int:
    row, _ = JNumberSequence.objects.select_for_update().get_or_create(
        division_code=division_code, birth_date=birth_date
    )
    if row.last_seq >= 999:
        raise RuleViolation(
            Violation(code="j_sequence_exhausted", message="该地区同一出生日期的J类学籍号已用尽,请联系省级管理员")
        )
    row.last_seq += 1
    row.save(update_fields=["last_seq"])
    return row.last_seq


def _candidate(student: Student, kind: str) -> str:
    division = student.school.county_id
    if kind == "G":
        return rules.g_number(student.id_number)
    if kind == "J":
        return rules.j_number(division, student.birth_date, _next_j_sequence(division, student.birth_date))
    return rules.l_number(division, student.birth_date, secrets.randbelow(10000))


def issue_number(student: Student, kind: str | None = None) -> StudentNumber:
    """Give the student a new current number; the previous one, if any, stays as an alias."""
    kind = kind or choose_kind(student)
    if kind == "G" and not is_valid_resident_id(student.id_number):
        raise RuleViolation(
            Violation(code="g_needs_valid_id", field="id_number", article="第十一条",
                      message="G类学籍号须依据有效的居民身份证号生成,请先核对身份证件号")
        )
    if kind == "G" and student.earlier_record_id and StudentNumber.objects.filter(
            number=rules.g_number(student.id_number), student_id=student.earlier_record_id).exists():
        return _adopt_earlier_numbers(student, rules.g_number(student.id_number))
    if kind == "G" and StudentNumber.objects.filter(number=rules.g_number(student.id_number)).exists():
        raise Conflict(
            Violation(code="number_taken", field="id_number", article="第十四条",
                      message="该身份证件号对应的学籍号已存在,不得重复建立学籍(第十四条)")
        )
    for _attempt in range(20):
        try:
            with transaction.atomic():
                number = StudentNumber.objects.create(number=_candidate(student, kind), student=student, kind=kind)
        except IntegrityError:
            if kind == "L":
                continue  # a random L number collided: draw again
            raise
        break
    else:
        raise Conflict(Violation(code="number_exhausted", message="临时学籍号生成失败,请稍后重试"))
    StudentNumber.objects.filter(student=student, replaced_at__isnull=True).exclude(pk=number.pk).update(
        replaced_at=timezone.now()
    )
    student.student_number = number.number
    student.save(update_fields=["student_number", "updated_at"])
    return number


def _adopt_earlier_numbers(student: Student, number: str) -> StudentNumber:
    """第三十条 meets 第十一条: the returning emigrant's new record takes over his lifelong number. The numbers
    move with the person (never to anyone else); the earlier record stays, linked, and says where they went."""
    from .models import StatusEvent

    earlier = student.earlier_record
    StudentNumber.objects.filter(student=earlier).update(student=student)
    StudentNumber.objects.filter(student=student).exclude(number=number).update(
        replaced_at=timezone.now())
    StudentNumber.objects.filter(number=number).update(replaced_at=None)
    Student.objects.filter(pk=earlier.pk).update(student_number=None)
    StatusEvent.objects.create(
        student=earlier, kind="学籍号随本人转入新学籍", from_status=earlier.status, to_status=earlier.status,
        school=earlier.school, note=f"出国定居后返回,按第三章新建学籍,学籍号{number}随本人转入新学籍(第三十条)",
        changes={"student_number": [number, None], "later_record": student.pk},
    )
    student.student_number = number
    student.save(update_fields=["student_number", "updated_at"])
    return StudentNumber.objects.get(number=number)
