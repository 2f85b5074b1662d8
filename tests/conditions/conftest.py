import datetime

import pytest

from tests import factories as f
from xueji.policy.graduation_conditions import school_year_of

YEAR = school_year_of(datetime.date.today())


@pytest.fixture
def senior(world):
    """A registered 高三 student of the city-run high school (太原市第五中学)."""
    from xueji.students.services import create_student

    student = create_student(world.registrar_high, world.high,
                             f.student_payload(grade=12, birth=datetime.date(2008, 3, 2), entry_mode="21"))
    return f.registered(student)


@pytest.fixture
def pupil(make_student):
    """A registered 六年级 pupil of school A (primary): no 第三十五条 conditions."""
    return f.registered(make_student(grade=6))


@pytest.fixture
def leader_high(world):
    return f.user("lead_high", "leader", school=world.high)


def full(**overrides) -> dict:
    """A school year's entry that meets every condition of 第三十五条 on its own."""
    from xueji.policy.province import get_policy

    body = {"school_year": YEAR, "quality_result": "合格", "credits_compulsory": 116, "credits_elective_1": 22,
            "credits_elective_2": 6, "fitness_met": True, "practice_done": True,
            "exams": [{"subject": s, "grade": "B", "attempt": 1} for s in get_policy().exam_subjects]}
    return body | overrides
