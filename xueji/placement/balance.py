"""Balanced class placement (均衡编班, 第十三条) as a pure function: who goes into which class.

Deterministic, so the same students and classes always give the same placement and a registrar can explain
it. Three passes:
1. Quotas. Seats are dealt in rounds, smallest class first, boys then girls, each seat to the class holding
   the fewest of that gender: class sizes then differ by at most one, and so do the boys and the girls.
2. Students with traits (随迁子女, 留守儿童, 随班就读, 少数民族), rarest combination first, each to the class
   with the fewest students sharing them: every such group is spread one per class.
3. The others, youngest last, each to the class furthest behind its share of the age order: every class
   ends with the same mix of birth months, counting the students of pass 2.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import date


@dataclass(frozen=True)
class Pupil:
    id: int
    gender: str
    traits: frozenset[str] = frozenset()
    birth_date: date | None = None
    sort_name: str = ""


@dataclass
class Room:
    id: int
    capacity: int  # seats left under the hard cap
    size: int = 0  # students already seated
    counts: Counter = field(default_factory=Counter)  # of those: "gender:1", "gender:2" and trait names


def _gender_key(gender: str) -> str:
    return f"gender:{gender}"


def quotas(genders: Counter, rooms: list[Room]) -> dict[int, Counter]:
    """{room id: Counter(gender -> seats)} for the new students."""
    order = {r.id: n for n, r in enumerate(rooms)}
    size = {r.id: r.size for r in rooms}
    left = {r.id: r.capacity for r in rooms}
    held = {r.id: Counter(r.counts) for r in rooms}
    quota = {r.id: Counter() for r in rooms}
    for gender in sorted(genders):
        for _ in range(genders[gender]):
            open_ids = [i for i in order if left[i] > 0]
            smallest = min(size[i] for i in open_ids)
            # Among the smallest classes, the one with the fewest of this gender; ties by class order.
            best = min((i for i in open_ids if size[i] == smallest),
                       key=lambda i: (held[i][_gender_key(gender)], order[i]))
            size[best] += 1
            left[best] -= 1
            held[best][_gender_key(gender)] += 1
            quota[best][gender] += 1
    return quota


def _age_key(p: Pupil):
    return (p.birth_date or date.max, p.sort_name, p.id)


def deal(pupils: list[Pupil], rooms: list[Room]) -> dict[int, int]:
    """{pupil id: room id}. Raises ValueError when the rooms lack seats; callers check first."""
    if sum(max(r.capacity, 0) for r in rooms) < len(pupils):
        raise ValueError("not enough seats")
    quota = quotas(Counter(p.gender for p in pupils), rooms)
    placement: dict[int, int] = {}
    _place_traits([p for p in pupils if p.traits], rooms, quota, placement)
    for gender in sorted({p.gender for p in pupils}):
        ranked = sorted((p for p in pupils if p.gender == gender), key=_age_key)
        _place_by_age(ranked, [r.id for r in rooms], quota, placement)
    return placement


def _place_traits(pupils: list[Pupil], rooms: list[Room], quota: dict[int, Counter], placement: dict) -> None:
    order = {r.id: n for n, r in enumerate(rooms)}
    counts = {r.id: Counter(r.counts) for r in rooms}
    used = {i: Counter() for i in quota}
    for p in sorted(pupils, key=lambda p: (-len(p.traits), sorted(p.traits), p.gender, *_age_key(p))):
        open_ids = [i for i in order if used[i][p.gender] < quota[i][p.gender]]
        best = min(open_ids, key=lambda i: (sum(counts[i][t] for t in p.traits),
                                            used[i][p.gender] / quota[i][p.gender], order[i]))
        used[best][p.gender] += 1
        counts[best].update(p.traits)
        placement[p.id] = best


def _place_by_age(ranked: list[Pupil], room_ids: list[int], quota: dict[int, Counter], placement: dict) -> None:
    """Fill the rest of one gender's quotas, walking the age order of all its pupils (pass 2's included)."""
    if not ranked:
        return
    gender = ranked[0].gender
    total = {i: quota[i][gender] for i in room_ids}
    taken = Counter(placement[p.id] for p in ranked if p.id in placement)
    left = {i: total[i] - taken[i] for i in room_ids}
    seen = Counter()  # pupils of this gender so far in age order, per class
    n = len(ranked)
    for t, p in enumerate(ranked, start=1):
        if p.id not in placement:
            # The class most behind its share of the first t pupils takes this one.
            open_ids = [i for i in room_ids if left[i] > 0]
            best = min(open_ids, key=lambda i: (seen[i] - t * total[i] / n, room_ids.index(i)))
            placement[p.id] = best
            left[best] -= 1
        seen[placement[p.id]] += 1
