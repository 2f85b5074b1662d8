"""PATCH /students/{key} and the grade (第二十三条): refused once registered, correctable before."""

import pytest

from tests import factories as f
from tests.api.conftest import assert_error
from xueji.students.models import StatusEvent
from xueji.students.numbers import issue_number


@pytest.fixture
def roster(world, make_student):
    return {"a": make_student(name="李小花")}


def test_patching_a_registered_students_grade_is_422_naming_article_23(world, api, roster):
    student = roster["a"]
    issue_number(student)
    body = assert_error(api(world.registrar_a).patch(f"/students/{student.pk}", {"grade": 2}), 422,
                        field="grade", code="controlled_field", article="第二十三条")
    assert "不允许留级" in body["errors"][0]["message"]
    student.refresh_from_db()
    assert student.grade == 1 and not StatusEvent.objects.filter(student=student, kind="信息维护").exists()


def test_patching_the_grade_before_registration_corrects_it(world, api, roster):
    student = roster["a"]
    response = api(world.registrar_a).patch(f"/students/{student.pk}", {"grade": 2})
    assert response.status_code == 200, response.content
    assert response.json()["grade"] == 2


def test_patching_the_class_within_the_grade_after_registration_is_allowed(world, api, roster):
    student = roster["a"]
    issue_number(student)
    target = f.school_class(world.school_a, student.grade)
    response = api(world.registrar_a).patch(f"/students/{student.pk}", {"school_class": target.pk})
    assert response.status_code == 200, response.content
    student.refresh_from_db()
    assert student.school_class_id == target.pk and student.grade == 1


def test_an_outsiders_grade_patch_is_404(world, api, roster):
    student = roster["a"]
    issue_number(student)
    assert_error(api(world.registrar_b).patch(f"/students/{student.pk}", {"grade": 2}), 404)
    student.refresh_from_db()
    assert student.grade == 1
