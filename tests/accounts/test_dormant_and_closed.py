"""Dormant accounts are sealed and reopened from above; an account whose holder left is closed, never deleted."""

from datetime import date, timedelta

import pytest
from django.core.management import call_command
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from tests.api.conftest import Api, assert_error
from tests.factories import PASSWORD
from xueji.accounts.dormancy import AccountSealed, reopen_account, seal_dormant
from xueji.accounts.filing import submit_filing
from xueji.accounts.lifecycle import close_account
from xueji.accounts.models import ApiToken, User
from xueji.accounts.services import LoginFailed, check_password_login, issue_token
from xueji.audit.models import AuditEvent
from xueji.core.errors import Conflict, NotFound, RuleViolation


def api(user=None):
    if user is None:
        return Api(Client())
    return Api(Client(HTTP_AUTHORIZATION=f"Bearer {issue_token(user)[0]}"))


def idle(*users, days=91):
    User.objects.filter(pk__in=[u.pk for u in users]).update(last_login=timezone.now() - timedelta(days=days),
                                                             date_joined=timezone.now() - timedelta(days=400))


def test_sealing_is_one_set_based_pass_with_one_audit_row(world):
    idle(world.registrar_a, world.county_yz, world.auditor)
    idle(world.registrar_b, days=80)
    key, _token = issue_token(world.registrar_a)
    with CaptureQueriesContext(connection) as queries:
        sealed = seal_dormant()
    assert sorted(sealed) == ["aud", "reg_a", "yz"]
    # One UPDATE for all accounts, not a save per account.
    assert sum('UPDATE "accounts_user"' in q["sql"] for q in queries.captured_queries) == 1
    assert set(User.objects.filter(sealed_at__isnull=False).values_list("username", flat=True)) == set(sealed)
    assert ApiToken.objects.get(user=world.registrar_a).revoked_at is not None
    assert AuditEvent.objects.filter(action="account.seal_dormant").count() == 1
    assert seal_dormant() == []  # nothing left to seal


def test_a_sealed_account_is_refused_with_whom_to_ask_but_only_after_the_right_password(world):
    idle(world.registrar_a)
    seal_dormant()
    with pytest.raises(LoginFailed):  # a wrong password reveals nothing about the seal
        check_password_login("reg_a", "wrong-password", "10.0.0.1")
    with pytest.raises(AccountSealed) as caught:
        check_password_login("reg_a", PASSWORD, "10.0.0.1")
    assert caught.value.status == 403 and "上级学籍主管部门启封" in caught.value.message
    assert_error(api().post("/auth/token", {"username": "reg_a", "password": PASSWORD}), 403, code="account_sealed")
    page = Client().post("/login/", {"username": "reg_a", "password": PASSWORD})
    assert page.status_code == 200 and "已被封存" in page.content.decode()


def test_log_in_seals_a_dormant_account_even_if_the_command_never_ran(world):
    idle(world.county_xd)
    with pytest.raises(AccountSealed):
        check_password_login("xd", PASSWORD, "10.0.0.1")
    assert User.objects.get(pk=world.county_xd.pk).sealed_at is not None
    assert AuditEvent.objects.filter(action="account.seal_dormant", object_id="xd").exists()


def test_the_level_above_reopens_and_the_account_logs_in_again(world):
    idle(world.registrar_a)
    seal_dormant()
    with pytest.raises(NotFound):
        reopen_account(world.county_yz, "reg_a")
    with pytest.raises(NotFound):
        reopen_account(world.registrar_a2, "reg_a")
    reopen_account(world.county_xd, "reg_a")
    assert AuditEvent.objects.filter(actor=world.county_xd, action="account.reopen", object_id="reg_a").exists()
    assert check_password_login("reg_a", PASSWORD, "10.0.0.1") == world.registrar_a
    with pytest.raises(Conflict):
        reopen_account(world.county_xd, "reg_a")


def test_reopened_account_is_not_sealed_again_at_once(world):
    idle(world.county_yz)
    seal_dormant()
    reopen_account(world.city_ty, "yz")
    assert seal_dormant() == []


def test_reopen_through_api_page_and_command(world, client_for):
    idle(world.registrar_a, world.registrar_b, world.province_officer)
    call_command("accounts", "seal-dormant")
    assert User.objects.filter(sealed_at__isnull=False).count() == 3
    assert_error(api(world.county_yz).post("/auth/accounts/reg_a/reopen"), 404)
    assert api(world.county_xd).post("/auth/accounts/reg_a/reopen").json()["sealed"] is False
    assert client_for(world.county_xd).post("/accounts/reg_b/reopen/").status_code == 404
    assert client_for(world.county_yz).post("/accounts/reg_b/reopen/").status_code == 302
    call_command("accounts", "reopen", "sx")  # the province has no level above: the shell reopens it
    assert not User.objects.filter(sealed_at__isnull=False).exists()


def test_closing_keeps_the_account_and_its_history(world):
    submit_filing(world.registrar_a, "reg_a", holder_name="李学籍", post="教务干事", since=date(2025, 9, 1),
                  contact="13835100009")
    issue_token(world.registrar_a)
    check_password_login("reg_a", PASSWORD, "10.0.0.1")  # a history of log-ins
    with pytest.raises(RuleViolation) as caught:
        close_account(world.county_xd, "reg_a", reason=" ")
    assert caught.value.violations[0].field == "reason"
    with pytest.raises(NotFound):
        close_account(world.county_yz, "reg_a", reason="调离")
    close_account(world.county_xd, "reg_a", reason="调离岗位", closed_on=date(2026, 7, 1))
    account = User.objects.get(username="reg_a")
    assert (account.is_active, account.closed_on, account.closed_reason) == (False, date(2026, 7, 1), "调离岗位")
    assert not ApiToken.objects.filter(user=account, revoked_at__isnull=True).exists()
    assert AuditEvent.objects.filter(actor=account, action="account.filing").exists()  # history stays
    assert account.filings.get().holder_name == "李学籍"
    with pytest.raises(LoginFailed):
        check_password_login("reg_a", PASSWORD, "10.0.0.2")
    with pytest.raises(Conflict):
        close_account(world.county_xd, "reg_a", reason="再次")


def test_close_api_and_page_refuse_outsiders(world, client_for):
    assert_error(api(world.county_yz).post("/auth/accounts/reg_a/close", {"reason": "调离"}), 404)
    assert_error(api(world.registrar_a).post("/auth/accounts/lead_a/close", {"reason": "调离"}), 404)
    assert_error(api(world.county_xd).post("/auth/accounts/xd/close", {"reason": "调离"}), 403)
    assert client_for(world.county_yz).post("/accounts/reg_a/close/", {"reason": "调离"}).status_code == 404
    closed = api(world.county_xd).post("/auth/accounts/reg_a/close", {"reason": "退休"})
    assert closed.status_code == 200 and closed.json()["is_active"] is False
    assert client_for(world.county_xd).get("/accounts/reg_a/").content.decode().count("已注销") >= 1
    assert client_for(world.county_xd).post("/accounts/lead_a/close/", {"reason": ""}).status_code == 422
