"""Builders for test data: a small Shanxi tree, named actors and valid student records."""

import itertools
from datetime import date
from functools import lru_cache

from django.contrib.auth.hashers import make_password

from xueji.accounts.models import User
from xueji.orgs.models import Campus, Division, School, SchoolClass
from xueji.policy.idcard import check_digit

PASSWORD = "xueji-test-2026"
_seq = itertools.count(100)


def make_id(area: str = "140105", birth: date = date(2015, 3, 2), gender: str = "1", seq: int | None = None) -> str:
    """A valid 居民身份证 number; the 17th digit's parity carries the gender.

    A number a test asks for by `seq` ends its order code in 1 or 2, one drawn from the running count in 3 or 4,
    so a test's chosen number never equals the number an earlier record drew (which depended on test order)."""
    drawn = seq is None
    n = (next(_seq) if drawn else seq) % 100
    order = n * 10 + ((3 if gender == "1" else 4) if drawn else (1 if gender == "1" else 2))
    first17 = f"{area}{birth:%Y%m%d}{order:03d}"
    return first17 + check_digit(first17)


def student_payload(**overrides) -> dict:
    """A complete, valid record in the API's snake_case shape."""
    birth = overrides.pop("birth", date(2015, 3, 2))
    gender = overrides.get("gender", "1")
    data = {
        "name": "王小明",
        "gender": gender,
        "birth_date": birth.isoformat(),
        "birthplace": "140105",
        "native_place": "140105",
        "ethnicity": "01",
        "nationality": "CHN",
        "id_type": "1",
        "id_number": make_id(birth=birth, gender=gender),
        "hmt_overseas": "00",
        "health_status": "10",
        "hukou_location": "140105",
        "hukou_nature": "2",
        "grade": 1,
        "entry_month": "202109",
        "entry_mode": "11",
        "attendance_mode": "1",
        "student_source": "1",
        "current_address": "山西省太原市小店区坞城路92号3单元502室",
        "mailing_address": "山西省太原市小店区坞城路92号3单元502室",
        "home_address": "山西省太原市小店区坞城路92号3单元502室",
        "phone": "13835100001",
        "postcode": "030006",
        "only_child": "1",
        "preschool": "1",
        "left_behind": "0",
        "migrant_child": "0",
        "orphan": "0",
        "martyr_child": "0",
        "inclusive_study": "0",
        "disability_type": "0",
        "govt_funded_place": "0",
        "needs_aid": "0",
        "one_subsidy": "0",
        "commute_distance": "1.5",
        "commute_mode": "4",
        "needs_school_bus": "0",
        "family": [
            {
                "name": "王建国",
                "relation": "51",
                "ethnicity": "01",
                "phone": "13835100002",
                "is_guardian": "1",
                "id_type": "1",
                "id_number": make_id(birth=date(1985, 6, 1), gender="1"),
                "address": "山西省太原市小店区坞城路92号",
            }
        ],
    }
    data.update(overrides)
    return data


def division(code: str, name: str, level: str, parent: Division | None = None) -> Division:
    return Division.objects.get_or_create(code=code, defaults={"name": name, "level": level, "parent": parent})[0]


def school(code: str, name: str, school_type: str, county: Division, **kw) -> School:
    s = School.objects.create(code=code, name=name, school_type=school_type, county=county, city=county.parent, **kw)
    Campus.objects.create(school=s, name="主校区", is_main=True)
    return s


@lru_cache(maxsize=1)
def _password_hash() -> str:
    # Argon2 is slow by design; hashing once and sharing the hash keeps the suite fast and still real.
    return make_password(PASSWORD)


def user(username: str, role: str, *, division: Division | None = None, school: School | None = None) -> User:
    u = User(username=username, role=role, division=division, school=school, password=_password_hash())
    u.save()
    return u


def school_class(school: School, grade: int = 1, name: str | None = None, entry_year: int = 2026) -> SchoolClass:
    return SchoolClass.objects.create(school=school, grade=grade, name=name or f"{next(_seq)}班", entry_year=entry_year)


def registered(student, kind: str = "G"):
    """A record as the registry holds it once its registration was approved: 在籍 with a student number, without
    walking the approvals (tests of registration itself walk them)."""
    from xueji.students import numbers
    from xueji.students.models import Student

    Student.objects.filter(pk=student.pk).update(status="在籍")
    student.refresh_from_db()
    numbers.issue_number(student, kind)
    student.refresh_from_db()
    return student
