"""Graduation actors: the schools' leaders, registered students of a final grade, a settable clock, and a fake
high-school condition check (第三十五条) that a test registers and that is removed after it."""

import datetime

import pytest
from django.utils import timezone

from tests import factories as f
from xueji.graduation import hooks
from xueji.policy.violations import Violation
from xueji.students import numbers
from xueji.students.models import Student


@pytest.fixture
def people(world):
    w = world
    w.leader_high = f.user("lead_high", "leader", school=w.high)
    w.leader_b = f.user("lead_b", "leader", school=w.school_b)
    w.class_a6 = f.school_class(w.school_a, grade=6, name="6班", entry_year=2021)
    w.class_h12 = f.school_class(w.high, grade=12, name="高三1班", entry_year=2024)
    return w


@pytest.fixture
def enrolled(world):
    """A registered (在籍) student with his number, created through the service like any record."""
    from xueji.students.services import create_student

    actors = {world.school_a.pk: world.registrar_a, world.school_b.pk: world.registrar_b,
              world.high.pk: world.registrar_high, world.school_a2.pk: world.registrar_a2}

    def make(school=None, grade=6, birth=None, **overrides):
        school = school or world.school_a
        birth = birth or datetime.date(2026 - grade - 6, 3, 2)
        if grade >= 10:
            overrides.setdefault("entry_mode", "21")
        student = create_student(actors[school.pk], school, f.student_payload(grade=grade, birth=birth, **overrides))
        Student.objects.filter(pk=student.pk).update(status="在籍")
        student.refresh_from_db()
        numbers.issue_number(student)
        student.refresh_from_db()
        return student

    return make


@pytest.fixture
def clock(monkeypatch):
    """clock(day) makes "today" that day for the services (timezone.localdate() without an argument)."""
    real = timezone.localdate

    def set_day(day: datetime.date):
        monkeypatch.setattr(timezone, "localdate", lambda value=None, timezone=None: day if value is None
                            else real(value, timezone))

    set_day(datetime.date(2027, 5, 10))  # in the school year 2026–27, before the sealing deadline
    return set_day


@pytest.fixture
def credits_check():
    """A fake 第三十五条 check: the students in `short` lack credits. Registered for the test, then removed."""
    short: set[int] = set()

    def check(students, school_year):
        return {s.pk: [Violation("credits_total", "总学分不足144学分(第三十五条)", "第三十五条", "credits")]
                for s in students if s.pk in short}

    hooks.register_condition_check(check)
    yield short
    hooks._CHECKS.remove(check)


@pytest.fixture(autouse=True)
def only_this_modules_condition_checks(monkeypatch):
    """These tests decide the graduation conditions with their own fake checks; the recorded conditions of
    xueji.conditions (registered at start-up) are tested in tests/conditions."""
    from xueji.graduation import hooks

    monkeypatch.setattr(hooks, "_CHECKS", [])
