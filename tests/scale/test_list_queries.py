"""A list of students reads the columns it shows, in a number of queries that does not grow with its rows."""

from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests import factories as f


def _queries(client, path, params) -> tuple[int, object]:
    client.get(path, params)  # warm the session and the caches
    with CaptureQueriesContext(connection) as captured:
        response = client.get(path, params)
    assert response.status_code == 200
    return len(captured.captured_queries), response


def test_the_search_page_and_api_cost_the_same_for_three_rows_or_twelve(world, client_for, api_for, make_student):
    klass = f.school_class(world.school_a)
    for n in range(3):
        make_student(name=f"李{'一二三'[n]}", id_number=f.make_id(seq=n + 1), school_class=klass.pk)
    web, api = client_for(world.county_xd), api_for(world.county_xd)
    few_web, page = _queries(web, "/students/", {"q": "李"})
    few_api, _ = _queries(api, "/api/v1/students", {"q": "李"})
    assert len(page.context["students"]) == 3
    for n in range(3, 12):
        make_student(name=f"李{n}号", id_number=f.make_id(seq=n + 1), school_class=klass.pk)
    many_web, page = _queries(web, "/students/", {"q": "李"})
    many_api, response = _queries(api, "/api/v1/students", {"q": "李"})
    assert len(page.context["students"]) == 12 and len(response.json()["results"]) == 12
    assert (many_web, many_api) == (few_web, few_api)
    assert all(s.school_class.name == klass.name for s in page.context["students"])


def test_a_hostile_page_number_on_a_name_search_gets_a_page_not_an_error(world, client_for, make_student):
    make_student(name="李一")
    for officer in (world.county_xd, world.province_officer):  # the province's name page has its own path
        client = client_for(officer)
        for page in ("9" * 40, "9" * 5000, "-3", "0", "abc", "1e9", ""):
            response = client.get("/students/", {"q": "李一", "page": page})
            assert response.status_code == 200 and [s.name for s in response.context["students"]] == ["李一"], page


def test_a_name_search_reads_its_matches_unjoined_for_every_officer(world):
    # Joined to the schools, PostgreSQL walked every school of the province for a county's 95 matches (55 ms at
    # 5 M); the page's schools and classes are read afterwards, for its rows only.
    from xueji.students.selectors import search_students

    for officer in (world.registrar_a, world.county_xd, world.province_officer):
        sql = str(search_students(officer, "李").query)
        assert 'JOIN "orgs_school"' not in sql and 'JOIN "orgs_schoolclass"' not in sql, officer.role
