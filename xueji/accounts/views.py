"""Account pages: an officer's accounts and the form to open one below his node; changing one's password."""

from django.contrib import messages
from django.contrib.auth import update_session_auth_hash
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from xueji.core.errors import Conflict, Forbidden, NotFound, RuleViolation
from xueji.orgs.models import Division, School
from xueji.orgs.permissions import DivisionPolicy, SchoolPolicy
from xueji.web.pages import form_errors, page, paginate, require

from .models import SCHOOL_ROLES, Role
from .permissions import AccountPolicy
from .services import change_password, create_account, unlock_account
from .throttle import LoginThrottled, with_lock_state

OFFICER_ROLES = ("county", "city", "province")
# Above this many nodes a drop-down is no help; the officer types the code instead.
ORG_SELECT_MAX = 300
# The service names the node field by kind; the page has a single 所属单位 input.
ORG_FIELDS = {"school": "org", "division": "org"}


def _org_options(user) -> dict:
    divisions = DivisionPolicy.visible_to(user).order_by("code")
    schools = SchoolPolicy.visible_to(user).order_by("code")
    if divisions.count() + schools.count() > ORG_SELECT_MAX:
        return {"divisions": None, "schools": None}
    return {"divisions": list(divisions), "schools": list(schools)}


def _node_for(role: str, code: str) -> tuple[Division | None, School | None]:
    """The node named by a code; whether the actor may place an account there is create_account's decision."""
    if role in SCHOOL_ROLES:
        return None, School.objects.filter(pk=code).first()
    return Division.objects.filter(pk=code).first(), None


def _create(request) -> tuple[dict, list[str], int] | None:
    """Open the account; None when done, else (errors by field, all errors, HTTP status)."""
    form = request.POST
    role, code = form.get("role", ""), form.get("org", "").strip()
    division, school = _node_for(role, code)
    if code and division is None and school is None:
        what = "10位学校标识码" if role in SCHOOL_ROLES else "6位行政区划代码"
        return {"org": [f"单位代码“{code}”不存在,请填写{what}"]}, [], 422
    try:
        account = create_account(request.user, username=form.get("username", ""), password=form.get("password", ""),
                                 role=role, division=division, school=school,
                                 display_name=form.get("display_name", "").strip(), phone=form.get("phone", "").strip())
    except (RuleViolation, Conflict, Forbidden, NotFound) as exc:
        errors, error_list = form_errors(exc)
        for field, target in ORG_FIELDS.items():
            if field in errors:
                errors.setdefault(target, []).extend(errors.pop(field))
        return errors, error_list, exc.status
    messages.success(request, f"已建立账号“{account.username}”({account.get_role_display()},{account.org})。"
                              "请将初始密码当面或电话告知本人,并提醒其首次登录后修改。")
    return None


@page
@require_http_methods(["GET", "POST"])
def accounts_page(request):
    user = request.user
    require(user.role in OFFICER_ROLES, "只有县、市、省级学籍主管部门可以管理账号")
    errors, error_list, status = {}, [], 200
    if request.method == "POST":
        refused = _create(request)
        if refused is None:
            return redirect("web:accounts:list")
        errors, error_list, status = refused
    accounts = with_lock_state(AccountPolicy.visible_to(user).select_related("school", "division")).order_by("username")
    page_obj = paginate(request, accounts, per_page=50)
    context = {
        "page_obj": page_obj,
        "accounts": page_obj.object_list,
        # Accounts are opened strictly below the officer's node, so nobody opens a province account here.
        "roles": [(r.value, r.label) for r in Role if r != Role.PROVINCE],
        "form": request.POST if request.method == "POST" else {},
        "errors": errors,
        "error_list": error_list,
        **_org_options(user),
    }
    return render(request, "accounts/list.html", context, status=status)


@page
@require_http_methods(["GET", "POST"])
def password_page(request):
    errors, status, retry_after = {}, 200, 0
    if request.method == "POST":
        new = request.POST.get("new_password", "")
        if new != request.POST.get("new_password2", ""):
            errors, status = {"new_password2": ["两次输入的新密码不一致,请重新输入"]}, 422
        else:
            try:
                change_password(request.user, request.POST.get("old_password", ""), new)
            except RuleViolation as exc:
                errors, status = form_errors(exc)[0], exc.status
            except LoginThrottled as exc:
                errors, status, retry_after = {"old_password": [exc.message]}, exc.status, exc.retry_after
            else:
                # Keep this session signed in; other sessions of the account end with the old password.
                update_session_auth_hash(request, request.user)
                messages.success(request, "密码已修改,下次登录请使用新密码。")
                return redirect("web:home")
    response = render(request, "accounts/password.html", {"errors": errors}, status=status)
    if status == 429:
        response["Retry-After"] = str(retry_after)
    return response


@page
@require_POST
def unlock_page(request, username: str):
    """The 解锁 button of a locked account; the service decides who may (an officer above the account's unit)."""
    account = unlock_account(request.user, username)
    messages.success(request, f"已解除账号“{account.username}”的登录等待,该账号可以立即登录。")
    return redirect("web:accounts:list")
