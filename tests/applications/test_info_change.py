"""Controlled-field change (第十五条): with evidence, through its chain; the old values stay in the history."""

import pytest

from tests import factories as f
from xueji.applications import services
from xueji.core.errors import Conflict, RuleViolation
from xueji.students import numbers
from xueji.students.models import StatusEvent, Student, StudentNumber


def approve_all(world, app):
    services.approve(world.leader_a, app.pk)
    services.approve(world.county_xd, app.pk)


def test_name_change_goes_through_the_chain_and_keeps_the_old_name(world, make_student, scan):
    student = make_student(name="王小明")
    app = services.submit(world.registrar_a, "info_change", student, {"changes": {"name": "王晓明"}},
                          evidence=[scan()])
    assert student.evidence.count() == 1
    approve_all(world, app)
    student.refresh_from_db()
    assert student.name == "王晓明"
    event = StatusEvent.objects.get(student=student, kind="学籍信息变更")
    assert event.changes["name"] == ["王小明", "王晓明"]


def test_without_evidence_it_is_refused(world, make_student):
    with pytest.raises(RuleViolation) as caught:
        services.submit(world.registrar_a, "info_change", make_student(), {"changes": {"name": "王晓明"}})
    assert caught.value.violations[0].article == "第十五条"


def test_uncontrolled_fields_are_sent_to_direct_editing(world, make_student, scan):
    with pytest.raises(RuleViolation) as caught:
        services.submit(world.registrar_a, "info_change", make_student(), {"changes": {"phone": "13900000000"}},
                        evidence=[scan()])
    assert caught.value.violations[0].code == "not_controlled"


def test_evidence_must_be_a_scan(world, make_student, scan):
    with pytest.raises(RuleViolation) as caught:
        services.submit(world.registrar_a, "info_change", make_student(), {"changes": {"name": "王晓明"}},
                        evidence=[scan("a.txt", b"hello")])
    assert caught.value.violations[0].code == "evidence_type"


def test_new_id_number_reruns_the_duplicate_check(world, make_student, scan):
    other = make_student(name="李四")
    student = make_student()
    with pytest.raises(RuleViolation) as caught:
        services.submit(world.registrar_a, "info_change", student, {"changes": {"id_number": other.id_number}},
                        evidence=[scan()])
    assert caught.value.violations[0].article == "第十四条"


def change_id(world, student, new_id, scan, **extra):
    app = services.submit(world.registrar_a, "info_change", student,
                          {"changes": {"id_number": new_id, **extra}}, evidence=[scan()])
    approve_all(world, app)
    student.refresh_from_db()
    return StatusEvent.objects.get(student=student, kind="学籍信息变更")


def test_a_g_number_stays_when_the_id_number_changes(world, make_student, scan):
    # 第十一条 "一人一号,终身不变": the new ID is recorded, the number issued from the old one stays the person's.
    student = make_student()
    number = numbers.issue_number(student).number
    new_id = f.make_id(birth=student.birth_date, gender="1", seq=77)
    event = change_id(world, student, new_id, scan)
    assert student.id_number == new_id and student.student_number == number
    assert list(StudentNumber.objects.filter(student=student).values_list("number", "replaced_at")) == [(number, None)]
    assert "student_number" not in event.changes and f"学籍号{number}终身不变(第十一条)" in event.note


def test_a_j_number_stays_when_a_resident_id_arrives(world, make_student, scan):
    student = make_student(id_type="Z", id_number="")
    number = numbers.issue_number(student).number
    assert number.startswith("J")
    new_id = f.make_id(birth=student.birth_date, gender="1", seq=78)
    change_id(world, student, new_id, scan, id_type="1")
    assert (student.id_type, student.id_number, student.student_number) == ("1", new_id, number)


def test_a_temporary_l_number_gives_way_to_the_g_number_and_stays_an_alias(world, make_student, scan):
    student = make_student()
    temporary = numbers.issue_number(student, kind="L").number
    new_id = f.make_id(birth=student.birth_date, gender="1", seq=79)
    event = change_id(world, student, new_id, scan)
    assert student.student_number == "G" + new_id
    old = StudentNumber.objects.get(number=temporary)
    assert old.student_id == student.pk and old.replaced_at is not None
    assert event.changes["student_number"] == [temporary, "G" + new_id]
    assert f"临时学籍号{temporary}换发为正式学籍号G{new_id}(第十一条)" in event.note


def test_an_id_given_up_by_a_correction_gets_its_new_holder_a_j_number(world, make_student, scan):
    # The first record keeps G + its old ID for life; the child who truly has that ID is another person and
    # gets a formal J number at registration, not a refusal at the last approval.
    first = make_student(name="张一")
    old_id = first.id_number
    kept = numbers.issue_number(first).number
    change_id(world, first, f.make_id(birth=first.birth_date, gender="1", seq=80), scan)
    second = make_student(name="张二", id_number=old_id)
    app = services.submit(world.registrar_a, "registration", second)
    approve_all(world, app)
    second.refresh_from_db()
    assert second.student_number.startswith("J") and StudentNumber.objects.get(number=kept).student_id == first.pk


def test_a_second_record_with_the_same_id_is_still_refused(world, make_student):
    # The J fallback is only for a number kept after a correction: a record whose ID is still the numbered
    # record's (the same person twice) is refused, not given a J (第十四条).
    first = make_student(name="张一")
    numbers.issue_number(first)
    second = make_student(name="张二")
    Student.objects.filter(pk=second.pk).update(id_number=first.id_number)  # as if typed twice
    second.refresh_from_db()
    with pytest.raises(Conflict) as caught:
        numbers.issue_number(second)
    assert (caught.value.violations[0].code, caught.value.violations[0].article) == ("number_taken", "第十四条")
    assert not StudentNumber.objects.filter(student=second).exists()
