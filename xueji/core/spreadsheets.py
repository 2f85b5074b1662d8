"""The one place that writes .xlsx files: registers, rosters and every list's export.

Rows are written as they come into a zip on a temporary file, so a million-row export holds one row in memory.
The sheet is written here as SpreadsheetML with inline strings rather than through a general library: the
streaming writers of xlsxwriter and openpyxl spend ~12 µs per cell, which puts a 400,000-row roster past a
minute; this writer does the same cells several times faster (benchmarks/exports.py).

Safety of what a cell holds (表格公式注入):
- every text is a string cell (`t="inlineStr"`), never a formula: "=HYPERLINK(...)" arrives as that text;
- text that a spreadsheet would read as a formula when someone edits the cell (= + - @, tab, CR) also carries
  Excel's quote prefix in its style, so it stays text after editing — the value itself is unchanged;
- ID and number columns (`text_columns`) are text with the "@" format: an 18-digit ID never becomes 1.4E+17.
"""

from __future__ import annotations

import datetime as dt
import math
import re
import tempfile
import zipfile
from collections.abc import Iterable, Sequence
from decimal import Decimal
from xml.sax.saxutils import escape as _xml_escape

from django.http import FileResponse
from django.utils.http import content_disposition_header

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
SHEET_TITLE_MAX = 31
EXCEL_MAX_ROWS = 1_048_576
ALL = "all"  # text_columns=ALL: every cell is text (the national rosters)

# Cell styles, indexes into cellXfs of STYLES below.
_GENERAL, _TEXT, _BOLD, _TEXT_QUOTED = 0, 1, 2, 3

_BAD_TITLE = re.compile(r"[\[\]:*?/\\]")
# Characters XML 1.0 cannot carry, and a literal _xHHHH_ that Excel would otherwise decode as an escape.
_NEEDS_WORK = re.compile(r"[&<>\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]|_x[0-9A-Fa-f]{4}_")
_CONTROL_OR_ESCAPE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]|_(?=x[0-9A-Fa-f]{4}_)")


def sheet_title(title: str) -> str:
    """A name Excel accepts for a sheet: no []:*?/\\, no apostrophe at either end, at most 31 characters."""
    name = _BAD_TITLE.sub("_", str(title or "")).strip().strip("'")[:SHEET_TITLE_MAX].strip()
    return name or "Sheet1"


def _escape(text: str) -> str:
    if not _NEEDS_WORK.search(text):
        return text
    text = _CONTROL_OR_ESCAPE.sub(lambda m: f"_x{ord(m.group()):04X}_", text)
    return _xml_escape(text)


def _column_letters(count: int) -> list[str]:
    letters = []
    for index in range(1, count + 1):
        name = ""
        while index:
            index, rest = divmod(index - 1, 26)
            name = chr(65 + rest) + name
        letters.append(name)
    return letters


def _as_text(value) -> str:
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, dt.datetime):
        return value.strftime("%Y-%m-%d %H:%M:%S")
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


class _SheetWriter:
    """Turns rows into <row> elements; one instance per sheet, so the style choices are looked up once."""

    def __init__(self, width: int, text_columns):
        self.letters = _column_letters(max(width, 1))
        self.text_columns = set(range(width)) if text_columns == ALL else set(text_columns or ())

    def cell(self, ref: str, value, column: int, style: int | None = None) -> str:
        if value is None or value == "":
            return ""
        if (style is None and column not in self.text_columns and not isinstance(value, bool)
                and isinstance(value, int | float | Decimal) and math.isfinite(value)):
            return f'<c r="{ref}"><v>{value}</v></c>'
        text = _as_text(value)
        if style is None:
            style = _TEXT_QUOTED if text.startswith(FORMULA_STARTS) else _TEXT
        space = ' xml:space="preserve"' if text[0].isspace() or text[-1].isspace() else ""
        return f'<c r="{ref}" s="{style}" t="inlineStr"><is><t{space}>{_escape(text)}</t></is></c>'

    def row(self, number: int, values: Sequence, style: int | None = None) -> str:
        n = str(number)
        cells = "".join(self.cell(self.letters[i] + n, v, i, style) for i, v in enumerate(values))
        return f'<row r="{n}">{cells}</row>'


def write_xlsx(target, title: str, headers: Sequence[str], rows: Iterable[Sequence], *,
               text_columns: Iterable[int] | str = (), heading: str | None = None,
               widths: Sequence[float] | None = None) -> int:
    """Write one sheet to `target` (a path or a binary file); return the number of data rows written.

    `headers` is the heading row (bold, frozen); `heading`, if given, is a title line above it. `rows` is any
    iterable of sequences, consumed once (a queryset's .iterator() or values_list). `text_columns` are the
    0-based indexes of columns kept as text (IDs, numbers with leading zeros), or ALL."""
    headers = list(headers)
    sheet = _SheetWriter(len(headers), text_columns)
    top = 2 if heading else 1
    count = 0
    with zipfile.ZipFile(target, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=1) as book:
        book.writestr("[Content_Types].xml", CONTENT_TYPES)
        book.writestr("_rels/.rels", ROOT_RELS)
        book.writestr("xl/workbook.xml", WORKBOOK.format(title=_xml_escape(sheet_title(title), {'"': "&quot;"})))
        book.writestr("xl/_rels/workbook.xml.rels", WORKBOOK_RELS)
        book.writestr("xl/styles.xml", STYLES)
        # No ZIP64 (older Excel warns on it): the sheet's XML must stay under 2 GiB, about 2 million rows of a
        # roster, twice the exports' cap.
        with book.open("xl/worksheets/sheet1.xml", "w") as raw:
            out = _Buffered(raw)
            out.write(SHEET_START.format(pane=_frozen(top), cols=_cols(widths)))
            if heading:
                out.write(sheet.row(1, [heading], _BOLD))
            out.write(sheet.row(top, headers, _BOLD))
            number = top
            for values in rows:
                number += 1
                if number > EXCEL_MAX_ROWS:
                    raise ValueError(f"一张工作表最多 {EXCEL_MAX_ROWS:,} 行")
                out.write(sheet.row(number, values))
            count = number - top
            out.write(SHEET_END)
            out.flush()
    return count


