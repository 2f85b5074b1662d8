"""Spreadsheets as a registrar sends them: rows of the national template built from student_payload, written as
.xlsx (openpyxl), .xls (xlwt) or .csv in UTF-8 or GB18030."""

import csv
import io
from datetime import date, timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from tests import factories as f
from xueji.policy.fields import FAMILY_FIELDS, FIELD_BY_NAME, family_column, template_columns

HEADER = template_columns()
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def sheet_row(**overrides) -> dict:
    """student_payload as one row of the template: Chinese column names, family as 成员1…/成员2… columns."""
    payload = f.student_payload(**overrides)
    family = payload.pop("family")
    row = {FIELD_BY_NAME[name].label: value for name, value in payload.items()}
    for n, member in enumerate(family, start=1):
        for spec in FAMILY_FIELDS:
            if spec.name in member:
                row[family_column(n, spec)] = member[spec.name]
    return row


def pupil(seq: int, **overrides) -> dict:
    """A distinct valid first-grader; `seq` keeps ID numbers apart."""
    gender = overrides.pop("gender", "1" if seq % 2 else "2")
    birth = overrides.pop("birth", date(2019, 3, 1 + seq % 28))
    names = ["李", "赵", "钱", "孙", "周", "吴", "郑", "冯", "陈", "褚"]
    overrides.setdefault("name", names[seq % 10] + "子" + "一二三四五六七八九十"[seq // 10 % 10] + "涵")
    code = {"男": "1", "女": "2"}.get(gender, gender)
    overrides.setdefault("id_number", f.make_id(birth=birth, gender=code, seq=seq))
    return sheet_row(birth=birth, gender=gender, **overrides)


def table(rows: list[dict], header: list[str] | None = None) -> list[list]:
    header = header or HEADER
    return [header] + [[row.get(column, "") for column in header] for row in rows]


def xlsx_bytes(rows: list[dict], header=None, *, as_numbers: dict | None = None) -> bytes:
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    for cells in table(rows, header):
        ws.append([None if c == "" else c for c in cells])
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def csv_bytes(rows: list[dict], header=None, *, encoding: str = "utf-8-sig") -> bytes:
    out = io.StringIO()
    csv.writer(out).writerows(table(rows, header))
    return out.getvalue().encode(encoding)


def xls_bytes(rows: list[dict], header=None) -> bytes:
    import xlwt

    book = xlwt.Workbook(encoding="utf-8")
    sheet = book.add_sheet("学生信息")
    for r, cells in enumerate(table(rows, header)):
        for c, value in enumerate(cells):
            if value != "":
                sheet.write(r, c, value)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def upload_file(content: bytes, name: str = "新生.xlsx") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type=XLSX_TYPE)


@pytest.fixture(autouse=True)
def _inline_imports(settings, tmp_path):
    # Tests run each batch within the request (the test database is one transaction a thread cannot see).
    settings.XUEJI_IMPORT_THREADS = False
    settings.DATA_DIR = tmp_path
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def stage_over(db):
    """Today lies after the spring term's end and before the autumn term's first month is over."""
    from xueji.workdays.models import Term

    today = date.today()
    Term.objects.create(school_year=today.year - 1, number=2, starts_on=today - timedelta(days=150),
                        ends_on=today - timedelta(days=5))
    Term.objects.create(school_year=today.year, number=1, starts_on=today + timedelta(days=20),
                        ends_on=today + timedelta(days=140))


@pytest.fixture
def mid_year(db):
    """Today lies in the middle of a school year: the autumn term started four months ago."""
    from xueji.workdays.models import Term

    today = date.today()
    Term.objects.create(school_year=today.year - 1, number=2, starts_on=today - timedelta(days=300),
                        ends_on=today - timedelta(days=200))
    Term.objects.create(school_year=today.year, number=1, starts_on=today - timedelta(days=120),
                        ends_on=today + timedelta(days=30))
