"""A name search served from the covering name indexes (students/name_search.py) finds the same students, in the
same order, with the same count, as the general query, for the province and for every narrower jurisdiction; and
those who see no school, a filtered search and a coded query do not take that path."""

import itertools

import pytest
from django.db import connection

from tests import factories as f
from xueji.students.name_search import indexed_page
from xueji.students.selectors import search_students

pytestmark = pytest.mark.skipif(connection.vendor != "postgresql", reason="the covering indexes are PostgreSQL's")

NAMES = ["王芳", "王芳芳", "李王芳", "王芳", "王小芳", "赵一", "王", "王芳", "周王芳芳", "王_x", "王%x", "王芳",
         "王王王", "王芳", "王"]
# Former names; the last two and 王王王 (name and given name both start with 王王) match more than one of the
# index path's branches, and must still be found once.
FORMER = {5: "王芳", 13: "王芳华", 14: "王"}


@pytest.fixture
def crowd(world, make_student):
    """Namesakes across schools, grades and classes (some unplaced), some with former names."""
    classes = {s.pk: [f.school_class(s, grade=g) for g in (1, 1, 2, 2)] for s in (world.school_a, world.school_b)}
    # `high` is city-run: in 小店区 but the city's, so the county must not find its namesakes (第三条).
    classes[world.high.pk] = [f.school_class(world.high, grade=g) for g in (10, 11)]
    places = itertools.cycle([(world.school_a, 1, 0), (world.school_b, 2, 1), (world.school_a, 2, None),
                              (world.school_b, 1, 0), (world.high, 10, 0), (world.school_a, 1, 1),
                              (world.high, 11, None)])
    for n, name in enumerate(NAMES):
        school, grade, class_index = next(places)
        extra = {"former_name": FORMER[n]} if n in FORMER else {}
        if school == world.high:
            extra["entry_mode"] = "21"  # a high school admits by examination, not by neighbourhood
        student = make_student(school=school, name=name, grade=grade,
                               id_number=f.make_id(seq=n + 1), **extra)
        if class_index is not None:
            student.school_class = [c for c in classes[school.pk] if c.grade == grade][class_index]
            student.save(update_fields=["school_class"])
    return world


ACCOUNTS = ["province_officer", "city_ty", "county_xd", "county_yz", "registrar_a", "leader_a", "registrar_high"]


@pytest.mark.parametrize("q", ["王芳", "王", "王小", "李王", "赵", "王_", "王%", "芳", "王王"])
@pytest.mark.parametrize("size", [1, 3, 30])
@pytest.mark.parametrize("account", ACCOUNTS)
def test_same_students_order_and_count_as_the_general_query(crowd, q, size, account):
    user = getattr(crowd, account)
    expected = [s.pk for s in search_students(user, q)]
    for offset in range(0, len(expected), size):
        found = indexed_page(user, q, offset, size)
        assert found is not None, (q, offset)
        rows, total = found
        assert [s.pk for s in rows] == expected[offset:offset + size] and total == len(expected), (q, offset)
    if not expected:
        assert indexed_page(user, q, 0, size) is None  # nothing found: the general path says so


def test_each_jurisdiction_finds_only_its_own_schools(crowd):
    """The school narrowing is what keeps a county out of another's records: checked here, not only through the
    agreement with the general query (which shares StudentPolicy's scope)."""
    def schools(user):
        rows, _ = indexed_page(user, "王芳", 0, 100)
        return {s.school_id for s in rows}

    assert schools(crowd.county_xd) == {crowd.school_a.pk}  # not the city-run school standing in 小店区
    assert schools(crowd.county_yz) == {crowd.school_b.pk}
    assert schools(crowd.registrar_high) == {crowd.high.pk}
    assert schools(crowd.city_ty) == {crowd.school_a.pk, crowd.school_b.pk, crowd.high.pk}
    assert indexed_page(crowd.city_dt, "王芳", 0, 30) is None  # 大同 has none of them


def test_who_sees_no_school_and_what_is_not_a_plain_name_do_not_take_the_path(crowd):
    assert indexed_page(crowd.auditor, "王芳", 0, 30) is None
    guardian = f.user("gd", "guardian")
    assert indexed_page(guardian, "王芳", 0, 30) is None
    assert indexed_page(crowd.province_officer, "王芳", 0, 30, filtered=True) is None
    for coded in ("wangfang", "阳娜娜", "140105201503020011", "G140105201503020011"):
        assert indexed_page(crowd.province_officer, coded, 0, 30) is None
        assert indexed_page(crowd.county_xd, coded, 0, 30) is None
    crowd.county_xd.is_active = False
    assert indexed_page(crowd.county_xd, "王芳", 0, 30) is None
    crowd.province_officer.is_active = False
    assert indexed_page(crowd.province_officer, "王芳", 0, 30) is None


@pytest.mark.parametrize("account", ["province_officer", "county_xd"])
def test_the_page_and_the_api_use_it_and_agree(crowd, client_for, api_for, monkeypatch, account):
    from xueji.students import name_search

    user, answered = getattr(crowd, account), []

    def spy(*args, **kwargs):
        answered.append(indexed_page(*args, **kwargs))
        return answered[-1]

    monkeypatch.setattr(name_search, "indexed_page", spy)
    expected = [s.name for s in search_students(user, "王芳")]
    page = client_for(user).get("/students/", {"q": "王芳"})
    assert page.status_code == 200 and f"共找到 {len(expected)} 名学生" in page.content.decode()
    assert [s.name for s in page.context["students"]] == expected
    body = api_for(user).get("/api/v1/students", {"q": "王芳", "page_size": 2, "page": 2}).json()
    assert body["count"] == len(expected) and [r["name"] for r in body["results"]] == expected[2:4]
    assert len(answered) == 2 and all(a is not None for a in answered)


def test_a_county_officer_still_sees_only_his_county(crowd, client_for):
    page = client_for(crowd.county_yz).get("/students/", {"q": "王芳"})
    assert {s.school_id for s in page.context["students"]} == {crowd.school_b.pk}
