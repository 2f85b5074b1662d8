"""Suspension, extension, resumption (第二十三–二十四条) through the engine."""

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from xueji.applications import services
from xueji.applications.types.suspension import current_periods, expired_suspensions
from xueji.core.errors import RuleViolation
from xueji.students.models import Student

PDF = b"%PDF-1.4\n%%EOF\n"
TODAY = datetime.date.today()


def proof(kind):
    return (kind, SimpleUploadedFile(f"{kind}.pdf", PDF, content_type="application/pdf"))


def walk(world, app):
    services.approve(world.leader_a, app.pk)
    services.approve(world.county_xd, app.pk)


def suspend(world, student, start=TODAY, days=300):
    end = start + datetime.timedelta(days=days)
    app = services.submit(world.registrar_a, "suspension", student,
                          {"reason": "illness", "start": start.isoformat(), "end": end.isoformat(),
                           "hours_needed": 200, "term_hours": 500},
                          evidence=[proof("suspension_form"), proof("medical_county")])
    walk(world, app)
    student.refresh_from_db()
    return end


@pytest.fixture
def enrolled(world, make_student):
    student = make_student(grade=3)
    Student.objects.filter(pk=student.pk).update(status="在籍", student_number="G" + student.id_number)
    student.refresh_from_db()
    return student


def test_illness_with_hospital_proof_suspends_and_keeps_the_record(world, enrolled):
    suspend(world, enrolled)
    assert enrolled.status == "休学" and enrolled.events.filter(kind="休学").exists()
    assert len(current_periods(enrolled)) == 1


def test_missing_hospital_proof_is_refused_with_article_24(world, enrolled):
    with pytest.raises(RuleViolation) as caught:
        services.submit(world.registrar_a, "suspension", enrolled,
                        {"reason": "illness", "start": TODAY.isoformat(),
                         "end": (TODAY + datetime.timedelta(days=200)).isoformat(),
                         "hours_needed": 200, "term_hours": 500}, evidence=[proof("suspension_form")])
    assert any(v.article == "第二十四条" for v in caught.value.violations)


def test_reason_not_in_the_list_is_refused_with_article_23(world, enrolled):
    with pytest.raises(RuleViolation) as caught:
        services.submit(world.registrar_a, "suspension", enrolled,
                        {"reason": "travel", "start": TODAY.isoformat(),
                         "end": (TODAY + datetime.timedelta(days=100)).isoformat()},
                        evidence=[proof("suspension_form")])
    assert any(v.article == "第二十三条" for v in caught.value.violations)


def test_extension_within_two_years_allowed_past_two_years_refused(world, enrolled):
    end = suspend(world, enrolled, days=360)
    ok = services.submit(world.registrar_a, "suspension_extension", enrolled,
                         {"end": (end + datetime.timedelta(days=300)).isoformat()},
                         evidence=[proof("suspension_form"), proof("medical_county")])
    walk(world, ok)
    with pytest.raises(RuleViolation) as caught:
        services.submit(world.registrar_a, "suspension_extension", enrolled,
                        {"end": (end + datetime.timedelta(days=500)).isoformat()},
                        evidence=[proof("suspension_form"), proof("medical_county")])
    assert caught.value.violations[0].code == "extension_over_limit"
    assert caught.value.violations[0].article == "第二十四条"


def test_resumption_to_the_next_grade_by_choice_and_never_back(world, enrolled):
    suspend(world, enrolled)
    with pytest.raises(RuleViolation) as caught:
        services.submit(world.registrar_a, "resumption", enrolled, {"grade": 2})
    assert caught.value.violations[0].article == "第二十三条"
    app = services.submit(world.registrar_a, "resumption", enrolled, {"grade": 4})
    walk(world, app)
    enrolled.refresh_from_db()
    assert enrolled.status == "在籍" and enrolled.grade == 4 and enrolled.school_class is None


def test_expired_suspension_without_resumption_is_flagged(world, enrolled):
    suspend(world, enrolled, start=TODAY - datetime.timedelta(days=400), days=360)
    flagged = expired_suspensions(Student.objects.filter(pk=enrolled.pk))
    assert flagged and flagged[0][2][0].code == "suspension_expired_unresumed"
