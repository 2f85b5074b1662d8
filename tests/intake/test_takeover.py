"""升学接续 may take over only a record free to continue (第四条, 第十二条); a student studying at another school,
in this county or another, is refused with 第十四条 and pointed to a transfer (第十七条), by the import (check,
commit, API) and by the single-student form alike; an import never replaces the guardians of an existing record."""

from datetime import date

import pytest

from tests import factories as f
from tests.intake.conftest import pupil, upload_file, xlsx_bytes
from xueji.applications import services as applications
from xueji.applications.models import Application
from xueji.intake import services
from xueji.students.models import Enrolment, FamilyMember, StatusEvent, Student

pytestmark = pytest.mark.django_db
API = "/api/v1"
IMPOSTOR = {"成员1姓名": "冒名者", "成员1身份证件号": f.make_id(birth=date(1980, 2, 2), gender="1", seq=55),
            "成员1联系电话": "13900009999", "成员1现住址": "山西省大同市平城区某路1号"}


def _registered_pupil(world, make_student, school, *, status="在籍", grade=6, seq=1):
    birth = date(2013, 5, 6 + seq)
    student = make_student(school=school, grade=grade, birth=birth, entry_month="202009",
                           id_number=f.make_id(birth=birth, gender="1", seq=seq))
    registrar, leader = (world.registrar_a, world.leader_a) if school == world.school_a else (world.registrar_b, None)
    if leader is not None:
        app = applications.submit(registrar, "registration", student)
        applications.approve(leader, app.pk)
        applications.approve(world.county_xd, app.pk)
    else:
        from xueji.students import numbers

        numbers.issue_number(student)
    Student.objects.filter(pk=student.pk).update(status=status)
    student.refresh_from_db()
    return student


def _row(student, **overrides):
    return pupil(1, name=student.name, id_number=student.id_number, birth=student.birth_date, gender=student.gender,
                 grade="初一", entry_month="202609", **overrides) | IMPOSTOR


def _import(world, rows, *, mode="valid_only"):
    batch = services.import_file(world.registrar_a2, world.school_a2, upload_file(xlsx_bytes(rows)))
    services.request_commit(world.registrar_a2, batch, mode=mode)
    return batch, services.run_commit(batch.pk)


def _family(student):
    return list(FamilyMember.objects.filter(student=student).order_by("position")
                .values_list("name", "id_number", "phone", "address"))


def _untouched(student, family):
    after = Student.objects.get(pk=student.pk)
    assert (after.school_id, after.grade, after.status) == (student.school_id, student.grade, student.status)
    assert _family(after) == family
    assert not StatusEvent.objects.filter(student=student, kind="接续").exists()
    assert Enrolment.objects.filter(student=student, ended_on__isnull=True).get().school_id == student.school_id
    assert not Application.objects.filter(student=student).exclude(type="registration").exists()


@pytest.mark.parametrize("where", ["school_a", "school_b"], ids=["same-county", "other-county"])
@pytest.mark.parametrize("status", ["在籍", "休学"])
def test_a_student_studying_elsewhere_is_refused_on_the_row_and_not_written(world, make_student, mid_year,
                                                                            where, status):
    student = _registered_pupil(world, make_student, getattr(world, where), status=status)
    family = _family(student)
    newcomer = pupil(2, birth=date(2013, 9, 9), grade="初一", entry_month="202609")
    checked, committed = _import(world, [_row(student), newcomer])
    for batch in (checked, committed):
        errors = [e for e in batch.errors if e["row"] == 2]
        assert [(e["code"], e["article"], e["field"], e["column"]) for e in errors] == [
            ("registered_elsewhere", "第十四条", "id_number", "身份证件号")]
        assert "第十四条" in errors[0]["message"] and "转学" in errors[0]["message"]
        assert "第十七条" in errors[0]["message"]
    # The good row is written, the refused one is not.
    assert committed.status == "committed" and (committed.rows_new, committed.rows_continued) == (1, 0)
    assert committed.skipped_rows == [2]
    _untouched(student, family)


@pytest.mark.parametrize("status", ["在籍", "休学"])
def test_the_takeover_is_refused_even_at_the_end_of_the_stage_when_suspended_or_with_the_wrong_grade(
        world, make_student, stage_over, status):
    student = _registered_pupil(world, make_student, world.school_b, status=status, grade=5)
    family = _family(student)
    _checked, committed = _import(world, [_row(student)])
    assert [e["code"] for e in committed.errors] == ["registered_elsewhere"]
    assert committed.status == "validated" and "未写入" in committed.message
    _untouched(student, family)


def test_a_suspended_final_grade_pupil_is_not_continued_at_the_stage_end(world, make_student, stage_over):
    student = _registered_pupil(world, make_student, world.school_b, status="休学")
    family = _family(student)
    _checked, committed = _import(world, [_row(student)])
    assert [e["code"] for e in committed.errors] == ["registered_elsewhere"]
    _untouched(student, family)


@pytest.mark.parametrize("where", ["school_a", "school_b"], ids=["same-county", "other-county"])
def test_a_final_grade_pupil_at_the_end_of_the_stage_is_continued_with_guardians_kept(world, make_student,
                                                                                       stage_over, where):
    student = _registered_pupil(world, make_student, getattr(world, where))
    family = _family(student)
    _checked, committed = _import(world, [_row(student)])
    assert (committed.status, committed.rows_continued, committed.errors) == ("committed", 1, [])
    after = Student.objects.get(pk=student.pk)
    assert (after.school_id, after.grade, after.student_number) == (world.school_a2.pk, 7, student.student_number)
    assert _family(after) == family  # the row's 冒名者 did not replace the guardian


