"""The demo's autumn import: one registrar's spreadsheet of new first-graders, sent through the real intake
services (upload, check, commit), so that a new user finds what every September brings:
  - a committed batch in 坞城路小学's import history, its pupils 待注册;
  - a suspected duplicate waiting for 小店区's decision (第十四条): one pupil of the file has the name, gender and
    birth date of a first-grader of 北格镇中心学校 but another ID number, as happens when one child is entered by
    two schools or two children share a common name.
"""

from __future__ import annotations

import csv
import datetime
import io

from django.core.files.uploadedfile import SimpleUploadedFile

from xueji.accounts.models import User
from xueji.intake import services as intake
from xueji.policy.fields import template_columns
from xueji.policy.idcard import check_char_of_digits
from xueji.students.models import Student

from .spreadsheet import template_row
from .synthetic import SchoolInfo, Synth

SCHOOL = "1114010501"  # 太原市小店区坞城路小学
OTHER_SCHOOL = "1114010503"  # 太原市小店区北格镇中心学校, where the suspected twin is already registered
NEWCOMERS = 6


def file_an_import(seed: int, today: datetime.date, used_levels: dict) -> dict[str, int]:
    registrar = User.objects.get(username=f"{SCHOOL}-registrar")
    school = registrar.school
    synth = Synth(seed, today=today, used_levels=used_levels)
    info = SchoolInfo(SCHOOL, school.county_id, school.school_type, school.ownership == "private", 0.0)
    records = [synth.student(info, 1) for _ in range(NEWCOMERS - 1)]
    other = (Student.objects.filter(school_id=OTHER_SCHOOL, grade=1, id_type="1").order_by("id")
             .only("name", "name_pinyin", "gender", "birth_date").first())
    records.append(_namesake(synth.student(info, 1, gender=other.gender), other))
    name = f"{synth.school_year}年秋季一年级新生.csv"
    upload = SimpleUploadedFile(name, _csv(records), content_type="text/csv")
    batch = intake.upload(registrar, school, upload)
    intake.validate(batch.pk)
    intake.request_commit(registrar, batch, mode="valid_only")
    batch = intake.run_commit(batch.pk)
    return {"imported": batch.rows_new, "suspected_duplicates": batch.suspected}


def _namesake(record: dict, other: Student) -> dict:
    """This record with the name, gender and birth date of `other`, and an ID number of its own that agrees with
    them: the record's own area and order code (the generator's, so no later `xueji generate` can repeat it) with
    the other child's birth date."""
    number = record["id_number"]
    body = f"{number[:6]}{other.birth_date:%Y%m%d}{number[14:17]}"
    number = body + check_char_of_digits(body)
    if Student.objects.filter(id_number=number).exists():
        raise RuntimeError(f"演示数据:身份证件号{number}已被占用")
    return record | {"name": other.name, "name_pinyin": other.name_pinyin, "birth_date": other.birth_date,
                     "id_number": number}


def _csv(records: list[dict]) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(template_columns())
    writer.writerows(template_row(record) for record in records)
    return out.getvalue().encode("utf-8-sig")  # with a BOM, as Excel saves "CSV UTF-8"
