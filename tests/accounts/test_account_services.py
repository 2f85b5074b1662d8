"""Accounts are made from the level above; passwords lock out after repeated failures."""

import pytest
from django.contrib.auth.hashers import identify_hasher

from tests.factories import PASSWORD
from xueji.accounts.models import LoginThrottle
from xueji.accounts.services import LoginFailed, change_password, check_password_login, create_account
from xueji.accounts.throttle import LoginThrottled
from xueji.audit.models import AuditEvent
from xueji.core.errors import Forbidden, NotFound, RuleViolation

STRONG = "Shanxi-registry-2026"


def test_county_creates_accounts_for_its_schools_only(world):
    user = create_account(world.county_xd, username="new_reg", password=STRONG, role="registrar",
                          school=world.school_a)
    assert user.school == world.school_a and identify_hasher(user.password).algorithm == "argon2"
    assert AuditEvent.objects.filter(action="account.create", object_id="new_reg").exists()
    with pytest.raises(NotFound):  # another county's school is outside his jurisdiction: absent to him
        create_account(world.county_xd, username="x", password=STRONG, role="registrar", school=world.school_b)
    assert AuditEvent.objects.filter(actor=world.county_xd, action="account.create", outcome="denied",
                                     object_id=world.school_b.pk).exists()


def test_no_one_creates_accounts_at_or_above_his_own_level(world):
    with pytest.raises(Forbidden):
        create_account(world.county_xd, username="peer", password=STRONG, role="county", division=world.xiaodian)
    with pytest.raises(Forbidden):
        create_account(world.registrar_a, username="x", password=STRONG, role="registrar", school=world.school_a)
    created = create_account(world.city_ty, username="xd2", password=STRONG, role="county", division=world.xiaodian)
    assert created.division == world.xiaodian


def test_role_must_match_the_node_level_and_password_be_strong(world):
    with pytest.raises(RuleViolation) as caught:
        create_account(world.province_officer, username="c", password=STRONG, role="county", division=world.taiyuan)
    assert caught.value.violations[0].field == "division"
    with pytest.raises(RuleViolation) as caught:
        create_account(world.province_officer, username="c", password="123", role="county", division=world.xiaodian)
    assert caught.value.violations[0].field == "password"


def test_lock_out_after_five_failures(world, settings):
    settings.XUEJI_LOGIN_MAX_FAILURES = 5
    settings.XUEJI_LOGIN_DELAY_SECONDS = 600
    for _ in range(5):
        with pytest.raises(LoginFailed):
            check_password_login("xd", "wrong-password")
    with pytest.raises(LoginThrottled) as caught:
        check_password_login("xd", PASSWORD)  # right password, but it must wait
    assert caught.value.violations[0].code == "login_throttled" and caught.value.status == 429
    assert 590 <= caught.value.retry_after <= 600
    assert AuditEvent.objects.filter(action="auth.login", outcome="locked").exists()


def test_good_password_logs_in_and_resets_the_counter(world):
    with pytest.raises(LoginFailed):
        check_password_login("xd", "wrong-password")
    assert LoginThrottle.objects.get(scope="username", key="xd").failures == 1
    user = check_password_login("xd", PASSWORD)
    assert user == world.county_xd
    assert LoginThrottle.objects.get(scope="username", key="xd").failures == 0


# ------------------------------------------------------------------ password rules (issue #10 item 4)

BAD_PASSWORDS = [
    (" " * 12, "空格"),
    ("new_reg", "用户名相同"),
    ("NEW_REG", "用户名相同"),
    ("my-new_reg-2026", "包含用户名"),
    ("山西省学籍管理系统", "至少须有10个字符"),  # nine 汉字: 27 bytes, but nine characters
    ("密码密码密码", "当前只有6个"),
    ("x" * 12, "同一个字符"),
]


@pytest.mark.parametrize(("password", "words"), BAD_PASSWORDS)
def test_account_creation_refuses_weak_passwords_naming_the_field(world, password, words):
    with pytest.raises(RuleViolation) as caught:
        create_account(world.county_xd, username="new_reg", password=password, role="registrar",
                       school=world.school_a)
    problem = caught.value.violations[0]
    assert problem.field == "password" and words in problem.message and "密码" in problem.message


def test_ten_chinese_characters_are_long_enough(world):
    user = create_account(world.county_xd, username="new_reg", password="山西省学籍管理系统好", role="registrar",
                          school=world.school_a)
    assert check_password_login("new_reg", "山西省学籍管理系统好") == user


@pytest.mark.parametrize(("password", "words"), [(" " * 12, "空格"), ("Reg_A", "用户名相同"),
                                                 ("山西省学籍管理系统", "至少须有10个字符")])
def test_password_change_refuses_weak_passwords(world, password, words):
    with pytest.raises(RuleViolation) as caught:
        change_password(world.registrar_a, PASSWORD, password)
    assert caught.value.violations[0].field == "new_password" and words in caught.value.violations[0].message
    world.registrar_a.refresh_from_db()
    assert world.registrar_a.check_password(PASSWORD)


def test_guessing_the_old_password_is_throttled_before_hashing(world, settings, monkeypatch):
    settings.XUEJI_LOGIN_DELAY_SECONDS = 600
    for _ in range(5):
        with pytest.raises(RuleViolation):
            change_password(world.registrar_a, "guess-old-password", "Shanxi-registry-2027")
    monkeypatch.setattr(type(world.registrar_a), "check_password", lambda *a: pytest.fail("hashed while throttled"))
    with pytest.raises(LoginThrottled):
        change_password(world.registrar_a, PASSWORD, "Shanxi-registry-2027")


def test_the_password_page_says_when_to_try_again(world, settings, client_for):
    settings.XUEJI_LOGIN_DELAY_SECONDS = 600
    client = client_for(world.registrar_a)
    form = {"old_password": "guess-old-password", "new_password": STRONG, "new_password2": STRONG}
    for _ in range(5):
        assert client.post("/account/password/", form).status_code == 422
    response = client.post("/account/password/", {**form, "old_password": PASSWORD})
    assert response.status_code == 429 and "登录失败次数过多" in response.content.decode()
    assert 590 <= int(response["Retry-After"]) <= 600
