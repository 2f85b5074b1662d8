"""Guardians of school A's pupils, a term under way, and codes issued by the school's registrar."""

import datetime

import pytest
from django.utils import timezone

from tests import factories as f
from tests.api.conftest import Api
from xueji.guardians import services
from xueji.guardians.models import GuardianLink
from xueji.workdays.models import Term


@pytest.fixture(autouse=True)
def term(db):
    today = timezone.localdate()
    return Term.objects.create(school_year=today.year, number=1, starts_on=today - datetime.timedelta(days=30),
                               ends_on=today + datetime.timedelta(days=60))


@pytest.fixture
def child(world, make_student):
    return make_student(name="张小明", school_class=world.class_a1.pk)


@pytest.fixture
def other_child(world, make_student):
    """A pupil of the same school the guardian is not bound to."""
    return make_student(name="李小红", id_number=f.make_id(seq=41))


@pytest.fixture
def issue(world):
    def make(student, actor=None):
        code, _ = services.issue_code(actor or world.registrar_a, student)
        return code

    return make


@pytest.fixture
def guardian(world, child, issue):
    """A guardian account bound to `child` through a real code (the password hash is the factories' shared one)."""
    user = f.user("parent_zhang", "guardian")
    binding = services._usable(issue(child), child.name)
    GuardianLink.objects.create(user=user, student=child, code=binding)
    return user


@pytest.fixture
def gapi(api_for):
    """A JSON client with the user's token; None is an anonymous visitor."""
    from django.test import Client

    return lambda user: Api(api_for(user) if user is not None else Client())


def sign_up_body(code: str, name: str = "张小明", username: str = "zhang_parent", **extra) -> dict:
    return {"code": code, "child_name": name, "username": username, "password": "家长的密码很安全2026", **extra}
