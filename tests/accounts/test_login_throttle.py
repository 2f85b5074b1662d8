"""The log-in throttle (issue #10 item 4): per address and per username, growing delays, decided before hashing;
the same answers for unknown and known names; a locked account stays usable from its usual address or by an
unlock from the level above."""

import json
import re
from datetime import timedelta

import pytest
from django.contrib.auth.hashers import Argon2PasswordHasher
from django.test import Client
from django.utils import timezone

from tests.api.conftest import Api, assert_error
from tests.factories import PASSWORD
from xueji.accounts.models import LoginThrottle, User
from xueji.audit.models import AuditEvent

pytestmark = pytest.mark.django_db

OFFICE = "10.1.1.7"      # reg_a's own computer
ATTACKER = "203.0.113.9"
HOTEL = "198.51.100.4"   # an address reg_a never used


@pytest.fixture(autouse=True)
def slow_delays(settings):
    # Delays long enough that a loaded test machine does not see a block expire mid-test.
    settings.XUEJI_LOGIN_MAX_FAILURES = 5
    settings.XUEJI_LOGIN_ADDRESS_MAX_FAILURES = 30
    settings.XUEJI_LOGIN_DELAY_SECONDS = 300
    settings.XUEJI_LOGIN_LOCK_MINUTES = 60


class Clock:
    """A stopped clock the test moves by hand, so waits and Retry-After are exact."""

    def __init__(self, monkeypatch):
        self.now = timezone.now()
        monkeypatch.setattr("django.utils.timezone.now", lambda: self.now)

    def advance(self, seconds):
        self.now += timedelta(seconds=seconds)


@pytest.fixture
def api(api_for):
    return lambda user: Api(api_for(user))


@pytest.fixture
def clock(monkeypatch):
    return Clock(monkeypatch)


def obtain(username, password=PASSWORD, address=ATTACKER):
    return Client(REMOTE_ADDR=address).post("/api/v1/auth/token", data=json.dumps(
        {"username": username, "password": password}), content_type="application/json")


def web_login(username, password=PASSWORD, address=ATTACKER):
    return Client(REMOTE_ADDR=address).post("/login/", {"username": username, "password": password})


class HasherSpy:
    def __init__(self, monkeypatch):
        self.calls = 0
        for name in ("verify", "encode"):
            original = getattr(Argon2PasswordHasher, name)

            def spy(hasher, *args, _original=original, **kwargs):
                self.calls += 1
                return _original(hasher, *args, **kwargs)

            monkeypatch.setattr(Argon2PasswordHasher, name, spy)


# ------------------------------------------------------------------ a stranger cannot lock a user out


def test_failures_from_a_stranger_do_not_lock_the_user_out_of_her_usual_address(world):
    assert obtain("reg_a", address=OFFICE).status_code == 200  # her office computer is now a known address
    for _ in range(8):
        obtain("reg_a", "guessing-password", address=ATTACKER)
    # The stranger is held up, even when he tries the right password ...
    assert_error(obtain("reg_a", address=ATTACKER), 429, code="login_throttled")
    # ... and so is anyone trying the name from an address the account never used,
    assert_error(obtain("reg_a", address=HOTEL), 429, code="login_throttled")
    # but reg_a logs in from her office as usual, by API and by the page.
    assert obtain("reg_a", address=OFFICE).status_code == 200
    assert web_login("reg_a", address=OFFICE).status_code == 302


def test_a_usual_address_is_still_throttled_on_its_own_failures(world, settings):
    settings.XUEJI_LOGIN_ADDRESS_MAX_FAILURES = 3
    assert obtain("reg_a", address=OFFICE).status_code == 200
    for _ in range(3):
        assert obtain("reg_a", "typing-wrongly", address=OFFICE).status_code == 401
    assert_error(obtain("reg_a", address=OFFICE), 429, code="login_throttled")


