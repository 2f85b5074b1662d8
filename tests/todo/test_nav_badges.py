"""The navigation's counts are counted once per user and reused for XUEJI_BADGE_SECONDS, counted afresh at once
after the user's own change, and live on the home page (issue #15: the count ran on every page)."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

pytestmark = pytest.mark.django_db


def badge(response, label):
    return next(i["badge"] for i in response.context["nav_items"] if i["label"] == label)


def todo_counts(fn):
    """The response and how many times the to-do list's union was counted while it was made."""
    with CaptureQueriesContext(connection) as ctx:
        response = fn()
    return response, sum('"t_kind"' in q["sql"] and "COUNT(" in q["sql"] for q in ctx.captured_queries)


def test_a_second_page_reuses_the_counts_instead_of_counting_again(world, client_for, work):
    work.registration()
    client = client_for(world.leader_a)
    first, counted_first = todo_counts(lambda: client.get("/students/"))
    second, counted_second = todo_counts(lambda: client.get("/students/"))
    assert (counted_first, counted_second) == (1, 0)
    assert badge(first, "首页") == badge(second, "首页") == 1
    assert badge(second, "待办审批") == 1


def test_anothers_change_waits_for_the_reuse_time_but_the_home_page_is_live(world, client_for, work):
    client = client_for(world.leader_a)
    assert badge(client.get("/students/"), "首页") is None
    work.registration()  # the registrar's submission, in his own session
    assert badge(client.get("/students/"), "首页") is None  # the cached count, up to XUEJI_BADGE_SECONDS old
    assert badge(client.get("/"), "首页") == 1  # the home page counts its list and refreshes the badge
    assert badge(client.get("/students/"), "首页") == 1


def test_the_users_own_change_shows_on_his_next_page(world, client_for, work):
    apps = [work.registration(name=f"学生{n}") for n in range(2)]
    client = client_for(world.leader_a)
    assert badge(client.get("/students/"), "首页") == 2
    client.post("/todo/approve/", {"ids": [apps[0].pk]})
    assert badge(client.get("/students/"), "首页") == 1


def test_zero_seconds_counts_on_every_page(world, client_for, work, settings):
    settings.XUEJI_BADGE_SECONDS = 0
    client = client_for(world.leader_a)
    assert badge(client.get("/students/"), "首页") is None
    work.registration()
    response, counted = todo_counts(lambda: client.get("/students/"))
    assert badge(response, "首页") == 1 and counted == 1


def test_counts_are_per_user(world, client_for, work):
    work.registration()
    assert badge(client_for(world.leader_a).get("/students/"), "首页") == 1
    # Another school's registrar shares the process cache, never the leader's count.
    assert badge(client_for(world.registrar_b).get("/students/"), "首页") is None


def test_an_old_count_is_shown_while_another_request_counts_it_again(world, client_for, work, settings):
    import time

    from django.core.cache import cache

    settings.XUEJI_BADGE_SECONDS = 1
    client = client_for(world.leader_a)
    client.get("/students/")
    work.registration()
    key = f"xueji:badges:{world.leader_a.pk}"
    counted_at, counts = cache.get(key)
    cache.set(key, (counted_at - 5, counts), 60)  # grown old
    cache.add(f"{key}:counting", True, 10)  # and another request of this process is counting it
    response, counted = todo_counts(lambda: client.get("/students/"))
    assert badge(response, "首页") is None and counted == 0  # the last count, not a second count at once
    cache.delete(f"{key}:counting")
    response, counted = todo_counts(lambda: client.get("/students/"))
    assert badge(response, "首页") == 1 and counted == 1
    assert cache.get(key)[0] > time.time() - 5 and cache.get(f"{key}:counting") is None
