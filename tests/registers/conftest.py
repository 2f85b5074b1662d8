"""Registers' actors: students of school A moved through the engine's transition (the one way a status changes),
a helper that backdates a record's history, and a transfer between two schools as the transfer service writes it."""

import datetime
import io

import pytest
from django.utils import timezone
from openpyxl import load_workbook

from xueji.applications.engine import transition
from xueji.students import numbers
from xueji.students.models import Enrolment, StatusEvent

API = "/api/v1"


@pytest.fixture
def registered(world, make_student):
    """A 在籍 record at `school` (registration approved), its history stamped `on` when given."""

    def make(school=None, on: datetime.date | None = None, **overrides):
        student = make_student(school, **overrides)
        transition(student, "registration", actor=world.county_xd, note="测试注册")
        numbers.issue_number(student)
        student.refresh_from_db()
        if on is not None:
            backdate(student, on)
        return student

    return make


def backdate(student, day: datetime.date) -> None:
    StatusEvent.objects.filter(student=student).update(
        at=timezone.make_aware(datetime.datetime.combine(day, datetime.time(10))))
    Enrolment.objects.filter(student=student).update(started_on=day)


def transfer(student, receiving, actor) -> None:
    """What transfers.services.complete_internal writes: the old stay closed, the record moved, a new stay, and one
    event naming both schools."""
    sending = student.school
    today = timezone.localdate()
    Enrolment.objects.filter(student=student, ended_on__isnull=True).update(ended_on=today, exit_reason="转出")
    student.school, student.school_class = receiving, None
    student.save(update_fields=["school", "school_class", "updated_at"])
    Enrolment.objects.create(student=student, school=receiving, grade=student.grade, started_on=today,
                             entry_reason="转学转入")
    transition(student, "transfer", actor=actor, note="测试转学",
               changes={"school": [sending.pk, receiving.pk], "school_name": [sending.name, receiving.name]})


def body(response) -> bytes:
    if getattr(response, "streaming", False):
        # The test client closes the response once its content is read; closing it again here would close the
        # database connection (request_finished) in the middle of the test.
        return b"".join(response.streaming_content)
    return response.content


def sheet_cells(response):
    return load_workbook(io.BytesIO(body(response))).active


def sheet_rows(response) -> list[list]:
    return [[c.value for c in row] for row in sheet_cells(response).iter_rows()]
