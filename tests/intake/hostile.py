"""Hostile spreadsheets, small on disk: what an attacker (or a broken program) uploads to make the server inflate,
allocate or loop far beyond one import. Used by tests/intake/test_upload_limits.py and
benchmarks/hostile_uploads.py (which measures the peak memory of reading each)."""

from __future__ import annotations

import io
import struct
import zipfile

from xueji.policy.fields import template_columns

_CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml'
    '.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-'
    'officedocument.spreadsheetml.worksheet+xml"/></Types>')
_RELS = ('<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/'
         'relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
         'relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>')
_WORKBOOK = ('<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/'
             '2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets>'
             '<sheet name="学生信息" sheetId="1" r:id="rId1"/></sheets></workbook>')
_WORKBOOK_RELS = ('<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/'
                  'package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/'
                  'officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/></Relationships>')


def _cell(ref: str, text: str) -> str:
    return f'<c r="{ref}" t="inlineStr"><is><t>{text}</t></is></c>'


def header_row() -> str:
    from xueji.intake.limits import column_name

    return '<row r="1">' + "".join(_cell(f"{column_name(i)}1", label)
                                   for i, label in enumerate(template_columns(), start=1)) + "</row>"


def workbook(rows_xml: str, *, extra: dict[str, bytes] | None = None) -> bytes:
    """A minimal .xlsx whose only sheet (学生信息) holds the template's header and `rows_xml`."""
    sheet = ('<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/'
             f'spreadsheetml/2006/main"><sheetData>{header_row()}{rows_xml}</sheetData></worksheet>')
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", _CONTENT_TYPES)
        archive.writestr("_rels/.rels", _RELS)
        archive.writestr("xl/workbook.xml", _WORKBOOK)
        archive.writestr("xl/_rels/workbook.xml.rels", _WORKBOOK_RELS)
        archive.writestr("xl/worksheets/sheet1.xml", sheet)
        for name, body in (extra or {}).items():
            archive.writestr(name, body)
    return out.getvalue()


def far_cell() -> bytes:
    """Two cells at opposite corners of the sheet (A1 and XFD1048576): calamine's grid of every cell between
    them would be 17 billion cells. 2 KB."""
    return workbook('<row r="1048576">' + _cell("XFD1048576", "x") + "</row>")


def far_row() -> bytes:
    """A cell a million rows down, within the columns: a grid of 73 million cells. 2 KB."""
    return workbook('<row r="1000000">' + _cell("BU1000000", "x") + "</row>")


def unnumbered_columns(count: int = 20_000) -> bytes:
    """A row of cells without references, which calamine numbers one after the other. A few KB."""
    return workbook("<row>" + "<c/>" * count + '<c t="inlineStr"><is><t>x</t></is></c></row>')


def long_cell(chars: int) -> bytes:
    """One data cell of `chars` characters (it compresses to almost nothing)."""
    return workbook('<row r="2">' + _cell("A2", "x" * chars) + "</row>")


def many_rows(count: int) -> bytes:
    """`count` rows of one cell each."""
    return workbook("".join(f'<row r="{n}">{_cell(f"A{n}", "x")}</row>' for n in range(2, count + 2)))


def zero_member(size: int) -> bytes:
    """A valid workbook with an extra member of `size` zero bytes: the classic zip bomb (ratio ~1000)."""
    out = io.BytesIO(workbook(""))
    with zipfile.ZipFile(out, "a", zipfile.ZIP_DEFLATED) as archive, archive.open("xl/media/image1.bin", "w") as fh:
        block = bytes(1 << 20)
        for _ in range(size >> 20):
            fh.write(block)
    return out.getvalue()


def directory_says(content: bytes, member: str, size: int) -> bytes:
    """`content` with the central directory's uncompressed size of `member` replaced by `size` (a lie either way:
    a small member claimed huge, or a huge one claimed small)."""
    data = bytearray(content)
    name = member.encode()
    position = 0
    while (position := data.find(b"PK\x01\x02", position)) >= 0:
        name_length = struct.unpack_from("<H", data, position + 28)[0]
        if bytes(data[position + 46:position + 46 + name_length]) == name:
            struct.pack_into("<I", data, position + 24, size)
            return bytes(data)
        position += 4
    raise ValueError(member)


def hidden_bomb(size: int) -> bytes:
    """A workbook whose extra member inflates to `size` bytes while the directory says 1 KB (and whose ratio the
    directory therefore hides)."""
    return directory_says(zero_member(size), "xl/media/image1.bin", 1024)


def far_xls() -> bytes:
    """An .xls (BIFF8) with cells at A1 and IV65536: calamine's grid of 16.7 million cells. 6 KB."""
    import xlwt

    book = xlwt.Workbook(encoding="utf-8")
    sheet = book.add_sheet("学生信息")
    for column, label in enumerate(template_columns()):
        sheet.write(0, column, label)
    sheet.write(65535, 255, "x")
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def csv_with_field(chars: int) -> bytes:
    """A CSV whose second line has a field of `chars` characters."""
    header = ",".join(template_columns())
    return (header + "\n" + "x" * chars + "\n").encode()


def csv_without_line_breaks(chars: int) -> bytes:
    header = ",".join(template_columns())
    return (header + "\n" + "x," * (chars // 2)).encode()
