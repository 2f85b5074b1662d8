"""The Shanxi demo data: the province's divisions, eight schools of 太原市, their classes, about two thousand
students with guardians, and the demo accounts.

A seeding tool, not a user action: it writes through the models in bulk inside one transaction and leaves a
single audit row "demo.load" with no actor. Loading is idempotent: when the demo schools or accounts are already
there, nothing is written.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.utils import timezone

from xueji.accounts.models import Role, User
from xueji.audit import services as audit
from xueji.conditions.demo import seed_demo as seed_conditions
from xueji.orgs.models import Campus, Division, School, SchoolClass
from xueji.policy import terms as policy_terms
from xueji.policy.data.shanxi import SHANXI_DIVISIONS
from xueji.policy.province import get_policy
from xueji.students.models import Enrolment, FamilyMember, StatusEvent, Student, StudentNumber
from xueji.workdays.services import set_term

from .autumn_import import file_an_import
from .synthetic import IdAllocator, SchoolInfo, Synth, class_entry_year

DEMO_PASSWORD = "xueji-demo-2026"
DEMO_SEED = 140000
FAMILY_COLUMNS = {"position": "position_title"}


@dataclass(frozen=True)
class DemoSchool:
    code: str
    name: str
    school_type: str
    county: str
    address: str
    classes_per_grade: int
    sizes: tuple[int, int]  # smallest and largest class
    ownership: str = "public"
    provincial_model: bool = False
    city_run: bool = False
    boarding: float = 0.02
    campuses: tuple[str, ...] = ()  # besides the main one


DEMO_SCHOOLS: tuple[DemoSchool, ...] = (
    DemoSchool("1114010501", "太原市小店区坞城路小学", "211", "140105", "山西省太原市小店区坞城路92号", 1, (40, 45)),
    DemoSchool("1114010502", "太原市小店区第一中学校", "311", "140105", "山西省太原市小店区长治路211号", 2, (44, 50)),
    DemoSchool("1114010503", "太原市小店区北格镇中心学校", "312", "140105", "山西省太原市小店区北格镇北格村",
               1, (26, 34), boarding=0.2, campuses=("中学部",)),
    DemoSchool("1114010509", "太原市小店区明德学校", "312", "140105", "山西省太原市小店区许坦东街88号", 1, (28, 36),
               ownership="private", boarding=0.5),
    DemoSchool("1114010601", "太原市迎泽区新建路小学", "211", "140106", "山西省太原市迎泽区新建南路56号", 1, (40, 45)),
    DemoSchool("1114010602", "太原市迎泽区桃园中学", "311", "140106", "山西省太原市迎泽区桃园南路36号", 1, (44, 50)),
    DemoSchool("3114010001", "山西大学附属中学校", "342", "140105", "山西省太原市小店区坞城路36号", 2, (44, 50),
               provincial_model=True, city_run=True, boarding=0.35, campuses=("南校区",)),
    DemoSchool("3114010002", "太原市第十二中学校", "342", "140106", "山西省太原市迎泽区双塔西街60号", 1, (44, 50),
               city_run=True, boarding=0.15),
)

# (username, role, org code, display name)
DEMO_OFFICERS: tuple[tuple[str, str, str, str], ...] = (
    ("province", Role.PROVINCE, "140000", "山西省教育厅学籍管理员"),
    ("taiyuan", Role.CITY, "140100", "太原市教育局学籍管理员"),
    ("xiaodian", Role.COUNTY, "140105", "小店区教育局学籍管理员"),
    ("yingze", Role.COUNTY, "140106", "迎泽区教育局学籍管理员"),
    ("auditor", Role.AUDITOR, "140000", "山西省教育厅审计员"),
)
# Share of this autumn's entrants (一年级, 初一, 高一) whose registration is still being approved.
PENDING_SHARE = 0.15
RARE_NAME_CHARS = ("𠮷", "䶮")  # U+20BB7 and U+4DAE


def demo_accounts() -> list[tuple[str, str, str]]:
    """(username, role, org code) of every demo login, officers first."""
    rows = [(name, role, org) for name, role, org, _display in DEMO_OFFICERS]
    for school in DEMO_SCHOOLS:
        rows += [(f"{school.code}-registrar", Role.REGISTRAR, school.code),
                 (f"{school.code}-leader", Role.LEADER, school.code)]
    return rows


def is_loaded() -> bool:
    """The marker: any demo school or demo account present means the demo (or a clashing setup) is there."""
    names = [name for name, _role, _org in demo_accounts()]
    return (School.objects.filter(code__in=[s.code for s in DEMO_SCHOOLS]).exists()
            or User.objects.filter(username__in=names).exists())


def load_divisions() -> int:
    """山西省, its 11 cities and 117 county-level divisions; rows already present are left alone."""
    rows = [Division(code=code, name=name, level=level, parent_id=parent)
            for code, name, level, parent in SHANXI_DIVISIONS]
    before = Division.objects.count()
    Division.objects.bulk_create(rows, ignore_conflicts=True)
    return Division.objects.count() - before


def load(today: datetime.date | None = None) -> dict[str, int] | None:
    """Write the demo data; None when it is already there."""
    today = today or datetime.date.today()
    with transaction.atomic():
        if is_loaded():
            return None
        counts = {"divisions": load_divisions()}
        schools = _schools()
        classes = _classes(schools, today)
        counts |= _students(schools, classes, today)
        counts |= {"schools": len(schools), "classes": sum(len(v) for v in classes.values()),
                   "accounts": _accounts(schools)}
        counts |= _workflow(today)
        counts |= seed_conditions(today)  # 第三十五条 conditions of the 高三 students (xueji/conditions/demo.py)
        audit.record(None, "demo.load", object_type="demo", object_id="140000", details=counts)
    return counts


def _schools() -> dict[str, School]:
    divisions = {d.code: d for d in Division.objects.filter(level=Division.Level.COUNTY)}
    schools = [
        School(code=s.code, name=s.name, school_type=s.school_type, ownership=s.ownership,
               provincial_model=s.provincial_model, city_run=s.city_run, county_id=s.county,
               city_id=divisions[s.county].parent_id, address=s.address)
        for s in DEMO_SCHOOLS
    ]
    School.objects.bulk_create(schools)
    campuses = [Campus(school_id=s.code, name="主校区", address=s.address, is_main=True) for s in DEMO_SCHOOLS]
    campuses += [Campus(school_id=s.code, name=extra) for s in DEMO_SCHOOLS for extra in s.campuses]
    Campus.objects.bulk_create(campuses)
    return {s.code: s for s in schools}


def _classes(schools: dict[str, School], today: datetime.date) -> dict[str, list[SchoolClass]]:
    synth = Synth(DEMO_SEED - 1, today=today)
    made = []
    for spec in DEMO_SCHOOLS:
        grades = get_policy().grades_for(spec.school_type)
        for grade in grades:
            for number in range(1, spec.classes_per_grade + 1):
                made.append(SchoolClass(
                    school_id=spec.code, grade=grade, name=f"{number}班",
                    entry_year=class_entry_year(grade, grades.start, synth.school_year),
                    head_teacher=synth.adult_name("1" if synth.rng.random() < 0.3 else "2"),
                ))
    SchoolClass.objects.bulk_create(made)
    by_school: dict[str, list[SchoolClass]] = {code: [] for code in schools}
    for school_class in made:
        by_school[school_class.school_id].append(school_class)
    return by_school


def _students(schools, classes, today: datetime.date) -> dict[str, int]:
    synth = Synth(DEMO_SEED, today=today, used_levels=_used_levels())
    records: list[tuple[Student, list[dict]]] = []
    for spec in DEMO_SCHOOLS:
        info = SchoolInfo(spec.code, spec.county, spec.school_type, spec.ownership == "private", spec.boarding)
        # The first class of every school has a child whose name needs a character outside GB 2312 (and, for
        # 𠮷, outside the Basic Multilingual Plane).
        rare = RARE_NAME_CHARS[DEMO_SCHOOLS.index(spec) % 2]
        for index, school_class in enumerate(classes[spec.code]):
            records += _class_students(synth, spec, info, school_class, rare if index == 0 else None)
    students = Student.objects.bulk_create([student for student, _family in records])
    _write_family(records)
    enrolled = [s for s in students if s.status == "在籍"]
    StudentNumber.objects.bulk_create(
        [StudentNumber(number=s.student_number, student=s, kind=StudentNumber.Kind.G) for s in enrolled]
    )
    Enrolment.objects.bulk_create([
        Enrolment(student=s, school_id=s.school_id, grade=s.grade, school_class=s.school_class,
                  started_on=_entry_day(s), entry_reason="新生入学")
        for s in students
    ])
    _write_events(students)
    _backdate(students)
    return {"students": len(students), "enrolled": len(enrolled), "pending": len(students) - len(enrolled)}


def _class_students(synth: Synth, spec: DemoSchool, info: SchoolInfo, school_class: SchoolClass,
                    rare: str | None) -> list[tuple[Student, list[dict]]]:
    rng = synth.rng
    normal_cap, _hard = get_policy().class_caps(school_class.grade)
    size = rng.randint(spec.sizes[0], min(spec.sizes[1], normal_cap))
    newcomers = school_class.grade in (1, 7, 10)
    out = []
    for seat in range(1, size + 1):
        record = synth.student(info, school_class.grade, rare_char=rare if seat == 7 else None)
        family = record.pop("family")
        pending = newcomers and rng.random() < PENDING_SHARE
        student = Student(
            school_id=spec.code, school_class=school_class, seat_number=f"{seat:02d}",
            status="待注册" if pending else "在籍",
            student_number=None if pending else "G" + record["id_number"], **record,
        )
        out.append((student, family))
    return out


def _write_family(records) -> None:
    members = [
        FamilyMember(student=student, position=position,
                     **{FAMILY_COLUMNS.get(key, key): value for key, value in member.items()})
        for student, family in records
        for position, member in enumerate(family, start=1)
    ]
    FamilyMember.objects.bulk_create(members)


def _write_events(students: list[Student]) -> None:
    events = []
    for s in students:
        events.append(StatusEvent(student=s, kind="建档", to_status="待注册", school_id=s.school_id,
                                  note="录入学生基本信息,待注册"))
        if s.status == "在籍":
            events.append(StatusEvent(student=s, kind="注册", from_status="待注册", to_status="在籍",
                                      school_id=s.school_id, note=f"学籍注册审核通过,发放学籍号{s.student_number}"))
    StatusEvent.objects.bulk_create(events)


def _entry_day(student: Student) -> datetime.date:
    return datetime.date(int(student.entry_month[:4]), 9, 1)


def _backdate(students: list[Student]) -> None:
    """auto_now_add stamps every row with today; a registered student's history reads better dated from the
    September of entry (record opened in the first week, registration approved within 第十一条's 15 days).
    Records still awaiting registration keep today's date: they were just entered."""
    demo_codes = [spec.code for spec in DEMO_SCHOOLS]
    for month in sorted({s.entry_month for s in students}):
        year = int(month[:4])
        opened = _aware(datetime.date(year, 9, 5))
        approved = _aware(datetime.date(year, 9, 18))
        ids = Student.objects.filter(entry_month=month, school__in=demo_codes, status="在籍").values("pk")
        Student.objects.filter(pk__in=ids).update(created_at=opened)
        StatusEvent.objects.filter(student__in=ids, kind="建档").update(at=opened)
        StatusEvent.objects.filter(student__in=ids, kind="注册").update(at=approved)
        StudentNumber.objects.filter(student__in=ids).update(issued_at=approved)


def _aware(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(9, 30)))


