"""What one uploaded spreadsheet may make the server do (issue 10: upload bombs).

A 1 MB .xlsx can hold a 1 GB cell, a 1 GB extra zip member, millions of rows, or two cells a million rows and
sixteen thousand columns apart, which python-calamine turns into one dense grid of every cell in between (it
aborts the process, or takes gigabytes). Nothing here trusts the file: before calamine opens it,
  - the zip's central directory is checked (members, compression method, each member's and the total
    uncompressed size, the compression ratio), then every member is inflated here with the output counted, since
    the directory can lie about sizes;
  - the worksheet XML is scanned for the row and column every cell would land on and for over-long cell text;
  - an .xls (BIFF) file's cell records are scanned for the same bounds;
and the rows, columns and cell lengths of every format, and the time a check may take, are counted as the rows
stream (sheets.py, services.py). Every refusal is a LimitError: a SheetError whose Chinese message names the limit
and the fix, so the batch ends failed with that message and the API answers 422.

The limits are settings (XUEJI_IMPORT_MAX_*, README "Upload limits"); the defaults keep one import of a hostile
file under 1 GB of memory (benchmarks/hostile_uploads.py measures it).
"""

from __future__ import annotations

import array
import re
import struct
import zipfile
import zlib
from collections.abc import Iterator
from dataclasses import dataclass, fields

from xueji.policy.violations import Violation


class SheetError(Exception):
    """The file cannot be read as an admission spreadsheet; `violations` say why and what to do."""

    def __init__(self, violations: list[Violation]):
        super().__init__(";".join(v.message for v in violations))
        self.violations = violations


class LimitError(SheetError):
    """The file is beyond what one import may make the server do; refused before the work is done."""

    def __init__(self, code: str, message: str):
        super().__init__([Violation(code, message, field="file")])


# The refusals of this module: the API answers them 422 (services.raise_if_refused).
CODES = frozenset({"zip_members", "zip_method", "unzipped_too_large", "zip_ratio", "zip_size_mismatch",
                   "too_many_rows", "too_many_columns", "cell_too_long", "xls_too_large", "import_too_slow",
                   "csv_line_too_long", "csv_unreadable", "xls_unreadable"})


@dataclass(frozen=True)
class Limits:
    rows: int = 100_000  # data rows of one file
    columns: int = 128  # the template has 73
    cell_chars: int = 32_767  # Excel's own cell limit
    sheet_bytes: int = 512 << 20  # one worksheet's XML, uncompressed (~140,000 template rows)
    member_bytes: int = 64 << 20  # any other zip member, uncompressed (shared strings, styles, pictures)
    unzipped_bytes: int = 640 << 20  # every member together
    ratio: int = 100  # uncompressed / compressed, for members above RATIO_FROM_BYTES
    members: int = 1000
    xls_bytes: int = 32 << 20  # an .xls is read whole
    request_seconds: int = 90  # a check or commit run within a web request (gunicorn's timeout is 120 s)
    background_seconds: int = 1800  # one run in a background thread


def current() -> Limits:
    """The limits in force: XUEJI_IMPORT_MAX_ROWS, …_COLUMNS, …_CELL_CHARS and so on, else the defaults."""
    from django.conf import settings

    values = {f.name: int(getattr(settings, f"XUEJI_IMPORT_MAX_{f.name.upper()}", f.default)) for f in fields(Limits)}
    values["columns"] = min(values["columns"], 702)  # two column letters at most (near_columns)
    return Limits(**values)


RATIO_FROM_BYTES = 1 << 20
_INFLATE_OUT = 1 << 20
_SCAN_BLOCK = 4 << 20
_MB = 1 << 20


def _mb(n: int) -> str:
    return f"{max(1, round(n / _MB))}MB"


def too_many_rows(limits: Limits, row: int) -> LimitError:
    return LimitError("too_many_rows", f"文件的数据超过{limits.rows}行(已读到第{row}行),超出单个文件的导入上限;"
                                       f"请把学生分成几个文件上传,每个不超过{limits.rows}行;"
                                       "如表格下方有大量带格式的空白行,请删除这些行后重新上传")


def too_many_columns(limits: Limits, row: int | None, column: int) -> LimitError:
    where = f"第{row}行" if row else "表格"
    return LimitError("too_many_columns", f"{where}有第{column}列的内容,超过{limits.columns}列的上限"
                                          "(导入模板共73列);请删除模板以外的列后重新上传")


