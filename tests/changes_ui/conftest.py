"""Shared pieces of the status-change page and API tests: enrolled students, scans of a proof kind, walking an
application through its chain."""

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from tests import factories as f
from xueji.applications import services
from xueji.students.models import Student
from xueji.workdays.services import clear_cache

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
TODAY = datetime.date.today()


def scan(kind: str = "scan"):
    return SimpleUploadedFile(f"{kind}.pdf", PDF, content_type="application/pdf")


def proof(kind: str):
    return kind, scan(kind)


def enrol(student):
    Student.objects.filter(pk=student.pk).update(status="在籍", student_number="G" + student.id_number)
    student.refresh_from_db()
    return student


def walk(application, *deciders, comment: str = ""):
    for actor in deciders:
        services.approve(actor, application.pk, comment=comment)
    application.refresh_from_db()
    return application


def suspend(world, student, *, start=TODAY, days=300, registrar=None, deciders=None):
    """An approved suspension from `start` for `days` days."""
    end = start + datetime.timedelta(days=days)
    app = services.submit(registrar or world.registrar_a, "suspension", student,
                          {"reason": "illness", "start": start.isoformat(), "end": end.isoformat(),
                           "hours_needed": 200, "term_hours": 500},
                          evidence=[proof("suspension_form"), proof("medical_county")])
    walk(app, *(deciders or (world.leader_a, world.county_xd)))
    student.refresh_from_db()
    return end


@pytest.fixture(autouse=True)
def fresh_calendar():
    clear_cache()
    yield
    clear_cache()


@pytest.fixture
def people(world):
    world.leader_high = f.user("lead_high", "leader", school=world.high)
    return world


@pytest.fixture
def pupil(world, make_student):
    """An enrolled 三年级 pupil of school A (小店区)."""
    return enrol(make_student(grade=3, name="李小华"))


@pytest.fixture
def senior(people, make_student):
    """An enrolled 高二 student of the city-run high school."""
    return enrol(make_student(school=people.high, grade=11, entry_mode="21", name="赵高中"))
