"""Actors and helpers for transfers: the schools of both sides, their leaders, a third county's officer, an
enrolled student, proof scans by kind, and a clock the tests can set (due dates count working days)."""

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from tests import factories as f
from xueji.students import numbers
from xueji.students.models import Student

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
MOVE = {"transfer_reason": "work_move", "from_division": "140213", "to_division": "140106"}


def scan(name="scan.pdf"):
    return SimpleUploadedFile(name, PDF, content_type="application/pdf")


def proofs(*kinds):
    """(kind, file) pairs as the engine takes evidence; the stamped 附件8 first unless told otherwise."""
    return [(kind, scan(f"{kind}.pdf")) for kind in (kinds or ("transfer_form", "work_change"))]


@pytest.fixture
def people(world):
    w = world
    w.leader_b = f.user("lead_b", "leader", school=w.school_b)
    w.leader_a2 = f.user("lead_a2", "leader", school=w.school_a2)
    w.leader_high = f.user("lead_high", "leader", school=w.high)
    w.county_pc = f.user("pc", "county", division=w.pingcheng)
    return w


@pytest.fixture
def enrolled(world):
    """A registered (在籍) student with his G number, created through the service like any record."""
    from xueji.students.services import create_student

    registrars = {}

    def make(school=None, **overrides):
        school = school or world.school_a
        actor = registrars.get(school.pk) or _registrar(world, school)
        registrars[school.pk] = actor
        overrides.setdefault("grade", 3)
        student = create_student(actor, school, f.student_payload(**overrides))
        Student.objects.filter(pk=student.pk).update(status="在籍")
        student.refresh_from_db()
        numbers.issue_number(student)
        student.refresh_from_db()
        return student

    return make


def _registrar(world, school):
    from xueji.accounts.models import User

    found = User.objects.filter(role="registrar", school=school).first()
    return found or f.user(f"reg_{school.pk}", "registrar", school=school)


@pytest.fixture
def clock(monkeypatch):
    """clock(day) makes "today" that day for the services (timezone.localdate() without an argument)."""
    real = timezone.localdate

    def set_day(day: datetime.date):
        monkeypatch.setattr(timezone, "localdate", lambda value=None, timezone=None: day if value is None
                            else real(value, timezone))

    return set_day
