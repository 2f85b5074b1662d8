import pytest

from tests import factories as f


@pytest.fixture
def pupil(make_student):
    """A registered (在籍) primary pupil of school A."""
    student = make_student(grade=3)
    return f.registered(student)


@pytest.fixture
def senior(world):
    """A registered 高二 student of the city-run high school."""
    import datetime

    from xueji.students.services import create_student

    student = create_student(world.registrar_high, world.high,
                             f.student_payload(grade=11, birth=datetime.date(2009, 3, 2), entry_mode="21"))
    return f.registered(student)
