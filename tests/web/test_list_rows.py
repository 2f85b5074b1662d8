"""The rows of the student lists and of the inbox, built in Python (#15), show what the template loops showed and
escape what a record or a school holds."""

import pytest

from tests.web.conftest import text
from xueji.applications import services
from xueji.orgs.models import School
from xueji.students.models import Student

pytestmark = pytest.mark.django_db

HOSTILE = '<img src=x onerror="alert(1)">'


def test_a_student_row_escapes_the_name_and_masks_the_numbers(world, client_for, make_student):
    student = make_student(name="王小红")
    Student.objects.filter(pk=student.pk).update(name=f"王{HOSTILE}")
    School.objects.filter(pk=world.school_a.pk).update(name=f"小店一中{HOSTILE}")
    response = client_for(world.county_xd).get("/students/", {"q": "王"})
    body = response.content.decode()
    assert response.status_code == 200 and HOSTILE not in body
    assert "王&lt;img src=x onerror=&quot;alert(1)&quot;&gt;" in body
    assert f'href="/students/{student.key}/"' in body and "未分班" in body
    assert student.id_number not in body and student.id_number[:6] in body  # masked, not hidden
    assert "小店一中&lt;img" in body  # the county's list names the school


def test_an_inbox_row_escapes_and_links_its_application(world, client_for, make_student):
    student = make_student(name="张小红")
    app = services.submit(world.registrar_a, "registration", student)
    Student.objects.filter(pk=student.pk).update(name=f"张{HOSTILE}")
    response = client_for(world.leader_a).get("/applications/inbox/")
    body = response.content.decode()
    assert response.status_code == 200 and HOSTILE not in body
    assert f'href="/applications/{app.pk}/"' in body and f'value="{app.pk}"' in body
    assert "张&lt;img" in body and "第1步" in body and "剩余15天" in text(response)


def test_an_empty_list_says_so(world, client_for):
    assert "暂无学生" in text(client_for(world.county_xd).get("/students/", {"q": "无此人"}))
    assert "没有等待您办理的申请" in text(client_for(world.leader_a).get("/applications/inbox/"))
