"""The edit page and the grade (第二十三条): read-only once registered and refused if posted anyway; a record not yet
registered may still have it corrected; a class within the grade is still chosen freely."""

import pytest

from tests import factories as f
from tests.web.conftest import text
from xueji.students.models import StatusEvent
from xueji.students.numbers import issue_number


def _grade_field(response) -> dict:
    return next(f for s in response.context["sections"] for f in s["fields"] if f["name"] == "grade")


def test_a_registered_students_grade_is_read_only_naming_article_23(world, client_for, make_student):
    student = make_student()
    issue_number(student)
    response = client_for(world.registrar_a).get(f"/students/{student.key}/edit/")
    assert response.status_code == 200
    assert not _grade_field(response)["editable"]
    assert 'name="grade"' not in text(response) and "第二十三条" in text(response)


def test_posting_a_registered_students_grade_is_refused_naming_article_23(world, client_for, make_student):
    student = make_student()
    issue_number(student)
    response = client_for(world.registrar_a).post(f"/students/{student.key}/edit/", {"grade": "2"})
    assert response.status_code == 422
    assert "第二十三条" in text(response) and "不允许留级" in text(response)
    assert response.context["errors"]["grade"]
    student.refresh_from_db()
    assert student.grade == 1 and not StatusEvent.objects.filter(kind="信息维护").exists()


def test_a_record_not_yet_registered_has_an_editable_grade(world, client_for, make_student):
    student = make_student()
    client = client_for(world.registrar_a)
    assert _grade_field(client.get(f"/students/{student.key}/edit/"))["editable"]
    assert client.post(f"/students/{student.key}/edit/", {"grade": "2"}).status_code == 302
    student.refresh_from_db()
    assert student.grade == 2


def test_a_class_within_the_grade_is_still_chosen_on_the_page(world, client_for, make_student):
    target = f.school_class(world.school_a, 1)
    student = make_student()
    issue_number(student)
    response = client_for(world.registrar_a).post(f"/students/{student.key}/edit/", {"school_class": str(target.pk)})
    assert response.status_code == 302
    student.refresh_from_db()
    assert student.school_class_id == target.pk and student.grade == 1


@pytest.mark.parametrize("who", ["registrar_b", "county_yz"])
def test_an_outsider_posting_a_grade_is_told_not_found(world, client_for, make_student, who):
    student = make_student()
    issue_number(student)
    assert client_for(getattr(world, who)).post(f"/students/{student.key}/edit/", {"grade": "2"}).status_code == 404
    student.refresh_from_db()
    assert student.grade == 1
