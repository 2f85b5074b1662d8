"""The one rule of 升学接续 (第四条, 第十二条) and its refusals (第十四条, 第十七条), as pure policy."""

from datetime import date

import pytest

from xueji.policy.continuation import ExistingRecord, default_spring_end, refusal, stage_over

OTHER, HERE = "1114010601", "1114010502"


def record(status="在籍", grade=6, school=OTHER):
    return ExistingRecord(status=status, grade=grade, school=school)


@pytest.mark.parametrize("status, grade, new_grade, over", [
    ("毕业", 6, 7, False), ("毕业", 9, 10, True), ("毕业", 6, 8, False), ("在籍", 6, 7, True), ("在籍", 9, 10, True),
])
def test_a_record_free_to_continue_is_continued(status, grade, new_grade, over):
    assert refusal(record(status, grade), school=HERE, grade=new_grade, stage_is_over=over) is None


@pytest.mark.parametrize("status, grade, new_grade, over", [
    ("在籍", 6, 7, False),  # the stage is not over yet
    ("在籍", 5, 7, True),  # not the last grade of its stage
    ("在籍", 6, 8, True),  # not the next stage's first grade
    ("休学", 6, 7, True),  # suspended: still the other school's
    ("休学", 3, 4, False),
    ("待注册", 6, 7, True),
])
def test_a_student_studying_elsewhere_is_sent_to_a_transfer(status, grade, new_grade, over):
    found = refusal(record(status, grade), school=HERE, grade=new_grade, stage_is_over=over)
    assert (found.code, found.article, found.field) == ("registered_elsewhere", "第十四条", "id_number")
    assert "转学" in found.message and "第十七条" in found.message and "省内其他学校" in found.message


def test_other_refusals_name_their_article():
    assert refusal(record(school=HERE), school=HERE, grade=7, stage_is_over=True).code == "already_in_school"
    graduate = refusal(record("毕业", 9), school=HERE, grade=9, stage_is_over=True)
    assert (graduate.code, graduate.article, graduate.field) == ("continuation_grade", "第四条", "grade")
    dead = refusal(record("死亡"), school=HERE, grade=7, stage_is_over=True)
    assert (dead.code, dead.article) == ("duplicate_id", "第十四条")


def test_the_stage_is_over_from_the_spring_end_to_a_month_into_autumn():
    spring_end, autumn = date(2026, 7, 10), date(2026, 9, 1)
    assert not stage_over(date(2026, 7, 10), spring_end, autumn)
    assert stage_over(date(2026, 7, 11), spring_end, autumn)
    assert stage_over(date(2026, 10, 1), spring_end, autumn)
    assert not stage_over(date(2026, 10, 2), spring_end, autumn)
    assert not stage_over(date(2026, 12, 1), spring_end, autumn)


def test_the_default_calendar_when_no_term_is_set():
    assert default_spring_end(date(2026, 12, 1)) == date(2026, 7, 1)
    assert default_spring_end(date(2027, 3, 1)) == date(2026, 7, 1)
