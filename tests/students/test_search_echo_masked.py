"""The search page repeats what the officer searched for in its summary sentence; a G number or an ID number typed
there is masked like the results under it (第四十四条), and the example in the empty box is no full-looking number."""

import re

import pytest
from django.test import Client

from tests.changes_ui.conftest import walk
from tests.web.conftest import text
from xueji.applications import services
from xueji.core.masking import mask_id

pytestmark = pytest.mark.django_db

FULL_G = re.compile(r"G\d{17}[\dX]")


def officer(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def summary(page: str) -> str:
    return next(line for line in page.splitlines() if "共找到" in line)


@pytest.fixture
def registered(world, make_student):
    student = make_student(name="回显号", grade=3)
    walk(services.submit(world.registrar_a, "registration", student), world.leader_a, world.county_xd)
    student.refresh_from_db()
    assert student.student_number == "G" + student.id_number
    return student


def test_summary_masks_a_searched_g_number(world, registered):
    page = text(officer(world.county_xd).get("/students/", {"q": registered.student_number}))
    line = summary(page)
    assert "共找到 1 名学生" in line and "G" + mask_id(registered.id_number) in line
    assert registered.id_number not in line


def test_summary_masks_a_searched_id_number(world, registered):
    page = text(officer(world.county_xd).get("/students/", {"q": registered.id_number}))
    line = summary(page)
    assert mask_id(registered.id_number) in line and registered.id_number not in line


def test_summary_keeps_a_name_as_typed(world, registered):
    assert "“回显号”" in summary(text(officer(world.county_xd).get("/students/", {"q": "回显号"})))


def test_the_empty_search_page_shows_no_full_g_number(world):
    response = officer(world.county_xd).get("/students/")
    assert response.status_code == 200
    assert not FULL_G.search(response.content.decode())
