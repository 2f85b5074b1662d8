"""A large .xlsx read in parts, so checking the first rows overlaps reading the next ones.

python-calamine reads a worksheet whole: for a province-sized file (100,000 rows, ~360 MB of sheet XML) that is
several seconds before the first row can be checked, and the whole sheet held in memory at once. An .xlsx is a
zip whose worksheet is one XML document of <row> elements, so the worksheet can be cut at row boundaries into
small workbooks (same workbook, styles and shared strings, one slice of the rows each) that calamine reads one
after another in a helper thread. calamine lets go of Python's GIL while it parses, so the importing thread
checks part n while part n + 1 is read; at most PARTS_AHEAD parts wait in memory.

A small sheet, a binary workbook or a layout this cutter does not recognise is read whole as before: parts are
only an optimisation, and tests/intake/test_xlsx_parts.py compares the two readings (rows without row numbers,
shared strings, sheets that start below row 1 or right of column A included).
"""

from __future__ import annotations

import io
import posixpath
import queue
import re
import threading
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from xml.etree import ElementTree

from python_calamine import CalamineWorkbook

from . import limits as bounds

# Sheets smaller than this (uncompressed XML) are read whole: every school's ordinary file is.
SPLIT_FROM_BYTES = 32 << 20
# Uncompressed sheet XML per part (~9,000 rows of the national template with real-length addresses).
PART_BYTES = 16 << 20
FIRST_PART_BYTES = 4 << 20
PARTS_AHEAD = 1
# A sheet's head (up to <sheetData>) and one row longer than these are not a spreadsheet's (limits.py).
HEAD_BYTES = 16 << 20
ROW_BYTES = 64 << 20
_READ_BYTES = 8 << 20

_SHEET_DATA = re.compile(rb"<(?:(\w+):)?sheetData\s*(/?)>")
_DIMENSION = re.compile(rb"<(?:\w+:)?dimension\b[^>]*/>")
_DIMENSION_REF = re.compile(rb"<(?:\w+:)?dimension\b[^>]*\bref=\"[A-Z]+\d+:[A-Z]+(\d+)\"")
_ROW_OPEN = re.compile(rb"<(?:\w+:)?row\b([^>]*)>")
_ROW_START = re.compile(rb"<(?:\w+:)?row[\s>]")
_ROW_NUMBER = re.compile(rb'\br="(\d+)"')


@dataclass
class Plan:
    """Where the admission sheet lies in the zip, and what every part carries besides its rows."""

    member: str
    others: dict[str, bytes]  # every other member, uncompressed
    size: int  # the sheet's uncompressed XML size


def plan(path: str, sheet_name: str, limits: bounds.Limits | None = None) -> Plan | None:
    """How to cut the file, or None when it should be read whole. Every other member goes into every part, so
    together they may not exceed one member's limit (limits.py)."""
    limits = limits or bounds.current()
    try:
        with zipfile.ZipFile(path) as archive:
            member = _sheet_member(archive, sheet_name)
            if member is None:
                return None
            size = archive.getinfo(member).file_size
            if size < SPLIT_FROM_BYTES:
                return None
            carried = sum(i.file_size for i in archive.infolist() if i.filename != member)
            if carried > limits.member_bytes:
                raise bounds.LimitError("unzipped_too_large", f"除学生信息表外,文件其余部分解压后超过"
                                        f"{limits.member_bytes >> 20}MB(其他工作表、图片等),超出导入上限;"
                                        "请只保留学生信息表后另存,再重新上传")
            others = {info.filename: archive.read(info) for info in archive.infolist()
                      if info.filename != member and not info.is_dir()}
    except (zipfile.BadZipFile, KeyError, OSError, ElementTree.ParseError, ValueError):
        return None
    return Plan(member, others, size)


