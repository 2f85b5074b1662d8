"""Reading admission spreadsheets: formats, encodings, where the header is, and header problems."""

import io

import pytest

from tests.intake.conftest import HEADER, csv_bytes, pupil, xls_bytes, xlsx_bytes
from xueji.intake.sheets import SheetError, csv_encoding, detect_format, open_sheet


def opened(tmp_path, content: bytes, name: str):
    path = tmp_path / name
    path.write_bytes(content)
    return open_sheet(path, detect_format(name, content[:8]))


@pytest.mark.parametrize("make, name", [
    (xlsx_bytes, "a.xlsx"), (xls_bytes, "a.xls"),
    (lambda rows: csv_bytes(rows, encoding="gb18030"), "a.csv"),
    (lambda rows: csv_bytes(rows, encoding="utf-8"), "a.csv"),
    (lambda rows: csv_bytes(rows, encoding="utf-8-sig"), "a.csv"),
])
def test_every_format_gives_the_header_and_numbered_rows(tmp_path, make, name):
    sheet = opened(tmp_path, make([pupil(1, name="𠮷祥"), pupil(2)]), name)
    assert sheet.header == HEADER and sheet.header_row == 1
    rows = list(sheet.rows)
    assert [number for number, _cells in rows] == [2, 3]
    assert rows[0][1][0] == "𠮷祥" and len(rows[0][1]) == len(HEADER)


def test_a_title_line_above_the_header_and_blank_rows_keep_the_numbering(tmp_path):
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.append(["2026年秋季新生名单"])
    sheet.append(HEADER)
    row = pupil(1)
    sheet.append([row.get(c) or None for c in HEADER])
    sheet.append([])
    sheet.append([row.get(c) or None for c in HEADER])
    buffer = io.BytesIO()
    book.save(buffer)
    found = opened(tmp_path, buffer.getvalue(), "a.xlsx")
    assert found.header_row == 2
    assert [number for number, _cells in found.rows] == [3, 5]


def test_the_code_table_sheet_is_not_taken_for_the_students(tmp_path):
    from openpyxl import Workbook

    book = Workbook()
    book.active.title = "代码表"
    book.active.append(["列名", "代码", "名称"])
    students = book.create_sheet("学生信息")
    students.append(HEADER)
    buffer = io.BytesIO()
    book.save(buffer)
    assert opened(tmp_path, buffer.getvalue(), "a.xlsx").header == HEADER


def test_header_problems_are_listed_together(tmp_path):
    header = [c for c in HEADER if c not in ("民族", "成员1姓名")] + ["血型", "姓名"]
    with pytest.raises(SheetError) as caught:
        opened(tmp_path, xlsx_bytes([], header=header), "a.xlsx")
    found = {v.code: v.message for v in caught.value.violations}
    assert set(found) == {"unknown_columns", "repeated_columns", "missing_columns"}
    assert "血型" in found["unknown_columns"] and "姓名" in found["repeated_columns"]
    assert "民族" in found["missing_columns"] and "成员1姓名" in found["missing_columns"]


def test_a_file_without_a_header_row_says_so(tmp_path):
    with pytest.raises(SheetError) as caught:
        opened(tmp_path, b"a,b\n1,2\n", "a.csv")
    assert caught.value.violations[0].code == "header_not_found"


def test_class_photo_and_optional_columns_may_be_left_out(tmp_path):
    header = [c for c in HEADER if c not in ("班级", "照片", "特长", "政治面貌") and not c.startswith("成员2")]
    sheet = opened(tmp_path, xlsx_bytes([pupil(1)], header=header), "a.xlsx")
    assert len(list(sheet.rows)) == 1


def test_a_tab_separated_export_reads_too(tmp_path):
    text = "\t".join(HEADER) + "\n" + "\t".join(str(pupil(1).get(c, "")) for c in HEADER) + "\n"
    sheet = opened(tmp_path, text.encode("gb18030"), "a.csv")
    assert len(list(sheet.rows)) == 1


def test_encodings_are_told_apart(tmp_path):
    path = tmp_path / "a.csv"
    for encoding, expected in (("utf-8-sig", "utf-8-sig"), ("utf-8", "utf-8"), ("gb18030", "gb18030")):
        path.write_bytes("姓名,性别\n王小明,男\n".encode(encoding))
        assert csv_encoding(path) == expected


def test_formats_are_known_by_content_first(tmp_path):
    assert detect_format("renamed.xls", b"PK\x03\x04rest") == "xlsx"
    assert detect_format("old.xlsx", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1") == "xls"
    assert detect_format("list.csv", b"name,sex") == "csv"
    with pytest.raises(SheetError):
        detect_format("notes.docx", b"hello")
    with pytest.raises(SheetError):
        detect_format("fake.xlsx", b"hello")
