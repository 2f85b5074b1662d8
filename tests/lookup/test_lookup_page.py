"""The public page 家长查询学籍号: reachable from the log-in page, no account needed, the same service as the API."""

import pytest
from django.test import Client

from tests.factories import make_id
from xueji.core.masking import mask_id
from xueji.lookup import captcha

pytestmark = pytest.mark.django_db

PAGE = "/lookup/"


def post(data: dict, address: str = "203.0.113.80"):
    return Client().post(PAGE, data, REMOTE_ADDR=address)


def test_the_login_page_links_to_the_query(db):
    html = Client().get("/login/").content.decode()
    assert 'href="/lookup/"' in html and "家长查询学籍号" in html


def test_an_anonymous_family_finds_the_masked_number(pupil):
    assert Client().get(PAGE).status_code == 200
    response = post({"name": "王小明", "number": pupil.id_number.lower()})
    html = response.content.decode()
    assert response.status_code == 200
    assert "G" + mask_id(pupil.id_number) in html and "三年级" in html and "在籍" in html
    assert pupil.id_number not in html and "坞城路小学" in html


def test_the_one_box_also_takes_a_student_number(pupil):
    response = post({"name": "王小明", "number": pupil.student_number})
    assert response.status_code == 200 and "G" + mask_id(pupil.id_number) in response.content.decode()


def test_a_wrong_name_reads_like_an_unknown_id(pupil):
    wrong = post({"name": "王小红", "number": pupil.id_number}, "198.51.100.61")
    unknown = post({"name": "王小明", "number": make_id(seq=81)}, "198.51.100.62")
    assert wrong.status_code == unknown.status_code == 404
    assert "未查到与所填姓名" in wrong.content.decode() and "王小明" not in wrong.content.decode()


def test_bad_input_says_which_field(db):
    response = post({"name": "王小明", "number": "14010520150302001"})
    assert response.status_code == 400 and "应为18位" in response.content.decode()


def test_after_failures_the_page_shows_a_captcha_and_takes_its_answer(pupil, monkeypatch):
    monkeypatch.setattr(captcha, "_question", lambda: ("3+4=", "7"))
    address = "198.51.100.70"
    for seq in range(3):
        post({"name": "某人", "number": make_id(seq=50 + seq)}, address)
    page = Client().get(PAGE, REMOTE_ADDR=address).content.decode()
    assert 'data-testid="captcha"' in page
    token = page.split('name="captcha_token" value="')[1].split('"')[0]
    refused = post({"name": "王小明", "number": pupil.id_number}, address)
    assert refused.status_code == 429
    solved = post({"name": "王小明", "number": pupil.id_number, "captcha_token": token, "captcha_answer": "7"},
                  address)
    assert solved.status_code == 200 and "三年级" in solved.content.decode()


def test_the_per_minute_limit_holds_on_the_page_too(pupil, settings):
    settings.XUEJI_LOOKUP_PER_MINUTE = 1
    post({"name": "王小明", "number": pupil.id_number}, "198.51.100.90")
    refused = post({"name": "王小明", "number": pupil.id_number}, "198.51.100.90")
    assert refused.status_code == 429 and refused["Retry-After"]
