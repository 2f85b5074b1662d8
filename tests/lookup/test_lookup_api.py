"""POST /api/v1/public/lookup (issue #12 item 1): a family finds its child's 学籍号 from name + ID or number; the
answer tells nothing more, and an unknown ID and a wrong name look exactly alike."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.api.conftest import assert_error
from tests.factories import make_id
from tests.lookup.conftest import ask, registered
from xueji.audit.models import AuditEvent
from xueji.core.masking import mask_id

pytestmark = pytest.mark.django_db


def test_name_and_id_give_the_masked_number_school_grade_and_status(pupil):
    response = ask({"name": "王小明", "id_number": pupil.id_number})
    assert response.status_code == 200, response.content
    assert response.json() == {"student_number": "G" + mask_id(pupil.id_number), "school": "太原市小店区坞城路小学",
                               "grade": "三年级", "status": "在籍"}


def test_the_id_may_be_typed_with_spaces_full_width_digits_and_a_small_x(world, make_student):
    number = next(n for n in (make_id(seq=s) for s in range(1, 200)) if n.endswith("X"))
    registered(make_student(name="李 娜", id_number=number))
    typed = " ".join(number[:6]) + " " + number[6:17].translate(str.maketrans("0123456789", "０１２３４５６７８９"))
    response = ask({"name": " 李娜 ", "id_number": typed + "x"})
    assert response.status_code == 200, response.content
    assert response.json()["student_number"] == "G" + mask_id(number)


def test_a_wrong_name_and_an_unknown_id_get_byte_identical_answers(pupil):
    wrong_name = ask({"name": "王小红", "id_number": pupil.id_number}, address="198.51.100.1")
    unknown_id = ask({"name": "王小明", "id_number": make_id(seq=77)}, address="198.51.100.2")
    assert wrong_name.status_code == unknown_id.status_code == 404
    assert wrong_name.content == unknown_id.content
    assert_error(wrong_name, 404, code="lookup_no_match")


def test_both_failures_do_the_same_work(pupil):
    """The same statements, in the same order, whether the ID is on record with another name or nowhere."""
    def statements(body, address):
        with CaptureQueriesContext(connection) as captured:
            ask(body, address=address)
        # The statement's kind and its first table (savepoint names and values differ, as they may).
        return [re.sub(r"\d+", "#", " ".join(re.match(r'\s*(\w+)[^"]*("?\w*)', q["sql"]).groups()))
                for q in captured.captured_queries]

    assert statements({"name": "王小红", "id_number": pupil.id_number}, "198.51.100.3") == \
        statements({"name": "王小明", "id_number": make_id(seq=78)}, "198.51.100.4")


def test_the_student_number_variant_shows_a_j_number_whole(world, make_student):
    student = registered(make_student(name="赵一", id_type="6", id_number="H12345678"), kind="J")
    assert student.student_number.startswith("J")
    response = ask({"name": "赵一", "student_number": student.student_number.lower()})
    assert response.status_code == 200, response.content
    assert response.json()["student_number"] == student.student_number


def test_a_g_number_also_finds_its_student_masked(pupil):
    response = ask({"name": "王小明", "student_number": pupil.student_number})
    assert response.json()["student_number"] == "G" + mask_id(pupil.id_number)


def test_a_logged_in_officer_gets_exactly_the_family_answer(world, pupil, client_for):
    anonymous = ask({"name": "王小明", "id_number": pupil.id_number}, address="198.51.100.9")
    officer = ask({"name": "王小明", "id_number": pupil.id_number}, address="198.51.100.9",
                  client=client_for(world.province_officer))
    assert officer.status_code == 200 and officer.content == anonymous.content
    assert AuditEvent.objects.filter(action="public.lookup", actor=world.province_officer).count() == 1


@pytest.mark.parametrize(("body", "field", "code"), [
    ({"id_number": "140105201503020011"}, "name", "name_required"),
    ({"name": "王小明", "id_number": "14010520150302001"}, "id_number", "id_length"),
    ({"name": "王" * 10240, "id_number": "140105201503020011"}, "name", "name_too_long"),
    ({"name": "王小明"}, "id_number", "id_or_number_required"),
    ({"name": "王小明", "id_number": "140105201503020019", "student_number": "G140105201503020019"},
     "id_number", "id_or_number_required"),
    ({"name": "王小明", "student_number": "X1234"}, "student_number", "sn_length"),
    ({"name": "王小明", "id_number": "1" * 100000}, "id_number", "id_length"),
])
def test_bad_input_is_a_400_naming_the_field(db, body, field, code):
    assert_error(ask(body), 400, field=field, code=code)
    assert not AuditEvent.objects.filter(action="public.lookup").exists()


def test_a_nul_or_a_list_is_a_400_not_a_500(db):
    assert ask({"name": "王\u0000小明", "id_number": "140105201503020011"}).status_code == 400
    assert_error(ask({"name": ["王小明"], "id_number": "140105201503020011"}), 400, field="name")


def test_a_record_awaiting_registration_answers_without_a_number(world, make_student):
    student = make_student(name="钱多多", grade=1)
    body = ask({"name": "钱多多", "id_number": student.id_number}).json()
    assert body == {"student_number": None, "school": "太原市小店区坞城路小学", "grade": "一年级", "status": "待注册"}
