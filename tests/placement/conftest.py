"""Helpers for the placement tests: classes filled to a given size and cohorts of unplaced students, written
in bulk (the cap tests need 50 pupils in a class, not 50 calls of the record form)."""

import itertools
from datetime import date

import pytest

from tests import factories as f
from xueji.students.models import Enrolment, Student

_names = itertools.count(1)


def pupils(school, grade: int, n: int, *, school_class=None, gender: str | None = None, status: str = "在籍",
           **attrs) -> list[Student]:
    """n students of a school's grade, seated in `school_class` or unplaced; genders alternate unless given."""
    rows = []
    for i in range(n):
        k = next(_names)
        rows.append(Student(
            school=school, grade=grade, school_class=school_class, status=status,
            name=f"学生{k}", name_pinyin=f"XUESHENG {k:05d}", gender=gender or ("1" if i % 2 == 0 else "2"),
            birth_date=date(2019, 1 + k % 12, 1 + k % 28), id_type="Z", ethnicity="01", nationality="CHN",
            **attrs))
    created = Student.objects.bulk_create(rows)
    Enrolment.objects.bulk_create([
        Enrolment(student=s, school=school, grade=grade, school_class=school_class, started_on=date(2026, 9, 1))
        for s in created])
    return created


@pytest.fixture
def registrar_a_bis(world):
    """A second registrar of school A: big schools name several (第三条)."""
    return f.user("reg_a_bis", "registrar", school=world.school_a)


@pytest.fixture
def junior_class(world):
    return f.school_class(world.school_a2, grade=7, name="初一1班")


@pytest.fixture
def senior_class(world):
    return f.school_class(world.high, grade=10, name="高一1班")
