"""Reading an admission spreadsheet: .xlsx and .xls through python-calamine, .csv in UTF-8 (with or without BOM)
or GB18030, as Chinese spreadsheet programs save it.

The result is the header (Chinese item names of the national template) and the data rows, each with the row
number the registrar sees in his spreadsheet program, padded to the header's width. Header problems (unknown,
missing or repeated columns) are reported all at once, before any row is read.
"""

from __future__ import annotations

import codecs
import csv
import io
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from python_calamine import CalamineError, CalamineWorkbook, SheetVisibleEnum

from xueji.policy.fields import FAMILY_FIELDS, STUDENT_FIELDS, family_column, parse_family_column
from xueji.policy.values import is_blank
from xueji.policy.violations import Violation

from . import limits as bounds
from . import xlsx_parts
from .limits import LimitError, SheetError  # noqa: F401 - SheetError is where callers have always found it

# An optional column beside the 72 items: the 学籍号 of a student continuing from an earlier stage (第四条).
NUMBER_COLUMN = "学籍号"
ZIP_MAGIC = b"PK\x03\x04"
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
EXTENSIONS = {".xlsx": "xlsx", ".xlsm": "xlsx", ".xls": "xls", ".csv": "csv"}
# The header is the first row naming 姓名 within the first few rows (a title line above it is common).
HEADER_SEARCH_ROWS = 5
# Columns the registry fills itself or that a file need not carry (photos come as a zip; classes come later).
OPTIONAL_LABELS = {"照片", "班级"}


@dataclass
class Sheet:
    header: list[str]
    header_row: int  # spreadsheet row number of the header (1-based)
    rows: Iterator[tuple[int, list]]  # (row number, cells padded to the header's width)
    size_hint: int | None = None  # data rows, when the format knows it before reading them
    warnings: list[str] = field(default_factory=list)


def detect_format(name: str, head: bytes) -> str:
    """xlsx, xls or csv, from the file's first bytes first and its name second (a renamed file still reads)."""
    if head.startswith(ZIP_MAGIC):
        return "xlsx"
    if head.startswith(OLE_MAGIC):
        return "xls"
    suffix = Path(name or "").suffix.lower()
    if suffix in (".xlsx", ".xlsm", ".xls"):
        raise SheetError([Violation("file_unreadable", f"文件“{name}”不是有效的Excel文件,请用表格软件另存为.xlsx后重新上传")])
    if suffix not in ("", ".csv", ".txt"):
        raise SheetError([Violation("file_type", f"不支持的文件类型“{suffix}”,请上传.xlsx、.xls或.csv文件")])
    return "csv"


def open_sheet(path: str | Path, file_format: str, limits: bounds.Limits | None = None) -> Sheet:
    """The admission sheet of the file, its header checked; a file beyond the import limits (limits.py) is
    refused with a LimitError before it is read, or as soon as its rows show it."""
    limits = limits or bounds.current()
    if file_format == "csv":
        return _csv_sheet(Path(path), limits)
    return _calamine_sheet(Path(path), limits)


# ---------------------------------------------------------------- header


def expected_labels() -> set[str]:
    student = {f.label for f in STUDENT_FIELDS}
    family = {family_column(n, f) for n in (1, 2) for f in FAMILY_FIELDS}
    return student | family | {NUMBER_COLUMN}


def required_labels() -> list[str]:
    """Columns a file must have: the required items, 身份证件号, and the first family member's required items."""
    labels = [f.label for f in STUDENT_FIELDS if (f.required or f.name == "id_number")]
    labels += [family_column(1, f) for f in FAMILY_FIELDS if f.required]
    return [label for label in labels if label not in OPTIONAL_LABELS]


def check_header(header: list[str], header_row: int) -> list[Violation]:
    """Every problem of the header at once: unknown columns, repeated columns, missing required columns."""
    found = []
    known = expected_labels()
    unknown = [h for h in header if h and h not in known and parse_family_column(h) is None]
    if unknown:
        found.append(Violation(
            "unknown_columns",
            f"第{header_row}行(表头)有无法识别的列:{'、'.join(unknown)}。"
            "列名须与《学生基本信息表》导入模板一致,请下载模板核对列名",
            field="header"))
    seen, repeated = set(), []
    for h in header:
        if h and h in seen and h not in repeated:
            repeated.append(h)
        seen.add(h)
    if repeated:
        found.append(Violation("repeated_columns", f"表头中这些列出现了不止一次:{'、'.join(repeated)},请只保留一列",
                               field="header"))
    missing = [label for label in required_labels() if label not in seen]
    if missing:
        found.append(Violation("missing_columns", f"缺少必填列:{'、'.join(missing)},请下载导入模板补齐这些列",
                               field="header"))
    return found


