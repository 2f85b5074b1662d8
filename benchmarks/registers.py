"""The school's registers at scale (issue 13 item 2): 附件4 学生增减情况登记表 and the 新生入学名册 of the biggest school.

    .venv/bin/python benchmarks/registers.py [--students 100000] [--repeat 5]
    DATABASE_URL=postgres://…/scale .venv/bin/python benchmarks/registers.py --existing

By default it runs against the database of XUEJI_DATA_DIR (default benchmarks/out/registers/data; migrated on first
use) or DATABASE_URL, topping the registry up to --students synthetic records (`xueji generate`). With --existing it
neither migrates nor generates nor writes: it only reads an already filled registry (the shared `scale` database),
calling the registers' builders directly, so no audit or consultation row is written.

For the school with the most records it times, median of --repeat runs: the 附件4 ledger of the current term and of
the whole school year (events read, rows kept, counts), the admission roster of this school year, and writing each
as .xlsx to a temporary file; and prints the SQL statements of one ledger.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "benchmarks" / "out" / "registers"


def setup_django(existing: bool) -> None:
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("XUEJI_DATA_DIR", str(OUT / "data"))
    os.environ["DJANGO_SETTINGS_MODULE"] = "xueji.settings"
    import django

    django.setup()
    if not existing:
        from django.core.management import call_command

        call_command("migrate", verbosity=0)


def top_up(students: int) -> None:
    from xueji.demo.bulk import generate
    from xueji.students.models import Student

    missing = students - Student.objects.count()
    if missing > 0:
        print(generate(missing, report=lambda line: None))


def biggest_school():
    from django.db.models import Count

    from xueji.orgs.models import School
    from xueji.students.models import Student

    top = Student.objects.values("school_id").annotate(n=Count("id")).order_by("-n").first()
    return School.objects.get(pk=top["school_id"]), top["n"]


def timed(fn, repeat: int):
    times, result = [], None
    for _ in range(repeat):
        started = time.perf_counter()
        result = fn()
        times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times), max(times), result


def write_xlsx(headers, rows, text_columns) -> int:
    from xueji.core import spreadsheets

    with tempfile.TemporaryFile() as handle:
        spreadsheets.write_xlsx(handle, "bench", headers, rows, text_columns=text_columns)
        return handle.tell()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--students", type=int, default=100_000, help="top the registry up to this many records")
    parser.add_argument("--repeat", type=int, default=5, help="runs per measurement (median and max printed)")
    parser.add_argument("--existing", action="store_true", help="read an existing registry: no migrate, no writes")
    args = parser.parse_args()
    setup_django(args.existing)
    if not args.existing:
        top_up(args.students)

    import datetime

    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    from django.utils import timezone

    from xueji.policy.graduation_conditions import school_year_of
    from xueji.registers import admissions, documents, movements

    school, size = biggest_school()
    today = timezone.localdate()
    term_start, term_end, words = documents.term_span(documents.current_term(today))
    year = school_year_of(today)
    print(f"{connection.vendor}: 学校 {school.code} {school.name},{size:,} 名学生记录;{words}")

    for label, start, end in (("本学期", term_start, term_end),
                              ("本学年", datetime.date(year, 8, 1), datetime.date(year + 1, 7, 31))):
        median, worst, book = timed(lambda s=start, e=end: movements.ledger(school, s, e), args.repeat)
        print(f"附件4 {label}:中位 {median:.0f} ms,最长 {worst:.0f} ms;期初 {book.start_count:,},"
              f"增加 {book.increase:,},减少 {book.decrease:,},期末 {book.end_count:,},明细 {len(book.rows):,} 行")
    with CaptureQueriesContext(connection) as queries:
        book = movements.ledger(school, term_start, term_end)
    print(f"附件4 一次计算的 SQL 语句:{len(queries)} 条")
    detail = movements.detail_rows(book, full=False)
    median, _w, size_bytes = timed(lambda: write_xlsx(movements.DETAIL_HEADERS, detail,
                                                      movements.DETAIL_TEXT_COLUMNS), args.repeat)
    print(f"附件4 明细 xlsx:{len(detail):,} 行,{size_bytes:,} 字节,中位 {median:.0f} ms")

    median, worst, (rows, _students) = timed(lambda: admissions.rows(school, year, full=False), args.repeat)
    print(f"新生入学名册 {year}学年:{len(rows):,} 行,中位 {median:.0f} ms,最长 {worst:.0f} ms")
    median, _w, size_bytes = timed(lambda: write_xlsx(admissions.HEADERS, rows, admissions.TEXT_COLUMNS),
                                   args.repeat)
    print(f"新生入学名册 xlsx:{size_bytes:,} 字节,中位 {median:.0f} ms")


if __name__ == "__main__":
    main()
