"""The statistics dashboards at province scale (issue 13 item 6) and the cost of the student tally's triggers.

    .venv/bin/python benchmarks/dashboards.py --help
    DATABASE_URL=postgres://…/bench .venv/bin/python benchmarks/dashboards.py --students 5000000 \
        --applications 200000 --requests 10 --trigger-rows 1000000

Runs through Django's test client in this process against DATABASE_URL (or the SQLite database of XUEJI_DATA_DIR,
default benchmarks/out/dashboards/data), migrated on first use. It tops the registry up to --students synthetic
records (`xueji generate`) and to --applications decided applications (one INSERT … SELECT over a sample of the
records, types and months spread over the last year, tagged batch "bench-dashboards"). USE A BENCHMARK DATABASE:
both stay. It then times, for the province, its biggest city, that city's biggest county and its biggest school,
the dashboard page and GET /api/v1/statistics/students?by=grade,gender, printing median and p95 in ms and the SQL
statements per request, and checks the page's 在籍 total against the tally and (with --check) a direct count.

--trigger-rows N times `UPDATE students_student SET grade = grade` and a rollover-like `grade = grade + 1` on N
records with the tally's trigger and with it disabled, each in a transaction that is rolled back (nothing stays).
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "benchmarks" / "out" / "dashboards"
BATCH = "bench-dashboards"
TYPES = ("transfer", "withdrawal", "dropout", "suspension", "resumption", "info_change", "transfer_out", "death")


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
    from xueji.students import tally

    missing = students - tally.total()
    if missing > 0:
        print("generating", missing, "students …", flush=True)
        print(generate(missing, report=lambda line: None))


def add_applications(count: int, creator) -> None:
    """Decided applications over a spread sample of the records, one INSERT … SELECT (PostgreSQL only)."""
    from django.db import connection, transaction

    from xueji.applications.models import Application

    missing = count - Application.objects.filter(batch=BATCH).count()
    if missing <= 0 or connection.vendor != "postgresql":
        return
    types = "ARRAY[" + ", ".join(f"'{t}'" for t in TYPES) + "]"
    started = time.perf_counter()
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(f"""
            INSERT INTO applications_application (type, student_id, school_id, status, payload, reason, due_date,
                                                  created_by_id, created_at, decided_at, batch)
            SELECT t.type, s.id, s.school_id, CASE WHEN s.id %% 10 = 0 THEN 'rejected' ELSE 'approved' END,
                   CASE WHEN t.type = 'transfer' THEN jsonb_build_object('from_school', other.code)
                        ELSE '{{}}'::jsonb END,
                   '', (t.at - interval '20 days')::date + (s.id %% 30)::int, %s, t.at - interval '20 days', t.at, %s
            FROM (SELECT id, school_id FROM students_student ORDER BY id %% 997, id LIMIT %s) AS s
            JOIN orgs_school sc ON sc.code = s.school_id
            CROSS JOIN LATERAL (SELECT ({types})[1 + s.id %% {len(TYPES)}] AS type,
                                       now() - (s.id %% 365) * interval '1 day' AS at) AS t
            LEFT JOIN LATERAL (SELECT code FROM orgs_school o WHERE o.county_id = sc.county_id
                               AND o.code <> sc.code LIMIT 1) AS other ON true
        """, [creator.pk, BATCH, missing])
        cursor.execute("ANALYZE applications_application")
    print(f"added {missing:,} decided applications in {time.perf_counter() - started:.1f} s", flush=True)


class Statements:
    def __init__(self):
        self.count = 0

    def __call__(self, execute, sql, params, many, context):
        self.count += 1
        return execute(sql, params, many, context)


def timed(client, path, requests: int):
    from django.db import connection

    times, statements, response = [], 0, None
    for _ in range(requests):
        watch = Statements()
        with connection.execute_wrapper(watch):
            started = time.perf_counter()
            response = client.get(path)
            if hasattr(response, "streaming_content"):
                b"".join(response.streaming_content)
            times.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200, (path, response.status_code)
        statements = watch.count
    return times, statements, response


def report(label: str, times: list[float], statements: int) -> None:
    p95 = sorted(times)[max(0, int(len(times) * 0.95) - 1)]
    print(f"{label:<46} median {statistics.median(times):8.1f} ms  p95 {p95:8.1f} ms  {statements:3d} SQL",
          flush=True)


def nodes():
    """The province, its biggest city, that city's biggest county and the county's biggest school (by tally)."""
    from django.db.models import Q

    from xueji.orgs.models import Division
    from xueji.students import tally

    def biggest(by, where=None):
        rows = tally.counts(where, by=(by,), statuses=["在籍"])
        return max(rows, key=lambda r: r["students"])[by]

    province = Division.objects.get(level="province")
    city = biggest("city")
    county = biggest("county", Q(school__city_id=city, school__city_run=False))
    school = biggest("school", Q(school__county_id=county, school__city_run=False))
    return province.pk, city, county, school


def accounts(province, city, county, school):
    from tests import factories as f
    from xueji.accounts.models import User
    from xueji.orgs.models import Division, School

    def account(name, role, **where):
        return User.objects.filter(username=name).first() or f.user(name, role, **where)

    return {
        province: account("bench_stat_province", "province", division=Division.objects.get(pk=province)),
        city: account("bench_stat_city", "city", division=Division.objects.get(pk=city)),
        county: account("bench_stat_county", "county", division=Division.objects.get(pk=county)),
        school: account("bench_stat_school", "registrar", school=School.objects.get(pk=school)),
    }


def check(code: str, user, direct: bool) -> None:
    from django.db.models import Q

    from xueji.statistics import selectors
    from xueji.students.models import Student

    node, figures = selectors.dashboard(user, code)
    shown = next(f for f in figures if f.key == "grade_gender").rows[-1][-1]
    line = f"  {node.name}: page shows {shown:,} 在籍"
    if direct:
        started = time.perf_counter()
        counted = Student.objects.filter(Q(status="在籍"), *[q for q in [_student_q(node)] if q]).count()
        line += f"; direct count {counted:,} ({(time.perf_counter() - started) * 1000:.0f} ms) "
        line += "EQUAL" if counted == shown else "DIFFERENT"
    print(line, flush=True)


def _student_q(node):
    from django.db.models import Q

    return {"province": Q(), "city": Q(school__city_id=node.code),
            "county": Q(school__county_id=node.code, school__city_run=False),
            "school": Q(school_id=node.code)}[node.level]


def trigger_cost(rows: int) -> None:
    """UPDATE of `rows` records with the tally trigger and without it, each rolled back."""
    from django.db import connection, transaction

    if connection.vendor != "postgresql":
        print("trigger cost: PostgreSQL only")
        return

    class Rollback(Exception):
        pass

    def run(sql: str, with_trigger: bool) -> float:
        try:
            with transaction.atomic(), connection.cursor() as cursor:
                if not with_trigger:
                    cursor.execute("ALTER TABLE students_student DISABLE TRIGGER students_tally_update")
                started = time.perf_counter()
                cursor.execute(sql, [rows])
                elapsed = time.perf_counter() - started
                raise Rollback
        except Rollback:
            return elapsed

    for label, change in (("no-op (grade = grade)", "grade"), ("rollover-like (grade = grade + 1)", "grade + 1")):
        sql = (f"UPDATE students_student SET grade = {change} WHERE id IN "
               f"(SELECT id FROM students_student ORDER BY id LIMIT %s)")
        without = run(sql, False)
        with_ = run(sql, True)
        print(f"UPDATE {rows:,} rows, {label:<34} without trigger {without:6.1f} s, with {with_:6.1f} s "
              f"(+{(with_ - without) / without * 100:.0f} %)", flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--students", type=int, default=0, help="top the registry up to this many records")
    parser.add_argument("--applications", type=int, default=0, help="top up to this many decided applications")
    parser.add_argument("--requests", type=int, default=10, help="requests per page (default %(default)s)")
    parser.add_argument("--check", action="store_true", help="also count 在籍 directly (a full scan) and compare")
    parser.add_argument("--trigger-rows", type=int, default=0, help="time an UPDATE of this many records "
                                                                    "with and without the tally trigger")
    args = parser.parse_args()
    setup_django()
    from django.db import connection
    from django.test import Client

    from xueji.accounts.services import issue_token
    from xueji.students.models import StudentTally

    top_up(args.students)
    codes = nodes()
    users = accounts(*codes)
    add_applications(args.applications, users[codes[0]])
    print(f"database {connection.vendor}; tally rows {StudentTally.objects.count():,}", flush=True)
    for code, user in users.items():
        client = Client()
        client.force_login(user)
        client.get(f"/statistics/{code}/")  # warm
        report(f"page /statistics/{code}/ ({user.role})", *timed(client, f"/statistics/{code}/", args.requests)[:2])
        token, _ = issue_token(user)
        api = Client(HTTP_AUTHORIZATION=f"Bearer {token}")
        param = "school" if len(code) == 10 else "division"
        report(f"api statistics/students {param}={code}",
               *timed(api, f"/api/v1/statistics/students?{param}={code}&by=grade,gender", args.requests)[:2])
        check(code, user, args.check)
    if args.trigger_rows:
        trigger_cost(args.trigger_rows)


if __name__ == "__main__":
    main()
