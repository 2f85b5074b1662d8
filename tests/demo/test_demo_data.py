"""What `xueji demo` puts in the database: the province's divisions, the demo schools, accounts and students.

The data is loaded once for the module (inside a transaction rolled back at its end); every test reads it.
"""

import pytest
from django.db import transaction
from django.db.models import Count
from django.test import override_settings

from xueji.accounts.models import User
from xueji.accounts.services import check_password_login
from xueji.audit.models import AuditEvent
from xueji.audit.services import verify_chain
from xueji.demo import loader
from xueji.intake.models import DuplicateCase, ImportBatch
from xueji.orgs.models import Campus, Division, School, SchoolClass
from xueji.orgs.permissions import SchoolPolicy
from xueji.policy.idcard import is_valid_resident_id
from xueji.policy.province import get_policy
from xueji.policy.record import validate_student
from xueji.students.models import Enrolment, FamilyMember, StatusEvent, Student, StudentNumber
from xueji.students.permissions import StudentPolicy
from xueji.students.selectors import search_students
from xueji.students.services import student_data

XIAODIAN_SCHOOLS = {"1114010501", "1114010502", "1114010503", "1114010509"}
YINGZE_SCHOOLS = {"1114010601", "1114010602"}
CITY_RUN = {"3114010001", "3114010002"}


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker, tmp_path_factory):
    # The demo's autumn import stores its spreadsheet as an upload: in a temporary folder, not the checkout's var/.
    data = tmp_path_factory.mktemp("demo-data")
    with override_settings(DATA_DIR=data, MEDIA_ROOT=data / "media"), django_db_blocker.unblock(), \
            transaction.atomic():
        counts = loader.load()
        yield counts
        transaction.set_rollback(True)


pytestmark = pytest.mark.usefixtures("demo", "db")


def test_the_whole_province_with_its_cities_and_counties():
    levels = dict(Division.objects.values_list("level").annotate(n=Count("code")))
    assert levels == {"province": 1, "city": 11, "county": 117}
    assert Division.objects.get(code="140105").parent.name == "太原市"
    assert Division.objects.get(code="140100").parent_id == "140000"


def test_the_demo_schools_and_their_place_in_the_tree():
    schools = {s.code: s for s in School.objects.all()}
    assert set(schools) == XIAODIAN_SCHOOLS | YINGZE_SCHOOLS | CITY_RUN
    types = {code: s.school_type for code, s in schools.items()}
    assert sorted(types[c] for c in XIAODIAN_SCHOOLS) == ["211", "311", "312", "312"]
    assert sorted(types[c] for c in YINGZE_SCHOOLS) == ["211", "311"]
    assert schools["3114010001"].provincial_model and schools["3114010001"].city_run
    assert schools["3114010002"].school_type == "342" and schools["3114010002"].city_run
    assert [s.code for s in schools.values() if s.ownership == "private"] == ["1114010509"]
    assert all(len(code) == 10 and code.isdigit() for code in schools)
    assert Campus.objects.filter(is_main=True).count() == len(schools)


def test_about_two_thousand_students_in_classes_within_the_caps():
    assert 1800 <= Student.objects.count() <= 2200
    for school_class in SchoolClass.objects.annotate(size=Count("students")):
        normal, _hard = get_policy().class_caps(school_class.grade)
        assert 20 <= school_class.size <= normal, school_class
        assert school_class.grade in school_class.school.grades


def test_registered_students_carry_their_g_number_and_history():
    enrolled = Student.objects.filter(status="在籍")
    pending = Student.objects.filter(status="待注册")
    assert enrolled.count() > 10 * pending.count() > 0
    assert not enrolled.filter(student_number__isnull=True).exists()
    assert not pending.filter(student_number__isnull=False).exists()
    for student in enrolled[:200]:
        assert student.student_number == "G" + student.id_number
    assert StudentNumber.objects.count() == enrolled.count()
    assert set(StudentNumber.objects.values_list("number", flat=True)) == set(
        enrolled.values_list("student_number", flat=True))
    assert Enrolment.objects.count() == Student.objects.count()
    kinds = StatusEvent.objects.values("kind").annotate(n=Count("id"))
    assert {k["kind"]: k["n"] for k in kinds} == {"建档": Student.objects.count(), "注册": enrolled.count()}
    # Pending records are this autumn's entrants (一年级, 初一, 高一).
    assert set(pending.values_list("grade", flat=True)) <= {1, 7, 10}


