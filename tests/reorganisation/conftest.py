import pytest

from xueji.students import numbers
from xueji.students.models import Student


@pytest.fixture
def registered(make_student):
    """make a 在籍 student with his number at a school of the world (school A unless told)."""

    def make(**overrides):
        overrides.setdefault("grade", 3)
        student = make_student(**overrides)
        Student.objects.filter(pk=student.pk).update(status="在籍")
        student.refresh_from_db()
        numbers.issue_number(student)
        student.refresh_from_db()
        return student

    return make
