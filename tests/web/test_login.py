"""Log-in, lock-out, log-out, the log-in redirect of every page, and CSRF on the forms."""

import pytest
from django.test import Client

from tests import factories as f
from tests.web.conftest import rows, text
from xueji.accounts.models import User

pytestmark = pytest.mark.django_db

PAGES = [
    "/", "/students/", "/students/new/", "/students/1/", "/students/1/edit/", "/schools/1114010501/",
    "/divisions/140105/", "/classes/1/", "/audit/", "/accounts/", "/account/password/",
]


def login(client, username, password):
    return client.post("/login/", {"username": username, "password": password})


def test_login_page_is_in_chinese():
    response = Client().get("/login/")
    assert response.status_code == 200
    assert "登录学籍系统" in text(response) and 'lang="zh-Hans"' in text(response)


@pytest.mark.parametrize("url", PAGES)
def test_anonymous_visitor_is_sent_to_the_login_page(world, url):
    response = Client().get(url)
    assert response.status_code == 302
    assert response["Location"].startswith("/login/?next=")


def test_right_password_logs_in_and_lands_on_home(world):
    client = Client()
    response = login(client, "reg_a", f.PASSWORD)
    assert response.status_code == 302 and response["Location"] == "/"
    assert client.get("/").status_code == 200
    assert rows(world.registrar_a, action="auth.login", outcome="ok").count() == 1


def test_login_follows_a_local_next_but_never_another_site(world):
    client = Client()
    response = client.post("/login/?next=/students/", {"username": "reg_a", "password": f.PASSWORD})
    assert response["Location"] == "/students/"
    client = Client()
    response = client.post("/login/", {"username": "reg_a", "password": f.PASSWORD, "next": "https://evil.example/"})
    assert response["Location"] == "/"


def test_wrong_password_is_refused_without_saying_which_part_was_wrong(world):
    client = Client()
    response = login(client, "reg_a", "not-the-password")
    assert response.status_code == 200 and "用户名或密码错误" in text(response)
    assert login(client, "nobody", "whatever-password").content.decode().count("用户名或密码错误") == 1
    assert client.get("/").status_code == 302  # still anonymous


def test_empty_form_asks_for_both_fields(world):
    response = Client().post("/login/", {"username": "", "password": ""})
    assert "请输入用户名和密码" in text(response)


def test_five_wrong_passwords_lock_the_account_and_the_page_says_so(world, settings):
    settings.XUEJI_LOGIN_DELAY_SECONDS = 600
    client = Client()
    for _ in range(5):
        login(client, "reg_a", "wrong-password-x")
    response = login(client, "reg_a", f.PASSWORD)  # even the right password waits out the lock
    assert response.status_code == 429 and 590 <= int(response["Retry-After"]) <= 600
    assert "登录失败次数过多" in text(response) and "10分钟" in text(response)
    assert User.objects.get(pk=world.registrar_a.pk).is_locked
    assert client.get("/").status_code == 302
    assert rows(world.registrar_a, action="auth.login", outcome="locked").exists()


def test_logout_needs_a_post(world, client_for):
    client = client_for(world.registrar_a)
    assert client.get("/logout/").status_code == 405
    response = client.post("/logout/")
    assert response.status_code == 302 and response["Location"] == "/login/"
    assert client.get("/").status_code == 302


def test_csrf_is_enforced_on_login(world, csrf_client):
    client = csrf_client()
    assert client.post("/login/", {"username": "reg_a", "password": f.PASSWORD}).status_code == 403
    client.get("/login/")  # the page sets the token cookie, as a browser would receive it
    token = client.cookies["csrftoken"].value
    response = client.post("/login/", {"username": "reg_a", "password": f.PASSWORD, "csrfmiddlewaretoken": token})
    assert response.status_code == 302


def test_csrf_refusal_page_explains_itself_in_chinese(world, csrf_client):
    response = csrf_client().post("/login/", {"username": "reg_a", "password": f.PASSWORD})
    assert response.status_code == 403 and "页面已过期" in text(response)


def test_csrf_is_enforced_on_every_form(world, csrf_client, make_student):
    student = make_student()
    forms = [
        ("/logout/", {}),
        (f"/students/{student.key}/edit/", {"current_address": "山西省太原市小店区长治路1号"}),
        (f"/students/{student.key}/reveal-id/", {"reason": "核对身份"}),
        (f"/students/{student.key}/photo/", {}),
        ("/students/new/", {"name": "李四"}),
        (f"/schools/{world.school_a.pk}/classes/", {"grade": "1", "name": "9班", "entry_year": "2026"}),
        ("/account/password/", {"old_password": f.PASSWORD, "new_password": "a-much-longer-pass-2026",
                                "new_password2": "a-much-longer-pass-2026"}),
    ]
    client = csrf_client(world.registrar_a)
    for url, data in forms:
        assert client.post(url, data).status_code == 403, url
    officer = csrf_client(world.county_xd)
    assert officer.post("/accounts/", {"role": "registrar", "org": world.school_a2.pk}).status_code == 403
    auditor = csrf_client(world.auditor)
    assert auditor.post("/audit/verify/").status_code == 403
    # Nothing was written by any of the refused posts.
    assert student.events.count() == 1 and not rows(action="student.unmask_id").exists()


def test_every_page_includes_the_vendored_htmx_and_no_cdn(world, client_for):
    body = text(client_for(world.registrar_a).get("/"))
    assert "/static/web/htmx.min.js" in body
    assert "cdn" not in body.lower() and "unpkg" not in body.lower()
