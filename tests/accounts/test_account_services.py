"""Accounts are made from the level above; passwords lock out after repeated failures."""

import pytest
from django.contrib.auth.hashers import identify_hasher

from tests.factories import PASSWORD
from xueji.accounts.services import LoginFailed, check_password_login, create_account
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
    for _ in range(5):
        with pytest.raises(LoginFailed):
            check_password_login("xd", "wrong-password")
    with pytest.raises(LoginFailed) as caught:
        check_password_login("xd", PASSWORD)  # right password, but locked
    assert caught.value.violations[0].code == "account_locked"
    assert AuditEvent.objects.filter(action="auth.login", outcome="locked").exists()


def test_good_password_logs_in_and_resets_the_counter(world):
    with pytest.raises(LoginFailed):
        check_password_login("xd", "wrong-password")
    user = check_password_login("xd", PASSWORD)
    assert user.failed_logins == 0
