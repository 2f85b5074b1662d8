"""Peak memory and time of reading hostile spreadsheets (issue 10: upload bombs).

    .venv/bin/python benchmarks/hostile_uploads.py [--only NAME] [--limit-mb 1024]

Builds each hostile file once into benchmarks/out/hostile/ (small on disk: zip bombs, a lying zip directory, cells
far apart, millions of rows, a 1 GB cell, .xls and .csv variants), then reads each in its own child process the way
an import does (the upload's early checks, then xueji.intake.sheets.open_sheet and every row) and prints the
outcome (the refusal's code, or the rows read), the wall time and the child's peak resident memory (ru_maxrss).
The goal: every file refused with its limit's message, each child under 1 GB (the run fails otherwise).
The child runs under an address-space limit of --limit-mb × 4, so a regression aborts it rather than the machine.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import time
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "benchmarks" / "out" / "hostile"


def setup_django() -> None:
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("XUEJI_DATA_DIR", str(OUT / "data"))
    os.environ["DJANGO_SETTINGS_MODULE"] = "xueji.settings"
    import django

    django.setup()


# ------------------------------------------------------------------------------------------ the files


def _stream_rows(path: Path, rows: int, row_xml) -> None:
    """An .xlsx of `rows` rows written as a stream (the XML is never whole in memory)."""
    from tests.intake import hostile

    base = hostile.workbook("")
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        with zipfile.ZipFile(__import__("io").BytesIO(base)) as template:
            for info in template.infolist():
                if info.filename != "xl/worksheets/sheet1.xml":
                    archive.writestr(info.filename, template.read(info))
        with archive.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as sheet:
            sheet.write(b'<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/'
                        b'spreadsheetml/2006/main"><sheetData>' + hostile.header_row().encode())
            batch = []
            for n in range(2, rows + 2):
                batch.append(row_xml(n))
                if len(batch) == 10_000:
                    sheet.write("".join(batch).encode())
                    batch = []
            sheet.write("".join(batch).encode() + b"</sheetData></worksheet>")


def _one_cell_row(n: int) -> str:
    return f'<row r="{n}"><c r="A{n}" t="inlineStr"><is><t>{n * 7919 % 1000003:x}</t></is></c></row>'


def _padded_far(path: Path) -> None:
    """A 40 MB sheet (read in parts) whose second row is a million rows down: the part reader's scan refuses it."""
    def row(n: int) -> str:
        if n == 3:
            return '<row r="1000000"><c r="BU1000000" t="inlineStr"><is><t>x</t></is></c></row>'
        cells = "".join(f'<c r="{c}{n}" t="inlineStr"><is><t>{(n * 131 + i) * 2654435761 % 4294967291:x}</t></is></c>'
                        for i, c in enumerate(("A", "B", "C", "D", "E", "F", "G", "H")))
        return f'<row r="{n}">{cells}</row>'
    _stream_rows(path, 60_000, row)


def _long_cell(path: Path, chars: int) -> None:
    """One cell of `chars` characters, written as a stream."""
    from tests.intake import hostile

    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        with zipfile.ZipFile(__import__("io").BytesIO(hostile.workbook(""))) as template:
            for info in template.infolist():
                if info.filename != "xl/worksheets/sheet1.xml":
                    archive.writestr(info.filename, template.read(info))
        with archive.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as sheet:
            sheet.write(b'<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/'
                        b'spreadsheetml/2006/main"><sheetData>' + hostile.header_row().encode()
                        + b'<row r="2"><c r="A2" t="inlineStr"><is><t>')
            block = b"x" * (1 << 20)
            for _ in range(chars >> 20):
                sheet.write(block)
            sheet.write(b"</t></is></c></row></sheetData></worksheet>")


def _csv_field(path: Path, chars: int) -> None:
    from tests.intake import hostile

    path.write_bytes(hostile.csv_with_field(chars))


