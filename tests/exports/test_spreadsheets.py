"""xueji.core.spreadsheets: the one .xlsx writer. Read back with openpyxl and as raw XML: no formula, IDs as text."""

import io
import zipfile

from django.http import FileResponse
from openpyxl import load_workbook

from xueji.core import spreadsheets

HEADERS = ["姓名", "身份证件号", "年龄", "备注"]
FORMULA = '=HYPERLINK("http://evil.example","点我")'


def _book(data: bytes):
    return load_workbook(io.BytesIO(data)).active


def _sheet_xml(data: bytes) -> str:
    return zipfile.ZipFile(io.BytesIO(data)).read("xl/worksheets/sheet1.xml").decode()


def test_formula_text_arrives_as_plain_text_and_ids_as_text():
    rows = [[FORMULA, "140105201001011234", 12, "-1+2"], ["王小明", "0012", 7, None]]
    data = spreadsheets.xlsx_bytes("学生名单", HEADERS, rows, text_columns=(1,), heading="小店区 =1+1")
    sheet = _book(data)
    assert [c.value for c in sheet[2]] == HEADERS
    name, id_number, age, note = sheet[3]
    assert (name.value, name.data_type) == (FORMULA, "s")  # the text itself, no apostrophe added
    assert name.quotePrefix  # and Excel keeps it text when someone edits the cell
    assert (id_number.value, id_number.data_type, id_number.number_format) == ("140105201001011234", "s", "@")
    assert (age.value, age.data_type) == (12, "n")
    assert (note.value, note.data_type) == ("-1+2", "s")
    assert sheet["B4"].value == "0012"  # leading zeros kept
    xml = _sheet_xml(data)
    assert "<f>" not in xml and "<f " not in xml


def test_all_text_columns_and_awkward_characters():
    rows = [[1, "a & <b>", " 两端空格 ", "\x01控制"]]
    sheet = _book(spreadsheets.xlsx_bytes("x", HEADERS, rows, text_columns=spreadsheets.ALL))
    assert [c.value for c in sheet[2]] == ["1", "a & <b>", " 两端空格 ", "_x0001_控制"]


def test_sheet_title_is_what_excel_accepts():
    title = spreadsheets.sheet_title("'2026/秋[一]:在校生名单*很长很长很长很长很长很长很长很长很长'")
    assert len(title) <= 31 and not set("[]:*?/\\") & set(title) and not title.startswith("'")
    assert spreadsheets.sheet_title("") == "Sheet1"


def test_response_streams_a_file_with_a_chinese_filename():
    response = spreadsheets.xlsx_response("学生名单-小店区.xlsx", "学生名单", HEADERS,
                                          iter([["张三", "1", 1, ""]] * 3))
    assert isinstance(response, FileResponse) and response.streaming and response.row_count == 3
    assert response["Content-Type"] == spreadsheets.XLSX_TYPE
    assert "filename*=utf-8''%E5%AD%A6%E7%94%9F" in response["Content-Disposition"]
    data = b"".join(response.streaming_content)
    response.close()
    assert _book(data).max_row == 4
