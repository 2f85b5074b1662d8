"""Balanced class placement (均衡编班, 第十三条) as a pure function: who goes into which class.

Deterministic, so the same students and classes always give the same placement and a registrar can explain
it. Two passes:
1. Quotas. Seats are dealt in rounds, smallest class first, boys then girls, each seat to the class holding
   the fewest of that gender: class sizes then differ by at most one, and so do the boys and the girls.
2. Students fill the quotas, rarest traits first (随迁子女, 留守儿童, 随班就读, 少数民族), then by birth date:
   each goes to the class with the fewest students sharing his traits, then the most seats left for his
   gender, so every group is spread one per class and every class gets the same mix of ages.
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
    size = {r.id: r.size for r in rooms}
    left = {r.id: r.capacity for r in rooms}
    held = {r.id: Counter(r.counts) for r in rooms}
    quota = {r.id: Counter() for r in rooms}
    for gender in sorted(genders):
        for _ in range(genders[gender]):
            open_ids = [r.id for r in rooms if left[r.id] > 0]
            smallest = min(size[i] for i in open_ids)
            # Among the smallest classes, the one with the fewest of this gender; ties by class order.
            best = min((i for i in open_ids if size[i] == smallest),
                       key=lambda i: (held[i][_gender_key(gender)], [r.id for r in rooms].index(i)))
            size[best] += 1
            left[best] -= 1
            held[best][_gender_key(gender)] += 1
            quota[best][gender] += 1
    return quota


def dealing_order(pupils: list[Pupil]) -> list[Pupil]:
    def key(p: Pupil):
        return (-len(p.traits), sorted(p.traits), p.gender, p.birth_date or date.max, p.sort_name, p.id)

    return sorted(pupils, key=key)


def deal(pupils: list[Pupil], rooms: list[Room]) -> dict[int, int]:
    """{pupil id: room id}. Raises ValueError when the rooms lack seats; callers check first."""
    if sum(max(r.capacity, 0) for r in rooms) < len(pupils):
        raise ValueError("not enough seats")
    if not pupils:
        return {}
    quota = quotas(Counter(p.gender for p in pupils), rooms)
    counts = {r.id: Counter(r.counts) for r in rooms}
    order = {r.id: n for n, r in enumerate(rooms)}
    placement = {}
    for pupil in dealing_order(pupils):
        candidates = [i for i in quota if quota[i][pupil.gender] > 0]
        best = min(candidates, key=lambda i: (sum(counts[i][t] for t in pupil.traits),
                                              -quota[i][pupil.gender], order[i]))
        quota[best][pupil.gender] -= 1
        counts[best].update(pupil.traits)
        placement[pupil.id] = best
    return placement
