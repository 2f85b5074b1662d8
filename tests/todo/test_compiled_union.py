"""The to-do list's query is built and compiled once per user, filters and day, then reused for
XUEJI_TODO_SQL_SECONDS (#15: building it was 6–7 ms of a county's home page); it still runs on every request, so
what the list shows is always live."""

import pytest

from xueji.todo import selectors
from xueji.todo.registry import Filters

pytestmark = pytest.mark.django_db


@pytest.fixture
def builds(monkeypatch):
    """How many times the union's querysets were built."""
    made = []
    real = selectors._queryset

    def counting(user, filters):
        made.append((user.pk, filters))
        return real(user, filters)

    monkeypatch.setattr(selectors, "_queryset", counting)
    return made


def test_a_second_request_reuses_the_query_and_still_sees_new_work(world, client_for, work, builds):
    work.late_student(name="甲")
    client = client_for(world.county_xd)
    assert client.get("/").context["todo_count"] == 1
    work.late_student(name="乙")  # work that arrived since: the reused query finds it
    second = client.get("/")
    assert second.context["todo_count"] == 2 and {i.title.split("·")[0] for i in second.context["todo_items"]} \
        == {"甲", "乙"}
    assert len(builds) == 1


def test_other_filters_and_other_users_get_their_own_query(world, client_for, work, builds):
    work.late_student(name="甲")
    work.late_student(name="丙", school=world.school_b)
    assert selectors.todo_count(world.county_xd) == 1
    assert selectors.todo_count(world.county_yz) == 1  # 迎泽区's own record, not 小店区's query
    assert selectors.todo_count(world.county_xd, Filters(grade=2)) == 0
    assert len(builds) == 3


def test_a_changed_jurisdiction_is_queried_afresh(world, work):
    work.late_student(name="丙", school=world.school_b)
    officer = world.county_xd
    assert selectors.todo_count(officer) == 0
    officer.division = world.yingze  # moved to 迎泽区: its list, not the reused one of 小店区
    assert selectors.todo_count(officer) == 1


def test_zero_seconds_builds_it_every_time(world, work, builds, settings):
    settings.XUEJI_TODO_SQL_SECONDS = 0
    work.late_student(name="甲")
    assert selectors.todo_count(world.county_xd) == selectors.todo_count(world.county_xd) == 1
    assert len(builds) == 2


def test_a_typed_filter_makes_a_key_any_cache_accepts(world, work, builds):
    """The school filter is typed text: a space or a control character in it must not reach the cache key
    (memcached refuses such keys; Django warns of them), and two filters must not share a query."""
    import warnings

    work.late_student(name="甲")
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert selectors.todo_count(world.county_xd, Filters(school="1114 010501\x01")) == 0
        assert selectors.todo_count(world.county_xd, Filters(school=world.school_a.pk)) == 1
    assert len(builds) == 2
