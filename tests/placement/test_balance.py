"""The balanced placement algorithm on its own (no database): even sizes, gender and traits spread, and the
same answer every time."""

import random
from collections import Counter
from datetime import date

import pytest

from xueji.placement.balance import Pupil, Room, deal


def cohort(n: int, seed: int = 7, trait_rate: float = 0.1) -> list[Pupil]:
    rng = random.Random(seed)
    traits = ("migrant", "left_behind", "inclusive", "minority")
    return [Pupil(i, rng.choice("12"), frozenset(t for t in traits if rng.random() < trait_rate),
                  date(2019, rng.randint(1, 12), rng.randint(1, 28)), f"P{i:04d}") for i in range(n)]


def spread(pupils, placement, rooms, key) -> int:
    counts = Counter(placement[p.id] for p in pupils if key(p))
    values = [counts[r.id] for r in rooms]
    return max(values) - min(values)


@pytest.mark.parametrize("n,k", [(7, 3), (90, 2), (181, 4), (233, 5), (311, 7), (45, 1), (0, 3)])
def test_sizes_and_genders_differ_by_at_most_one(n, k):
    people = cohort(n, seed=n)
    rooms = [Room(100 + j, capacity=50) for j in range(k)]
    placement = deal(people, rooms)
    assert sorted(placement) == sorted(p.id for p in people)
    assert spread(people, placement, rooms, lambda p: True) <= 1
    assert spread(people, placement, rooms, lambda p: p.gender == "1") <= 1
    assert spread(people, placement, rooms, lambda p: p.gender == "2") <= 1


def test_traits_and_ages_are_spread():
    people = cohort(240, seed=3, trait_rate=0.05)
    rooms = [Room(j, capacity=50) for j in range(6)]
    placement = deal(people, rooms)
    for trait in ("migrant", "left_behind", "inclusive", "minority"):
        assert spread(people, placement, rooms, lambda p, t=trait: t in p.traits) <= 1, trait
    mean_month = []
    for r in rooms:
        months = [p.birth_date.month for p in people if placement[p.id] == r.id]
        mean_month.append(sum(months) / len(months))
    assert max(mean_month) - min(mean_month) < 1.0


def test_the_same_input_gives_the_same_placement():
    people = cohort(120)
    first = deal(people, [Room(j, capacity=50) for j in range(4)])
    again = deal(list(reversed(people)), [Room(j, capacity=50) for j in range(4)])
    assert first == again


def test_students_already_seated_are_taken_into_account():
    # Class 1 already holds 10 boys: the newcomers fill class 2 first and the girls lean to class 1.
    rooms = [Room(1, capacity=40, size=10, counts=Counter({"gender:1": 10})), Room(2, capacity=50)]
    people = [Pupil(i, "1" if i < 10 else "2") for i in range(30)]
    placement = deal(people, rooms)
    after = Counter(placement.values())
    assert after[1] + 10 == after[2] == 20
    girls_in_1 = sum(1 for p in people if p.gender == "2" and placement[p.id] == 1)
    assert girls_in_1 == 10


def test_a_full_class_takes_nobody_and_too_few_seats_is_an_error():
    rooms = [Room(1, capacity=0, size=50), Room(2, capacity=5)]
    assert set(deal([Pupil(i, "1") for i in range(5)], rooms).values()) == {2}
    with pytest.raises(ValueError):
        deal([Pupil(i, "1") for i in range(6)], [Room(1, capacity=0), Room(2, capacity=5)])
