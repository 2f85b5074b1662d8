"""The page of a school's merger or closure (第八条): its state, the students left to transfer, and for the
authority the two forms."""

import datetime

from django.contrib import messages
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from xueji.audit import services as audit
from xueji.core.errors import RuleViolation
from xueji.orgs.models import School
from xueji.orgs.permissions import OFFICER_ROLES, SchoolPolicy
from xueji.orgs.selectors import find_school
from xueji.web.pages import form_errors, org_crumbs, page

from . import selectors, services


def _date(value: str) -> datetime.date | None:
    try:
        return datetime.date.fromisoformat((value or "").strip())
    except ValueError:
        return None


def _context(request, school: School, **extra) -> dict:
    user = request.user
    return {
        "school": school,
        "records": selectors.records_of(school),
        "open_students": selectors.open_students(school) if school.is_closed else [],
        "absorbed": school.archives_received.all(),
        "may_record": user.role in OFFICER_ROLES and not school.is_closed,
        "targets": SchoolPolicy.visible_to(user).filter(closed_on__isnull=True).exclude(pk=school.pk)[:500],
        "today": datetime.date.today(),
        "crumbs": org_crumbs(user, school=school, tail="合并与撤销"),
        "errors": [],
        **extra,
    }


@page
def school_page(request, code: str):
    school = find_school(request.user, code, purpose="reorganisation")
    audit.record(request.user, "school.reorganisation", obj=school)
    return render(request, "reorganisation/school.html", _context(request, school))


@page
@require_POST
def merge_page(request, code: str):
    school = find_school(request.user, code, purpose="merge")
    post = request.POST
    try:
        services.merge(request.user, code, into=post.get("into", ""), decided_on=_date(post.get("decided_on")),
                       document=post.get("document", ""), reason=post.get("reason", ""))
    except RuleViolation as exc:
        return render(request, "reorganisation/school.html",
                      _context(request, school, errors=form_errors(exc)[1]), status=exc.status)
    messages.success(request, "已登记合并,学生、班级与档案已移交并入的学校。")
    return redirect("web:reorganisation:school", code=code)


@page
@require_POST
def close_page(request, code: str):
    school = find_school(request.user, code, purpose="close")
    post = request.POST
    keeper = post.get("keeper", "")
    try:
        services.close(request.user, code, keeper_school=None if keeper in ("", "authority") else keeper,
                       keeper_authority=keeper == "authority", decided_on=_date(post.get("decided_on")),
                       document=post.get("document", ""), reason=post.get("reason", ""))
    except RuleViolation as exc:
        return render(request, "reorganisation/school.html",
                      _context(request, school, errors=form_errors(exc)[1]), status=exc.status)
    messages.success(request, "已登记撤销;仍在校的学生列于下方,请办理转学。")
    return redirect("web:reorganisation:school", code=code)