def cell_too_long(limits: Limits, where: str, length: int | None = None) -> LimitError:
    size = f"有{length}个字符," if length else ""
    return LimitError("cell_too_long", f"{where}的内容{size}超过单元格上限{limits.cell_chars}个字符;"
                                       "请检查该单元格(可能误粘贴了大段文字)后重新上传")


def too_slow(seconds: int, *, in_request: bool) -> LimitError:
    hint = "请在“批量导入”页面上传(后台处理),或把学生分成几个文件上传" if in_request else "请把学生分成几个文件上传"
    return LimitError("import_too_slow", f"处理超过{seconds}秒仍未完成,已停止,未写入任何数据;{hint}")


# ------------------------------------------------------------------------------------------ the zip directory


def _resave(reason: str) -> str:
    return f"{reason};请用Excel或WPS打开后另存为.xlsx(不设密码)再上传"


def check_directory(path: str, limits: Limits) -> list[zipfile.ZipInfo]:
    """The members as the central directory lists them, refused on what the directory alone shows. Reads no
    member: this is what an upload is checked against before it is accepted."""
    try:
        with zipfile.ZipFile(path) as archive:
            members = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError):
        return []  # not a readable zip: calamine says so (file_unreadable)
    if len(members) > limits.members:
        raise LimitError("zip_members", _resave(f"文件内含{len(members)}个部件,超过上限{limits.members}个,"
                                                "不是正常的Excel文件"))
    total = 0
    for info in members:
        if info.flag_bits & 0x1 or info.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
            raise LimitError("zip_method", _resave(f"文件中“{info.filename[:60]}”已加密或使用了不支持的压缩方式"))
        _check_size(info.filename, info.file_size, limits)
        if info.file_size >= RATIO_FROM_BYTES and info.file_size > limits.ratio * max(info.compress_size, 1):
            raise LimitError("zip_ratio", f"文件中“{info.filename[:60]}”解压后是压缩前的"
                                          f"{info.file_size // max(info.compress_size, 1)}倍,超过{limits.ratio}倍的上限,"
                                          "疑似压缩炸弹或含大量空白格式;请把学生数据复制到导入模板中保存后重新上传")
        total += info.file_size
        _check_total(total, limits)
    return members


def is_worksheet(name: str) -> bool:
    return name.startswith("xl/worksheets/") and name.endswith(".xml")


def _check_size(name: str, size: int, limits: Limits) -> None:
    cap = limits.sheet_bytes if is_worksheet(name) else limits.member_bytes
    if size > cap:
        what = "工作表" if is_worksheet(name) else "部件"
        raise LimitError("unzipped_too_large", f"文件中的{what}“{name[:60]}”解压后超过{_mb(cap)},超出导入上限;"
                                               "请删除多余的工作表、图片和空白格式,或把学生分成几个文件上传")


def _check_total(total: int, limits: Limits) -> None:
    if total > limits.unzipped_bytes:
        raise LimitError("unzipped_too_large", f"文件解压后超过{_mb(limits.unzipped_bytes)},超出导入上限;"
                                               "请删除多余的工作表和图片,或把学生分成几个文件上传")


# ------------------------------------------------------------------------------------------ the zip's contents


def check_contents(path: str, limits: Limits, *, skip_sheets_from: int | None = None,
                   only: set[str] | None = None) -> set[str]:
    """Inflate every member (or those named in `only`) and count what comes out, whatever the directory says;
    scan the worksheets' XML for the cells' extent and every XML member for over-long text. Worksheets declared
    at least `skip_sheets_from` bytes are left to the part reader (xlsx_parts.py scans each part). Gives the
    members checked."""
    members = check_directory(path, limits)
    checked: set[str] = set()
    total = 0
    with open(path, "rb") as raw:
        for info in members:
            if info.is_dir() or (only is not None and info.filename not in only):
                continue
            sheet = is_worksheet(info.filename)
            if sheet and skip_sheets_from is not None and info.file_size >= skip_sheets_from:
                total += info.file_size  # within the directory's caps; the part reader counts it again
                continue
            scan = SheetScan(limits) if sheet else TextScan(limits, info.filename)
            size = 0
            for block in _tag_aligned(_inflate(raw, info)):
                size += len(block)
                if size > info.file_size:
                    raise LimitError("zip_size_mismatch", _resave(f"文件中“{info.filename[:60]}”解压后的大小与文件"
                                                                  "目录记载不符,文件已损坏或被篡改"))
                _check_size(info.filename, size, limits)
                _check_total(total + size, limits)
                if info.filename.endswith((".xml", ".rels")):
                    scan.feed(block)
            total += size
            checked.add(info.filename)
    return checked


