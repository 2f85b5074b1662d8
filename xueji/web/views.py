"""Log-in, log-out and the home page of each role."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login, logout
from django.shortcuts import redirect, render, resolve_url
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_http_methods, require_POST

from xueji.accounts.dormancy import AccountSealed
from xueji.accounts.second_factor import begin_second_factor
from xueji.accounts.services import LoginFailed, check_password_login
from xueji.accounts.throttle import LoginThrottled
from xueji.accounts.totp import second_factor_due
from xueji.audit.permissions import AuditPolicy
from xueji.todo.views import home_context as todo_context

from . import summaries
from .pages import page


def _next_url(request) -> str:
    # Only a path on this site: an open redirect after log-in is a phishing tool.
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()},
                                       require_https=request.is_secure()):
        return target
    return resolve_url(settings.LOGIN_REDIRECT_URL)


@require_http_methods(["GET", "POST"])
def login_view(request):
    if request.method == "GET" and request.user.is_authenticated:
        return redirect("web:home")
    username, error, retry_after = "", "", 0
    if request.method == "POST":
        username = request.POST.get("username", "").strip()
        password = request.POST.get("password", "")
        if not username or not password:
            error = "请输入用户名和密码"
        else:
            try:
                user = check_password_login(username, password)
            except (LoginFailed, AccountSealed) as exc:
                error = exc.message
            except LoginThrottled as exc:
                error, retry_after = exc.message, exc.retry_after
            else:
                if second_factor_due(user):  # province, city, auditor: the code (or enrolment) comes next
                    return begin_second_factor(request, user, _next_url(request))
                login(request, user)
                return redirect(_next_url(request))
    context = {"username": username, "error": error, "next": request.POST.get("next") or request.GET.get("next", "")}
    # A throttled attempt answers as the API does: 429 with the wait in Retry-After, and the same message.
    response = render(request, "web/login.html", context, status=429 if retry_after else 200)
    if retry_after:
        response["Retry-After"] = str(retry_after)
    return response


@require_POST
def logout_view(request):
    logout(request)
    messages.success(request, "您已安全退出。")
    return redirect("web:login")


@page
def home(request):
    user = request.user
    if user.role in ("registrar", "leader"):
        return _school_home(request, user)
    if user.role == "auditor":
        from xueji.audit.labels import with_org_names

        events = with_org_names(AuditPolicy.visible_to(user).order_by("-id")[:20])
        return render(request, "web/home_auditor.html", {"events": events})
    if user.role in ("county", "city", "province"):
        return _division_home(request, user)
    return render(request, "web/home_other.html")


def _school_home(request, user):
    school = user.school
    context = {
        "school": school,
        "table": summaries.school_grade_table(user, school),
        "recent": summaries.recent_students(user),
        **todo_context(request),
    }
    return render(request, "web/home_school.html", context)


def _division_home(request, user):
    division = user.division
    context = {
        "division": division,
        "children": summaries.child_divisions(user, division),
        "schools": summaries.schools_under(user, division),
        **todo_context(request),
    }
    return render(request, "web/home_division.html", context)
