"""The web side of the TOTP second factor: the log-in's second step, and the enrolment page.

After the right password, an account that needs a code (or must enrol) is not logged in yet: the session only
remembers, for a few minutes, whose password was right. The code (or the first code of a new enrolment) then
completes the log-in.
"""

import time

from django.contrib import messages
from django.contrib.auth import login
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from xueji.core.errors import Conflict, RuleViolation
from xueji.web.pages import page, require

from .models import User
from .throttle import LoginThrottled
from .totp import (
    TOTP_ROLES,
    SecondFactorRequired,
    check_login_code,
    confirm_enrolment,
    is_enrolled,
    live_device,
    must_enrol,
    provisioning_uri,
    qr_svg,
    start_enrolment,
)

PENDING_SECONDS = 300
_USER, _UNTIL, _NEXT = "xueji_2fa_user", "xueji_2fa_until", "xueji_2fa_next"


def begin_second_factor(request, user: User, next_url: str):
    request.session[_USER] = user.pk
    request.session[_UNTIL] = time.time() + PENDING_SECONDS
    request.session[_NEXT] = next_url
    return redirect("web:accounts:second_factor")


def _pending_user(request) -> User | None:
    if request.session.get(_UNTIL, 0) < time.time():
        return None
    return User.objects.filter(pk=request.session.get(_USER), is_active=True, sealed_at__isnull=True).first()


def _finish(request, user: User):
    next_url = request.session.get(_NEXT) or "/"
    for key in (_USER, _UNTIL, _NEXT):
        request.session.pop(key, None)
    login(request, user)
    return redirect(next_url)


def _enrolment_context(user: User) -> dict:
    device = start_enrolment(user)
    uri = provisioning_uri(user, device)
    return {"secret": device.secret, "uri": uri, "qr": qr_svg(uri)}


@require_http_methods(["GET", "POST"])
def second_factor_page(request):
    """动态口令: the log-in's second step (or the first enrolment, when the site requires one)."""
    user = _pending_user(request)
    if user is None:
        messages.error(request, "登录已超时,请重新输入用户名和密码")
        return redirect("web:login")
    enrol = must_enrol(user)
    error, status = "", 200
    if request.method == "POST":
        code = request.POST.get("otp", "")
        try:
            if enrol:
                confirm_enrolment(user, code)
            else:
                check_login_code(user, code)
        except (RuleViolation, SecondFactorRequired, Conflict) as exc:
            error, status = exc.message, 401
        except LoginThrottled as exc:
            response = render(request, "accounts/second_factor.html", {"error": exc.message, "enrol": False},
                              status=429)
            response["Retry-After"] = str(exc.retry_after)
            return response
        else:
            return _finish(request, user)
    context = {"error": error, "enrol": enrol, "pending_user": user, **(_enrolment_context(user) if enrol else {})}
    return render(request, "accounts/second_factor.html", context, status=status)


@page
@require_http_methods(["GET", "POST"])
def totp_page(request):
    """本人的动态口令: shows the secret and QR code to enrol, then asks for a first code to confirm."""
    user = request.user
    require(user.role in TOTP_ROLES, "只有省级、市级和审计员账号使用动态口令")
    error, status = "", 200
    if request.method == "POST":
        try:
            confirm_enrolment(user, request.POST.get("otp", ""))
        except (RuleViolation, Conflict) as exc:
            error, status = exc.message, 422
        except LoginThrottled as exc:
            error, status = exc.message, 429
        else:
            messages.success(request, "动态口令已绑定。以后登录时除密码外,还须输入验证器上的6位数字。")
            return redirect("web:accounts:totp")
    if is_enrolled(user):
        context = {"enrolled_at": live_device(user).confirmed_at}
    else:
        context = _enrolment_context(user)
    return render(request, "accounts/totp.html", {**context, "error": error}, status=status)