def _inflate(raw, info: zipfile.ZipInfo) -> Iterator[bytes]:
    """The member's bytes as stored at its local header, inflated here in bounded pieces (Python's zipfile would
    stop at the size the directory gives, which is exactly what must not be trusted)."""
    raw.seek(info.header_offset)
    local = raw.read(30)
    if len(local) < 30 or local[:4] != b"PK\x03\x04":
        raise LimitError("zip_size_mismatch", _resave("文件结构已损坏"))
    name_length, extra_length = struct.unpack("<HH", local[26:30])
    raw.seek(info.header_offset + 30 + name_length + extra_length)
    left = info.compress_size
    inflater = zlib.decompressobj(-15) if info.compress_type == zipfile.ZIP_DEFLATED else None
    while left > 0:
        data = raw.read(min(left, 1 << 16))
        if not data:
            return
        left -= len(data)
        if inflater is None:
            yield data
            continue
        while data:
            try:
                out = inflater.decompress(data, _INFLATE_OUT)
            except zlib.error as exc:
                raise LimitError("zip_size_mismatch", _resave("文件中的压缩数据已损坏")) from exc
            if out:
                yield out
            data = inflater.unconsumed_tail
            if inflater.eof:
                return


def _tag_aligned(pieces: Iterator[bytes]) -> Iterator[bytes]:
    """Blocks of about _SCAN_BLOCK bytes, each ending just after a '>' (so no tag is cut in two), the last one
    with whatever is left."""
    buffer = bytearray()
    for piece in pieces:
        buffer += piece
        if len(buffer) < _SCAN_BLOCK:
            continue
        cut = buffer.rfind(b">") + 1
        if cut <= 0:
            cut = len(buffer)  # no tag at all: text, which TextScan measures across blocks
        yield bytes(buffer[:cut])
        del buffer[:cut]
    if buffer:
        yield bytes(buffer)


class TextScan:
    """Refuses a run of text without markup longer than a cell may be: a cell's text in a worksheet or in the
    shared strings lies between a '>' and the next '<'."""

    def __init__(self, limits: Limits, name: str = ""):
        # UTF-8 takes up to 3 bytes a character and XML escapes up to 6 ("&quot;"): a generous byte bound.
        self.limit = limits.cell_chars * 6
        self.half = self.limit // 2
        self.gap = 0  # bytes since the last '<', carried from the previous block
        self.limits = limits

    def feed(self, block: bytes) -> None:
        first = block.find(b"<")
        if first < 0:
            self.gap += len(block)
            self._check(self.gap)
            return
        self._check(self.gap + first)
        last = block.rfind(b"<")
        # Any run of `limit` bytes without '<' covers a whole aligned window of `half` bytes: one find a window.
        for start in range(first + 1, last - self.half, self.half):
            if block.find(b"<", start, start + self.half) < 0:
                self._check(self.limit + 1)
        self.gap = len(block) - last - 1
        self._check(self.gap)

    def _check(self, run: int) -> None:
        if run > self.limit:
            raise cell_too_long(self.limits, "文件中有一个单元格")


def column_name(number: int) -> str:
    name = ""
    while number:
        number, rest = divmod(number - 1, 26)
        name = chr(65 + rest) + name
    return name


def column_number(letters: bytes) -> int:
    number = 0
    for letter in letters.upper():
        number = number * 26 + letter - 64
    return number


def near_columns(limit: int) -> bytes:
    """A regex alternative matching the letters of every column up to `limit` (at most ZZ, 702)."""
    name = column_name(limit)
    if len(name) == 1:
        return f"[A-{name}]".encode()
    options = ["[A-Z]"]
    if name[0] != "A":
        options.append(f"[A-{chr(ord(name[0]) - 1)}][A-Z]")
    options.append(f"{name[0]}[A-{name[1]}]")
    return "|".join(options).encode()


