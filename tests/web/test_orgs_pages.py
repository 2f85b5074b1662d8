"""Division, school and class pages: what each level sees, what outsiders are refused, and forming a class."""

import pytest

from tests import factories as f
from tests.web.conftest import rows, text
from xueji.orgs.models import SchoolClass
from xueji.students.models import Student

pytestmark = pytest.mark.django_db


# ------------------------------------------------------------------ division page


def test_county_officer_sees_his_county_with_its_schools(world, client_for, make_student):
    make_student()
    response = client_for(world.county_xd).get("/divisions/140105/")
    assert response.status_code == 200
    assert {s.code for s in response.context["schools"]} == {world.school_a.pk, world.school_a2.pk}
    labels = [c["label"] for c in response.context["crumbs"]]
    assert labels == ["山西省", "太原市", "小店区"]


def test_city_officer_sees_a_county_below_him(world, client_for):
    assert client_for(world.city_ty).get("/divisions/140106/").status_code == 200
    assert client_for(world.city_ty).get("/divisions/140100/").status_code == 200


@pytest.mark.parametrize("who", ["county_yz", "city_dt", "registrar_a"])
def test_a_division_outside_the_jurisdiction_is_not_found(world, client_for, who):
    user = getattr(world, who)
    response = client_for(user).get("/divisions/140105/")
    assert response.status_code == 404
    assert "未找到" in text(response)


def test_refused_division_read_is_logged(world, client_for):
    client_for(world.county_yz).get("/divisions/140105/")
    assert rows(world.county_yz, outcome="denied", object_id="140105").exists()


def test_a_malformed_division_code_is_not_found(world, client_for):
    assert client_for(world.province_officer).get("/divisions/abc/").status_code == 404


# ------------------------------------------------------------------ school page


def test_registrar_sees_his_school_with_classes_caps_and_the_class_form(world, client_for, make_student):
    make_student(school_class=str(world.class_a1.pk))
    response = client_for(world.registrar_a).get(f"/schools/{world.school_a.pk}/")
    assert response.status_code == 200
    [row] = response.context["classes"]
    assert (row["cls"], row["size"], row["normal"], row["hard"], row["level"]) == (world.class_a1, 1, 45, 50, "ok")
    body = text(response)
    assert "建立班级" in body and "45 / 50" in body and "小店区" in body
    assert [c["label"] for c in response.context["crumbs"]][-1] == world.school_a.name


def test_leader_sees_the_school_but_not_the_class_form(world, client_for):
    response = client_for(world.leader_a).get(f"/schools/{world.school_a.pk}/")
    assert response.status_code == 200 and not response.context["can_manage_classes"]
    assert "建立班级" not in text(response)


def test_an_over_full_class_is_flagged(world, client_for):
    big = f.school_class(world.school_a, grade=1, name="大班")
    # 46 seated pupils: past the normal cap of 45 for primary grades, under the hard cap of 50 (第十三条).
    Student.objects.bulk_create([
        Student(school=world.school_a, school_class=big, grade=1, name=f"学生{n}", gender="1",
                birth_date="2018-01-01", id_type="1", status="在籍")
        for n in range(46)
    ])
    rows_by_class = {r["cls"].name: r for r in client_for(world.registrar_a).get(
        f"/schools/{world.school_a.pk}/").context["classes"]}
    assert rows_by_class["大班"]["level"] == "near" and rows_by_class["大班"]["size"] == 46


@pytest.mark.parametrize("who", ["registrar_b", "county_yz", "city_dt", "registrar_a2", "auditor"])
def test_a_school_outside_the_jurisdiction_is_not_found(world, client_for, who):
    response = client_for(getattr(world, who)).get(f"/schools/{world.school_a.pk}/")
    assert response.status_code == 404
    assert rows(getattr(world, who), outcome="denied", object_id=world.school_a.pk).exists()