def _used_levels() -> dict[tuple[str, str], int]:
    """ID order levels already taken, so demo IDs cannot repeat numbers a generate run put there first."""
    from .bulk import existing_id_pairs

    return IdAllocator.used_levels_from(existing_id_pairs())


def _accounts(schools: dict[str, School]) -> int:
    # One hash serves every demo account: they share the published demo password, and argon2 is slow by design.
    password = make_password(DEMO_PASSWORD)
    users = [
        User(username=name, role=role, division_id=org, display_name=display, password=password)
        for name, role, org, display in DEMO_OFFICERS
    ]
    for school in schools.values():
        users.append(User(username=f"{school.code}-registrar", role=Role.REGISTRAR, school=school,
                          display_name=f"{school.name}学籍管理员", password=password))
        users.append(User(username=f"{school.code}-leader", role=Role.LEADER, school=school,
                          display_name=f"{school.name}校长", password=password))
    User.objects.bulk_create(users)
    return len(users)


def login_table() -> list[tuple[str, str, str]]:
    """(username, role label, org name) of every demo account, for printing."""
    names = dict(Division.objects.filter(code__in=[o for _n, _r, o, _d in DEMO_OFFICERS]).values_list("code", "name"))
    names |= {s.code: s.name for s in DEMO_SCHOOLS}
    return [(user, Role(role).label, f"{names.get(org, org)} {org}") for user, role, org in demo_accounts()]


