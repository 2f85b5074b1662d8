"""A large .xlsx read in parts (xlsx_parts.py) gives exactly the rows of the whole reading.

The thresholds are lowered so that a few dozen rows are cut into many parts, at every kind of boundary."""

import io
import re
import threading

import pytest
from openpyxl import Workbook

from tests.intake.conftest import HEADER, pupil, upload_file, xls_bytes
from xueji.intake import services, sheets, xlsx_parts
from xueji.intake.sheets import detect_format, open_sheet


def book_bytes(lines: list[list], *, write_only: bool, first_column: int = 0, blank_top: int = 0) -> bytes:
    """openpyxl writes inline strings in write-only mode and a shared-string table otherwise: Excel and WPS
    write the latter."""
    book = Workbook(write_only=write_only)
    sheet = book.create_sheet("学生信息") if write_only else book.active
    if not write_only:
        sheet.title = "学生信息"
    for _ in range(blank_top):
        sheet.append([])
    for cells in lines:
        sheet.append([None] * first_column + [None if c == "" else c for c in cells])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def admission_lines(count: int) -> list[list]:
    lines = [["2026年秋季一年级新生"], HEADER]
    for seq in range(1, count + 1):
        row = pupil(seq)
        lines.append([row.get(column, "") for column in HEADER])
        if seq % 7 == 0:
            lines.append([])  # a blank row inside the data, possibly at a part boundary
    return lines


def readings(tmp_path, monkeypatch, content: bytes):
    """(whole, parted) readings of one file: header, header row and every (row number, cells by column)."""
    path = tmp_path / "新生.xlsx"
    path.write_bytes(content)

    def read():
        sheet = open_sheet(path, detect_format(path.name, content[:8]))
        # An empty cell is "" inside a range and None where a row is padded to the header: the same to a reader.
        rows = [(number, {h: None if c == "" else c for h, c in zip(sheet.header, cells, strict=True) if h})
                for number, cells in sheet.rows]
        return sheet.header_row, [h for h in sheet.header if h], rows

    whole = read()
    monkeypatch.setattr(xlsx_parts, "SPLIT_FROM_BYTES", 0)
    monkeypatch.setattr(xlsx_parts, "PART_BYTES", 3000)
    monkeypatch.setattr(xlsx_parts, "FIRST_PART_BYTES", 2000)
    monkeypatch.setattr(xlsx_parts, "_READ_BYTES", 1000)
    calls = []
    original = xlsx_parts.PartReader._workbook
    monkeypatch.setattr(xlsx_parts.PartReader, "_workbook", lambda self, *parts: calls.append(1) or original(self, *parts))
    parted = read()
    assert len(calls) > 5, "the file was not cut into parts"
    return whole, parted


@pytest.mark.parametrize("write_only", [True, False], ids=["inline strings", "shared strings"])
def test_parts_give_the_rows_of_the_whole_reading(tmp_path, monkeypatch, write_only):
    whole, parted = readings(tmp_path, monkeypatch, book_bytes(admission_lines(40), write_only=write_only))
    assert parted == whole
    header_row, header, rows = parted
    assert header_row == 2 and header == HEADER
    assert len(rows) == 40 and rows[0][0] == 3 and rows[-1][0] == 2 + 40 + 40 // 7


def test_a_file_read_in_one_go_still_gives_every_row(tmp_path, monkeypatch):
    # The whole sheet arrives in the first read: a small first part, then everything left at the end of the file.
    content = book_bytes(admission_lines(40), write_only=True)
    path = tmp_path / "a.xlsx"
    path.write_bytes(content)
    whole = [number for number, _cells in open_sheet(path, "xlsx").rows]
    monkeypatch.setattr(xlsx_parts, "SPLIT_FROM_BYTES", 0)
    monkeypatch.setattr(xlsx_parts, "FIRST_PART_BYTES", 5000)
    monkeypatch.setattr(xlsx_parts, "PART_BYTES", 20_000)
    monkeypatch.setattr(xlsx_parts, "_READ_BYTES", 1 << 24)
    parted = [number for number, _cells in open_sheet(path, "xlsx").rows]
    assert parted == whole and len(parted) == 40


def test_a_sheet_that_starts_lower_and_further_right_keeps_its_rows_and_columns(tmp_path, monkeypatch):
    content = book_bytes(admission_lines(25)[1:], write_only=False, first_column=2, blank_top=3)
    whole, parted = readings(tmp_path, monkeypatch, content)
    assert parted == whole
    header_row, _header, rows = parted
    # The header is the sheet's 4th row and the first pupil its 5th, as the registrar's program shows them.
    assert header_row == 4 and rows[0][0] == 5
    assert rows[0][1]["姓名"] == pupil(1)["姓名"]


def test_rows_without_row_numbers_are_numbered_across_parts(tmp_path, monkeypatch):
    content = book_bytes(admission_lines(30), write_only=True)
    # Some programs leave out <row r="…">: calamine then counts rows, which a part must continue.
    source = io.BytesIO(content)
    import zipfile

    out = io.BytesIO()
    with zipfile.ZipFile(source) as old, zipfile.ZipFile(out, "w") as new:
        for item in old.infolist():
            body = old.read(item)
            if item.filename.endswith("sheet1.xml"):
                body = re.sub(rb'<row r="\d+"', b"<row", body)
                body = re.sub(rb'<c r="[A-Z]+\d+"', b"<c", body)
            new.writestr(item, body)
    whole, parted = readings(tmp_path, monkeypatch, out.getvalue())
    assert parted == whole
    assert [number for number, _ in parted[2]][:3] == [3, 4, 5]


