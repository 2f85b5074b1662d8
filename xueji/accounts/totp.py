"""A TOTP second factor (RFC 6238, 30-second steps, 6 digits) for province, city and auditor accounts.

An account needs its code once it has enrolled; with XUEJI_REQUIRE_TOTP on (production), an account of these
roles that has not enrolled must enrol before its first log-in completes. A code is accepted once: the step it
belongs to is remembered, and that step or an earlier one is refused as a replay. Wrong codes count in the same
throttle as wrong passwords. The level above resets a lost authenticator (audited).
"""

import hmac
import io
import time

import pyotp
from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from xueji.audit import services as audit
from xueji.core.errors import Conflict, Forbidden, NotFound, RuleViolation, ServiceError
from xueji.core.middleware import current_client_ip
from xueji.policy.violations import Violation

from . import throttle
from .models import TotpDevice, User
from .permissions import account_in_charge

TOTP_ROLES = frozenset({"province", "city", "auditor"})
ISSUER = "学籍系统"
STEP_SECONDS = 30
# One step either side absorbs a phone clock a little off; wider would make guessing easier.
DRIFT_STEPS = 1


class SecondFactorRequired(ServiceError):
    """The password was right; the code is missing, wrong or replayed, or enrolment is due (HTTP 401)."""

    status = 401
    summary = "需要动态口令"
    default_code = "otp_required"


def live_device(user: User) -> TotpDevice | None:
    return TotpDevice.objects.filter(user=user, revoked_at__isnull=True).first()


def is_enrolled(user: User) -> bool:
    return TotpDevice.objects.filter(user=user, revoked_at__isnull=True, confirmed_at__isnull=False).exists()


def needs_code(user: User) -> bool:
    return user.role in TOTP_ROLES and is_enrolled(user)


def must_enrol(user: User) -> bool:
    return settings.XUEJI_REQUIRE_TOTP and user.role in TOTP_ROLES and not is_enrolled(user)


def second_factor_due(user: User) -> bool:
    """Whether a right password is only the first step of this account's log-in."""
    return needs_code(user) or must_enrol(user)


def provisioning_uri(user: User, device: TotpDevice) -> str:
    return pyotp.TOTP(device.secret).provisioning_uri(name=user.username, issuer_name=ISSUER)


def qr_svg(uri: str) -> str:
    """The otpauth:// URI as an inline SVG QR code, for the authenticator app's camera."""
    import qrcode
    import qrcode.image.svg

    out = io.BytesIO()
    qrcode.make(uri, image_factory=qrcode.image.svg.SvgPathImage, box_size=8).save(out)
    svg = out.getvalue().decode()
    return svg[svg.find("<svg"):]  # inline in the page: no XML declaration


def start_enrolment(user: User) -> TotpDevice:
    """A fresh secret for the account (or the pending one); an account already enrolled must be reset first."""
    if user.role not in TOTP_ROLES:
        raise Forbidden("只有省级、市级和审计员账号使用动态口令")
    device = live_device(user)
    if device is not None and device.confirmed_at is not None:
        raise Conflict(Violation("otp_enrolled", "已绑定动态口令;更换手机须由上级主管部门重置", None, None))
    if device is not None:
        return device
    try:
        with transaction.atomic():
            return TotpDevice.objects.create(user=user, secret=pyotp.random_base32())
    except IntegrityError:  # a parallel request created it first
        return live_device(user)


def _consume(device: TotpDevice, code: str) -> bool:
    """Whether the code is right for a step newer than the last accepted one; marks that step used."""
    code = (code or "").strip().replace(" ", "")
    if len(code) != 6 or not code.isdigit():
        return False
    totp, now = pyotp.TOTP(device.secret), int(time.time()) // STEP_SECONDS
    for step in range(now - DRIFT_STEPS, now + DRIFT_STEPS + 1):
        if hmac.compare_digest(totp.at(step * STEP_SECONDS), code):
            # The conditional UPDATE makes two parallel uses of one code accept only one.
            return bool(TotpDevice.objects.filter(pk=device.pk, last_step__lt=step).update(last_step=step))
    return False


def confirm_enrolment(user: User, code: str) -> TotpDevice:
    if user.role not in TOTP_ROLES:
        raise Forbidden("只有省级、市级和审计员账号使用动态口令")
    device = live_device(user)
    if device is None or device.confirmed_at is not None:
        raise Conflict(Violation("otp_not_pending", "没有待确认的动态口令,请先开始绑定", None, None))
    _check_code(user, device, code, action="account.totp_enrol")
    with transaction.atomic():
        TotpDevice.objects.filter(pk=device.pk).update(confirmed_at=timezone.now())
        audit.record(user, "account.totp_enrol", obj=user, object_id=user.username)
    device.refresh_from_db()
    return device


def _check_code(user: User, device: TotpDevice, code: str, *, action: str) -> None:
    """Verify behind the log-in throttle: six digits are guessable without it."""
    keys = throttle.keys_for(current_client_ip() or "", user.username, spare_username=False)
    charge, wait, _first = throttle.admit(keys)
    if charge is None:
        raise throttle.LoginThrottled(wait)
    if not _consume(device, code):
        audit.record(user, action, obj=user, object_id=user.username, outcome="failed")
        raise RuleViolation(Violation("otp_invalid", "动态口令不正确或已使用过,请输入验证器上新显示的6位数字",
                                      None, "otp"))
    throttle.refund(charge)


def check_login_code(user: User, code: str | None) -> None:
    """The second step of a log-in (web or token) for an account that needs it; raises SecondFactorRequired."""
    if must_enrol(user):
        raise SecondFactorRequired(Violation("otp_enrolment_required",
                                             "该账号须先绑定动态口令:请在网页上登录,按提示用手机验证器扫码绑定",
                                             None, "otp"))
    if not needs_code(user):
        return
    if not (code or "").strip():
        raise SecondFactorRequired(Violation("otp_required", "该账号已启用动态口令,请填写验证器上的6位数字",
                                             None, "otp"))
    try:
        _check_code(user, live_device(user), code, action="auth.otp")
    except RuleViolation as exc:
        raise SecondFactorRequired(exc.violations) from exc
    audit.record(user, "auth.otp", obj=user, object_id=user.username)


def reset_totp(actor: User | None, username: str) -> User:
    """The level above ends a lost authenticator; the holder enrols anew at the next log-in. `actor` None is the
    command line (province accounts have no level above)."""
    if actor is None:
        account = User.objects.filter(username=username).first()
        if account is None:
            raise NotFound("未找到该账号", refusal=False)
    else:
        account = account_in_charge(actor, username, "account.totp_reset", "只有上级主管部门可以重置动态口令")
    with transaction.atomic():
        revoked = TotpDevice.objects.filter(user=account, revoked_at__isnull=True).update(
            revoked_at=timezone.now(), revoked_by=actor)
        if not revoked:
            raise Conflict(Violation("otp_not_enrolled", "该账号尚未绑定动态口令,无须重置", None, "username"))
        audit.record(actor, "account.totp_reset", obj=account, object_id=account.username)
    return account
