"""第二十三条 no 留级: the grade is a controlled item. A registered record's grade is never edited directly; a record
not yet registered (no number issued) may still have it corrected; a class change within the grade is an edit."""

import pytest

from tests import factories as f
from xueji.applications.types.info_change import check as info_change_check
from xueji.core.errors import NotFound, RuleViolation
from xueji.policy.fields import CONTROLLED_FIELDS, INFO_CHANGE_FIELDS
from xueji.policy.record import locked_fields, validate_patch
from xueji.students import numbers
from xueji.students.models import Enrolment, StatusEvent, Student
from xueji.students.services import update_student


def registered(make_student, **overrides) -> Student:
    student = make_student(**overrides)
    numbers.issue_number(student)
    student.refresh_from_db()
    return student


def test_the_grade_is_in_the_one_controlled_list_but_not_in_an_information_change():
    assert "grade" in CONTROLLED_FIELDS and "grade" not in INFO_CHANGE_FIELDS
    assert "grade" in locked_fields() and "grade" not in locked_fields(registered=False)


def test_the_policy_refuses_a_grade_patch_naming_article_23():
    [problem] = validate_patch({"grade": 3})
    assert (problem.code, problem.field, problem.article) == ("controlled_field", "grade", "第二十三条")
    assert "不允许留级" in problem.message and "休学、复学申请" in problem.message
    assert validate_patch({"年级": "三年级"})[0].article == "第二十三条"
    assert validate_patch({"grade": 3}, registered=False) == []


def test_a_registered_records_grade_is_refused_with_article_23(world, make_student):
    student = registered(make_student)
    with pytest.raises(RuleViolation) as caught:
        update_student(world.registrar_a, student, {"grade": 2})
    [problem] = caught.value.violations
    assert (problem.field, problem.article) == ("grade", "第二十三条")
    student.refresh_from_db()
    assert student.grade == 1 and not StatusEvent.objects.filter(student=student, kind="信息维护").exists()


def test_a_record_not_yet_registered_may_have_its_grade_corrected(world, make_student):
    student = make_student()
    assert student.student_number is None
    update_student(world.registrar_a, student, {"grade": 2})
    student.refresh_from_db()
    assert student.grade == 2
    assert Enrolment.objects.get(student=student, ended_on__isnull=True).grade == 2
    event = StatusEvent.objects.get(student=student, kind="信息维护")
    assert event.changes["grade"] == [1, 2]


def test_a_class_change_within_the_grade_still_works_after_registration(world, make_student):
    first, second = f.school_class(world.school_a, 1), f.school_class(world.school_a, 1)
    student = registered(make_student, school_class=first.pk)
    update_student(world.registrar_a, student, {"school_class": second.pk})
    student.refresh_from_db()
    assert student.school_class_id == second.pk and student.grade == 1


def test_a_class_of_another_grade_does_not_move_the_grade(world, make_student):
    other = f.school_class(world.school_a, 2)
    student = registered(make_student)
    with pytest.raises(RuleViolation):
        update_student(world.registrar_a, student, {"school_class": other.pk})
    student.refresh_from_db()
    assert student.grade == 1 and student.school_class_id is None


def test_an_outsider_still_gets_not_found_for_a_grade_edit(world, make_student):
    student = registered(make_student)
    with pytest.raises(NotFound):
        update_student(world.registrar_b, student, {"grade": 2})


def test_an_information_change_does_not_carry_the_grade(world, make_student):
    student = registered(make_student)
    ctx = type("Ctx", (), {"student": student, "payload": {"changes": {"grade": 2}}})()
    [problem] = info_change_check(ctx)
    assert (problem.field, problem.article) == ("grade", "第二十三条")
