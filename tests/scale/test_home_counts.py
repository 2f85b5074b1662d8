"""Home pages count from the tally, never the records (issue #15 item 1)."""

from django.db import connection
from django.test.utils import CaptureQueriesContext

from xueji.web import summaries


def _sql(fn) -> str:
    with CaptureQueriesContext(connection) as ctx:
        result = fn()
    return result, " ".join(q["sql"] for q in ctx.captured_queries)


def test_division_counts_come_from_the_tally_and_a_large_one_is_reused(world, make_student, monkeypatch):
    make_student(), make_student(school=world.school_b)
    rows, sql = _sql(lambda: summaries.child_divisions(world.city_ty, world.taiyuan))
    assert {r["division"].code: r["total"] for r in rows} == {"140105": 1, "140106": 1}
    assert "students_studenttally" in sql and "students_student\"" not in sql.replace("studenttally\"", "")
    schools, sql = _sql(lambda: summaries.schools_under(world.county_xd, world.xiaodian))
    assert [(s.code, s.pending, s.total) for s in schools] == [(world.school_a.pk, 1, 1), (world.school_a2.pk, 0, 0)]
    assert "FROM \"students_student\"" not in sql
    monkeypatch.setattr(summaries, "CACHE_FROM_STUDENTS", 2)
    monkeypatch.setattr(summaries, "_cached", {})
    summaries.child_divisions(world.city_ty, world.taiyuan)
    make_student()
    again, sql = _sql(lambda: summaries.child_divisions(world.city_ty, world.taiyuan))
    assert again[0]["total"] == 1 and "studenttally" not in sql  # reused for XUEJI_SUMMARY_SECONDS