def _csv_rows(path: Path, rows: int) -> None:
    from xueji.policy.fields import template_columns

    with path.open("w", encoding="utf-8") as fh:
        fh.write(",".join(template_columns()) + "\n")
        line = "张三," * 10 + "\n"
        for _ in range(rows // 10_000):
            fh.write(line * 10_000)


def builders() -> dict:
    from tests.intake import hostile

    def bytes_of(make):
        return lambda path: path.write_bytes(make())

    return {
        "zip-bomb-1GB-member.xlsx": bytes_of(lambda: hostile.zero_member(1 << 30)),
        "lying-directory-256MB.xlsx": bytes_of(lambda: hostile.hidden_bomb(256 << 20)),
        "cell-1GB.xlsx": lambda path: _long_cell(path, 1 << 30),
        "cell-16MB.xlsx": lambda path: _long_cell(path, 16 << 20),
        "far-cell-XFD1048576.xlsx": bytes_of(hostile.far_cell),
        "far-row-1000000.xlsx": bytes_of(hostile.far_row),
        "unnumbered-columns.xlsx": bytes_of(lambda: hostile.unnumbered_columns(2_000_000)),
        "rows-8.7M.xlsx": lambda path: _stream_rows(path, 8_700_000, _one_cell_row),
        "rows-2M.xlsx": lambda path: _stream_rows(path, 2_000_000, _one_cell_row),
        "far-row-in-a-part.xlsx": _padded_far,
        "far-cell.xls": bytes_of(hostile.far_xls),
        "csv-field-1MB.csv": lambda path: _csv_field(path, 1 << 20),
        "csv-line-64MB.csv": bytes_of(lambda: hostile.csv_without_line_breaks(64 << 20)),
        "csv-rows-8.7M.csv": lambda path: _csv_rows(path, 8_700_000),
    }


# ------------------------------------------------------------------------------------------ one reading


def read_one(path: str) -> dict:
    """In the child: what an upload does with the file (the early checks, then the reading of every row)."""
    setup_django()
    from xueji.intake import limits
    from xueji.intake.sheets import SheetError, detect_format, open_sheet

    started = time.perf_counter()
    with open(path, "rb") as fh:
        file_format = detect_format(path, fh.read(8))
    result: dict = {}
    try:
        current = limits.current()
        if file_format == "xlsx":
            limits.check_directory(path, current)
        elif file_format == "xls":
            limits.check_xls(path, current)
        sheet = open_sheet(path, file_format, current)
        result["rows"] = sum(1 for _ in sheet.rows)
    except SheetError as exc:
        result["refused"] = exc.violations[0].code
        result["message"] = exc.violations[0].message
    result["seconds"] = round(time.perf_counter() - started, 2)
    result["peak_mb"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--only", help="read only the files whose name contains this")
    parser.add_argument("--limit-mb", type=int, default=1024, help="the peak memory goal per reading (MB)")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        # The address space is capped well above the goal: a regression fails its reading, not the machine.
        cap = args.limit_mb * 4 << 20
        resource.setrlimit(resource.RLIMIT_AS, (cap, cap))
        print(json.dumps(read_one(args.child), ensure_ascii=False))
        return
    setup_django()
    OUT.mkdir(parents=True, exist_ok=True)
    failed = False
    print(f"{'file':28} {'on disk':>9} {'outcome':>22} {'seconds':>8} {'peak MB':>8}")
    for name, build in builders().items():
        if args.only and args.only not in name:
            continue
        path = OUT / name
        if not path.exists():
            build(path)
        child = subprocess.run([sys.executable, __file__, "--child", str(path), "--limit-mb", str(args.limit_mb)],
                               capture_output=True, text=True)
        try:
            found = json.loads(child.stdout.strip().splitlines()[-1])
        except (IndexError, ValueError):
            found = {"refused": f"CRASH rc={child.returncode}", "seconds": 0, "peak_mb": 0}
            print(child.stderr[-2000:], file=sys.stderr)
        outcome = found.get("refused") or f"read {found.get('rows')} rows"
        size = path.stat().st_size
        print(f"{name:28} {size / 1024:>7.0f}KB {outcome:>22} {found['seconds']:>8} {found['peak_mb']:>8}")
        if found.get("message"):
            print(f"    {found['message']}")
        failed |= "refused" not in found or found["refused"].startswith("CRASH") or found["peak_mb"] >= args.limit_mb
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
