"""Time of the 第三十五条 check graduation asks for a city's whole senior class, and of its query count.

    DATABASE_URL=postgres://… .venv/bin/python benchmarks/conditions_check.py [--students 30000]

Creates a throw-away test database (Django's test_<name>), one high school with N 高三 students, each with three
school years of condition records and eleven 学业水平考试 sittings (every eleventh with a failed 物理 and its 补考),
then times `xueji.graduation.hooks.unmet(students, year)` the way graduation calls it and prints the wall time, the
number of queries and how many students have unmet conditions. Goal: a few queries per 5,000 students, seconds
not minutes for 30,000.
"""

from __future__ import annotations

import argparse
import datetime
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def setup_django() -> None:
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("XUEJI_DATA_DIR", str(ROOT / "benchmarks" / "out" / "conditions"))
    os.environ["DJANGO_SETTINGS_MODULE"] = "xueji.settings"
    import django

    django.setup()


def build(count: int, year: int):
    from xueji.accounts.models import User
    from xueji.conditions.demo import CREDITS_BY_YEAR
    from xueji.conditions.models import ConditionRecord, ExamSitting
    from xueji.orgs.models import Division, School
    from xueji.policy.province import get_policy
    from xueji.students.models import Student

    province = Division.objects.create(code="140000", name="山西省", level="province")
    city = Division.objects.create(code="140100", name="太原市", level="city", parent=province)
    county = Division.objects.create(code="140105", name="小店区", level="county", parent=city)
    school = School.objects.create(code="3114010001", name="太原市第五中学", school_type="342", county=county,
                                   city=city, city_run=True)
    user = User.objects.create(username="bench", role="registrar", school=school)
    template = {"name": "王小明", "gender": "1", "birth_date": datetime.date(2008, 3, 2), "id_type": "1",
                "ethnicity": "01", "nationality": "CHN", "grade": 12, "status": "在籍", "school": school}
    students = Student.objects.bulk_create(
        [Student(**template, id_number=f"14010520080302{n:04d}"[:18]) for n in range(count)], batch_size=5000)
    records, sittings = [], []
    for index, student in enumerate(students):
        for offset, (c, e1, e2) in enumerate(CREDITS_BY_YEAR):
            records.append(ConditionRecord(student=student, school_year=year - 2 + offset, recorded_by=user,
                                           credits_compulsory=c, credits_elective_1=e1, credits_elective_2=e2,
                                           quality_result="合格", fitness_met=True, practice_done=True))
        for subject in get_policy().exam_subjects:
            failed = subject == "物理" and index % 11 == 0
            sittings.append(ExamSitting(student=student, school_year=year - 1, subject=subject, attempt=1,
                                        grade="D" if failed else "B", recorded_by=user))
            if failed and index % 2 == 0:
                sittings.append(ExamSitting(student=student, school_year=year, subject=subject, attempt=2,
                                            grade="C", recorded_by=user))
    ConditionRecord.objects.bulk_create(records, batch_size=5000)
    ExamSitting.objects.bulk_create(sittings, batch_size=5000)
    return students


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--students", type=int, default=30_000)
    args = parser.parse_args()
    setup_django()
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from xueji.graduation import hooks

    name = connection.creation.create_test_db(verbosity=0)
    try:
        year = 2026
        started = time.perf_counter()
        students = build(args.students, year)
        print(f"built {len(students)} students in {time.perf_counter() - started:.1f} s ({connection.vendor})")
        with CaptureQueriesContext(connection) as queries:
            started = time.perf_counter()
            found = hooks.unmet(students, year)
            seconds = time.perf_counter() - started
        unmet = sum(1 for violations in found.values() if violations)
        print(f"check of {len(found)} students: {seconds:.2f} s, {len(queries)} queries, {unmet} with unmet conditions")
    finally:
        connection.creation.destroy_test_db(name, verbosity=0)


if __name__ == "__main__":
    main()