def test_small_files_and_xls_are_read_whole(tmp_path):
    small = tmp_path / "a.xlsx"
    small.write_bytes(book_bytes(admission_lines(3), write_only=True))
    assert xlsx_parts.plan(str(small), "学生信息") is None
    old = tmp_path / "a.xls"
    old.write_bytes(xls_bytes([pupil(1)]))
    assert xlsx_parts.plan(str(old), "学生信息") is None


def test_a_reader_left_early_stops_its_thread(tmp_path, monkeypatch):
    monkeypatch.setattr(xlsx_parts, "SPLIT_FROM_BYTES", 0)
    monkeypatch.setattr(xlsx_parts, "PART_BYTES", 2000)
    monkeypatch.setattr(xlsx_parts, "FIRST_PART_BYTES", 2000)
    monkeypatch.setattr(xlsx_parts, "_READ_BYTES", 1000)
    path = tmp_path / "a.xlsx"
    path.write_bytes(book_bytes(admission_lines(60), write_only=True))
    sheet = open_sheet(path, "xlsx")
    next(sheet.rows)
    assert any(t.name == "xlsx-parts" for t in threading.enumerate())
    sheet.rows.close()
    assert not any(t.name == "xlsx-parts" and t.is_alive() for t in threading.enumerate())


@pytest.mark.django_db
def test_an_import_read_in_parts_reports_what_the_whole_reading_reports(world, monkeypatch):
    lines = admission_lines(30)
    lines[5][HEADER.index("民族")] = "99"  # an unknown ethnicity code
    lines[20][HEADER.index("出生日期")] = "20190230"  # no such day
    content = book_bytes(lines, write_only=True)
    whole = services.import_file(world.registrar_a, world.school_a, upload_file(content))
    monkeypatch.setattr(xlsx_parts, "SPLIT_FROM_BYTES", 0)
    monkeypatch.setattr(xlsx_parts, "PART_BYTES", 3000)
    monkeypatch.setattr(xlsx_parts, "FIRST_PART_BYTES", 3000)
    monkeypatch.setattr(xlsx_parts, "_READ_BYTES", 1000)
    parted = services.import_file(world.registrar_a, world.school_a, upload_file(content, "新生2.xlsx"))
    assert (parted.rows_total, parted.rows_ok) == (whole.rows_total, whole.rows_ok) == (30, 28)
    assert parted.errors == whole.errors
    assert {e["code"] for e in parted.errors} >= {"invalid_code", "invalid_date"}


def test_sheets_module_reads_parts_only_for_zip_files():
    # .xls is an OLE file: never handed to the cutter.
    assert sheets.zipfile.is_zipfile(io.BytesIO(xls_bytes([pupil(1)]))) is False


@pytest.mark.django_db
def test_a_part_found_unreadable_half_way_fails_the_batch_and_writes_nothing(world, monkeypatch):
    from python_calamine import CalamineError, CalamineWorkbook

    from xueji.students.models import Student

    class BreaksOnThirdPart:
        calls = 0

        @classmethod
        def from_filelike(cls, body):
            cls.calls += 1
            if cls.calls == 3:
                raise CalamineError("corrupt part")
            return CalamineWorkbook.from_filelike(body)

    monkeypatch.setattr(xlsx_parts, "SPLIT_FROM_BYTES", 0)
    monkeypatch.setattr(xlsx_parts, "PART_BYTES", 3000)
    monkeypatch.setattr(xlsx_parts, "FIRST_PART_BYTES", 3000)
    monkeypatch.setattr(xlsx_parts, "_READ_BYTES", 1000)
    monkeypatch.setattr(xlsx_parts, "CalamineWorkbook", BreaksOnThirdPart)
    content = book_bytes(admission_lines(30), write_only=True)
    checked = services.import_file(world.registrar_a, world.school_a, upload_file(content))
    assert checked.status == "failed" and checked.errors[0]["code"] == "file_unreadable"
    BreaksOnThirdPart.calls = 0
    committed = services.import_file(world.registrar_a, world.school_a, upload_file(content, "新生2.xlsx"),
                                     commit="valid_only")
    assert committed.status == "failed" and "无法读取该文件" in committed.message
    assert not Student.objects.filter(school=world.school_a).exists()


@pytest.mark.parametrize("write_only", [True, False], ids=["no dimension", "dimension"])
def test_the_progress_bar_knows_about_how_many_rows_a_parted_file_holds(tmp_path, monkeypatch, write_only):
    # Excel writes <dimension ref="A1:CD…">; openpyxl's write-only mode does not, and the count is estimated.
    monkeypatch.setattr(xlsx_parts, "SPLIT_FROM_BYTES", 0)
    monkeypatch.setattr(xlsx_parts, "PART_BYTES", 20_000)
    monkeypatch.setattr(xlsx_parts, "FIRST_PART_BYTES", 20_000)
    monkeypatch.setattr(xlsx_parts, "_READ_BYTES", 1000)
    path = tmp_path / "a.xlsx"
    path.write_bytes(book_bytes([HEADER] + [[pupil(s).get(c, "") for c in HEADER] for s in range(1, 61)],
                                write_only=write_only))
    sheet = open_sheet(path, "xlsx")
    assert sheet.size_hint is not None and 45 <= sheet.size_hint <= 75
    assert len(list(sheet.rows)) == 60
