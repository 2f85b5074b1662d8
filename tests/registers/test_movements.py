"""附件4 学生增减情况登记表: every change on or off the roll of 在籍 students is counted under its heading, and
期初 + 增加 − 减少 = 期末 agrees with a direct count of the records at both ends."""

import datetime

from django.utils import timezone

from xueji.applications.engine import transition
from xueji.registers import movements
from xueji.students.models import StatusEvent, Student

from .conftest import API, backdate, sheet_rows, transfer

SUMMER = datetime.date(2026, 7, 1)


def on_roll(school) -> int:
    return Student.objects.filter(school=school, status="在籍").count()


def test_the_terms_counts_add_up_against_direct_counts(world, registered, make_student):
    a, b = world.school_a, world.school_b
    pupils = [registered(on=SUMMER) for _ in range(5)]
    arriving = registered(school=b, on=SUMMER)
    before = on_roll(a)
    # The term's changes: a suspension, a withdrawal, a transfer out and one in, a newcomer registered.
    transition(pupils[0], "suspension", actor=world.county_xd)
    transition(pupils[1], "withdrawal", actor=world.county_xd)
    transfer(pupils[2], b, world.county_yz)
    transfer(arriving, a, world.county_xd)
    newcomer = make_student()
    transition(newcomer, "registration", actor=world.county_xd)
    today = timezone.localdate()

    book = movements.ledger(a, datetime.date(2026, 8, 1), today)
    assert (book.start_count, book.end_count) == (before, on_roll(a)) == (5, 4)
    assert book.start_count + book.increase - book.decrease == book.end_count
    assert {k: v for k, v in book.counts.items() if v} == {"休学": 1, "退学": 1, "转出": 1, "转入": 1, "新生入学": 1}
    # The receiving school sees the same transfers the other way round.
    other = movements.ledger(b, datetime.date(2026, 8, 1), today)
    assert (other.start_count, other.end_count, other.counts["转入"], other.counts["转出"]) == (1, 1, 1, 1)
    # A range that ended before the term: its end is anchored on today less what happened since.
    summer = movements.ledger(a, SUMMER, datetime.date(2026, 7, 31))
    assert (summer.start_count, summer.counts["新生入学"], summer.end_count) == (0, 5, 5)


def test_the_api_gives_the_summary_and_the_detail_in_the_forms_order(world, registered, api_for):
    pupil = registered()
    transition(pupil, "suspension", actor=world.county_xd)
    response = api_for(world.county_xd).get(f"{API}/schools/{world.school_a.pk}/registers/movements")
    assert response.status_code == 200, response.content.decode()
    summary, grades, detail = response.json()["tables"]
    assert list(summary["headers"]) == list(movements.SUMMARY_HEADERS)
    row = summary["rows"][0]
    assert row["期初人数"] + row["增加合计"] - row["减少合计"] == row["期末人数"] == on_roll(world.school_a)
    assert [(d["增减"], d["变动类别"]) for d in detail["rows"]] == [("增加", "新生入学"), ("减少", "休学")]
    assert grades["rows"][-1]["期末人数"] == row["期末人数"]
    # The spreadsheet has the same columns in the same order, and the G number is masked.
    client = api_for(world.county_xd)
    rows = sheet_rows(client.get(f"{API}/schools/{world.school_a.pk}/registers/movements?format=xlsx"))
    assert rows[1] == list(movements.DETAIL_HEADERS) and "期末人数" in rows[0][0]
    assert pupil.student_number not in str(rows) and pupil.id_number not in str(rows)
    summary_rows = sheet_rows(client.get(f"{API}/schools/{world.school_a.pk}/registers/movements?format=xlsx"
                                         "&table=summary"))
    assert summary_rows[1] == list(movements.SUMMARY_HEADERS) and summary_rows[2] == list(row.values())


def test_a_malformed_period_is_refused_with_the_field_and_the_fix(world, api_for):
    client = api_for(world.registrar_a)
    url = f"{API}/schools/{world.school_a.pk}/registers/movements"
    bad_term = client.get(f"{url}?term=2026-3")
    assert bad_term.status_code == 422 and bad_term.json()["errors"][0]["field"] == "term"
    assert "2026-1" in bad_term.json()["errors"][0]["message"]
    reversed_range = client.get(f"{url}?start=2026-09-01&end=2026-08-01")
    assert reversed_range.status_code == 422 and reversed_range.json()["errors"][0]["field"] == "end"
    assert client.get(f"{url}?start=2026-02-30&end=2026-09-01").json()["errors"][0]["field"] == "start"


def test_an_old_record_without_history_still_counts_at_both_ends(world, registered):
    """A registry whose records predate their events: the counts rest on today's direct count."""
    pupil = registered()
    backdate(pupil, datetime.date(2020, 9, 1))
    book = movements.ledger(world.school_a, datetime.date(2026, 8, 1), timezone.localdate())
    assert (book.start_count, book.end_count, book.increase, book.decrease) == (1, 1, 0, 0)


def test_a_promotion_moves_a_student_between_grades_not_off_the_roll(world, registered):
    """By grade: 期初 + 增加 + 升入 − 减少 − 升出 = 期末 for each, and today's end equals a count per grade."""
    pupil = registered(on=SUMMER)
    # What the rollover writes (schoolyear/sql.py): the grade moves, one 升级 event names both grades.
    Student.objects.filter(pk=pupil.pk).update(grade=2)
    StatusEvent.objects.create(student=pupil, kind="升级", from_status="在籍", to_status="在籍",
                               school=world.school_a, changes={"grade": [1, 2]})
    registered()  # a newcomer of 一年级 this term
    book = movements.ledger(world.school_a, datetime.date(2026, 8, 1), timezone.localdate())
    rows = {r[0]: dict(zip(movements.GRADE_HEADERS, r, strict=True)) for r in book.grade_rows()}
    assert (rows["一年级"]["期初人数"], rows["一年级"]["增加"], rows["一年级"]["升出本年级"], rows["一年级"]["期末人数"]) == (
        1, 1, 1, 1)
    assert (rows["二年级"]["期初人数"], rows["二年级"]["升入本年级"], rows["二年级"]["期末人数"]) == (0, 1, 1)
    assert rows["合计"]["期初人数"] == book.start_count == 1 and rows["合计"]["期末人数"] == book.end_count == 2
    for grade in (1, 2):
        assert Student.objects.filter(school=world.school_a, status="在籍", grade=grade).count() == 1
    assert book.counts["新生入学"] == 1 and book.decrease == 0
