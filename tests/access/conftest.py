"""Actors for 第四十四条: 小店区 has two officers (one files, the other approves in writing), enrolled students
with numbers in school_a (小店区) and school_b (迎泽区), and a helper that walks an access application to a grant."""

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from tests import factories as f
from xueji.access import services
from xueji.students import numbers
from xueji.students.models import Student

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
TODAY = datetime.date.today()
LATER = TODAY + datetime.timedelta(days=30)


def scan(name="decision.pdf"):
    return SimpleUploadedFile(name, PDF, content_type="application/pdf")


def errors_of(response) -> set[tuple[str, str]]:
    return {(e["code"], e["article"]) for e in response.json()["errors"]}


@pytest.fixture
def people(world):
    world.county_xd2 = f.user("xd2", "county", division=world.xiaodian)
    world.county_yz2 = f.user("yz2", "county", division=world.yingze)
    world.city_ty2 = f.user("ty2", "city", division=world.taiyuan)
    return world


@pytest.fixture
def enrolled(people, make_student):
    """A 在籍 student with his number; a birth date of its own keeps ID numbers distinct (第十四条)."""
    born = iter(range(1000))

    def make(school=None, **overrides):
        overrides.setdefault("birth", datetime.date(2015, 1, 1) + datetime.timedelta(days=next(born)))
        student = make_student(school=school or people.school_a, **overrides)
        Student.objects.filter(pk=student.pk).update(status="在籍")
        student.refresh_from_db()
        numbers.issue_number(student)
        student.refresh_from_db()
        return student

    return make


def request_for(actor, **overrides):
    fields = {"use": "export", "scope_kind": "school", "school": "1114010501", "purpose": "核对学区入学数据",
              "valid_from": TODAY.isoformat(), "valid_until": LATER.isoformat()}
    fields.update(overrides)
    return services.file_access(actor, **fields)


@pytest.fixture
def granted(people):
    """File with `actor` and approve in writing with `approver`; the grant."""

    def make(actor=None, approver=None, **overrides):
        application = request_for(actor or people.county_xd, **overrides)
        services.decide(approver or people.county_xd2, application.pk, approve=True, comment="同意", scan=scan())
        application.refresh_from_db()
        return application.access_grant

    return make