def _workflow(today: datetime.date) -> dict[str, int]:
    """Put the registry in mid-autumn shape through the real services: the province has set this school
    year's terms, and registrars have filed registrations for part of the newcomers, some already agreed by
    the school leader, so every approver finds work in the inbox; 坞城路小学 has imported this autumn's last
    newcomers, one of whom 小店区 must look at as a suspected duplicate (autumn_import.py)."""
    from xueji.applications import services as applications

    province = User.objects.get(username="province")
    year = policy_terms.school_year_of(today)
    set_term(province, school_year=year, number=1, starts_on=datetime.date(year, 9, 1),
             ends_on=datetime.date(year + 1, 1, 22))
    set_term(province, school_year=year, number=2, starts_on=datetime.date(year + 1, 2, 24),
             ends_on=datetime.date(year + 1, 7, 9))
    filed = agreed = 0
    for school_code in sorted({s.code for s in DEMO_SCHOOLS}):
        registrar = User.objects.get(username=f"{school_code}-registrar")
        leader = User.objects.get(username=f"{school_code}-leader")
        pending = list(Student.objects.filter(school_id=school_code, status="待注册").order_by("id"))
        for index, student in enumerate(pending[: (len(pending) * 2) // 3]):
            application = applications.submit(registrar, "registration", student, batch="demo")
            filed += 1
            if index % 2 == 0:
                applications.approve(leader, application.pk, comment="信息核对无误")
                agreed += 1
    counts = {"registrations_filed": filed, "registrations_agreed_by_school": agreed}
    return counts | file_an_import(DEMO_SEED + 1, today, _used_levels())
