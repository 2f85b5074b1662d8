"""/api/v1/auth: tokens, lock-out, who am I, and accounts made from the level above."""

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from tests.api.conftest import Api, assert_error
from tests.factories import PASSWORD
from xueji.accounts.models import ApiToken, LoginThrottle, User
from xueji.audit.models import AuditEvent

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "Shanxi-registrar-2026"


def anonymous() -> Api:
    return Api(Client())


def obtain(username, password=PASSWORD):
    return anonymous().post("/auth/token", {"username": username, "password": password})


# ------------------------------------------------------------------ tokens


def test_right_password_gives_a_token_that_opens_the_api(world):
    response = obtain("reg_a")
    assert response.status_code == 200
    body = response.json()
    assert set(body) == {"token", "expires_at"}
    token = ApiToken.objects.get(user=world.registrar_a)
    assert token.key_hash == ApiToken.hash_key(body["token"])  # only the hash is stored
    assert timezone.now() + timedelta(hours=7) < token.expires_at <= timezone.now() + timedelta(hours=8)

    me = Client(HTTP_AUTHORIZATION=f"Bearer {body['token']}").get("/api/v1/auth/me")
    assert me.status_code == 200
    assert me.json() == {
        "username": "reg_a", "display_name": "", "role": "registrar", "role_label": "学校学籍管理员",
        "org_code": "1114010501", "org_name": "太原市小店区坞城路小学", "org_level": "school",
    }
    assert AuditEvent.objects.filter(actor=world.registrar_a, action="auth.login", outcome="ok").exists()


def test_me_of_a_county_officer(world, api):
    body = api(world.county_xd).get("/auth/me").json()
    assert (body["role"], body["org_code"], body["org_name"], body["org_level"]) == (
        "county", "140105", "小店区", "county")


def test_wrong_password_is_401_in_the_error_format_and_counted(world):
    body = assert_error(obtain("reg_a", "not-the-password"), 401, code="login_failed")
    assert "用户名或密码错误" in body["errors"][0]["message"]
    assert LoginThrottle.objects.get(scope="username", key="reg_a").failures == 1
    assert AuditEvent.objects.filter(object_id="reg_a", action="auth.login", outcome="failed").count() == 1


def test_unknown_username_gets_the_same_answer(world):
    assert_error(obtain("nobody", "whatever-password"), 401, code="login_failed")


def test_too_many_failures_lock_the_account_even_against_the_right_password(world, settings):
    settings.XUEJI_LOGIN_MAX_FAILURES = 3
    settings.XUEJI_LOGIN_DELAY_SECONDS = 600
    for _ in range(3):
        assert obtain("reg_a", "wrong-password").status_code == 401
    world.registrar_a.refresh_from_db()
    assert world.registrar_a.is_locked

    response = obtain("reg_a")
    body = assert_error(response, 429, code="login_throttled")
    assert "登录失败次数过多" in body["errors"][0]["message"] and 590 <= int(response["Retry-After"]) <= 600
    assert not ApiToken.objects.filter(user=world.registrar_a).exists()
    assert AuditEvent.objects.filter(object_id="reg_a", outcome="locked").exists()


def test_lock_ends_after_its_time(world, settings):
    settings.XUEJI_LOGIN_MAX_FAILURES = 2
    for _ in range(2):
        obtain("reg_a", "wrong-password")
    LoginThrottle.objects.update(blocked_until=timezone.now() - timedelta(seconds=1))
    assert obtain("reg_a").status_code == 200


def test_malformed_token_requests_are_400(world):
    assert_error(anonymous().raw("post", "/auth/token", "{not json"), 400)
    assert_error(anonymous().post("/auth/token", {"username": "reg_a"}), 400, field="password")


@pytest.mark.parametrize("path", ["/auth/me", "/auth/accounts", "/schools", "/orgs/140105", "/students",
                                  "/students/1", "/audit/events", "/audit/verify"])
