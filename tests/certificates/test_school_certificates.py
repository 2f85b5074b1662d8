"""结业 and 肄业 (第三十七条): issued by the school through the engine, numbered, stub kept, record closed."""

import pytest

from xueji.applications import services
from xueji.audit.models import AuditEvent
from xueji.certificates.models import Certificate
from xueji.core.errors import RuleViolation
from xueji.students.models import StatusEvent

from .conftest import walk


def test_completion_for_a_senior_short_of_conditions(people, enrolled, credits_short):
    w = people
    student = enrolled(12)
    app = services.submit(w.registrar_high, "completion", student)
    assert [(s.role, s.org_code) for s in app.steps.all()] == [("leader", w.high.pk)]
    walk(app, w.leader_high)
    student.refresh_from_db()
    assert student.status == "结业"
    cert = Certificate.objects.get(student=student)
    assert cert.kind == "结业" and cert.stage == "senior" and cert.stub_archived and cert.school == w.high
    assert cert.number.startswith(f"{w.high.pk}{cert.school_year}J") and cert.application == app
    assert cert.issued_by == w.registrar_high and cert.sealed_on is None
    stay = student.enrolments.get()
    assert stay.ended_on and stay.exit_reason == "结业" and stay.snapshot["name"] == student.name
    event = StatusEvent.objects.get(student=student, to_status="结业")
    assert event.from_status == "在籍" and event.changes == {"certificate": cert.number}
    assert AuditEvent.objects.filter(action="certificate.issue", object_id=str(cert.pk)).exists()


def test_completion_refused_when_every_condition_is_met(people, enrolled):
    student = enrolled(12)
    with pytest.raises(RuleViolation) as caught:
        services.submit(people.registrar_high, "completion", student)
    v = caught.value.violations[0]
    assert (v.code, v.article) == ("completion_conditions_met", "第三十七条")


def test_completion_refused_before_the_final_grade_and_rechecked_at_approval(people, enrolled, credits_short):
    with pytest.raises(RuleViolation) as caught:
        services.submit(people.registrar_high, "completion", enrolled(11))
    assert caught.value.violations[0].code == "completion_not_final_grade"
    assert caught.value.violations[0].article == "第三十七条"
    # Conditions met while the application waited: the leader's approval is refused, nothing is issued.
    student = enrolled(12)
    app = services.submit(people.registrar_high, "completion", student)
    from xueji.graduation import hooks

    hooks._CHECKS.remove(credits_short)
    try:
        with pytest.raises(RuleViolation):
            services.approve(people.leader_high, app.pk)
    finally:
        hooks.register_condition_check(credits_short)
    assert not Certificate.objects.filter(student=student).exists()
    student.refresh_from_db()
    assert student.status == "在籍"


def test_incomplete_from_suspension_gives_a_leaving_certificate(people, enrolled):
    from xueji.students.models import Student

    student = enrolled(11)
    Student.objects.filter(pk=student.pk).update(status="休学")
    student.refresh_from_db()
    walk(services.submit(people.registrar_high, "incomplete", student), people.leader_high)
    student.refresh_from_db()
    cert = Certificate.objects.get(student=student)
    assert student.status == "肄业" and cert.kind == "肄业" and "Y" in cert.number and cert.stub_archived


def test_incomplete_refused_in_the_compulsory_stages(people, make_student):
    from xueji.students.models import Student

    student = make_student(grade=5)
    Student.objects.filter(pk=student.pk).update(status="在籍", student_number="G" + student.id_number)
    student.refresh_from_db()
    for code in ("incomplete", "completion"):
        with pytest.raises(RuleViolation) as caught:
            services.submit(people.registrar_a, code, student)
        assert caught.value.violations[0].article == "第三十七条"


def test_numbers_are_unique_and_run_on_per_school(people, enrolled):
    numbers = []
    for _ in range(3):
        student = enrolled(10)
        walk(services.submit(people.registrar_high, "incomplete", student), people.leader_high)
        numbers.append(Certificate.objects.get(student=student).number)
    assert len(set(numbers)) == 3
    assert [n[-6:] for n in numbers] == ["000001", "000002", "000003"]


def test_a_closed_record_cannot_get_a_second_school_certificate(people, completed):
    cert = completed()
    with pytest.raises(RuleViolation) as caught:
        services.submit(people.registrar_high, "incomplete", cert.student)
    assert (caught.value.violations[0].code, caught.value.violations[0].article) == ("record_finished", "第三十七条")
