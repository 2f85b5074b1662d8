"""The registers as .xlsx: one sheet per table, a heading line, the national column order, every identity and code
column stored as text (an ID typed as a number loses its last digits) and any text a spreadsheet would read as a
formula neutralised (access.spreadsheet.safe). Written in openpyxl's write-only mode: rows stream to the file."""

from __future__ import annotations

import io

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font

from xueji.access.spreadsheet import XLSX, safe

CONTENT_TYPE = XLSX


def _cells(sheet, values, text_columns=(), *, bold=False):
    out = []
    for i, value in enumerate(values):
        value = safe("" if value is None else value)
        if i in text_columns:
            value = str(value)
        cell = WriteOnlyCell(sheet, value=value)
        if i in text_columns:
            cell.number_format = "@"
        if bold:
            cell.font = Font(bold=True)
        out.append(cell)
    return out


def workbook(doc) -> bytes:
    book = Workbook(write_only=True)
    heading = f"{doc.title}({doc.register.annex})· {doc.school.name}({doc.school.code})"
    if doc.period:
        heading += f"· {doc.period}"
    heading += f"· 导出日期 {doc.printed_on:%Y-%m-%d}"
    for table in doc.tables:
        sheet = book.create_sheet(title=table.caption[:31])
        sheet.append(_cells(sheet, [heading], bold=True))
        sheet.append(_cells(sheet, table.headers, bold=True))
        for row in table.rows:
            sheet.append(_cells(sheet, row, table.text_columns))
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def filename(doc, ext: str) -> str:
    return f"{doc.title}-{doc.school.code}-{doc.printed_on:%Y%m%d}.{ext}"
