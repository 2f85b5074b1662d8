"""The transition table refuses a status change it does not list, and the refusal names the change's article."""

import pytest

from xueji.applications import engine
from xueji.core.errors import RuleViolation


def test_a_listed_change_moves_the_record(make_student, world):
    student = make_student()
    engine.transition(student, "admission_cancel", actor=world.registrar_a)
    student.refresh_from_db()
    assert student.status == "注销"


def test_an_unlisted_change_is_refused_with_its_article(make_student, world):
    student = make_student()  # 待注册: not yet a pupil who could be suspended
    with pytest.raises(RuleViolation) as refused:
        engine.transition(student, "suspension", actor=world.registrar_a)
    assert refused.value.violations[0].article == "第二十四条"
    assert "第二十四条" in refused.value.violations[0].message


def test_a_set_refusal_names_the_article_and_moves_no_one(make_student, world):
    students = [make_student(), make_student()]
    rows = [(s.pk, s.school_id, "") for s in students]
    with pytest.raises(RuleViolation) as refused:
        engine.transition_many(rows, "withdrawal", actor=world.registrar_a)
    assert "第三十条" in refused.value.violations[0].message
    assert {s.status for s in type(students[0]).objects.filter(pk__in=[s.pk for s in students])} == {"待注册"}
