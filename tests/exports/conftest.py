import io
import zipfile

import pytest
from openpyxl import load_workbook

from tests import factories as f

FORMULA_NAME = '=HYPERLINK("http://evil.example","点我")'


def sheet_rows(response) -> list[list]:
    """The data rows of an export (below the title line and the heading row), as values."""
    # Reading to the end closes the test client's response (and its temporary file); a second close() would
    # fire request_finished outside the client and close the test's database connection.
    data = b"".join(response.streaming_content)
    assert "<f>" not in zipfile.ZipFile(io.BytesIO(data)).read("xl/worksheets/sheet1.xml").decode()
    sheet = load_workbook(io.BytesIO(data)).active
    return [[c.value for c in row] for row in sheet.iter_rows(min_row=3)]


def export_from(client, page):
    """Submit the page's 导出 Excel form: its path with the hidden fields the page rendered."""
    params = page.context["export_params"]
    assert ("format", "xlsx") in params and 'data-testid="export"' in page.content.decode()
    return client.get(page.request["PATH_INFO"], params)


def headers_of(response) -> list:
    data = b"".join(response.streaming_content)
    return [c.value for c in load_workbook(io.BytesIO(data)).active[2]]


@pytest.fixture
def pupils(world, make_student):
    """Three pupils of school A (one named like a formula, two in grade 1) and one of school B (迎泽区)."""
    return {
        "formula": make_student(name=FORMULA_NAME, id_number=f.make_id(seq=11), school_class=world.class_a1.pk),
        "second": make_student(name="李小红", id_number=f.make_id(seq=12), grade=2),
        "third": make_student(name="王小明", id_number=f.make_id(seq=13)),
        "other": make_student(school=world.school_b, name="赵小刚", id_number=f.make_id(seq=14)),
    }