def test_an_address_guessing_many_names_is_throttled(world, settings):
    settings.XUEJI_LOGIN_ADDRESS_MAX_FAILURES = 4
    for name in ("reg_b", "xd", "nobody1", "nobody2"):
        assert obtain(name, "guessing-password").status_code == 401
    # Each name failed once only, but the address has had its share: even a right password waits.
    refused = obtain("reg_a")
    assert_error(refused, 429, code="login_throttled")
    assert int(refused["Retry-After"]) > 0
    assert obtain("reg_a", address=OFFICE).status_code == 200  # other addresses are not affected


# ------------------------------------------------------------------ no username probing


def test_unknown_and_known_usernames_get_byte_identical_refusals(world, clock):
    known = [obtain("reg_a", "wrong-password-1", address=ATTACKER) for _ in range(6)]
    unknown = [obtain("no-such-user", "wrong-password-1", address=HOTEL) for _ in range(6)]
    for a, b in zip(known, unknown, strict=True):
        assert (a.status_code, a.content, a.get("Retry-After")) == (b.status_code, b.content, b.get("Retry-After"))
    assert [r.status_code for r in known] == [401] * 5 + [429]
    assert known[-1]["Retry-After"] == "300"
    body = known[-1].json()
    assert "登录失败次数过多" in body["errors"][0]["message"] and "5分钟" in body["errors"][0]["message"]
    # The page, too, says the same to both (the page echoes the typed name, so compare its message).
    page_known, page_unknown = web_login("reg_a", "x-wrong-pass"), web_login("no-such-user", "x-wrong-pass")
    assert (page_known.status_code, page_known["Retry-After"]) == (page_unknown.status_code, "300")
    assert page_known.status_code == 429
    assert page_message(page_known) == page_message(page_unknown) == body["errors"][0]["message"]


def page_message(response) -> str:
    found = re.search(r'<div class="msg error" role="alert">(.*?)</div>', response.content.decode())
    return found.group(1)


def test_the_page_refuses_unknown_and_known_names_alike(world):
    known, unknown = web_login("reg_a", "x-wrong-pass"), web_login("no-such-user", "x-wrong-pass")
    assert known.status_code == unknown.status_code == 200
    assert page_message(known) == page_message(unknown) == "用户名或密码错误"


def test_known_and_unknown_names_each_cost_one_argon2_check(world, monkeypatch):
    obtain("warm-up-name", "wrong-password-1")  # the dummy hash is made once per process
    spy = HasherSpy(monkeypatch)
    assert obtain("no-such-user", "wrong-password-1").status_code == 401
    assert spy.calls == 1
    assert obtain("reg_a", "wrong-password-1").status_code == 401
    assert spy.calls == 2


# ------------------------------------------------------------------ throttled before hashing


def test_throttled_attempts_never_reach_the_password_hasher(world, monkeypatch):
    for name in ("reg_a", "no-such-user"):
        for _ in range(5):
            obtain(name, "wrong-password-1")
    spy = HasherSpy(monkeypatch)
    for name in ("reg_a", "no-such-user"):
        for password in ("wrong-password-1", PASSWORD):
            assert obtain(name, password).status_code == 429
            assert web_login(name, password).status_code == 429
    assert spy.calls == 0
    # A flood writes one audit row per block, not one per attempt.
    assert AuditEvent.objects.filter(action="auth.login", outcome="locked").count() == 2


def test_an_attempt_is_counted_before_its_password_is_hashed(world, monkeypatch):
    # Parallel guesses on other workers must already see this attempt while Argon2 runs, or a burst slips through.
    seen = []
    original = Argon2PasswordHasher.verify

    def verify(hasher, password, encoded):
        seen.append(LoginThrottle.objects.get(scope="username", key="reg_a").failures)
        return original(hasher, password, encoded)

    monkeypatch.setattr(Argon2PasswordHasher, "verify", verify)
    obtain("reg_a", "wrong-password-1")
    obtain("reg_a", "wrong-password-2")
    assert seen == [1, 2]
    obtain("reg_a")  # the right password takes its charge back and clears the name's count
    assert LoginThrottle.objects.get(scope="username", key="reg_a").failures == 0


# ------------------------------------------------------------------ growing delays


