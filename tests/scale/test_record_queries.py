"""A student's record page and API read in a fixed handful of queries, however long his history (issue #15 item 4)."""

from django.db import connection
from django.test.utils import CaptureQueriesContext

from xueji.students.services import update_student

# Counted on 2026-12-02. PostgreSQL, the page 10: the session, the user with his node, the student with the
# jurisdiction folded in, the audit row (one INSERT; the sealer chains it later), family, history, breadcrumbs, the
# applications, numbers, enrolments. SQLite 16: it seals the audit row inline (6 more). The navigation's counts
# are reused (xueji/web/badges.py) and the archive's sections have their own page (/students/<key>/archive/).
# The API read: 6 and 12. Before issue #15 they were 33 and 12, then 28 and 13.
RECORD_PAGE_MAX = {"postgresql": 10, "sqlite": 16}
RECORD_API_MAX = {"postgresql": 6, "sqlite": 12}


def _queries(fn) -> list[str]:
    with CaptureQueriesContext(connection) as ctx:
        response = fn()
    assert response.status_code == 200
    return [q["sql"] for q in ctx.captured_queries]


def test_record_page_and_api_cost_the_same_few_queries_with_a_long_history(world, client_for, api_for,
                                                                            make_student):
    from xueji.applications import services as engine

    student = make_student(name="王小明")
    engine.submit(world.registrar_a, "registration", student)  # an application in his record's section
    client, api = client_for(world.county_xd), api_for(world.county_xd)
    client.get("/")  # the sliding session's first refresh (at most one save per five minutes) is not the page's
    page = _queries(lambda: client.get(f"/students/{student.key}/"))
    read = _queries(lambda: api.get(f"/api/v1/students/{student.key}"))
    for n in range(5):  # a longer history: more events, same number of queries
        update_student(world.registrar_a, student, {"phone": f"1390000000{n}"})
    vendor = connection.vendor
    assert len(_queries(lambda: client.get(f"/students/{student.key}/"))) == len(page) <= RECORD_PAGE_MAX[vendor], page
    assert len(_queries(lambda: api.get(f"/api/v1/students/{student.key}"))) == len(read) <= RECORD_API_MAX[vendor], read