class SheetScan(TextScan):
    """Where every cell of a worksheet would land, checked against the row and column limits before calamine
    builds its grid (from the first to the last row and column of any cell, every cell in between).

    Spreadsheet programs write every row as <row r="N" and every cell as <c r="A1" (Excel, WPS, LibreOffice,
    openpyxl): for such a block two searches prove there is no other cell tag (nor a prefixed one) and no cell
    beyond the bounds, at about the cost of inflating it. Any other block (prefixed tags, attributes in another order or quoting, rows or cells
    without a reference, which calamine numbers one after the other) is read tag by tag."""

    def __init__(self, limits: Limits, name: str = ""):
        super().__init__(limits, name)
        self.max_row = limits.rows + 1000  # the header, a title, blank rows between
        digits = len(str(self.max_row))
        # A cell tag other than <c r="A1" with a column and a row number within the bounds (fewer digits than
        # the last row allowed: the few rows near it are read tag by tag).
        self.odd = re.compile(rb'<c(?=[\s/>])(?! r="(?:' + near_columns(limits.columns) + rb')[1-9]\d{0,%d}")'
                              % max(0, digits - 2))
        self.row = 0  # the current row's number, for rows and cells without a reference
        self.column = 0

    def feed(self, block: bytes) -> None:
        super().feed(block)
        # Rows need no proof: a cell with a reference goes where the reference says, whatever its row says.
        if _PREFIXED.search(block) is None and self.odd.search(block) is None:
            last = block.rfind(b'<row r="')
            if last >= 0:  # where the next block's cells without a reference would go
                number = _DIGITS.match(block, last + 8)
                self.row = int(number.group()) if number else self.row
                self.column = 0
        else:
            self._tag_by_tag(block)

    def _tag_by_tag(self, block: bytes) -> None:
        for tag in _ROW_OR_CELL.finditer(block):
            ref = _R_ATTRIBUTE.search(tag.group(2))
            if tag.group(1).lower() == b"row":
                self.row = int(ref.group(3)) if ref and ref.group(3) else self.row + 1
                self.column = 0
                self._row(self.row)
                continue
            if ref is not None and ref.group(2):
                self.column = column_number(ref.group(2))
                if ref.group(3):
                    self._row(int(ref.group(3)))
            else:
                self.column += 1
            self._column(self.column)

    def _row(self, number: int) -> None:
        if number > self.max_row:
            raise too_many_rows(self.limits, number)

    def _column(self, number: int) -> None:
        if number > self.limits.columns:
            raise too_many_columns(self.limits, None, number)


# A row or cell start tag with any prefix and any attributes (quoted values may hold '>').
_ROW_OR_CELL = re.compile(rb'<(?:[^\s<>/!?:="\']+:)?(row|c)(?=[\s/>])((?:[^>"\']|"[^"]*"|\'[^\']*\')*)>', re.I)
_R_ATTRIBUTE = re.compile(rb'(?<![\w:.-])r\s*=\s*(["\'])\s*([A-Za-z]*)\s*(\d*)')
# A prefixed row or cell tag (<x:c …>) holds ":c" or ":row" and a delimiter; a search from the rare ':' is fast.
_PREFIXED = re.compile(rb':(?:row|c)[\s/>]')
_DIGITS = re.compile(rb"\d+")


# ------------------------------------------------------------------------------------------ .xls (BIFF)


def check_xls(path: str, limits: Limits) -> None:
    """The cell records of every sheet of an .xls, checked against the row and column limits (calamine would
    build a grid of 65,536 × 256 cells from two cells at opposite corners of a 6 KB file)."""
    with open(path, "rb") as fh:
        data = fh.read(limits.xls_bytes + 1)
    if len(data) > limits.xls_bytes:
        raise LimitError("xls_too_large", f".xls文件超过{_mb(limits.xls_bytes)},超出导入上限;"
                                          "请用Excel另存为.xlsx后上传,或把学生分成几个文件上传")
    if not data.startswith(_OLE_MAGIC):
        return  # not an .xls at all: calamine says it cannot read it (file_unreadable)
    try:
        stream = _ole_stream(data, ("Workbook", "Book"))
    except (ValueError, IndexError, OverflowError, struct.error):
        stream = None
    if stream is None:
        # What cannot be checked is not read either: calamine would trust the same structure.
        raise LimitError("xls_unreadable", ".xls文件的结构无法识别(可能已损坏),请用Excel或WPS打开后另存为.xlsx再上传")
    _scan_biff(stream, limits)


