import pytest

from xueji.students import numbers
from xueji.students.models import Student


@pytest.fixture
def pupil(make_student):
    """A registered (在籍) primary pupil of school A."""
    student = make_student(grade=3)
    Student.objects.filter(pk=student.pk).update(status="在籍")
    student.refresh_from_db()
    numbers.issue_number(student)
    student.refresh_from_db()
    return student


@pytest.fixture
def senior(world):
    """A registered 高二 student of the city-run high school."""
    import datetime

    from tests import factories as f
    from xueji.students.services import create_student

    student = create_student(world.registrar_high, world.high,
                             f.student_payload(grade=11, birth=datetime.date(2009, 3, 2), entry_mode="21"))
    Student.objects.filter(pk=student.pk).update(status="在籍")
    student.refresh_from_db()
    numbers.issue_number(student)
    student.refresh_from_db()
    return student