def test_every_id_number_is_valid_and_unique():
    ids = list(Student.objects.values_list("id_number", flat=True))
    guardians = list(FamilyMember.objects.values_list("id_number", flat=True))
    assert all(map(is_valid_resident_id, ids + guardians))
    assert len(set(ids + guardians)) == len(ids) + len(guardians)


def test_a_sample_of_demo_students_passes_the_record_rules():
    sample = Student.objects.select_related("school").prefetch_related("family").order_by("id")[::7]
    for student in sample:
        data = student_data(student)
        assert validate_student(data, school_type=student.school.school_type) == [], student
        assert len(data["family"]) == 2


def test_names_with_rare_characters_are_stored_and_found_intact():
    rare = list(Student.objects.filter(name__contains="𠮷").values_list("name", flat=True))
    rare += list(Student.objects.filter(name__contains="䶮").values_list("name", flat=True))
    assert len(rare) >= 3
    assert any("\U00020BB7" in name for name in rare) and any("\u4DAE" in name for name in rare)
    registrar = User.objects.get(username="1114010501-registrar")
    student = StudentPolicy.visible_to(registrar).filter(name__contains="𠮷").first()
    assert student is not None and "𠮷" in Student.objects.get(pk=student.pk).name
    assert student in list(search_students(registrar, q=student.name))


def test_demo_accounts_have_their_roles_and_orgs():
    expected = {
        "province": ("province", "140000"), "taiyuan": ("city", "140100"), "xiaodian": ("county", "140105"),
        "yingze": ("county", "140106"), "auditor": ("auditor", "140000"),
    }
    for code in XIAODIAN_SCHOOLS | YINGZE_SCHOOLS | CITY_RUN:
        expected[f"{code}-registrar"] = ("registrar", code)
        expected[f"{code}-leader"] = ("leader", code)
    users = {u.username: (u.role, u.org_code) for u in User.objects.all()}
    assert users == expected


@pytest.mark.parametrize("username", ["province", "xiaodian", "auditor", "3114010001-leader"])
def test_the_demo_password_logs_in(username):
    user = check_password_login(username, loader.DEMO_PASSWORD)
    assert user.username == username
    assert AuditEvent.objects.filter(action="auth.login", actor=user, outcome="ok").exists()


def test_county_officers_see_their_county_schools_but_not_the_city_run_ones():
    xiaodian = User.objects.get(username="xiaodian")
    yingze = User.objects.get(username="yingze")
    taiyuan = User.objects.get(username="taiyuan")
    assert set(SchoolPolicy.visible_to(xiaodian).values_list("code", flat=True)) == XIAODIAN_SCHOOLS
    assert set(SchoolPolicy.visible_to(yingze).values_list("code", flat=True)) == YINGZE_SCHOOLS
    assert set(SchoolPolicy.visible_to(taiyuan).values_list("code", flat=True)) == (
        XIAODIAN_SCHOOLS | YINGZE_SCHOOLS | CITY_RUN)
    outsider = StudentPolicy.visible_to(yingze)
    assert not outsider.filter(school__in=XIAODIAN_SCHOOLS | CITY_RUN).exists()


def test_the_load_leaves_one_audit_row_without_an_actor():
    rows = AuditEvent.objects.filter(action="demo.load")
    assert rows.count() == 1
    row = rows.get()
    assert row.actor is None and row.details["students"] + row.details["imported"] == Student.objects.count()
    assert verify_chain()[0]


def test_the_autumn_import_leaves_a_batch_and_a_suspected_duplicate_for_the_county(demo):
    # Sent through the real intake services by 坞城路小学's registrar: six newcomers written as 待注册, one of them
    # with the name, gender and birth date of a 北格镇 first-grader but another ID number (第十四条).
    assert (demo["imported"], demo["suspected_duplicates"]) == (6, 1)
    batch = ImportBatch.objects.get()
    assert (batch.school_id, batch.status, batch.rows_total, batch.rows_new, batch.error_count) == (
        "1114010501", "committed", 6, 6, 0)
    assert batch.uploaded_by.username == "1114010501-registrar" and batch.original_name.endswith("一年级新生.csv")
    case = DuplicateCase.objects.get()
    assert case.status == "open" and case.reasons == ["pinyin"]
    new, existing = case.student, case.existing
    assert (new.school_id, new.status, existing.school_id) == ("1114010501", "待注册", "1114010503")
    assert (new.name, new.gender, new.birth_date) == (existing.name, existing.gender, existing.birth_date)
    assert new.id_number != existing.id_number and is_valid_resident_id(new.id_number)
    assert AuditEvent.objects.filter(action="intake.commit", actor=batch.uploaded_by).exists()
