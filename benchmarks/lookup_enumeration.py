"""An enumeration attempt on the public student-number query (issue 12 item 1): 10,000 guesses from one address.

    .venv/bin/python benchmarks/lookup_enumeration.py [--guesses 10000]
    DATABASE_URL=postgres://… .venv/bin/python benchmarks/lookup_enumeration.py

Runs through Django's test client in this process against the database of XUEJI_DATA_DIR (default
benchmarks/out/lookup/data; migrated on first use) or DATABASE_URL. It registers one pupil, then sends guesses
from one fresh address: every tenth guess is the pupil's real ID with a wrong name, the rest random valid IDs.
It prints the answers by status and code, the requests per second, and what a refused request costs the server
(time, SQL statements, whether any touched the student table, audit rows written). It fails (exit 1) when any
guess got a 200, when a refused request read the student table, or when the audit log grew by more than the
admitted queries plus one row per minute of refusals.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import random
import sys
import time
from collections import Counter
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "benchmarks" / "out" / "lookup"


def setup_django() -> None:
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("XUEJI_DATA_DIR", str(OUT / "data"))
    os.environ["DJANGO_SETTINGS_MODULE"] = "xueji.settings"
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    # Django logs every 4xx answer as a warning: 10,000 lines of "Too Many Requests" would bury the figures.
    logging.getLogger("django.request").setLevel(logging.ERROR)


def seed_pupil():
    """One registered pupil of a school of 小店区 (made once; later runs reuse it)."""
    from tests import factories as f
    from xueji.orgs.models import School
    from xueji.students.models import Status, Student
    from xueji.students.numbers import issue_number
    from xueji.students.services import create_student

    pupil = Student.objects.filter(name="枚举测试").exclude(student_number=None).first()
    if pupil:
        return pupil
    school = School.objects.filter(code="1114010599").first()
    if school is None:
        province = f.division("140000", "山西省", "province")
        city = f.division("140100", "太原市", "city", province)
        county = f.division("140105", "小店区", "county", city)
        school = f.school("1114010599", "枚举测试小学", "211", county)
    registrar = f.user(f"bench_reg_{random.randrange(10**9)}", "registrar", school=school)
    pupil = create_student(registrar, school, f.student_payload(name="枚举测试", birth=date(2016, 5, 5), id_number=f.make_id(
        birth=date(2016, 5, 5), seq=random.randrange(100))))
    issue_number(pupil, "G")
    Student.objects.filter(pk=pupil.pk).update(status=Status.ENROLLED)
    pupil.refresh_from_db()
    return pupil


def random_id(rng: random.Random) -> str:
    from tests.factories import make_id

    birth = date(2010 + rng.randrange(8), 1 + rng.randrange(12), 1 + rng.randrange(28))
    return make_id(area="140105", birth=birth, seq=rng.randrange(100))


class Statements:
    """Counts the SQL statements of each request, and those that touched the student table."""

    def __init__(self):
        self.count = 0
        self.student_reads = 0

    def __call__(self, execute, sql, params, many, context):
        self.count += 1
        if "students_student" in sql or "students_studentnumber" in sql:
            self.student_reads += 1
        return execute(sql, params, many, context)


def run(guesses: int) -> int:
    from django.db import connection
    from django.test import Client

    from xueji.audit.models import AuditEvent

    pupil = seed_pupil()
    rng = random.Random(12)
    fresh = random.SystemRandom()  # a new address each run, so earlier runs' counters do not apply
    address = f"2001:db8::{fresh.getrandbits(16):x}:{fresh.getrandbits(16):x}"
    client = Client()
    outcomes: Counter = Counter()
    refused_seconds, refused_statements, refused_student_reads, refused = 0.0, 0, 0, 0
    audit_before = AuditEvent.objects.count()
    started = time.perf_counter()
    for n in range(guesses):
        id_number = pupil.id_number if n % 10 == 0 else random_id(rng)
        body = json.dumps({"name": "张三", "id_number": id_number})
        watch = Statements()
        with connection.execute_wrapper(watch):
            t0 = time.perf_counter()
            response = client.post("/api/v1/public/lookup", body, content_type="application/json",
                                   REMOTE_ADDR=address)
            elapsed = time.perf_counter() - t0
        code = response.json()["errors"][0]["code"] if response.status_code >= 400 else "found"
        outcomes[(response.status_code, code)] += 1
        if response.status_code == 429 and code == "lookup_throttled":
            refused += 1
            refused_seconds += elapsed
            refused_statements += watch.count
            refused_student_reads += watch.student_reads
    total = time.perf_counter() - started
    audit_rows = AuditEvent.objects.count() - audit_before
    admitted = guesses - refused
    minutes = int(total // 60) + 1

    print(f"database: {connection.vendor}; address {address}; {guesses} guesses in {total:.1f} s "
          f"= {guesses / total:.0f} requests/s")
    for (status, code), number in sorted(outcomes.items()):
        print(f"  {status} {code:<22} {number}")
    if refused:
        print(f"refused request (address limit): {1000 * refused_seconds / refused:.2f} ms each, "
              f"{refused_statements / refused:.1f} SQL statements each, "
              f"{refused_student_reads} reads of the student tables in all")
    print(f"audit rows written: {audit_rows} (admitted queries {admitted}, minutes {minutes})")

    failed = []
    if outcomes.get((200, "found")):
        failed.append("a guess was answered with a student")
    if refused_student_reads:
        failed.append("a refused request read the student table")
    if audit_rows > admitted + minutes:
        failed.append("refused requests wrote more than one audit row a minute")
    for reason in failed:
        print("FAILED:", reason)
    return 1 if failed else 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--guesses", type=int, default=10_000)
    args = parser.parse_args()
    setup_django()
    return run(args.guesses)


if __name__ == "__main__":
    raise SystemExit(main())
