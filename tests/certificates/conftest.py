"""Shared by the certificate tests: a high school's leader, enrolled students, a registered condition check."""

import pytest

from tests import factories as f
from xueji.applications import services
from xueji.graduation import hooks
from xueji.policy.violations import Violation
from xueji.students.models import Student


@pytest.fixture
def people(world):
    world.leader_high = f.user("lead_high", "leader", school=world.high)
    return world


@pytest.fixture
def enrolled(people, make_student):
    """A student of the city-run high school, 在籍 with a number."""

    def make(grade=12, school=None, **overrides):
        school = school or people.high
        mode = "21" if grade >= 10 else "11"
        student = make_student(school=school, grade=grade, entry_mode=mode, **overrides)
        Student.objects.filter(pk=student.pk).update(status="在籍", student_number="G" + student.id_number)
        student.refresh_from_db()
        return student

    return make


@pytest.fixture
def credits_short():
    """A condition check (as xueji/conditions would register) that finds every student short of credits."""

    def check(students, school_year):
        return {s.pk: [Violation("credits_total", "总学分不足144", "第三十五条", "credits")] for s in students}

    hooks.register_condition_check(check)
    yield check
    hooks._CHECKS.remove(check)


def walk(application, *approvers):
    for actor in approvers:
        services.approve(actor, application.pk)
    application.refresh_from_db()
    return application


@pytest.fixture
def completed(people, enrolled, credits_short):
    """A 高三 student of 太原市第五中学 with a 结业 certificate (issued and approved)."""
    from xueji.certificates.models import Certificate

    def make(**overrides):
        student = enrolled(12, **overrides)
        walk(services.submit(people.registrar_high, "completion", student), people.leader_high)
        return Certificate.objects.get(student=student, kind="结业")

    return make


@pytest.fixture(autouse=True)
def only_this_modules_condition_checks(monkeypatch):
    """These tests decide the graduation conditions with their own fake checks; the recorded conditions of
    xueji.conditions (registered at start-up) are tested in tests/conditions."""
    from xueji.graduation import hooks

    monkeypatch.setattr(hooks, "_CHECKS", [])
