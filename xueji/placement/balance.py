"""Balanced class placement (均衡编班, 第十三条) as a pure function: who goes into which class.

Deterministic, so the same students and classes always give the same placement and a registrar can explain
it. Students are dealt in rounds: each round gives every class one student (smallest class first), and
within a round a student goes to the class holding the fewest of his gender, then the fewest sharing his
traits (随迁子女, 留守儿童, 随班就读, 少数民族). Students are taken by gender, rarest traits first, then by
birth date, so each group is spread one per class and every class gets the same mix of ages.
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
    size: int = 0
    counts: Counter = field(default_factory=Counter)  # "gender:1", trait names

    def take(self, pupil: Pupil) -> None:
        self.size += 1
        self.capacity -= 1
        self.counts[f"gender:{pupil.gender}"] += 1
        self.counts.update(pupil.traits)


def dealing_order(pupils: list[Pupil]) -> list[Pupil]:
    def key(p: Pupil):
        return (p.gender, -len(p.traits), sorted(p.traits), p.birth_date or date.max, p.sort_name, p.id)

    return sorted(pupils, key=key)


def _choose(pupil: Pupil, rooms: list[Room]) -> Room:
    open_rooms = [r for r in rooms if r.capacity > 0]
    smallest = min(r.size for r in open_rooms)
    candidates = [r for r in open_rooms if r.size == smallest]

    def key(item):
        index, room = item
        shared = sum(room.counts[t] for t in pupil.traits)
        return (room.counts[f"gender:{pupil.gender}"], shared, index)

    return min(enumerate(candidates), key=key)[1]


def deal(pupils: list[Pupil], rooms: list[Room]) -> dict[int, int]:
    """{pupil id: room id}. The caller checks beforehand that the rooms have seats for everyone."""
    if sum(max(r.capacity, 0) for r in rooms) < len(pupils):
        raise ValueError("not enough seats")
    placement = {}
    for pupil in dealing_order(pupils):
        room = _choose(pupil, rooms)
        room.take(pupil)
        placement[pupil.id] = room.id
    return placement
