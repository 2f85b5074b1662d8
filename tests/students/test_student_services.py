"""The student-record services: creating, editing, numbering, revealing — each allowed and refused."""

from datetime import date

import pytest

from tests import factories as f
from xueji.audit.models import AuditEvent
from xueji.core.errors import Conflict, Forbidden, NotFound, RuleViolation
from xueji.policy.idcard import check_digit
from xueji.students import numbers
from xueji.students.models import Enrolment, StatusEvent, Student, StudentNumber
from xueji.students.services import create_student, reveal_id_number, update_student


def test_registrar_creates_a_pending_record_with_family_enrolment_history_and_audit(world, make_student):
    student = make_student()
    assert student.status == "待注册" and student.student_number is None
    assert student.family.count() == 1 and student.family.get().name == "王建国"
    assert Enrolment.objects.filter(student=student, school=world.school_a, ended_on__isnull=True).exists()
    assert StatusEvent.objects.filter(student=student, kind="建档").exists()
    assert AuditEvent.objects.filter(action="student.create", object_id=str(student.pk)).exists()
    assert student.name_pinyin == "WANG XIAO MING"


def test_another_schools_registrar_cannot_create_here(world):
    with pytest.raises(NotFound):
        create_student(world.registrar_b, world.school_a, f.student_payload())
    assert Student.objects.count() == 0


def test_county_officer_does_not_type_records(world):
    with pytest.raises(Forbidden):
        create_student(world.county_xd, world.school_a, f.student_payload())


def test_bad_check_digit_is_refused_naming_id_number_and_nothing_is_written(world):
    payload = f.student_payload()
    good = payload["id_number"]
    payload["id_number"] = good[:17] + ("0" if good[17] != "0" else "1")
    with pytest.raises(RuleViolation) as caught:
        create_student(world.registrar_a, world.school_a, payload)
    assert "id_number" in {v.field for v in caught.value.violations}
    assert Student.objects.count() == 0 and AuditEvent.objects.filter(action="student.create").count() == 0


def test_rare_character_name_survives(world, make_student):
    student = make_student(name="𠮷祥")
    assert Student.objects.get(pk=student.pk).name == "𠮷祥"


def test_same_id_number_twice_in_the_province_is_refused(world, make_student):
    first = make_student()
    with pytest.raises(Conflict) as caught:
        make_student(school=world.school_b, id_number=first.id_number)
    assert caught.value.violations[0].article == "第十四条"


def test_grade_the_school_does_not_offer_is_refused(world):
    with pytest.raises(RuleViolation) as caught:
        create_student(world.registrar_a, world.school_a, f.student_payload(grade=8))
    assert "grade" in {v.field for v in caught.value.violations}


def test_editing_an_uncontrolled_field_keeps_old_value_in_history(world, make_student):
    student = make_student()
    update_student(world.registrar_a, student, {"current_address": "山西省太原市小店区长风街1号"})
    student.refresh_from_db()
    assert student.current_address == "山西省太原市小店区长风街1号"
    event = StatusEvent.objects.get(student=student, kind="信息维护")
    assert event.changes["current_address"][0].startswith("山西省太原市小店区坞城路")


@pytest.mark.parametrize("field,value", [("name", "王大明"), ("gender", "2"), ("birth_date", "2015-03-03"),
                                         ("id_type", "Z"), ("id_number", "140105201503020011")])
def test_controlled_fields_are_refused_with_article_15(world, make_student, field, value):
    student = make_student()
    with pytest.raises(RuleViolation) as caught:
        update_student(world.registrar_a, student, {field: value})
    assert caught.value.violations[0].article == "第十五条"
    assert caught.value.violations[0].field == field
    assert Student.objects.get(pk=student.pk).name == "王小明"


def test_officer_may_read_but_not_edit(world, make_student):
    student = make_student()
    with pytest.raises(Forbidden):
        update_student(world.county_xd, student, {"current_address": "x路1号"})
    with pytest.raises(NotFound):
        update_student(world.county_yz, student, {"current_address": "x路1号"})


def test_g_number_is_g_plus_the_id_number(world, make_student):
    student = make_student()
    issued = numbers.issue_number(student)
    assert issued.number == "G" + student.id_number and issued.kind == "G"
    assert Student.objects.get(pk=student.pk).student_number == issued.number


def test_j_numbers_for_students_without_id_are_sequential_and_valid(world, make_student):
    first = make_student(id_type="Z", id_number="")
    second = make_student(id_type="Z", id_number="")
    a, b = numbers.issue_number(first), numbers.issue_number(second)
    assert a.kind == b.kind == "J"
    assert a.number[1:7] == "140105" and a.number[7:15] == "20150302"
    assert a.number[15:18] == "001" and b.number[15:18] == "002"
    assert a.number[18] == check_digit(a.number[1:18])


def test_l_number_is_replaced_by_g_and_kept_as_alias(world, make_student):
    student = make_student()
    temp = numbers.issue_number(student, kind="L")
    formal = numbers.issue_number(student, kind="G")
    assert temp.number.startswith("L") and len(temp.number) == 19
    rows = StudentNumber.objects.filter(student=student)
    assert {r.number for r in rows} == {temp.number, formal.number}
    assert rows.get(number=temp.number).replaced_at is not None
    from xueji.students.selectors import resolve_key

    assert resolve_key(temp.number).pk == student.pk


def test_a_number_is_never_issued_twice(world, make_student):
    student = make_student()
    numbers.issue_number(student)
    with pytest.raises(Conflict):
        numbers.issue_number(student, kind="G")


def test_reveal_needs_a_reason_and_is_audited(world, make_student):
    student = make_student()
    with pytest.raises(RuleViolation) as caught:
        reveal_id_number(world.county_xd, student, "")
    assert caught.value.violations[0].article == "第四十四条"
    assert reveal_id_number(world.county_xd, student, "核对转学材料") == student.id_number
    assert AuditEvent.objects.filter(action="student.unmask_id", reason="核对转学材料").exists()
    with pytest.raises(NotFound):
        reveal_id_number(world.county_yz, student, "好奇")


def test_student_without_id_needs_a_guardian_with_an_id(world):
    payload = f.student_payload(id_type="Z", id_number="")
    payload["family"][0]["id_number"] = ""
    with pytest.raises(RuleViolation):
        create_student(world.registrar_a, world.school_a, payload)
    ok = f.student_payload(id_type="Z", id_number="", birth=date(2015, 5, 5))
    assert create_student(world.registrar_a, world.school_a, ok).pk
