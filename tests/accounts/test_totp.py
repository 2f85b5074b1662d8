"""TOTP second factor for province, city and auditor accounts: enrolment, codes at log-in, replay, reset."""

import time

import pyotp
import pytest
from django.test import Client

from tests.api.conftest import Api, assert_error
from tests.factories import PASSWORD
from xueji.accounts.models import TotpDevice
from xueji.accounts.services import issue_token
from xueji.accounts.totp import (
    SecondFactorRequired,
    check_login_code,
    confirm_enrolment,
    reset_totp,
    start_enrolment,
)
from xueji.audit.models import AuditEvent
from xueji.core.errors import Forbidden, NotFound, RuleViolation


def api(user=None):
    if user is None:
        return Api(Client())
    return Api(Client(HTTP_AUTHORIZATION=f"Bearer {issue_token(user)[0]}"))


def code(device, steps_ahead=0):
    # Enrolment consumes the current step's code; a later step (within the allowed drift) is a fresh code.
    return pyotp.TOTP(device.secret).at(time.time() + 30 * steps_ahead)


def enrol(user) -> TotpDevice:
    device = start_enrolment(user)
    confirm_enrolment(user, code(device))
    return TotpDevice.objects.get(pk=device.pk)


def token(username, otp=None):
    body = {"username": username, "password": PASSWORD}
    if otp is not None:
        body["otp"] = otp
    return api().post("/auth/token", body)


def test_enrolment_needs_a_right_first_code(world):
    device = start_enrolment(world.city_ty)
    assert start_enrolment(world.city_ty).pk == device.pk  # the pending secret is shown again, not replaced
    with pytest.raises(RuleViolation) as caught:
        confirm_enrolment(world.city_ty, "000000" if code(device) != "000000" else "111111")
    assert caught.value.violations[0].field == "otp"
    confirm_enrolment(world.city_ty, code(device))
    assert AuditEvent.objects.filter(actor=world.city_ty, action="account.totp_enrol").exists()
    with pytest.raises(Forbidden):
        start_enrolment(world.registrar_a)


def test_an_enrolled_account_needs_its_code_for_a_token(world):
    device = enrol(world.city_ty)
    assert_error(token("ty"), 401, code="otp_required", field="otp")
    assert_error(token("ty", "12345x"), 401, code="otp_invalid")
    assert token("ty", code(device, 1)).status_code == 200


def test_a_code_is_accepted_once(world):
    device = enrol(world.auditor)
    fresh = code(device, 1)
    check_login_code(world.auditor, fresh)
    with pytest.raises(SecondFactorRequired) as caught:
        check_login_code(world.auditor, fresh)
    assert caught.value.violations[0].code == "otp_invalid"
    assert AuditEvent.objects.filter(actor=world.auditor, action="auth.otp", outcome="failed").exists()


def test_not_enrolled_accounts_log_in_with_a_password_unless_the_site_requires_totp(world, settings):
    settings.XUEJI_REQUIRE_TOTP = False
    assert token("sx").status_code == 200
    settings.XUEJI_REQUIRE_TOTP = True
    assert_error(token("sx"), 401, code="otp_enrolment_required")
    assert token("reg_a").status_code == 200  # school roles never use it


def test_web_login_asks_for_the_code_after_the_password(world):
    device = enrol(world.city_ty)
    client = Client()
    step1 = client.post("/login/", {"username": "ty", "password": PASSWORD})
    assert step1.status_code == 302 and step1["Location"] == "/login/second-factor/"
    assert client.get("/accounts/").status_code == 302  # not logged in yet
    assert client.post("/login/second-factor/", {"otp": "abcdef"}).status_code == 401
    done = client.post("/login/second-factor/", {"otp": code(device, 1)})
    assert done.status_code == 302 and client.get("/accounts/").status_code == 200


def test_required_enrolment_happens_at_first_web_login(world, settings):
    settings.XUEJI_REQUIRE_TOTP = True
    client = Client()
    client.post("/login/", {"username": "sx", "password": PASSWORD})
    page = client.get("/login/second-factor/")
    assert page.status_code == 200 and "<svg" in page.content.decode() and "otpauth://" in page.content.decode()
    device = TotpDevice.objects.get(user=world.province_officer)
    assert client.post("/login/second-factor/", {"otp": code(device)}).status_code == 302
    assert client.get("/").status_code == 200
    assert Client().get("/login/second-factor/").status_code == 302  # nothing pending: back to the log-in


def test_enrolment_through_the_api_and_the_page(world, client_for):
    state = api(world.city_dt).get("/auth/totp").json()
    assert state == {"applies": True, "enrolled": False, "required": False}
    enrolment = api(world.city_dt).post("/auth/totp/enrol").json()
    assert enrolment["otpauth_uri"].startswith("otpauth://totp/")
    confirm = api(world.city_dt).post("/auth/totp/confirm", {"otp": pyotp.TOTP(enrolment["secret"]).now()})
    assert confirm.json()["enrolled"] is True
    assert_error(api(world.registrar_a).post("/auth/totp/enrol"), 403)
    assert_error(api(world.leader_a).post("/auth/totp/confirm", {"otp": "123456"}), 403)
    for path in ("/auth/totp", "/auth/totp/enrol", "/auth/totp/confirm"):
        call = api().get if path == "/auth/totp" else api().post
        assert call(path).status_code == 401
    assert client_for(world.registrar_a).get("/account/totp/").status_code == 403
    assert "<svg" in client_for(world.auditor).get("/account/totp/").content.decode()
    assert "已绑定" in client_for(world.city_dt).get("/account/totp/").content.decode()


def test_the_level_above_resets_a_lost_authenticator(world, client_for):
    enrol(world.city_ty)
    enrol(world.auditor)
    with pytest.raises(NotFound):
        reset_totp(world.city_dt, "ty")
    assert_error(api(world.city_dt).post("/auth/accounts/ty/totp-reset"), 404)
    assert_error(api(world.county_xd).post("/auth/accounts/ty/totp-reset"), 404)
    assert client_for(world.city_dt).post("/accounts/ty/totp-reset/").status_code == 404
    assert api(world.province_officer).post("/auth/accounts/ty/totp-reset").status_code == 200
    assert client_for(world.province_officer).post("/accounts/aud/totp-reset/").status_code == 302
    assert not TotpDevice.objects.filter(revoked_at__isnull=True).exists()
    assert TotpDevice.objects.filter(user=world.city_ty, revoked_by=world.province_officer).exists()  # kept
    assert token("ty").status_code == 200  # enrols afresh when it next wants to