def xlsx_bytes(title: str, headers: Sequence[str], rows: Iterable[Sequence], **options) -> bytes:
    """The whole file in memory: for small registers and tests only; exports use xlsx_response."""
    with tempfile.TemporaryFile() as handle:
        write_xlsx(handle, title, headers, rows, **options)
        handle.seek(0)
        return handle.read()


def content_disposition(filename: str) -> str:
    """attachment; filename="..."; filename*=utf-8''... (RFC 6266/5987): a Chinese name survives every browser."""
    return content_disposition_header(True, filename)


def xlsx_response(filename: str, title: str, headers: Sequence[str], rows: Iterable[Sequence],
                  **options) -> FileResponse:
    """Write the rows to a temporary file and answer it as a download streamed from disk in blocks.

    The response's `row_count` says how many data rows went in (the caller's audit row records it). The file
    is anonymous and vanishes when the response closes it."""
    handle = tempfile.TemporaryFile()
    try:
        count = write_xlsx(handle, title, headers, rows, **options)
    except BaseException:
        handle.close()
        raise
    handle.seek(0)
    response = FileResponse(handle, content_type=XLSX_TYPE)
    response["Content-Disposition"] = content_disposition(filename)
    response.row_count = count
    return response


class _Buffered:
    """Collects small row strings and hands the zip stream ~1 MB at a time (one deflate call per block)."""

    LIMIT = 1 << 20

    def __init__(self, raw):
        self.raw, self.parts, self.size = raw, [], 0

    def write(self, text: str) -> None:
        self.parts.append(text)
        self.size += len(text)
        if self.size >= self.LIMIT:
            self.flush()

    def flush(self) -> None:
        if self.parts:
            self.raw.write("".join(self.parts).encode("utf-8"))
            self.parts, self.size = [], 0


def _frozen(top: int) -> str:
    return (f'<pane ySplit="{top}" topLeftCell="A{top + 1}" activePane="bottomLeft" state="frozen"/>'
            f'<selection pane="bottomLeft" activeCell="A{top + 1}" sqref="A{top + 1}"/>')


def _cols(widths: Sequence[float] | None) -> str:
    if not widths:
        return ""
    cols = "".join(f'<col min="{i}" max="{i}" width="{float(w):.1f}" customWidth="1"/>'
                   for i, w in enumerate(widths, start=1))
    return f"<cols>{cols}</cols>"


_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_XML = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'

CONTENT_TYPES = (
    _XML + '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/xl/workbook.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
    '<Override PartName="/xl/worksheets/sheet1.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
    '<Override PartName="/xl/styles.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>'
    "</Types>")
ROOT_RELS = (
    _XML + '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
    'officeDocument" Target="xl/workbook.xml"/></Relationships>')
WORKBOOK = (
    _XML + f'<workbook xmlns="{_MAIN}" xmlns:r="{_REL}"><bookViews><workbookView/></bookViews>'
    '<sheets><sheet name="{title}" sheetId="1" r:id="rId1"/></sheets></workbook>')
WORKBOOK_RELS = (
    _XML + '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
    'worksheet" Target="worksheets/sheet1.xml"/>'
    '<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
    'styles" Target="styles.xml"/></Relationships>')
# cellXfs: 0 general, 1 text (@), 2 bold text (headings), 3 text with the quote prefix (formula-like text).
STYLES = (
    _XML + f'<styleSheet xmlns="{_MAIN}">'
    '<fonts count="2"><font><sz val="11"/><name val="等线"/><family val="2"/><charset val="134"/></font>'
    '<font><b/><sz val="11"/><name val="等线"/><family val="2"/><charset val="134"/></font></fonts>'
    '<fills count="2"><fill><patternFill patternType="none"/></fill>'
    '<fill><patternFill patternType="gray125"/></fill></fills>'
    '<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>'
    '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>'
    '<cellXfs count="4">'
    '<xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>'
    '<xf numFmtId="49" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>'
    '<xf numFmtId="49" fontId="1" fillId="0" borderId="0" xfId="0" applyNumberFormat="1" applyFont="1"/>'
    '<xf numFmtId="49" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1" quotePrefix="1"/>'
    '</cellXfs><cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles>'
    "</styleSheet>")
SHEET_START = (
    _XML + f'<worksheet xmlns="{_MAIN}" xmlns:r="{_REL}">'
    '<sheetViews><sheetView workbookViewId="0">{pane}</sheetView></sheetViews>'
    '<sheetFormatPr defaultRowHeight="15"/>{cols}<sheetData>')
SHEET_END = "</sheetData></worksheet>"