def test_no_token_is_401(world, path):
    assert_error(anonymous().get(path), 401, code="unauthenticated")


def test_expired_revoked_and_made_up_tokens_are_401(world, api_for):
    client = api_for(world.registrar_a)
    assert client.get("/api/v1/auth/me").status_code == 200
    ApiToken.objects.filter(user=world.registrar_a).update(expires_at=timezone.now() - timedelta(seconds=1))
    assert_error(client.get("/api/v1/auth/me"), 401)

    client = api_for(world.registrar_a)
    ApiToken.objects.filter(user=world.registrar_a, revoked_at__isnull=True).update(revoked_at=timezone.now())
    assert_error(client.get("/api/v1/auth/me"), 401)

    assert_error(Client(HTTP_AUTHORIZATION="Bearer made-up").get("/api/v1/auth/me"), 401)


def test_token_of_a_deactivated_account_stops_working(world, api_for):
    client = api_for(world.registrar_a)
    User.objects.filter(pk=world.registrar_a.pk).update(is_active=False)
    assert_error(client.get("/api/v1/auth/me"), 401)


# ------------------------------------------------------------------ revoking tokens (issue #10 item 4)


def bearer(key):
    return Api(Client(HTTP_AUTHORIZATION=f"Bearer {key}"))


def test_logout_revokes_the_token_it_was_sent_with_and_no_other(world):
    first, second = obtain("reg_a").json()["token"], obtain("reg_a").json()["token"]
    assert bearer(first).post("/auth/logout").status_code == 204
    assert_error(bearer(first).get("/auth/me"), 401, code="unauthenticated")
    assert bearer(second).get("/auth/me").status_code == 200
    assert AuditEvent.objects.filter(actor=world.registrar_a, action="auth.logout", outcome="ok").count() == 1


def test_a_user_lists_and_revokes_her_own_tokens(world):
    first, second = obtain("reg_a").json()["token"], obtain("reg_a").json()["token"]
    listed = bearer(first).get("/auth/tokens").json()
    assert len(listed) == 2 and [t["current"] for t in listed] == [False, True]
    other = next(t["id"] for t in listed if not t["current"])
    assert bearer(first).post(f"/auth/tokens/{other}/revoke").status_code == 204
    assert_error(bearer(second).get("/auth/me"), 401)
    assert bearer(first).get("/auth/me").status_code == 200
    assert AuditEvent.objects.filter(actor=world.registrar_a, action="auth.token_revoke").exists()


def test_another_users_token_cannot_be_revoked(world):
    victim = obtain("reg_b").json()["token"]
    victim_id = ApiToken.objects.get(user=world.registrar_b).pk
    attacker = obtain("reg_a").json()["token"]
    assert_error(bearer(attacker).post(f"/auth/tokens/{victim_id}/revoke"), 404)
    assert_error(bearer(attacker).post("/auth/tokens/999999/revoke"), 404)
    assert_error(bearer(attacker).post("/auth/tokens/99999999999999999999/revoke"), 400)
    assert bearer(victim).get("/auth/me").status_code == 200
    assert AuditEvent.objects.filter(actor=world.registrar_a, action="auth.token_revoke", outcome="denied").exists()


def test_a_password_change_ends_every_token_and_other_session(world, client_for):
    token = obtain("reg_a").json()["token"]
    other_browser = Client()
    assert other_browser.post("/login/", {"username": "reg_a", "password": PASSWORD}).status_code == 302
    this_browser = client_for(world.registrar_a)
    response = this_browser.post("/account/password/", {"old_password": PASSWORD, "new_password": NEW_PASSWORD,
                                                        "new_password2": NEW_PASSWORD})
    assert response.status_code == 302
    assert_error(bearer(token).get("/auth/me"), 401)
    assert other_browser.get("/").status_code == 302  # sent to the log-in page
    assert this_browser.get("/").status_code == 200  # the browser that changed it stays signed in
    assert obtain("reg_a", NEW_PASSWORD).status_code == 200


