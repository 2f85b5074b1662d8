"""Rollover benchmark: the annual promotion (第十六条) of a registry made by `xueji generate`, against its floor.

    .venv/bin/python benchmarks/rollover.py --students 1000000 \
        --database-url postgres://postgres@127.0.0.1:5432/xueji_bench [--repeat 2] [--chunk 50000]

It migrates the database and tops the registry up to --students with `xueji generate`, then, each in its own
transaction that is rolled back afterwards (so the registry stays as it was and the run can be repeated; the tables
are vacuumed before each measurement, as a registry in service would be):
  floor     one bare set-based UPDATE of the grade of the same students (在籍, in a promoted grade), nothing else;
  rollover  the whole promotion as the province runs it (services.open_year + services.run): the classes, every
            chunk of students with its Promotion rows, held students, grade UPDATE, status events and 借读 stays,
            the SHA-256 digest over every promotion read back in order, and the audit row.
It prints both times, their ratio (goal ≤ 1.5×) and this process's peak memory (goal < 1 GB), and with --repeat
the best of each. The school year opened is the next one, with its terms entered inside the same transaction.
"""

from __future__ import annotations

import argparse
import datetime
import os
import resource
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "benchmarks" / "out"
PROVINCE_USER = "bench_province"


def setup_django(database_url: str) -> None:
    sys.path.insert(0, str(ROOT))
    os.environ["DATABASE_URL"] = database_url
    os.environ.setdefault("XUEJI_DATA_DIR", str(OUT / "data"))
    os.environ["DJANGO_SETTINGS_MODULE"] = "xueji.settings"
    os.environ.setdefault("XUEJI_SECRET_KEY", "benchmark-only")
    import django

    django.setup()


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def prepare(students: int):
    from django.core.management import call_command

    from xueji.accounts.models import User
    from xueji.orgs.models import Division
    from xueji.students.models import Student

    call_command("migrate", verbosity=0)
    have = Student.objects.count()
    if have < students:
        print(f"registry holds {have:,} students; generating {students - have:,} more (xueji generate)…", flush=True)
        call_command("generate", students=students - have, seed=20260901, stdout=sys.stderr)
    province = Division.objects.get(code="140000")
    user, _ = User.objects.get_or_create(username=PROVINCE_USER, defaults={"role": "province", "division": province})
    return user


def vacuum() -> None:
    from django.db import connection

    from xueji.schoolyear.sql import CLASS, EVENT, PROMOTION, STUDENT

    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        for table in (STUDENT, EVENT, PROMOTION, CLASS):
            cursor.execute(f"VACUUM (ANALYZE) {table}")


class Rollback(Exception):
    pass


def in_rolled_back_transaction(work):
    """Run `work()` in a transaction that is rolled back; returns (seconds, work's result)."""
    from django.db import transaction

    box = {}
    vacuum()
    try:
        with transaction.atomic():
            started = time.perf_counter()
            box["result"] = work()
            box["seconds"] = time.perf_counter() - started
            raise Rollback
    except Rollback:
        pass
    return box["seconds"], box["result"]


def floor_work(year: int):
    from django.db import connection

    from xueji.schoolyear.sql import STUDENT, eligible_condition

    def work():
        condition, params = eligible_condition(year)
        with connection.cursor() as cursor:
            cursor.execute(f"UPDATE {STUDENT} s SET grade = grade + 1 WHERE {condition}", params)
            return cursor.rowcount

    return work


def rollover_work(user, year: int, chunk: int):
    from xueji.schoolyear import services
    from xueji.workdays.models import Term

    def work():
        Term.objects.create(school_year=year, number=1, starts_on=datetime.date(year, 9, 1),
                            ends_on=datetime.date(year + 1, 1, 20))
        job = services.open_year(user, year, chunk_size=chunk)
        job = services.run(job.pk)
        assert job.status == "done", job.phase
        return services.counts(job)

    return work


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--database-url", default=os.environ.get("DATABASE_URL"), required=not os.environ.get("DATABASE_URL"))
    parser.add_argument("--students", type=int, default=1_000_000)
    parser.add_argument("--chunk", type=int, default=50_000)
    parser.add_argument("--repeat", type=int, default=1)
    args = parser.parse_args()
    setup_django(args.database_url)
    from xueji.schoolyear.services import current_school_year
    from xueji.students.models import Student

    user = prepare(args.students)
    year = current_school_year() + 1
    print(f"registry: {Student.objects.count():,} students; opening {year}–{year + 1}", flush=True)
    floors, rollovers = [], []
    for run in range(1, args.repeat + 1):
        seconds, rows = in_rolled_back_transaction(floor_work(year))
        floors.append(seconds)
        print(f"[{run}] floor     bare UPDATE of {rows:,} grades: {seconds:8.2f} s", flush=True)
        seconds, counts = in_rolled_back_transaction(rollover_work(user, year, args.chunk))
        rollovers.append(seconds)
        print(f"[{run}] rollover  {counts['promoted']:,} promoted, {counts['kept_suspended']:,} suspended kept, "
              f"{counts['final_grade']:,} final grade, {counts['classes_moved']:,} classes: {seconds:8.2f} s", flush=True)
        print(f"[{run}] ratio {seconds / floors[-1]:.2f}×", flush=True)
    best_floor, best_rollover = min(floors), min(rollovers)
    print(f"best: floor {best_floor:.2f} s, rollover {best_rollover:.2f} s, ratio {best_rollover / best_floor:.2f}× "
          f"(goal ≤ 1.5×); peak client memory {peak_mb():.0f} MB (goal < 1024 MB)")


if __name__ == "__main__":
    main()