def test_a_graduate_is_continued_at_any_time_of_year_with_guardians_kept(world, make_student, mid_year):
    student = _registered_pupil(world, make_student, world.school_b, status="毕业")
    family = _family(student)
    _checked, committed = _import(world, [_row(student)])
    assert (committed.status, committed.rows_continued) == ("committed", 1)
    after = Student.objects.get(pk=student.pk)
    assert (after.school_id, after.status) == (world.school_a2.pk, "在籍")
    assert _family(after) == family


def test_a_member_is_added_only_where_the_record_names_none(world, make_student, mid_year):
    student = _registered_pupil(world, make_student, world.school_b, status="毕业")
    family = _family(student)
    second = {"成员2姓名": "王母", "成员2关系": "52", "成员2民族": "01", "成员2联系电话": "13900001111",
              "成员2是否监护人": "是", "成员2身份证件类型": "1",
              "成员2身份证件号": f.make_id(birth=date(1986, 3, 3), gender="2", seq=56)}
    _checked, committed = _import(world, [_row(student) | second])
    assert committed.rows_continued == 1
    after = _family(student)
    assert after[0] == family[0] and after[1][0] == "王母"


def test_a_final_grade_pupil_mid_year_is_refused_naming_the_season(world, make_student, mid_year):
    # The probe's case: an 在籍 六年级 pupil of another county, taken in the middle of the school year.
    student = _registered_pupil(world, make_student, world.school_b)
    family = _family(student)
    _checked, committed = _import(world, [_row(student)])
    [error] = committed.errors
    assert error["code"] == "registered_elsewhere" and "春季学期结束后" in error["message"]
    _untouched(student, family)


def test_the_student_number_column_follows_the_same_rule(world, make_student, mid_year):
    from tests.intake.conftest import HEADER

    student = _registered_pupil(world, make_student, world.school_b)
    row = _row(student) | {"学籍号": student.student_number}
    batch = services.import_file(world.registrar_a2, world.school_a2,
                                 upload_file(xlsx_bytes([row], header=[*HEADER, "学籍号"])), commit="valid_only")
    assert [e["code"] for e in batch.errors] == ["registered_elsewhere"]
    assert Student.objects.get(pk=student.pk).school_id == world.school_b.pk


# ------------------------------------------------------------------------------ the API


@pytest.mark.parametrize("status", ["在籍", "休学"])
def test_the_api_refuses_the_row_and_the_real_school_keeps_the_student(world, make_student, api_for, mid_year,
                                                                       status):
    student = _registered_pupil(world, make_student, world.school_b, status=status)
    family = _family(student)
    client = api_for(world.registrar_a2)
    response = client.post(f"{API}/imports", {"file": upload_file(xlsx_bytes([_row(student)])),
                                              "school": world.school_a2.pk, "commit": "valid_only"})
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["status"] == "validated" and body["rows_continued"] == 0
    [error] = body["errors"]
    assert (error["row"], error["field"], error["code"], error["article"]) == (
        2, "id_number", "registered_elsewhere", "第十四条")
    assert "第十七条" in error["message"]
    _untouched(student, family)
    # The school and county that hold the record still find it.
    assert api_for(world.registrar_b).get(f"{API}/students/{student.pk}").status_code == 200
    assert api_for(world.county_yz).get(f"{API}/students/{student.pk}").status_code == 200


def test_the_api_continues_a_graduate(world, make_student, api_for, mid_year):
    student = _registered_pupil(world, make_student, world.school_b, status="毕业")
    response = api_for(world.registrar_a2).post(f"{API}/imports", {
        "file": upload_file(xlsx_bytes([_row(student)])), "school": world.school_a2.pk, "commit": "valid_only"})
    assert response.json()["rows_continued"] == 1
    assert Student.objects.get(pk=student.pk).school_id == world.school_a2.pk


# ------------------------------------------------------------------------------ the single-student form


def test_the_single_form_refuses_with_the_same_rule(world, make_student, api_for, client_for, mid_year):
    student = _registered_pupil(world, make_student, world.school_b)
    payload = f.student_payload(name=student.name, id_number=student.id_number, birth=student.birth_date,
                                gender=student.gender, grade=7, entry_month="202609")
    response = api_for(world.registrar_a2).post(f"{API}/students", payload | {"school": world.school_a2.pk},
                                                content_type="application/json")
    assert response.status_code == 409, response.content
    [error] = response.json()["errors"]
    assert (error["code"], error["article"], error["field"]) == ("registered_elsewhere", "第十四条", "id_number")
    assert "第十七条" in error["message"] and world.school_b.name not in error["message"]
    assert Student.objects.filter(id_number=student.id_number).count() == 1


def test_a_school_that_does_not_teach_the_next_stage_cannot_continue(world, make_student, stage_over):
    student = _registered_pupil(world, make_student, world.school_a)
    batch = services.import_file(world.registrar_b, world.school_b, upload_file(xlsx_bytes([_row(student)])),
                                 commit="valid_only")
    assert batch.rows_continued == 0 and batch.errors
    assert Student.objects.get(pk=student.pk).school_id == world.school_a.pk


def test_the_single_form_sends_a_record_free_to_continue_to_the_import(world, make_student, api_for, mid_year):
    student = _registered_pupil(world, make_student, world.school_b, status="毕业")
    payload = f.student_payload(name=student.name, id_number=student.id_number, birth=student.birth_date,
                                gender=student.gender, grade=7, entry_month="202609")
    response = api_for(world.registrar_a2).post(f"{API}/students", payload | {"school": world.school_a2.pk},
                                                content_type="application/json")
    assert response.status_code == 409
    [error] = response.json()["errors"]
    assert error["code"] == "continue_by_import" and "学籍号" in error["message"]
    assert Student.objects.filter(id_number=student.id_number).count() == 1