def _header_text(cell) -> str:
    if isinstance(cell, float) and cell.is_integer():
        cell = int(cell)
    return "".join(str(cell if cell is not None else "").split())


def _split_header(rows: Iterator[list], first_row_number: int) -> tuple[list[str], int]:
    """(header, its row number), skipping a title line or blank lines above it."""
    for offset in range(HEADER_SEARCH_ROWS):
        cells = next(rows, None)
        if cells is None:
            break
        header = [_header_text(c) for c in cells]
        if "姓名" in header:
            while header and not header[-1]:
                header.pop()
            return header, first_row_number + offset
    raise SheetError([Violation(
        "header_not_found",
        f"文件前{HEADER_SEARCH_ROWS}行中没有找到含“姓名”的表头行,请使用《学生基本信息表》导入模板,"
        "第一行为列名", field="header")])


def _data_rows(rows: Iterator[list], first_row_number: int, header: list[str],
               limits: bounds.Limits) -> Iterator[tuple[int, list]]:
    # Wholly blank rows (left-over formatting at the bottom of a sheet) are not data and are not counted.
    number, width, data_rows = first_row_number, len(header), 0
    for cells in rows:
        if len(cells) < width:
            cells = list(cells) + [None] * (width - len(cells))
        elif len(cells) > width:
            cells = cells[:width]
        if not all(c is None or c == "" or is_blank(c) for c in cells):
            data_rows += 1
            if data_rows > limits.rows:
                raise bounds.too_many_rows(limits, number)
            _check_cells(cells, number, header, limits)
            yield number, cells
        number += 1


def _check_cells(cells: list, number: int, header: list[str], limits: bounds.Limits) -> None:
    for column, cell in enumerate(cells):
        if isinstance(cell, str) and len(cell) > limits.cell_chars:
            raise bounds.cell_too_long(limits, f"第{number}行“{header[column] or f'第{column + 1}列'}”", len(cell))


def _build(rows: Iterator[list], first_row_number: int, size: int | None, limits: bounds.Limits) -> Sheet:
    header, header_row = _split_header(rows, first_row_number)
    if len(header) > limits.columns:
        raise bounds.too_many_columns(limits, header_row, len(header))
    problems = check_header(header, header_row)
    if problems:
        raise SheetError(problems)
    hint = None if size is None else max(0, size - (header_row - first_row_number) - 1)
    return Sheet(header, header_row, _data_rows(rows, header_row + 1, header, limits), hint)


# ---------------------------------------------------------------- xlsx and xls


def _calamine_sheet(path: Path, limits: bounds.Limits) -> Sheet:
    # Nothing reaches calamine before the file is known to stay within the limits: an .xls's cells, an .xlsx's
    # members and worksheets (a large admission sheet is checked part by part as it is cut, xlsx_parts.py).
    zipped = zipfile.is_zipfile(path)
    if zipped:
        checked = bounds.check_contents(str(path), limits, skip_sheets_from=xlsx_parts.SPLIT_FROM_BYTES)
    else:
        bounds.check_xls(str(path), limits)
    try:
        workbook = CalamineWorkbook.from_path(str(path))
        name = _admission_sheet_name(workbook)
        cut = xlsx_parts.plan(str(path), name, limits) if zipped else None
        if cut is not None:
            return _parted_sheet(xlsx_parts.PartReader(str(path), name, cut, limits).start(), limits)
        if zipped:
            # Read whole after all (a layout the cutter does not know): every worksheet left unchecked is now.
            bounds.check_contents(str(path), limits, only=_members(path) - checked)
        sheet = workbook.get_sheet_by_name(name)
    except (CalamineError, OSError, ValueError) as exc:
        raise _unreadable(exc) from exc
    # iter_rows gives the sheet from its first row, blank rows above the data included (python-calamine 0.9;
    # tests/intake/test_sheets.py holds it to that), so the stream's first row is row 1.
    return _build(iter(sheet.iter_rows()), 1, sheet.end[0] + 1 if sheet.end else 0, limits)


def _members(path: Path) -> set[str]:
    with zipfile.ZipFile(path) as archive:
        return set(archive.namelist())


def _parted_sheet(reader: xlsx_parts.PartReader, limits: bounds.Limits) -> Sheet:
    """A large .xlsx read part by part (xlsx_parts.py): its rows as one stream, every row at its column."""
    size = reader.height - reader.first_row + 1 if reader.height else None
    return _build(_joined_rows(reader), reader.first_row, size, limits)


