"""第十三条 "普通高中高一年级班容量限定在50人以内" on every way into a class besides placement: a record typed
with its class, a class changed on the record, a transfer asking for a class. The 50th pupil is taken, the 51st
refused, and a written reason (which passes the 原则上 caps of 小学 and 初中) changes nothing."""

import pytest

from tests import factories as f
from tests.placement.conftest import pupils
from xueji.core.errors import RuleViolation
from xueji.students.models import Student
from xueji.students.services import create_student, update_student
from xueji.transfers.change_types import class_problems

pytestmark = pytest.mark.django_db
REASON = "生源计划调整,经市教育局同意"


def admit(world, senior_class, *, seq, class_reason=""):
    payload = f.student_payload(grade=10, entry_mode="21", school_class=str(senior_class.pk), name=f"高一新生{seq}",
                                id_number=f.make_id(seq=seq))
    return create_student(world.registrar_high, world.high, payload, class_reason=class_reason)


def only_refusal(exc_info):
    [v] = exc_info.value.violations
    return v


def test_a_record_typed_into_a_full_senior_grade_one_class_is_refused_even_with_a_reason(world, senior_class):
    pupils(world.high, 10, 49, school_class=senior_class)
    assert admit(world, senior_class, seq=1).school_class_id == senior_class.pk  # the 50th
    with pytest.raises(RuleViolation) as exc:
        admit(world, senior_class, seq=2, class_reason=REASON)  # the 51st
    v = only_refusal(exc)
    assert (v.code, v.article, v.field) == ("class_over_hard_cap", "第十三条", "school_class")
    assert "没有例外" in v.message
    assert not Student.objects.filter(name="高一新生2").exists()


def test_a_primary_record_past_45_is_still_taken_with_a_reason(world):
    # The contrast: 小学 "原则上限定在45人以内" yields to a written reason.
    pupils(world.school_a, 1, 45, school_class=world.class_a1)
    payload = f.student_payload(school_class=str(world.class_a1.pk))
    with pytest.raises(RuleViolation) as exc:
        create_student(world.registrar_a, world.school_a, payload)
    assert only_refusal(exc).code == "class_over_normal_cap_needs_reason"
    student = create_student(world.registrar_a, world.school_a, payload, class_reason="随迁子女集中入学")
    assert student.school_class_id == world.class_a1.pk


def test_moving_a_pupil_into_a_full_senior_grade_one_class_is_refused(world, senior_class, make_student):
    other = f.school_class(world.high, grade=10, name="高一2班")
    pupils(world.high, 10, 49, school_class=senior_class)
    first, second = (make_student(school=world.high, grade=10, entry_mode="21", name=name,
                                  school_class=str(other.pk)) for name in ("李甲", "李乙"))
    update_student(world.registrar_high, first, {"school_class": str(senior_class.pk)})  # the 50th
    with pytest.raises(RuleViolation) as exc:
        update_student(world.registrar_high, second, {"school_class": str(senior_class.pk)})
    assert (only_refusal(exc).code, only_refusal(exc).article) == ("class_over_hard_cap", "第十三条")
    second.refresh_from_db()
    assert second.school_class_id == other.pk


def test_a_transfer_into_a_full_senior_grade_one_class_is_refused(world, senior_class):
    pupils(world.high, 10, 49, school_class=senior_class)
    assert class_problems({"to_class": senior_class.pk}, world.high, 10) == []  # the 50th seat is free
    pupils(world.high, 10, 1, school_class=senior_class)
    [v] = class_problems({"to_class": senior_class.pk}, world.high, 10)
    assert (v.code, v.article) == ("class_over_hard_cap", "第十三条")