_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
# BIFF cell records: (row, column) at the start of the body; MULRK and MULBLANK end with their last column.
_CELL_RECORDS = {0x0006, 0x00FD, 0x0201, 0x0203, 0x0204, 0x0205, 0x027E, 0x00D6}
_MULTI_RECORDS = {0x00BD, 0x00BE}


def _scan_biff(stream: bytes, limits: Limits) -> None:
    max_row = limits.rows + 1000
    position, end = 0, len(stream)
    while position + 4 <= end:
        kind, length = struct.unpack_from("<HH", stream, position)
        body = position + 4
        if kind in _CELL_RECORDS and length >= 4:
            row, column = struct.unpack_from("<HH", stream, body)
        elif kind in _MULTI_RECORDS and length >= 6:
            row = struct.unpack_from("<H", stream, body)[0]
            column = struct.unpack_from("<H", stream, body + length - 2)[0]
        else:
            position = body + length
            continue
        if row + 1 > max_row:
            raise too_many_rows(limits, row + 1)
        if column + 1 > limits.columns:
            raise too_many_columns(limits, row + 1, column + 1)
        position = body + length


def _ole_stream(data: bytes, names: tuple[str, ...]) -> bytes | None:
    """One stream of an OLE2 compound file (the container of .xls), or None when it has none of `names`."""
    if not data.startswith(_OLE_MAGIC):
        return None
    sector_shift, mini_shift = struct.unpack_from("<HH", data, 0x1E)
    if not 7 <= sector_shift <= 16 or not 2 <= mini_shift <= sector_shift:
        raise ValueError("sector size")
    size = 1 << sector_shift
    fat_count, directory_start = struct.unpack_from("<II", data, 0x2C)
    cutoff, mini_fat_start, mini_fat_count, difat_start, difat_count = struct.unpack_from("<IIIII", data, 0x38)
    sectors_in_file = max(0, (len(data) - size) // size + 1)

    def sector(n: int) -> bytes:
        if n >= sectors_in_file:
            raise ValueError("sector")
        return data[(n + 1) * size:(n + 2) * size]

    fat_count = min(fat_count, sectors_in_file)
    fat_sectors = list(struct.unpack_from("<109I", data, 0x4C))
    next_difat, seen = difat_start, 0
    while next_difat < 0xFFFFFFFA and seen < sectors_in_file and len(fat_sectors) < fat_count:
        entries = struct.unpack(f"<{size // 4}I", sector(next_difat))
        fat_sectors += entries[:-1]
        next_difat, seen = entries[-1], seen + 1
    # Sector tables as arrays of 4-byte entries (a list of ints would take nine times the file's size).
    fat = array.array("I")
    for n in fat_sectors[:fat_count]:
        fat.frombytes(sector(n))

    def chain(start: int, table, limit: int) -> Iterator[int]:
        n, steps = start, 0
        while n < 0xFFFFFFFA and steps <= limit:
            yield n
            n, steps = table[n], steps + 1
        if steps > limit:
            raise ValueError("a loop in the sector chain")

    directory = b"".join(sector(n) for n in chain(directory_start, fat, sectors_in_file))
    root_start, root_size = struct.unpack_from("<IQ", directory, 0x74)
    for offset in range(0, len(directory) - 127, 128):
        length = struct.unpack_from("<H", directory, offset + 0x40)[0]
        name = directory[offset:offset + max(0, min(length, 64) - 2)].decode("utf-16-le", "replace")
        if directory[offset + 0x42] != 2 or name not in names:
            continue
        start, stream_size = struct.unpack_from("<IQ", directory, offset + 0x74)
        stream_size = min(stream_size, len(data))
        if stream_size >= cutoff:
            body = b"".join(sector(n) for n in chain(start, fat, sectors_in_file))
            return body[:stream_size]
        mini_fat = array.array("I")
        for n in chain(mini_fat_start, fat, sectors_in_file):
            mini_fat.frombytes(sector(n))
        mini_stream = b"".join(sector(n) for n in chain(root_start, fat, sectors_in_file))[:root_size]
        mini = 1 << mini_shift
        body = b"".join(mini_stream[n * mini:(n + 1) * mini] for n in chain(start, mini_fat, len(mini_fat)))
        return body[:stream_size]
    return None
