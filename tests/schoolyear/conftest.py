"""The annual promotion's tests: the next school year with its terms set, and pupils written straight into the
tables (the promotion reads the tables; going through registration for each pupil would only slow the suite)."""

import datetime
import itertools

import pytest

from tests import factories as f
from xueji.applications.models import Application
from xueji.schoolyear import services
from xueji.students.models import Student
from xueji.workdays.models import Term

_ids = itertools.count(1)


@pytest.fixture
def year(world):
    """The school year the province may open next, with its terms entered."""
    nxt = services.current_school_year() + 1
    Term.objects.create(school_year=nxt, number=1, starts_on=datetime.date(nxt, 9, 1),
                        ends_on=datetime.date(nxt + 1, 1, 20))
    Term.objects.create(school_year=nxt, number=2, starts_on=datetime.date(nxt + 1, 2, 20),
                        ends_on=datetime.date(nxt + 1, 7, 10))
    return nxt


@pytest.fixture
def pupil(world):
    def make(grade, *, school=None, status="在籍", school_class=None, entry_month="202109", name="王小明"):
        n = next(_ids)
        return Student.objects.create(
            school=school or world.school_a, status=status, grade=grade, school_class=school_class,
            name=name, gender="1", birth_date=datetime.date(2015, 3, 2), id_type="1", entry_month=entry_month,
            id_number=f.make_id(), student_number=f"L{n:018d}")

    return make


@pytest.fixture
def rollover(world):
    """Open `year` as the province officer and run it to the end (small chunks, so several are exercised)."""
    def go(year, **run):
        job = services.open_year(world.province_officer, year, chunk_size=2)
        return services.run(job.pk, **run)

    return go


def pending_application(world, student) -> Application:
    return Application.objects.create(type="info_change", student=student, school=student.school,
                                      created_by=world.registrar_a)