def _joined_rows(reader: xlsx_parts.PartReader) -> Iterator[list]:
    # Each part's range starts at its own first row and column; blank rows between parts are given back as
    # empty rows so the row numbers stay the spreadsheet's, and cells are shifted to their absolute column.
    expected = reader.first_row
    parts = reader.parts()
    while True:
        try:
            first_row, first_column, rows = next(parts)
        except StopIteration:
            return
        except (CalamineError, OSError, ValueError, zipfile.BadZipFile) as exc:
            # A part further down the file cannot be read: the same answer as a file unreadable from the start.
            raise _unreadable(exc) from exc
        for _ in range(first_row - expected):
            yield []
        expected = first_row
        padding = [None] * first_column
        for cells in rows:
            yield padding + cells if first_column else cells
            expected += 1


def _unreadable(exc: Exception) -> SheetError:
    return SheetError([Violation("file_unreadable", f"无法读取该文件({type(exc).__name__}),文件可能已损坏或被加密,"
                                                    "请用表格软件打开后另存为.xlsx再上传")])


def _admission_sheet_name(workbook: CalamineWorkbook) -> str:
    # The template's second sheet holds the code tables; a file may also put the students on a later sheet.
    names = [m.name for m in workbook.sheets_metadata if m.visible == SheetVisibleEnum.Visible] or workbook.sheet_names
    for name in names:
        if "代码" not in name and "说明" not in name:
            return name
    return names[0]


# ---------------------------------------------------------------- csv


def csv_encoding(path: Path) -> str:
    """utf-8-sig when the file starts with a BOM, utf-8 when every byte decodes as UTF-8, else gb18030
    (what WPS and Excel write for "CSV" on a Chinese Windows)."""
    with path.open("rb") as fh:
        if fh.read(3) == codecs.BOM_UTF8:
            return "utf-8-sig"
        fh.seek(0)
        decoder = codecs.getincrementaldecoder("utf-8")()
        try:
            while chunk := fh.read(1 << 20):
                decoder.decode(chunk)
            decoder.decode(b"", final=True)
        except UnicodeDecodeError:
            return "gb18030"
    return "utf-8"


def _csv_sheet(path: Path, limits: bounds.Limits) -> Sheet:
    encoding = csv_encoding(path)
    try:
        handle = path.open("r", encoding=encoding, newline="")
        sample = handle.read(8192)
        handle.seek(0)
    except (UnicodeDecodeError, OSError) as exc:
        raise SheetError([Violation("file_unreadable", "无法识别该CSV文件的文字编码,请另存为UTF-8或GB18030编码的CSV")]) from exc
    delimiter = _delimiter(sample)
    lines = _closing_lines(handle, limits.columns * limits.cell_chars)
    return _build(_csv_rows(csv.reader(lines, delimiter=delimiter)), 1, None, limits)


def _csv_rows(reader) -> Iterator[list[str]]:
    """The reader's rows; a field over csv's own limit (131,072 characters) or a malformed line is the file's
    fault, named by its line, not a server error."""
    while True:
        try:
            row = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            if "field larger than field limit" in str(exc):
                raise LimitError("cell_too_long", f"CSV文件第{reader.line_num}行有一个字段超过{csv.field_size_limit()}"
                                                  "个字符,超过单元格上限;请检查该行(可能缺少配对的引号,"
                                                  "或误粘贴了大段文字)后重新上传") from exc
            raise LimitError("csv_unreadable", f"CSV文件第{reader.line_num}行无法解析({exc});"
                                               "请用表格软件打开后另存为CSV或.xlsx再上传") from exc
        yield row


def _closing_lines(handle: io.TextIOBase, longest: int) -> Iterator[str]:
    # The generator closes the file when the rows are exhausted or the reader is dropped. A line is read at most
    # `longest` characters at a time: a file without line breaks is not taken into memory whole.
    with handle:
        number = 0
        while line := handle.readline(longest + 1):
            number += 1
            if len(line) > longest:
                raise LimitError("csv_line_too_long", f"CSV文件第{number}行超过{longest}个字符,可能缺少换行"
                                                      "或引号不成对;请检查后重新上传")
            yield line


def _delimiter(sample: str) -> str:
    first = sample.splitlines()[0] if sample else ""
    counts = {d: first.count(d) for d in (",", "\t", ";")}
    return max(counts, key=counts.get) if any(counts.values()) else ","
