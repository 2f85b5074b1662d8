"""A 毕业 record takes no transfer, suspension, visiting or withdrawal; the refusal names 第三十四条 (the table of
transitions decides). A graduate continues into the next stage (接续) with the same number."""


import pytest

from tests.intake.conftest import _inline_imports, pupil, upload_file, xlsx_bytes  # noqa: F401
from xueji.applications import services as applications
from xueji.core.errors import RuleViolation
from xueji.graduation import services
from xueji.policy.changes.transitions import check_transition
from xueji.students.models import Student
from xueji.transfers.services import start_transfer
from xueji.visiting.services import start_stay


@pytest.fixture
def graduate(people, enrolled, clock):
    w = people
    pupil_ = enrolled(school=w.school_b, grade=6)
    batch = services.propose(w.registrar_b, w.school_b.pk, [pupil_.student_number])
    services.decide(w.leader_b, batch, approve=True)
    services.decide(w.county_yz, batch, approve=True)
    pupil_.refresh_from_db()
    assert pupil_.status == "毕业"
    return pupil_


def _assert_finished(exc):
    v = exc.value.violations[0]
    assert (v.code, v.article) == ("record_finished", "第三十四条")


@pytest.mark.parametrize("change", ["suspension", "withdrawal"])
def test_school_started_changes_refused(people, graduate, change):
    with pytest.raises(RuleViolation) as exc:
        applications.submit(people.registrar_b, change, graduate, {})
    _assert_finished(exc)


@pytest.mark.parametrize("start", [start_transfer, start_stay])
def test_receiving_school_changes_refused(people, graduate, start):
    with pytest.raises(RuleViolation) as exc:
        start(people.registrar_a, student_number=graduate.student_number, name=graduate.name,
              id_number=graduate.id_number, payload={})
    _assert_finished(exc)


def test_policy_table_names_the_finishing_article():
    assert check_transition("transfer", "结业")[0].article == "第三十七条"
    assert check_transition("suspension", "毕业")[0].article == "第三十四条"
    assert check_transition("suspension", "在籍") == []


def test_graduate_continues_into_junior_with_his_number(people, graduate):
    from xueji.intake import services as intake

    w = people
    row = pupil(1, name=graduate.name, id_number=graduate.id_number, birth=graduate.birth_date,
                gender=graduate.gender, grade="初一", entry_month="202609")
    batch = intake.import_file(w.registrar_a2, w.school_a2, upload_file(xlsx_bytes([row])))
    intake.request_commit(w.registrar_a2, batch, mode="valid_only")
    committed = intake.run_commit(batch.pk)
    assert committed.rows_continued == 1, committed.errors
    after = Student.objects.get(pk=graduate.pk)
    assert (after.school_id, after.grade, after.status) == (w.school_a2.pk, 7, "在籍")
    assert after.student_number == graduate.student_number
