"""Withdrawal, automatic withdrawal, death, dropout, missing (第二十八–三十三、四十一条) through the engine."""

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from tests import factories as f
from xueji.applications import services
from xueji.core.errors import RuleViolation
from xueji.students.models import Student

PDF = b"%PDF-1.4\n%%EOF\n"


def proof(kind):
    return (kind, SimpleUploadedFile(f"{kind}.pdf", PDF, content_type="application/pdf"))


def enrol(student):
    Student.objects.filter(pk=student.pk).update(status="在籍", student_number="G" + student.id_number)
    student.refresh_from_db()
    return student


@pytest.fixture
def people(world):
    world.leader_high = f.user("lead_high", "leader", school=world.high)
    return world


def walk(*steps):
    app = steps[0]
    for actor in steps[1:]:
        services.approve(actor, app.pk)
    app.refresh_from_db()
    return app


def test_compulsory_withdrawal_for_settling_abroad_with_township_approval(people, make_student):
    w = people
    student = enrol(make_student())
    app = services.submit(w.registrar_a, "withdrawal", student, {"ground": "settle_abroad"},
                          evidence=[proof("withdrawal_form"), proof("passport_copy"), proof("hukou_copy"),
                                    proof("township_approval")])
    assert [s.role for s in app.steps.order_by("order")] == ["leader", "county"]
    walk(app, w.leader_a, w.county_xd)
    student.refresh_from_db()
    assert student.status == "退学"
    assert student.enrolments.get().exit_reason == "退学" and student.enrolments.get().snapshot["name"]


def test_compulsory_withdrawal_without_township_or_for_another_ground_is_refused(people, make_student):
    student = enrol(make_student())
    with pytest.raises(RuleViolation) as caught:
        services.submit(people.registrar_a, "withdrawal", student, {"ground": "settle_abroad"},
                        evidence=[proof("withdrawal_form"), proof("passport_copy"), proof("hukou_copy")])
    assert "withdrawal_township_approval" in [v.code for v in caught.value.violations]
    with pytest.raises(RuleViolation) as caught:
        services.submit(people.registrar_a, "withdrawal", student, {"ground": "work"},
                        evidence=[proof("withdrawal_form"), proof("township_approval")])
    assert caught.value.violations[0].article == "第二十八条"


def test_high_school_withdrawal_goes_to_the_city(people, make_student):
    w = people
    student = enrol(make_student(school=w.high, grade=11, entry_mode="21"))
    app = services.submit(w.registrar_high, "withdrawal", student, {"ground": "settle_abroad"},
                          evidence=[proof("withdrawal_form"), proof("passport_copy"), proof("hukou_copy")])
    walk(app, w.leader_high, w.city_ty)
    student.refresh_from_db()
    assert student.status == "退学"


def test_truancy_auto_withdrawal_needs_the_threshold_and_both_bureaus(people, make_student):
    w = people
    student = enrol(make_student(school=w.high, grade=11, entry_mode="21"))
    with pytest.raises(RuleViolation) as caught:
        services.submit(w.registrar_high, "auto_withdrawal", student,
                        {"ground": "truancy", "truancy_weeks": list(range(1, 9))},
                        evidence=[proof("family_contact_record")])
    assert caught.value.violations[0].article == "第三十一条"
    app = services.submit(w.registrar_high, "auto_withdrawal", student,
                          {"ground": "truancy", "truancy_weeks": list(range(1, 10))},
                          evidence=[proof("family_contact_record")])
    assert [s.role for s in app.steps.order_by("order")] == ["leader", "county", "city"]
    walk(app, w.leader_high, w.county_xd, w.city_ty)
    student.refresh_from_db()
    assert student.status == "退学"


def test_auto_withdrawal_is_not_for_the_compulsory_stage(people, make_student):
    with pytest.raises(RuleViolation) as caught:
        services.submit(people.registrar_a, "auto_withdrawal", enrol(make_student()),
                        {"ground": "truancy", "truancy_weeks": list(range(1, 12))},
                        evidence=[proof("family_contact_record")])
    assert caught.value.violations[0].code == "auto_withdrawal_compulsory"


def test_death_with_proof_cancels_the_record(people, make_student):
    w = people
    student = enrol(make_student())
    app = services.submit(w.registrar_a, "death", student, {"known_on": datetime.date.today().isoformat()},
                          evidence=[proof("death_proof")])
    walk(app, w.leader_a, w.county_xd)
    student.refresh_from_db()
    assert student.status == "死亡"
    with pytest.raises(RuleViolation):
        services.submit(w.registrar_a, "death", enrol(make_student(name="无证明")), {}, evidence=[proof("other_proof")])


def test_dropout_is_reported_to_township_and_county_and_the_record_kept(people, make_student):
    w = people
    student = enrol(make_student())
    with pytest.raises(RuleViolation) as caught:
        services.submit(w.registrar_a, "dropout", student, {"reported_to": ["county"]},
                        evidence=[proof("dropout_report")])
    assert caught.value.violations[0].article == "第三十三条"
    app = services.submit(w.registrar_a, "dropout", student, {"reported_to": ["township", "county"]},
                          evidence=[proof("dropout_report")])
    walk(app, w.leader_a, w.county_xd)
    student.refresh_from_db()
    assert student.status == "辍学" and student.student_number


def test_missing_student_is_reported_to_the_city_and_returns(people, make_student):
    w = people
    student = enrol(make_student())
    app = services.submit(w.registrar_a, "missing", student, {"reason": "missing"})
    assert app.steps.get(order=2).role == "city"
    walk(app, w.leader_a, w.city_ty)
    student.refresh_from_db()
    assert student.status == "失踪"
    back = services.submit(w.registrar_a, "missing_return", student, {})
    walk(back, w.leader_a, w.city_ty)
    student.refresh_from_db()
    assert student.status == "在籍"


def test_a_non_custodial_sentence_does_not_leave_school(people, make_student):
    with pytest.raises(RuleViolation) as caught:
        services.submit(people.registrar_a, "missing", enrol(make_student()),
                        {"reason": "detained", "judicial_outcome": "non_custodial"})
    assert caught.value.violations[0].article == "第四十一条"
