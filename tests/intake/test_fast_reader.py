"""The import's fast reader finds exactly what the policy's reference reader (clean_student) finds."""

import datetime
import random

import pytest

from tests.intake.conftest import HEADER, pupil
from xueji.policy.fast import RowReader
from xueji.policy.idcard import check_digit
from xueji.policy.record import clean_student

TODAY = datetime.date(2026, 9, 1)

# Values a registrar's spreadsheet really holds: codes as numbers, labels, full-width digits, stray spaces,
# dates in every shape, IDs a spreadsheet turned into numbers, and plain mistakes.
ODD_VALUES = [
    "", " ", None, 1.0, 2.0, 0.0, 1, "1", "01", "1.0", " 1 ", "１", "男", "女", "汉族", "回族", "99", "ZZ", "chn",
    "CHN", "中国", "是", "否", "yes", "TRUE", "否 ", "一年级", "初一", "高一", "七年级", 7.0, 13, "13",
    "20190302", "2019-03-02", "2019/3/2", "2019年3月2日", datetime.date(2019, 3, 2), datetime.datetime(2019, 3, 2),
    43526.0, "20190230", "201909", "2019-09", 201909.0, "140105", 140105.0, "140105000000", "14010", "030006",
    30006.0, "13835100001", 13835100001.0, "1383510000１", "0351-1234567", "abc", "1.5", 1.5, "2公里", "-1",
    1.40105201903021e17, "140105201903021234", "14010520190302123x", "140105201903020000", "1.40105E+17",
    "其他", "就近入学", "走读", "自行车", "健康或良好", "群众", "少先队员", "X" * 60, "王" * 51, "0.3", "01.50", "12.0",
    "1.", ".5", "3.60", "1e3",
]


def _compare(reader: RowReader, cells: list, school_type: str = "211") -> None:
    expected = clean_student(dict(zip(HEADER, cells, strict=True)), keys="label", school_type=school_type,
                             today=TODAY)
    assert reader.read(cells) == expected


def _cells(row: dict) -> list:
    return [row.get(column, "") for column in HEADER]


def test_clean_rows_read_the_same():
    reader = RowReader(HEADER, school_type="211", today=TODAY)
    for seq in range(40):
        _compare(reader, _cells(pupil(seq)))


def test_labels_and_spreadsheet_numbers_read_the_same():
    reader = RowReader(HEADER, school_type="211", today=TODAY)
    row = pupil(3, gender="男", ethnicity="汉族", nationality="中国", id_type="居民身份证", hmt_overseas="否",
                health_status="健康或良好", only_child="是", preschool="否", grade="一年级", entry_mode="就近入学",
                attendance_mode="走读", commute_mode="家长接送")
    cells = _cells(row)
    _compare(reader, cells)
    numbers = [float(c) if isinstance(c, str) and c.isdigit() and len(c) < 15 else c for c in cells]
    _compare(reader, numbers)


def test_high_school_other_entry_mode_reads_the_same():
    reader = RowReader(HEADER, school_type="342", today=TODAY)
    cells = _cells(pupil(5, grade="高一", entry_mode="其他", birth=datetime.date(2010, 5, 5)))
    _compare(reader, cells, "342")


@pytest.mark.parametrize("seed", range(6))
def test_randomly_spoilt_rows_read_the_same(seed):
    rng = random.Random(seed)
    reader = RowReader(HEADER, school_type="211", today=TODAY)
    for seq in range(60):
        cells = _cells(pupil(seq))
        for _ in range(rng.randint(1, 12)):
            cells[rng.randrange(len(cells))] = rng.choice(ODD_VALUES)
        _compare(reader, cells)


def test_a_header_in_another_order_with_columns_missing_reads_the_same():
    header = list(reversed(HEADER))[5:]
    reader = RowReader(header, school_type="211", today=TODAY)
    row = pupil(7)
    cells = [row.get(column, "") for column in header]
    expected = clean_student(dict(zip(header, cells, strict=True)), keys="label", school_type="211", today=TODAY)
    assert reader.read(cells) == expected


def test_the_check_character_catches_every_transposition_but_the_undetected_ones():
    # What importer.swapped_ids relies on: a valid number has a valid transposed twin only at UNDETECTED_SWAPS,
    # never by swapping two adjacent characters.
    from xueji.intake.importer import UNDETECTED_SWAPS

    assert UNDETECTED_SWAPS == ((0, 10), (1, 11), (2, 12), (3, 13), (4, 14), (5, 15), (6, 16), (7, 17))
    rng = random.Random(1)
    for _ in range(300):
        body = "".join(rng.choice("0123456789") for _ in range(17))
        number = body + check_digit(body)
        for i in range(18):
            for j in range(i + 1, 18):
                if number[i] == number[j] or "X" in (number[i], number[j]):
                    continue
                other = number[:i] + number[j] + number[i + 1:j] + number[i] + number[j + 1:]
                valid = check_digit(other[:17]) == other[17]
                assert valid == ((i, j) in UNDETECTED_SWAPS), (number, i, j)


def _spoilt_ids(rng: random.Random) -> list[str]:
    valid = [pupil(seq)["身份证件号"] for seq in range(30)]
    found = list(valid)
    for number in valid:
        found += [number[:17] + "X", number[:17].lower() + "x", number[:6] + "20191301" + number[14:],
                  "990000" + number[6:], number[:6] + "21000101" + number[14:], number[:16], number + "1",
                  " " + number, number[:10] + "１" + number[11:]]
        position = rng.randrange(17)
        found.append(number[:position] + str((int(number[position]) + 1) % 10) + number[position + 1:])
    return found


def test_the_resident_id_fast_check_agrees_with_the_full_validation():
    # Exact on canonical numbers (what normalize() stores); anything else goes the long way, never wrongly clean.
    from xueji.policy.idcard import normalize_id, validate_resident_id
    from xueji.policy.record import _resident_id_clean

    rng = random.Random(3)
    for number in _spoilt_ids(rng):
        for birth in (None, datetime.date(2019, 3, 2), datetime.date(2019, 3, 1 + rng.randrange(28))):
            for gender in (None, "1", "2", 1):
                clean = validate_resident_id(number, birth_date=birth, gender=gender) == []
                fast = _resident_id_clean(number, birth, gender)
                assert fast == clean if number == normalize_id(number) else not fast or clean, number


def test_swapped_ids_are_exactly_the_valid_transposed_twins():
    from xueji.intake.importer import swapped_ids
    from xueji.policy.areas import is_known_area
    from xueji.policy.idcard import is_valid_resident_id

    for seq in range(60):
        number = pupil(seq)["身份证件号"]
        twins = set()
        for i in range(18):
            for j in range(i + 1, 18):
                other = number[:i] + number[j] + number[i + 1:j] + number[i] + number[j + 1:]
                if other != number and is_valid_resident_id(other) and is_known_area(other[:6]):
                    twins.add(other)
        assert set(swapped_ids(number)) == twins


def test_a_row_shorter_than_its_header_reads_the_same():
    # Spreadsheet programs drop trailing blank cells, so a row may end before the header does.
    reader = RowReader(HEADER, school_type="211", today=TODAY)
    cells = _cells(pupil(9))
    for length in (len(cells) - 1, len(cells) - 20, 10):
        short = cells[:length]
        expected = clean_student(dict(zip(HEADER, short + [None] * (len(cells) - length), strict=True)),
                                 keys="label", school_type="211", today=TODAY)
        assert reader.read(short) == expected
