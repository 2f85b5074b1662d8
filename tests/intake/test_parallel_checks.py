"""A large file's rows are checked in helper processes; what they find is exactly what the in-process check finds."""

import datetime
import random

import pytest

from tests.intake.conftest import HEADER, pupil, xlsx_bytes
from tests.intake.test_fast_reader import ODD_VALUES, _cells
from tests.intake.test_import_services import check, codes_by_row
from xueji.intake import checking
from xueji.policy.fast import RowReader
from xueji.students.models import Student

TODAY = datetime.date(2026, 9, 1)


def _spoilt_rows(seed: int, count: int) -> list[list]:
    rng = random.Random(seed)
    rows = []
    for seq in range(count):
        cells = _cells(pupil(seq))
        for _ in range(rng.randint(0, 8)):
            cells[rng.randrange(len(cells))] = rng.choice(ODD_VALUES)
        rows.append(cells)
    return rows


def test_helpers_find_what_the_importing_process_finds():
    rows = _spoilt_rows(7, 300)
    chunks = [[(n + 2, cells) for n, cells in enumerate(rows[i:i + 40], start=i)] for i in range(0, len(rows), 40)]
    reader = RowReader(HEADER, school_type="211", today=TODAY)
    here = list(checking.checked_chunks(reader, iter(chunks), helpers=None))
    there = list(checking.checked_chunks(reader, iter(chunks), helpers=(HEADER, "211", TODAY)))
    assert [chunk for chunk, _ in there] == chunks  # the file's order is kept
    assert there == here
    assert any(errors for _chunk, checked in here for _data, errors, _twins in checked)  # really spoilt
    assert any(twins for _chunk, checked in here for _data, _errors, twins in checked)


@pytest.mark.django_db
def test_a_file_checked_in_helpers_reports_the_same_errors(world, monkeypatch):
    rows = [pupil(1), pupil(2, id_number="140105201903021235"), pupil(3, ethnicity="99"), pupil(4)]
    content = xlsx_bytes(rows)
    in_process = check(world, rows, content=content)
    monkeypatch.setattr(checking, "PARALLEL_ROWS", 1)
    in_helpers = check(world, rows, content=content)
    assert in_helpers.errors == in_process.errors and codes_by_row(in_helpers)
    assert (in_helpers.rows_total, in_helpers.rows_ok) == (in_process.rows_total, in_process.rows_ok) == (4, 2)
    assert Student.objects.filter(school=world.school_a).count() == 0
