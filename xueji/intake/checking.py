"""The row checks of a large import in helper processes.

Checking a row (policy.fast.RowReader) is pure Python and the slowest per-row step; Python runs one thread at a
time, so on a machine with two cores the checks of the next chunks run in helper processes while the importing
thread matches and writes the current one. The helpers run the very same RowReader on the very same cells, so
the data and the violations are those of the in-process path (tests/intake/test_parallel_checks.py compares).
Small files stay in-process: starting the helpers costs more than it saves.
"""

from __future__ import annotations

import datetime
import multiprocessing
import os
from collections import deque
from collections.abc import Iterator
from concurrent.futures import ProcessPoolExecutor

from django.conf import settings

from xueji.policy.areas import is_known_area
from xueji.policy.fast import RowReader
from xueji.policy.idcard import WEIGHTS, birth_date_of_digits

# Rows from which a file is checked in helper processes, and how many helpers (0 turns them off).
PARALLEL_ROWS = getattr(settings, "XUEJI_IMPORT_PARALLEL_ROWS", 10_000)
PROCESSES = getattr(settings, "XUEJI_IMPORT_PROCESSES", 0)
# Chunks handed out ahead of the one being matched: enough to keep the helpers busy, few enough to bound memory.
AHEAD = 2

Chunk = list[tuple[int, list]]  # (row number, cells)
Checked = list[tuple[dict, list, tuple | None]]  # (data, error violations, swapped_ids or None) per row

_reader: RowReader | None = None


def _start(header: list[str], school_type: str | None, today: datetime.date) -> None:
    global _reader
    _reader = RowReader(header, school_type=school_type, today=today)


def _check(rows: list[list]) -> Checked:
    return check_rows(_reader, rows)


def check_rows(reader: RowReader, rows: list[list]) -> Checked:
    out = []
    for cells in rows:
        data, violations = reader.read(cells)
        errors = [v for v in violations if v.is_error]
        # The suspected-duplicate probe of a sound row with a resident ID needs its transposed twins: pure work
        # on the row, so it is done here too.
        number = data.get("id_number")
        sound = not errors and data.get("id_type") == "1" and isinstance(number, str) and len(number) == 18
        twins = tuple(swapped_ids(number, reader.today)) if sound else None
        out.append((data, errors, twins))
    return out


def use_helpers(size_hint: int | None) -> bool:
    return bool(PROCESSES) and (os.cpu_count() or 1) > 1 and size_hint is not None and size_hint >= PARALLEL_ROWS


def checked_chunks(reader: RowReader, chunks: Iterator[Chunk], *, helpers: tuple | None
                   ) -> Iterator[tuple[Chunk, Checked]]:
    """Each chunk with its rows checked, in the file's order. `helpers` is None (check here) or the helpers'
    RowReader arguments (header, school_type, today): the same as `reader`'s."""
    if helpers is None:
        for chunk in chunks:
            yield chunk, check_rows(reader, [cells for _number, cells in chunk])
        return
    # spawn, not fork: the importing process holds database connections and threads a fork would copy.
    pool = ProcessPoolExecutor(PROCESSES or 2, mp_context=multiprocessing.get_context("spawn"), initializer=_start,
                               initargs=helpers)
    try:
        window: deque = deque()
        for chunk in chunks:
            window.append((chunk, pool.submit(_check, [cells for _number, cells in chunk])))
            if len(window) > AHEAD:
                done, future = window.popleft()
                yield done, future.result()
        while window:
            done, future = window.popleft()
            yield done, future.result()
    finally:
        pool.shutdown(wait=True, cancel_futures=True)


def _undetected_swaps() -> tuple[tuple[int, int], ...]:
    # Positions whose GB 11643 weights agree modulo 11 (the check character weighs 1): swapping two different
    # digits there leaves the check character right, so such a typo passes every check and makes a second record.
    weights = (*WEIGHTS, 1)
    return tuple((i, j) for i in range(18) for j in range(i + 1, 18) if (weights[i] - weights[j]) % 11 == 0)


UNDETECTED_SWAPS = _undetected_swaps()


def swapped_ids(number: str, today: datetime.date | None = None) -> list[str]:
    """The valid ID numbers that differ from the valid number `number` by two transposed characters.

    The check character catches every other transposition, adjacent ones included (tests/intake/
    test_fast_reader.py proves it), so a registry that holds checked numbers only can hold a transposed twin of
    a valid number only at these positions: 1st/11th … 7th/17th digit, and 8th digit/check character. Those
    swaps keep the check character right by construction; what remains to check is that the date is real and
    the area code known.
    """
    today = today or datetime.date.today()
    found = []
    for i, j, in_date, in_area in _SWAPS:
        a, b = number[i], number[j]
        if a == b or a == "X" or b == "X":
            continue
        other = number[:i] + b + number[i + 1:j] + a + number[j + 1:]
        if in_date and birth_date_of_digits(other[6:14], today) is None:
            continue
        if in_area and not is_known_area(other[:6]):
            continue
        found.append(other)
    return found


# Each swap with what it may spoil: the birth date (7th–14th characters) or the area code (1st–6th).
_SWAPS = tuple((i, j, 6 <= i <= 13 or 6 <= j <= 13, i < 6) for i, j in UNDETECTED_SWAPS)
