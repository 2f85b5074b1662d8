"""Two registrars placing students into the same class at the same moment (第十三条): the class row lock makes
them take turns, so exactly one takes the last seat and the other is refused with the article.

Real concurrency needs real connections: on PostgreSQL two threads meet at a barrier and commit for real.
SQLite serialises writers by its IMMEDIATE transactions; there the same race is run one after the other."""

import threading
import time

import pytest
from django.db import connection, connections

from tests.placement.conftest import pupils
from xueji.core.errors import Conflict, RuleViolation
from xueji.placement import selectors, services
from xueji.placement.models import PlacementItem, PlacementPlan

postgres_only = pytest.mark.skipif(connection.vendor != "postgresql", reason="needs row locks between connections")


@pytest.fixture
def slow_count(monkeypatch):
    """Widen the race: hold each transaction a moment between counting the class and committing, so without
    the row lock both registrars would count the same seats."""
    count = selectors.class_loads

    def slow(*args, **kwargs):
        loads = count(*args, **kwargs)
        time.sleep(0.3)
        return loads

    monkeypatch.setattr(selectors, "class_loads", slow)


def race(calls):
    """Run each call in its own thread, released together; return what each returned or raised."""
    barrier = threading.Barrier(len(calls))
    results = [None] * len(calls)

    def run(i, call):
        try:
            barrier.wait(timeout=10)
            results[i] = call()
        except Exception as exc:  # noqa: BLE001 - the test inspects whatever came out
            results[i] = exc
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i, c)) for i, c in enumerate(calls)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)
    return results


@postgres_only
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("attempt", range(3))
def test_two_registrars_cannot_both_take_the_last_seat(world, registrar_a_bis, slow_count, attempt):
    pupils(world.school_a, 1, 49, school_class=world.class_a1)
    first, second = pupils(world.school_a, 1, 2)
    results = race([
        lambda: services.place_student(world.registrar_a, first, world.class_a1, reason="生源集中"),
        lambda: services.place_student(registrar_a_bis, second, world.class_a1, reason="生源集中"),
    ])
    plans = [r for r in results if isinstance(r, PlacementPlan)]
    refused = [r for r in results if isinstance(r, RuleViolation)]
    assert len(plans) == 1 and len(refused) == 1, results
    [v] = refused[0].violations
    assert (v.code, v.article) == ("class_over_hard_cap", "第十三条")
    assert PlacementItem.objects.filter(open=True, school_class=world.class_a1).count() == 1
    assert PlacementPlan.objects.count() == 1


@postgres_only
@pytest.mark.django_db(transaction=True)
def test_two_registrars_placing_into_drafts_at_once_respect_the_hard_cap(world, registrar_a_bis, slow_count):
    pupils(world.school_a, 1, 47, school_class=world.class_a1)
    mine, theirs = pupils(world.school_a, 1, 2), pupils(world.school_a, 1, 2)
    plan_a = services.create_plan(world.registrar_a, world.school_a, grade=1, entry_year=2026)
    plan_b = services.create_plan(registrar_a_bis, world.school_a, grade=1, entry_year=2026)
    results = race([
        lambda: services.place(world.registrar_a, plan_a, mine, world.class_a1),
        lambda: services.place(registrar_a_bis, plan_b, theirs, world.class_a1),
    ])
    assert sum(isinstance(r, PlacementPlan) for r in results) == 1, results
    assert sum(isinstance(r, RuleViolation) for r in results) == 1, results
    assert PlacementItem.objects.filter(open=True).count() == 2


@postgres_only
@pytest.mark.django_db(transaction=True)
def test_the_same_student_placed_by_two_registrars_at_once_lands_in_one_plan(world, registrar_a_bis):
    from tests import factories as f

    other = f.school_class(world.school_a, grade=1, name="2班")
    [student] = pupils(world.school_a, 1, 1)
    results = race([
        lambda: services.place_student(world.registrar_a, student, world.class_a1),
        lambda: services.place_student(registrar_a_bis, student, other),
    ])
    assert sum(isinstance(r, PlacementPlan) for r in results) == 1, results
    assert sum(isinstance(r, Conflict) for r in results) == 1, results
    assert PlacementItem.objects.filter(open=True, student=student).count() == 1


@pytest.mark.django_db
def test_one_after_the_other_the_second_is_refused(world, registrar_a_bis):
    # The sequential form of the race, on any database.
    pupils(world.school_a, 1, 49, school_class=world.class_a1)
    first, second = pupils(world.school_a, 1, 2)
    services.place_student(world.registrar_a, first, world.class_a1, reason="生源集中")
    with pytest.raises(RuleViolation) as exc:
        services.place_student(registrar_a_bis, second, world.class_a1, reason="生源集中")
    assert exc.value.violations[0].article == "第十三条"
