"""The to-do list at scale (issue 13 item 1, issue 15 item 3): one county's and one city's list and home page.

    .venv/bin/python benchmarks/todo_list.py [--students 100000] [--late 3000] [--requests 20]
    DATABASE_URL=postgres://… .venv/bin/python benchmarks/todo_list.py --students 1000000

Runs through Django's test client in this process against the database of XUEJI_DATA_DIR (default
benchmarks/out/todo/data; migrated on first use) or DATABASE_URL. It tops the registry up to --students synthetic
records (`xueji generate`), then, set-based, turns --late records of the biggest county into records waiting past
their registration deadline (第十一条) and files nothing for them. USE A BENCHMARK DATABASE: those records are
changed. It then times GET /api/v1/todo (first and last page) and the home page for that county's officer, its
city's officer and the registrar of its biggest school, and prints the median and p95 in ms and the SQL
statements per request. On PostgreSQL it also prints the plan of the county's count.
"""

from __future__ import annotations

import argparse
import datetime
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "benchmarks" / "out" / "todo"


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


def make_late(county: str, late: int) -> None:
    """The first `late` records of the county wait for registration, entered 40 days ago (one UPDATE)."""
    from django.db.models import Q
    from django.utils import timezone

    from xueji.students.models import Student

    scope = Q(school__county_id=county, school__city_run=False)
    ids = Student.objects.filter(scope).order_by("id").values("id")[:late]
    Student.objects.filter(pk__in=list(ids.values_list("id", flat=True))).update(
        status="待注册", created_at=timezone.now() - datetime.timedelta(days=40))


def actors():
    from django.db.models import Count

    from tests import factories as f
    from xueji.accounts.models import User
    from xueji.orgs.models import Division, School
    from xueji.students.models import Student

    biggest = (Student.objects.filter(school__city_run=False).values("school_id")
               .annotate(n=Count("id")).order_by("-n").first()["school_id"])
    school = School.objects.get(pk=biggest)
    county = Division.objects.get(pk=school.county_id)

    def account(name, role, **where):
        return User.objects.filter(username=name).first() or f.user(name, role, **where)

    return school, county, {
        "county": account("bench_todo_county", "county", division=county),
        "city": account("bench_todo_city", "city", division=county.parent),
        "registrar": account("bench_todo_reg", "registrar", school=school),
    }


class Statements:
    def __init__(self):
        self.count = 0

    def __call__(self, execute, sql, params, many, context):
        self.count += 1
        return execute(sql, params, many, context)


def timed(client, path, params, requests: int) -> tuple[list[float], int, object]:
    from django.db import connection

    times, statements, response = [], 0, None
    for _ in range(requests):
        watch = Statements()
        with connection.execute_wrapper(watch):
            started = time.perf_counter()
            response = client.get(path, params)
            times.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200, response.content[:300]
        statements = watch.count
    return times, statements, response


def report(label: str, times: list[float], statements: int, extra: str = "") -> None:
    p95 = sorted(times)[max(0, int(len(times) * 0.95) - 1)]
    print(f"{label:<34} median {statistics.median(times):7.1f} ms  p95 {p95:7.1f} ms  {statements:3d} SQL  {extra}")


def explain(user) -> None:
    from django.db import connection

    from xueji.todo.registry import Filters
    from xueji.todo.selectors import _queryset

    if connection.vendor != "postgresql":
        return
    qs = _queryset(user, Filters())
    sql, params = qs.order_by("t_sort", "t_kind", "t_ref")[:25].query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN (ANALYZE, BUFFERS) {sql}", params)
        print("\n".join(row[0] for row in cursor.fetchall()))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--students", type=int, default=100_000)
    parser.add_argument("--late", type=int, default=3_000)
    parser.add_argument("--requests", type=int, default=20)
    args = parser.parse_args()
    setup_django()
    from django.test import Client

    from xueji.accounts.services import issue_token
    from xueji.students.models import Student

    top_up(args.students)
    school, county, users = actors()
    make_late(county.code, args.late)
    print(f"{Student.objects.count()} students; county {county.name} ({county.code}); school {school.name}")
    for role, user in users.items():
        key, _ = issue_token(user)
        api = Client(HTTP_AUTHORIZATION=f"Bearer {key}")
        times, statements, response = timed(api, "/api/v1/todo", {"page_size": 25}, args.requests)
        count = response.json()["count"]
        report(f"{role}: GET /api/v1/todo page 1", times, statements, f"count {count}")
        last = max(1, -(-count // 25))
        times, statements, _ = timed(api, "/api/v1/todo", {"page_size": 25, "page": last}, args.requests)
        report(f"{role}: GET /api/v1/todo page {last}", times, statements)
        page = Client()
        page.force_login(user)
        times, statements, _ = timed(page, "/", {}, args.requests)
        report(f"{role}: home page", times, statements)
    explain(users["county"])
    return 0


if __name__ == "__main__":
    sys.exit(main())
