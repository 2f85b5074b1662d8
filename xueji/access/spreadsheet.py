"""Writing the register and rosters as .xlsx: every cell a value, identity numbers as text, and any text that a
spreadsheet would read as a formula (= + - @, or a leading tab/CR) neutralised with a leading apostrophe."""

import io

from openpyxl import Workbook
from openpyxl.styles import Font

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def safe(value):
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def workbook(title: str, headers: list[str], rows, *, text_columns: tuple[int, ...] = (),
             heading: str | None = None) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.title = title[:31]
    if heading:
        sheet.append([safe(heading)])
        sheet.cell(row=1, column=1).font = Font(bold=True)
    sheet.append(headers)
    for row in rows:
        sheet.append([safe("" if v is None else v) for v in row])
        # A long number would become 1.4E+17 and lose its last digits: ID columns are stored and shown as text.
        for col in text_columns:
            cell = sheet.cell(row=sheet.max_row, column=col + 1)
            cell.value = "" if cell.value is None else str(cell.value)
            cell.number_format = "@"
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