def _sheet_member(archive: zipfile.ZipFile, sheet_name: str) -> str | None:
    """The zip member holding the named worksheet (workbook.xml names it, its relationships place it)."""
    names = set(archive.namelist())
    if "xl/workbook.xml" not in names or "xl/_rels/workbook.xml.rels" not in names:
        return None
    workbook = ElementTree.fromstring(archive.read("xl/workbook.xml"))
    rel_id = None
    for sheet in workbook.iterfind(".//{*}sheet"):
        if sheet.get("name") == sheet_name:
            rel_id = next((v for k, v in sheet.attrib.items() if k.endswith("}id")), None)
    if rel_id is None:
        return None
    rels = ElementTree.fromstring(archive.read("xl/_rels/workbook.xml.rels"))
    for rel in rels.iterfind(".//{*}Relationship"):
        if rel.get("Id") == rel_id:
            target = rel.get("Target", "")
            member = target.lstrip("/") if target.startswith("/") else posixpath.normpath(f"xl/{target}")
            return member if member in names else None
    return None


def height_hint(head: bytes) -> int | None:
    found = _DIMENSION_REF.search(head)
    return int(found.group(1)) if found else None


class PartReader:
    """Yields, in order, (first row number (1-based), first column (0-based), rows) for each part of the sheet;
    `rows` iterates the part's rows as calamine gives them. The parts are read in a helper thread."""

    def __init__(self, path: str, sheet_name: str, found: Plan, limits: bounds.Limits | None = None):
        self.path, self.sheet_name, self.plan = path, sheet_name, found
        self.limits = limits or bounds.current()
        # Each part's rows are scanned before calamine reads them: it would build a grid from the part's first to
        # its last row and column, whatever lies between.
        self.scan = bounds.SheetScan(self.limits)
        self.height: int | None = None  # the last row's number, from <dimension> or estimated
        self._consumed = 0
        self._queue: queue.Queue = queue.Queue(maxsize=PARTS_AHEAD)
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._produce, name="xlsx-parts", daemon=True)

    def start(self) -> PartReader:
        self._thread.start()
        first = self._queue.get()  # the first part (or the error that stopped the reading)
        if isinstance(first, BaseException):
            raise first
        self._first = first
        start = first[0] if first is not None else (0, 0)
        self.first_row, self.first_column = start[0] + 1, start[1]
        return self

    def parts(self) -> Iterator[tuple[int, int, Iterator[list]]]:
        item = self._first
        try:
            while item is not None:
                if isinstance(item, BaseException):
                    raise item
                start, sheet = item
                # skip_empty_area: the part's rows from its first row and column (iter_rows would start every
                # part at row 1 of the sheet, with thousands of empty rows before the part's own).
                yield start[0] + 1, start[1], iter(sheet.to_python(skip_empty_area=True))
                item = self._queue.get()
        finally:
            self.close()

    def close(self) -> None:
        self._stop.set()
        while self._thread.is_alive():
            try:  # let a producer blocked on a full queue see the stop
                self._queue.get_nowait()
            except queue.Empty:
                self._thread.join(timeout=0.05)

    # ------------------------------------------------------------------------------ the helper thread

    def _produce(self) -> None:
        try:
            for body in self._slices():
                if self._stop.is_set():
                    return
                workbook = CalamineWorkbook.from_filelike(body)
                sheet = workbook.get_sheet_by_name(self.sheet_name)
                if self.height is None and sheet.end:
                    # No <dimension> to say how many rows (openpyxl's write-only mode leaves it out): estimate
                    # from the first part's rows per byte, for the progress bar only.
                    self.height = round((sheet.end[0] + 1) * self.plan.size / max(self._consumed, 1))
                if sheet.height:
                    self._put((sheet.start or (0, 0), sheet))
            self._put(None)
        except BaseException as exc:  # noqa: BLE001 - handed to the importing thread, which raises it
            self._put(exc)

    def _put(self, item) -> None:
        while not self._stop.is_set():
            try:
                self._queue.put(item, timeout=0.1)
                return
            except queue.Full:
                continue

    def _slices(self) -> Iterator[io.BytesIO]:
        """Each part as a small workbook: the sheet's head (up to <sheetData>), a run of whole rows, the close.
        The rows are written from the read buffer as they lie (a 360 MB sheet is not copied five times)."""
        with zipfile.ZipFile(self.path) as archive, archive.open(self.plan.member) as stream:
            buffer = bytearray(stream.read(_READ_BYTES))
            while (found := _SHEET_DATA.search(buffer)) is None:
                chunk = stream.read(_READ_BYTES)
                if not chunk or len(buffer) > HEAD_BYTES:
                    raise ValueError("worksheet without sheetData")
                buffer += chunk
            if found.group(2):  # <sheetData/>: no rows at all
                return
            prefix = found.group(1) + b":" if found.group(1) else b""
            head = _DIMENSION.sub(b"", bytes(buffer[:found.end()]))
            self.height = height_hint(bytes(buffer[:found.end()]))
            close = b"</" + prefix + b"sheetData></" + prefix + b"worksheet>"
            row_end = b"</" + prefix + b"row>"
            self._consumed = found.end()  # bytes of the sheet's XML in the parts so far
            del buffer[:found.end()]
            next_row = 1  # what calamine calls the next row when the file leaves its number out
            limit = FIRST_PART_BYTES  # a small first part: nothing can be checked before it is read
            while True:
                chunk = stream.read(_READ_BYTES)
                buffer += chunk
                if chunk and len(buffer) < limit:
                    continue
                # Within the limit while the file goes on; at its end, everything that is left.
                cut = buffer.rfind(row_end, 0, limit) if chunk else -1
                if cut < 0:
                    cut = buffer.rfind(row_end)
                if cut < 0 and len(buffer) > ROW_BYTES:
                    raise bounds.cell_too_long(self.limits, f"工作表中有一行(超过{ROW_BYTES >> 20}MB)")
                if cut >= 0:
                    cut += len(row_end)
                    self.scan.feed(bytes(buffer[:cut]))
                    numbered, next_row = _numbered(buffer, cut, next_row)
                    if numbered is not None:
                        part = self._workbook(head, numbered, close)
                    else:
                        with memoryview(buffer) as whole, whole[:cut] as rows:
                            part = self._workbook(head, rows, close)
                    del buffer[:cut]
                    self._consumed += cut
                    limit = PART_BYTES
                    yield part
                if not chunk:
                    return  # what is left is </sheetData> and the sheet's tail, which parts need not carry

    def _workbook(self, head: bytes, rows, close: bytes) -> io.BytesIO:
        # Stored, not deflated: the part lives a moment in memory, compressing it would only cost time.
        out = io.BytesIO()
        with zipfile.ZipFile(out, "w", zipfile.ZIP_STORED) as archive:
            for name, body in self.plan.others.items():
                archive.writestr(name, body)
            with archive.open(self.plan.member, "w") as sheet:
                sheet.write(head)
                sheet.write(rows)
                sheet.write(close)
        out.seek(0)
        return out


def _numbered(buffer: bytearray, cut: int, next_row: int) -> tuple[bytes | None, int]:
    """The part's rows buffer[:cut] and the number of the row after them. The rows come back as None when they
    can be written as they lie; when the file leaves row numbers out, they come back as bytes with the first
    row's number written in (calamine would otherwise number every part from 1)."""
    first = _ROW_OPEN.search(buffer, 0, cut)
    if first is None:
        return None, next_row
    if _ROW_NUMBER.search(first.group(1)) is None:
        opening = buffer[first.start():first.end()]
        numbered = bytes(opening.replace(b"row", b'row r="%d"' % next_row, 1))
        rows = bytes(buffer[:first.start()]) + numbered + bytes(buffer[first.end():cut])
        return rows, next_row + len(_ROW_START.findall(rows))
    # "<" cannot stand in cell text (XML escapes it), so the last "<row" (or "<x:row") opens the last row.
    tag = buffer[first.start():first.end()]
    opening = bytes(tag[:tag.index(b"row") + 3])
    last = _ROW_OPEN.match(buffer, buffer.rfind(opening, 0, cut), cut)
    given = _ROW_NUMBER.search(last.group(1)) if last is not None else None
    return None, int(given.group(1)) + 1 if given else next_row
