"""The semester report and the correction list at scale (issue 13 item 4): what one county's officer and its
biggest school wait for at term end.

    .venv/bin/python benchmarks/semester_report.py [--students 100000] [--repeat 5]
    DATABASE_URL=postgres://…/mine .venv/bin/python benchmarks/semester_report.py --students 500000

Runs in this process against the database of XUEJI_DATA_DIR (default benchmarks/out/semester/data) or
DATABASE_URL, migrating it first (so never point it at a shared database such as `scale`). It tops the registry
up to --students synthetic records (`xueji generate`) and writes nothing else: it times the reads only, each the
median of --repeat runs, and prints the SQL statements of each:
  - the biggest school's term-end re-check (six data-quality kinds and the term's changes),
  - the figures a school's and the county's report freeze (students by grade/gender/status, changes by kind),
  - the county's list of units that have not reported, and its correction findings.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "benchmarks" / "out" / "semester"


def setup_django() -> None:
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("XUEJI_DATA_DIR", str(OUT / "data"))
    os.environ["DJANGO_SETTINGS_MODULE"] = "xueji.settings"
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def top_up(students: int) -> None:
    from xueji.demo.bulk import generate
    from xueji.students.models import Student

    missing = students - Student.objects.count()
    if missing > 0:
        print(generate(missing, report=lambda line: None))


def timed(label: str, repeat: int, work) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    times = []
    work()  # warm-up, untimed: the first reverse() of a process imports every URLconf (seconds, paid once)
    for _ in range(repeat):
        with CaptureQueriesContext(connection) as queries:
            start = time.perf_counter()
            work()
            times.append((time.perf_counter() - start) * 1000)
    print(f"{label:<44} median {statistics.median(times):8.1f} ms   max {max(times):8.1f} ms   "
          f"{len(queries.captured_queries)} SQL")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--students", type=int, default=100_000, help="registry size to top up to")
    parser.add_argument("--repeat", type=int, default=5, help="runs per measurement (median printed)")
    args = parser.parse_args()
    setup_django()
    top_up(args.students)

    from django.db import connection
    from django.db.models import Count
    from django.utils import timezone

    from xueji.orgs.models import Division, School
    from xueji.semester import figures, quality
    from xueji.semester.findings import findings
    from xueji.students.models import Student
    from xueji.workdays.services import term_of, term_window

    biggest = (Student.objects.filter(school__city_run=False).values("school__county_id")
               .annotate(n=Count("id")).order_by("-n").first())
    county = Division.objects.get(pk=biggest["school__county_id"])
    school_code = (Student.objects.filter(school__county=county).values("school_id").annotate(n=Count("id"))
                   .order_by("-n").first()["school_id"])
    school = School.objects.get(pk=school_code)
    today = timezone.localdate()
    year, term = term_of(today)
    start, end = term_window(year, term)
    print(f"{connection.vendor}: {Student.objects.count():,} students; county {county.name} "
          f"({biggest['n']:,} students), school {school.name} "
          f"({Student.objects.filter(school=school).count():,} students); term {year}-{term}")
    timed("school re-check (6 kinds + changes)", args.repeat,
          lambda: (quality.review(school, year, term, today), quality.term_changes(school, start, end)))
    timed("school report figures", args.repeat, lambda: figures.freeze(school, None, year, term, start, end))
    timed("county report figures", args.repeat, lambda: figures.freeze(None, county, year, term, start, end))
    timed("county: units not reported", args.repeat, lambda: figures.below(county, year, term))
    timed("county: correction findings", args.repeat, lambda: findings(county, start, end, today))


if __name__ == "__main__":
    main()
