"""Controlled-field change (第十五条): with evidence, through its chain; the old values stay in the history."""

import pytest

from tests import factories as f
from xueji.applications import services
from xueji.core.errors import RuleViolation
from xueji.students import numbers
from xueji.students.models import StatusEvent, StudentNumber


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


def test_new_id_number_moves_the_g_number_and_keeps_the_old_as_alias(world, make_student, scan):
    student = make_student()
    old = numbers.issue_number(student).number
    new_id = f.make_id(birth=student.birth_date, gender="1", seq=77)
    app = services.submit(world.registrar_a, "info_change", student, {"changes": {"id_number": new_id}},
                          evidence=[scan()])
    approve_all(world, app)
    student.refresh_from_db()
    assert student.student_number == "G" + new_id
    assert StudentNumber.objects.get(number=old).student_id == student.pk