@pytest.mark.parametrize("path", ["/auth/logout", "/auth/tokens/1/revoke"])
def test_revoking_needs_a_token(world, path):
    assert_error(anonymous().post(path), 401)


# ------------------------------------------------------------------ accounts


def account(username="reg_a_new", role="registrar", org="1114010501", password=NEW_PASSWORD):
    return {"username": username, "password": password, "role": role, "org": org, "display_name": "李老师"}


def test_county_officer_creates_a_registrar_for_a_school_of_his_county(world, api):
    response = api(world.county_xd).post("/auth/accounts", account())
    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["username"], body["role"], body["org_code"], body["display_name"]) == (
        "reg_a_new", "registrar", "1114010501", "李老师")
    assert "password" not in body
    created = User.objects.get(username="reg_a_new")
    assert created.school == world.school_a and created.created_by == world.county_xd
    assert created.check_password(NEW_PASSWORD)
    assert AuditEvent.objects.filter(actor=world.county_xd, action="account.create", object_id="reg_a_new").exists()
    # The new account can log in at once.
    assert obtain("reg_a_new", NEW_PASSWORD).status_code == 200


def test_registrar_may_not_create_accounts(world, api):
    assert_error(api(world.registrar_a).post("/auth/accounts", account()), 403)
    assert not User.objects.filter(username="reg_a_new").exists()


def test_officer_may_not_create_accounts_outside_his_county(world, api):
    # Another county's school is as absent as an unknown one to him (404), and the attempt is audited.
    assert_error(api(world.county_yz).post("/auth/accounts", account()), 404, field="org")
    assert_error(api(world.county_xd).post("/auth/accounts", account(org="1114010601")), 404, field="org")
    assert_error(api(world.city_dt).post("/auth/accounts", account(role="county", org="140105")), 404, field="org")
    assert not User.objects.filter(username="reg_a_new").exists()
    for who, org in ((world.county_yz, "1114010501"), (world.county_xd, "1114010601"), (world.city_dt, "140105")):
        assert AuditEvent.objects.filter(actor=who, action="account.create", outcome="denied", object_id=org).count() == 1


def test_officer_may_not_create_accounts_at_his_own_level(world, api):
    # His own node is within his jurisdiction: a matter of role, 403.
    assert_error(api(world.county_xd).post("/auth/accounts", account(role="county", org="140105")), 403)


def test_city_officer_creates_a_county_officer(world, api):
    response = api(world.city_ty).post("/auth/accounts", account("yz2", role="county", org="140106"))
    assert response.status_code == 201
    assert User.objects.get(username="yz2").division == world.yingze


def test_account_input_problems_name_their_field(world, api):
    client = api(world.county_xd)
    assert_error(client.post("/auth/accounts", account(password="123")), 422, field="password")
    assert_error(client.post("/auth/accounts", account(password=" " * 12)), 422, field="password")
    assert_error(client.post("/auth/accounts", account(password="REG_A_NEW")), 422, field="password")
    assert_error(client.post("/auth/accounts", account(password="山西省学籍管理系统")), 422, field="password")
    assert_error(client.post("/auth/accounts", account(org="1199999999")), 422, field="org")
    assert_error(client.post("/auth/accounts", account(role="janitor")), 422, field="role")
    assert_error(client.post("/auth/accounts", account(username="reg_b")), 409, field="username")
    assert not User.objects.filter(username="reg_a_new").exists()


def test_account_list_shows_the_officers_subtree_only(world, api):
    body = api(world.county_xd).get("/auth/accounts").json()
    names = {a["username"] for a in body["results"]}
    assert {"reg_a", "lead_a", "reg_a2", "xd"} <= names
    assert not names & {"reg_b", "yz", "reg_high", "ty", "sx"}
    assert body["count"] == len(names) and body["page"] == 1


def test_school_users_see_no_account_list(world, api):
    body = api(world.registrar_a).get("/auth/accounts").json()
    assert body["count"] == 0 and body["results"] == []