def test_a_city_run_school_belongs_to_the_city_not_the_county(world, client_for):
    assert client_for(world.county_xd).get(f"/schools/{world.high.pk}/").status_code == 404
    response = client_for(world.city_ty).get(f"/schools/{world.high.pk}/")
    assert response.status_code == 200
    assert [c["label"] for c in response.context["crumbs"]] == ["山西省", "太原市", world.high.name]


# ------------------------------------------------------------------ forming a class


def test_registrar_forms_a_class(world, client_for):
    client = client_for(world.registrar_a)
    response = client.post(f"/schools/{world.school_a.pk}/classes/",
                           {"grade": "2", "name": "3班", "entry_year": "2025", "head_teacher": "刘芳"})
    assert response.status_code == 302
    made = SchoolClass.objects.get(school=world.school_a, name="3班")
    assert (made.grade, made.entry_year, made.head_teacher) == (2, 2025, "刘芳")
    assert rows(world.registrar_a, action="class.create").exists()
    assert "已建立班级" in text(client.get(response["Location"]))


def test_a_grade_the_school_does_not_teach_is_refused_beside_the_field(world, client_for):
    response = client_for(world.registrar_a).post(
        f"/schools/{world.school_a.pk}/classes/", {"grade": "10", "name": "高一1班", "entry_year": "2026"})
    assert response.status_code == 422
    assert response.context["errors"]["grade"] and "不设该年级" in text(response)
    assert not SchoolClass.objects.filter(name="高一1班").exists()


def test_unreadable_numbers_are_refused_not_crashed(world, client_for):
    response = client_for(world.registrar_a).post(
        f"/schools/{world.school_a.pk}/classes/", {"grade": "x", "name": "", "entry_year": "明年"})
    assert response.status_code == 422
    assert {"grade", "name", "entry_year"} <= set(response.context["errors"])


def test_a_duplicate_class_name_is_a_conflict(world, client_for):
    response = client_for(world.registrar_a).post(
        f"/schools/{world.school_a.pk}/classes/", {"grade": "1", "name": "1班", "entry_year": "2026"})
    assert response.status_code == 409 and "同名班级" in text(response)


def test_leader_may_not_form_a_class(world, client_for):
    response = client_for(world.leader_a).post(
        f"/schools/{world.school_a.pk}/classes/", {"grade": "1", "name": "5班", "entry_year": "2026"})
    assert response.status_code == 403 and "班级" in text(response)


def test_another_schools_registrar_cannot_form_a_class_here(world, client_for):
    response = client_for(world.registrar_b).post(
        f"/schools/{world.school_a.pk}/classes/", {"grade": "1", "name": "5班", "entry_year": "2026"})
    assert response.status_code == 404
    assert not SchoolClass.objects.filter(name="5班").exists()


# ------------------------------------------------------------------ class page


def test_class_page_lists_its_students_masked(world, client_for, make_student):
    inside = make_student(name="班内生", school_class=str(world.class_a1.pk))
    make_student(name="未分班生")
    response = client_for(world.registrar_a).get(f"/classes/{world.class_a1.pk}/")
    assert response.status_code == 200
    assert [s.name for s in response.context["students"]] == ["班内生"]
    body = text(response)
    assert inside.id_number not in body and inside.id_number[-4:] in body
    assert [c["label"] for c in response.context["crumbs"]][-2:] == [world.school_a.name, "一年级1班"]
    assert rows(world.registrar_a, action="student.search").exists()


@pytest.mark.parametrize("who", ["registrar_b", "county_yz", "auditor"])
def test_a_class_outside_the_jurisdiction_is_not_found(world, client_for, who):
    assert client_for(getattr(world, who)).get(f"/classes/{world.class_a1.pk}/").status_code == 404


def test_county_officer_reads_a_class_of_his_county(world, client_for):
    assert client_for(world.county_xd).get(f"/classes/{world.class_a1.pk}/").status_code == 200
