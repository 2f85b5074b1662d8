"""Printing benchmark: 500 certificates of one school year as one PDF (issue 11 "Speed": goal under 60 s, every
glyph right).

    .venv/bin/python benchmarks/certificates_print.py [--count 500] [--database-url sqlite:///benchmarks/out/certificates.sqlite3]

It migrates the database, makes (once) a high school with `--count` students whose names include rare characters
(CJK Extension A 㛃 䶮 and Extension B 𠮷) and a 毕业, 结业 or 肄业 certificate each, numbered with the registry's
own numbering, then times the batch print exactly as GET /api/v1/schools/{code}/certificates.pdf runs it
(jurisdiction, the query, the template, WeasyPrint with the subset fonts, the audit row), and reads the PDF back
with pypdf to check that every page carries its student's name and certificate number as text.
"""

from __future__ import annotations

import argparse
import datetime
import io
import os
import resource
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "benchmarks" / "out"
SCHOOL = "3140100900"
YEAR = 2026
SURNAMES = "王李张刘陈杨赵黄周吴"
GIVEN = ("㛃", "䶮", "𠮷祥", "晓明", "子涵", "雨桐", "浩然", "欣怡", "㛃䶮", "思远")
KINDS = ("毕业", "结业", "肄业")


def setup_django(database_url: str) -> None:
    sys.path.insert(0, str(ROOT))
    os.environ["DATABASE_URL"] = database_url
    os.environ.setdefault("XUEJI_DATA_DIR", str(OUT / "data"))
    os.environ["DJANGO_SETTINGS_MODULE"] = "xueji.settings"
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def name_of(i: int) -> str:
    return f"{SURNAMES[i % 10]}{GIVEN[(i // 10) % 10]}{i:03d}"[:50]


def prepare(count: int):
    """The school, its registrar and `count` students with one certificate each (made once, set-based)."""
    from django.db import transaction

    from xueji.accounts.models import User
    from xueji.certificates.models import Certificate
    from xueji.certificates.numbering import draw
    from xueji.orgs.models import Division, School
    from xueji.students.models import Enrolment, Student

    province = Division.objects.get_or_create(code="140000", defaults={"name": "山西省", "level": "province"})[0]
    city = Division.objects.get_or_create(code="140100", defaults={"name": "太原市", "level": "city",
                                                                   "parent": province})[0]
    county = Division.objects.get_or_create(code="140105", defaults={"name": "小店区", "level": "county",
                                                                     "parent": city})[0]
    school = School.objects.get_or_create(code=SCHOOL, defaults={"name": "太原市基准测试中学", "school_type": "342",
                                                                 "county": county, "city": city, "city_run": True})[0]
    user = User.objects.get_or_create(username="bench_cert_registrar",
                                      defaults={"role": "registrar", "school": school})[0]
    have = Certificate.objects.filter(school=school, school_year=YEAR).count()
    if have >= count:
        return user, school
    with transaction.atomic():
        start = Student.objects.filter(school=school).count()
        students = Student.objects.bulk_create([
            Student(name=name_of(i), gender="1" if i % 2 else "2", birth_date=datetime.date(2008, 1 + i % 12, 1 + i % 28),
                    id_type="Z", id_number=f"BENCH{i:08d}", school=school, grade=12, status="结业",
                    student_number=f"L{SCHOOL}{i:08d}"[:19])
            for i in range(start, start + count - have)])
        Enrolment.objects.bulk_create([Enrolment(student=s, school=school, grade=12, started_on=datetime.date(2023, 9, 1),
                                                 ended_on=datetime.date(2026, 6, 30), exit_reason="结业")
                                       for s in students])
        certificates = []
        for kind in KINDS:
            group = students[KINDS.index(kind)::3]
            for s, number in zip(group, draw(SCHOOL, kind, YEAR, len(group)), strict=True):
                certificates.append(Certificate(number=number, kind=kind, stage="senior", student=s, school=school,
                                                school_year=YEAR, issued_on=datetime.date(2026, 7, 1), issued_by=user,
                                                stub_archived=kind != "毕业"))
        Certificate.objects.bulk_create(certificates)
    return user, school


def verify(content: bytes, rows) -> int:
    """Pages whose text lacks their student's name or certificate number (0 when every glyph came out right)."""
    from pypdf import PdfReader

    reader = PdfReader(io.BytesIO(content))
    assert len(reader.pages) == len(rows), (len(reader.pages), len(rows))
    wrong = 0
    for page, (name, number) in zip(reader.pages, rows, strict=True):
        text = "".join(page.extract_text().split())
        wrong += name not in text or number not in text
    return wrong


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=500)
    parser.add_argument("--database-url", default=f"sqlite:///{OUT / 'certificates.sqlite3'}")
    args = parser.parse_args()
    OUT.mkdir(parents=True, exist_ok=True)
    setup_django(args.database_url)
    user, school = prepare(args.count)

    from xueji.certificates import documents, selectors
    from xueji.forms import pdf

    pdf.available()  # the fonts are prepared once per process, as in a running server: not part of the print
    began, cpu_began = time.perf_counter(), time.process_time()
    printout = documents.batch(user, school.pk, YEAR)
    elapsed, cpu = time.perf_counter() - began, time.process_time() - cpu_began
    rows = [(c.student.name, c.number) for c in selectors.school_register(school, year=YEAR)]
    wrong = verify(printout.content, rows)
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"certificates: {printout.count}  pdf: {len(printout.content) / 1e6:.1f} MB  time: {elapsed:.1f} s (CPU {cpu:.1f} s, load "
          f"average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores)  "
          f"pages with a wrong or missing name/number: {wrong}  peak memory: {peak:.0f} MB")
    goal = elapsed < 60 and wrong == 0 and printout.count >= args.count
    print("goal (< 60 s, every name and number as text):", "met" if goal else "NOT met")
    sys.exit(0 if goal else 1)


if __name__ == "__main__":
    main()
