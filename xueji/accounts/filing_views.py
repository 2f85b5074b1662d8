"""Pages of 备案 and of one account's life: the level above's list of unfiled and unconfirmed accounts, and one
account's page (its filings, reporting a change, closing, reopening, resetting its second factor)."""


from django.contrib import messages
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_POST

from xueji.core.errors import Conflict, RuleViolation
from xueji.core.inputs import parse_date, parse_id
from xueji.web.pages import form_errors, page, paginate, require, visible_or_404

from .dormancy import reopen_account
from .filing import (
    STATUS_LABELS,
    confirm_filing,
    filing_authority,
    filing_history,
    filing_status,
    filings_to_watch,
    may_report,
    submit_filing,
)
from .lifecycle import close_account
from .permissions import is_in_charge
from .totp import TOTP_ROLES, is_enrolled, reset_totp

OFFICER_ROLES = ("county", "city", "province")


@page
@require_GET
def filings_page(request):
    require(request.user.role in OFFICER_ROLES, "只有县、市、省级学籍主管部门查看下级备案")
    status = request.GET.get("status") if request.GET.get("status") in STATUS_LABELS else None
    page_obj = paginate(request, filings_to_watch(request.user, status), per_page=50)
    for account in page_obj.object_list:
        account.filing_state = filing_status(account)
    return render(request, "accounts/filings.html", {"page_obj": page_obj, "accounts": page_obj.object_list,
                                                     "status": status, "labels": STATUS_LABELS})


def _detail(request, username: str, *, errors=None, error_list=None, form=None, status=200):
    account, filings = filing_history(request.user, username)
    context = {
        "account": account, "filings": filings, "authority": filing_authority(account),
        "can_report": account.is_active and filing_authority(account) is not None and may_report(request.user, account),
        "in_charge": is_in_charge(request.user, account),
        "totp_enrolled": account.role in TOTP_ROLES and is_enrolled(account),
        "errors": errors or {}, "error_list": error_list or [], "form": form or {},
    }
    return render(request, "accounts/detail.html", context, status=status)


@page
@require_GET
def account_page(request, username: str):
    return _detail(request, username)


@page
@require_POST
def file_page(request, username: str):
    form = request.POST
    since, training_date = parse_date(form.get("since")), parse_date(form.get("training_date"))
    bad_dates = {f: ["日期格式应为 YYYY-MM-DD"] for f in ("since", "training_date")
                 if form.get(f, "").strip() and parse_date(form.get(f)) is None}
    if bad_dates:
        return _detail(request, username, errors=bad_dates, form=form, status=422)
    try:
        submit_filing(request.user, username, holder_name=form.get("holder_name", ""), post=form.get("post", ""),
                      since=since, trained=form.get("trained") == "1", training_date=training_date,
                      training_certificate=form.get("training_certificate", ""), contact=form.get("contact", ""),
                      note=form.get("note", ""))
    except (RuleViolation, Conflict) as exc:
        errors, error_list = form_errors(exc)
        return _detail(request, username, errors=errors, error_list=error_list, form=form, status=exc.status)
    messages.success(request, "备案已报送上一级学籍主管部门,待其确认。")
    return redirect("web:accounts:detail", username)


@page
@require_POST
def confirm_page(request, filing_id: str):
    pk = parse_id(filing_id)
    visible_or_404(pk is not None, action="account.filing_confirm", object_type="accountfiling", object_id=filing_id)
    try:
        filing = confirm_filing(request.user, pk)
    except Conflict as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, f"已确认“{filing.account.username}”的备案({filing.holder_name})。")
    return redirect("web:accounts:filings")


def _act(request, username: str, action, done: str):
    """Run one of the account's lifecycle actions; a refusal goes back to its page with the reason, never a 500."""
    try:
        action()
    except (RuleViolation, Conflict) as exc:
        errors, error_list = form_errors(exc)
        return _detail(request, username, errors=errors, error_list=error_list, status=exc.status)
    messages.success(request, done)
    return redirect("web:accounts:detail", username)


@page
@require_POST
def close_page(request, username: str):
    return _act(request, username,
                lambda: close_account(request.user, username, reason=request.POST.get("reason", ""),
                                      closed_on=parse_date(request.POST.get("closed_on"))),
                f"账号“{username}”已注销;其历史记录保留。")


@page
@require_POST
def reopen_page(request, username: str):
    return _act(request, username, lambda: reopen_account(request.user, username),
                f"账号“{username}”已启封,可以登录。")


@page
@require_POST
def totp_reset_page(request, username: str):
    return _act(request, username, lambda: reset_totp(request.user, username),
                f"已重置“{username}”的动态口令;该账号下次登录时重新绑定。")