def test_each_failure_past_the_free_ones_doubles_the_wait_up_to_the_cap(world, clock, settings):
    settings.XUEJI_LOGIN_MAX_FAILURES = 2
    settings.XUEJI_LOGIN_DELAY_SECONDS = 10
    settings.XUEJI_LOGIN_LOCK_MINUTES = 1
    assert obtain("reg_a", "wrong-password-1").status_code == 401
    assert obtain("reg_a", "wrong-password-1").status_code == 401
    waits = []
    for _ in range(5):
        refused = obtain("reg_a", "wrong-password-1")
        assert refused.status_code == 429
        waits.append(int(refused["Retry-After"]))
        clock.advance(waits[-1])  # the wait is over: the next guess is hashed, fails, and earns a longer one
        assert obtain("reg_a", "wrong-password-1").status_code == 401
    assert waits == [10, 20, 40, 60, 60]
    clock.advance(60)
    assert obtain("reg_a").status_code == 200  # the right password after the wait


def test_failures_are_forgotten_after_a_quiet_day(world, clock):
    for _ in range(4):
        obtain("reg_a", "wrong-password-1")
    clock.advance(25 * 3600)
    for _ in range(4):
        assert obtain("reg_a", "wrong-password-1").status_code == 401
    assert obtain("reg_a").status_code == 200


def test_a_locked_name_opens_again_after_its_wait(world, clock):
    for _ in range(5):
        obtain("reg_a", "wrong-password-1")
    assert obtain("reg_a").status_code == 429
    clock.advance(301)
    assert obtain("reg_a").status_code == 200


# ------------------------------------------------------------------ unlock from above


def lock(username):
    for _ in range(5):
        obtain(username, "wrong-password-1")
    assert User.objects.get(username=username).is_locked


def test_the_county_unlocks_a_school_account_of_its_county(world, api):
    lock("reg_a")
    response = api(world.county_xd).post("/auth/accounts/reg_a/unlock")
    assert response.status_code == 200 and response.json()["locked"] is False
    assert not User.objects.get(username="reg_a").is_locked
    assert obtain("reg_a", address=HOTEL).status_code == 200
    assert AuditEvent.objects.filter(actor=world.county_xd, action="account.unlock", object_id="reg_a",
                                     outcome="ok").exists()


def test_an_officer_of_another_county_gets_404_and_is_recorded(world, api):
    lock("reg_a")
    assert_error(api(world.county_yz).post("/auth/accounts/reg_a/unlock"), 404)
    assert_error(api(world.county_yz).post("/auth/accounts/no-such-user/unlock"), 404)
    assert_error(api(world.registrar_a2).post("/auth/accounts/reg_a/unlock"), 404)
    assert User.objects.get(username="reg_a").is_locked
    assert AuditEvent.objects.filter(actor=world.county_yz, action="account.unlock", outcome="denied").count() == 2


def test_an_officer_cannot_unlock_a_colleague_of_his_own_level(world, api):
    lock("xd")
    assert_error(api(world.county_xd).post("/auth/accounts/xd/unlock"), 403)
    assert User.objects.get(username="xd").is_locked
    assert api(world.city_ty).post("/auth/accounts/xd/unlock").status_code == 200


def test_the_accounts_page_shows_the_lock_and_an_unlock_button(world, client_for):
    lock("reg_a")
    officer = client_for(world.county_xd)
    page = officer.get("/accounts/").content.decode()
    assert "暂时锁定" in page and "/accounts/reg_a/unlock/" in page
    response = officer.post("/accounts/reg_a/unlock/")
    assert response.status_code == 302
    assert not User.objects.get(username="reg_a").is_locked
    assert "/accounts/reg_a/unlock/" not in officer.get("/accounts/").content.decode()


def test_the_unlock_page_refuses_an_outsider_with_404(world, client_for):
    lock("reg_a")
    assert client_for(world.county_yz).post("/accounts/reg_a/unlock/").status_code == 404
    assert client_for(world.registrar_a).post("/accounts/reg_a/unlock/").status_code == 404
    assert client_for(world.county_xd).get("/accounts/reg_a/unlock/").status_code == 405
    assert User.objects.get(username="reg_a").is_locked
