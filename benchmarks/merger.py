"""Merger benchmark (第八条): one large school merged into another on PostgreSQL, timed and rolled back.

    .venv/bin/python benchmarks/merger.py [--students 20000] [--classes 400] \
        [--database-url postgres://postgres@127.0.0.1:5432/h6]

It migrates the database and, once, adds a benchmark county (149901 基准区) with two 九年一贯制 schools: school A
with --students 在籍 students in --classes classes (each with an open enrolment, a status event and one archive
item), and school B with classes of the same names (so every class of A must be renamed). Then, in one
transaction rolled back at the end (the run can be repeated), it times reorganisation.services.merge: the events,
the enrolments ended and continued, classes and campuses renamed and moved, records, items and applications moved.
The goal: a merger of any real school (a few thousand pupils) in seconds, set-based (a constant number of
statements whatever the school's size).
"""

from __future__ import annotations

import argparse
import datetime
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CITY, COUNTY = "149900", "149901"
SCHOOL_A, SCHOOL_B = "1149900001", "1149900002"


def setup_django(database_url: str) -> None:
    sys.path.insert(0, str(ROOT))
    os.environ["DATABASE_URL"] = database_url
    os.environ.setdefault("XUEJI_DATA_DIR", str(ROOT / "benchmarks" / "out" / "data"))
    os.environ["DJANGO_SETTINGS_MODULE"] = "xueji.settings"
    import django

    django.setup()


def id_number(i: int) -> str:
    from xueji.policy.idcard import check_digit

    birth = datetime.date(2014, 1, 1) + datetime.timedelta(days=i // 800)
    first17 = f"{COUNTY}{birth:%Y%m%d}{100 + i % 800:03d}"
    return first17 + check_digit(first17)


def build(students: int, classes: int) -> None:
    """The benchmark county, its two schools, users and A's students; skipped when already there."""
    from xueji.accounts.models import User
    from xueji.archive.item_models import ArchiveItem
    from xueji.orgs.models import Campus, Division, School, SchoolClass
    from xueji.students.models import Enrolment, StatusEvent, Student

    existing = Student.objects.filter(school_id=SCHOOL_A).count()
    if existing >= students:
        return
    province, _ = Division.objects.get_or_create(code="140000", defaults={"name": "山西省", "level": "province"})
    city, _ = Division.objects.get_or_create(code=CITY, defaults={"name": "基准市", "level": "city", "parent": province})
    county, _ = Division.objects.get_or_create(code=COUNTY, defaults={"name": "基准区", "level": "county",
                                                                    "parent": city})
    schools = {}
    for code, name in ((SCHOOL_A, "基准区第一学校"), (SCHOOL_B, "基准区第二学校")):
        schools[code], made = School.objects.get_or_create(code=code, defaults={
            "name": name, "school_type": "312", "county": county, "city": city})
        if made:
            Campus.objects.create(school=schools[code], name="主校区", is_main=True)
            SchoolClass.objects.bulk_create([SchoolClass(school=schools[code], grade=1 + n % 9, name=f"{n}班",
                                                         entry_year=2026) for n in range(classes)])
    actor, _ = User.objects.get_or_create(username="bench_county", defaults={"role": "county", "division": county})
    class_ids = list(SchoolClass.objects.filter(school_id=SCHOOL_A).order_by("id").values_list("id", "grade"))
    rows = []
    for i in range(existing, students):
        number = id_number(i)
        class_id, grade = class_ids[i % len(class_ids)]
        rows.append(Student(
            student_number=f"G{number}", status="在籍", school_id=SCHOOL_A, school_class_id=class_id,
            name=f"基准{i:05d}", gender="1" if i % 2 else "2", birth_date=datetime.date(2014, 1, 1),
            ethnicity="01", nationality="CHN", id_type="1", id_number=number, grade=grade, entry_month="202609",
            entry_mode="11"))
    made = Student.objects.bulk_create(rows, batch_size=5000)
    Enrolment.objects.bulk_create([Enrolment(student_id=s.pk, school_id=SCHOOL_A, grade=s.grade,
                                             school_class_id=s.school_class_id, started_on=datetime.date(2026, 9, 1))
                                   for s in made], batch_size=5000)
    StatusEvent.objects.bulk_create([StatusEvent(student_id=s.pk, kind="建档", to_status="在籍", school_id=SCHOOL_A)
                                     for s in made], batch_size=5000)
    ArchiveItem.objects.bulk_create([ArchiveItem(
        student_id=s.pk, school_id=SCHOOL_A, kind="health", title="体检", dated_on=datetime.date(2026, 9, 10),
        file="archive/bench.pdf", original_name="bench.pdf", content_type="application/pdf", size=1,
        recorded_by=actor) for s in made], batch_size=5000)


def run() -> dict:
    from django.db import transaction

    from xueji.accounts.models import User
    from xueji.reorganisation import services
    from xueji.students.models import Student

    actor = User.objects.get(username="bench_county")
    with transaction.atomic():
        start, cpu = time.perf_counter(), time.process_time()
        row = services.merge(actor, SCHOOL_A, into=SCHOOL_B, decided_on=datetime.date.today(), reason="基准测试")
        wall, cpu = time.perf_counter() - start, time.process_time() - cpu
        moved = Student.objects.filter(school_id=SCHOOL_B).count()
        transaction.set_rollback(True)
    return {"wall": wall, "cpu": cpu, "counts": row.counts, "moved": moved}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--students", type=int, default=20_000)
    parser.add_argument("--classes", type=int, default=400)
    parser.add_argument("--database-url", default="postgres://postgres@127.0.0.1:5432/h6")
    args = parser.parse_args()
    setup_django(args.database_url)
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    start = time.perf_counter()
    build(args.students, args.classes)
    print(f"data ready in {time.perf_counter() - start:.1f} s")
    result = run()
    print(f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
    print(f"merger of {result['moved']} students   {result['wall']:8.2f} s wall  {result['cpu']:6.2f} s client CPU")
    print(f"moved: {result['counts']}")


if __name__ == "__main__":
    main()
