"""The two discipline actions of the student page; the section itself is the archive_tags inclusion tag."""

import datetime

from django.contrib import messages
from django.shortcuts import redirect
from django.urls import reverse
from django.views.decorators.http import require_POST

from xueji.core.errors import Conflict, RuleViolation
from xueji.students.selectors import find_student
from xueji.web.pages import flash_refusal, page

from . import selectors, services


def _date(value: str) -> datetime.date | None:
    try:
        return datetime.date.fromisoformat((value or "").strip())
    except ValueError:
        return None


@page
@require_POST
def record_page(request, key: str):
    student = find_student(request.user, key, purpose="discipline", audit_read=False)
    post = request.POST
    try:
        services.record_discipline(request.user, student, level=post.get("level", ""),
                                   reason=post.get("reason", ""),
                                   decided_on=_date(post.get("decided_on", "")) or datetime.date.today(),
                                   ends_on=_date(post.get("ends_on", "")))
    except RuleViolation as exc:
        flash_refusal(request, exc, "记录处分")
    else:
        messages.success(request, "已记录处分。")
    return _back(student)


@page
@require_POST
def revoke_page(request, pk: int):
    item = selectors.find_discipline(request.user, pk, purpose="revoke")
    try:
        services.revoke_discipline(request.user, pk, reason=request.POST.get("reason", ""))
    except (RuleViolation, Conflict) as exc:
        flash_refusal(request, exc, "撤销处分")
    else:
        messages.success(request, "已撤销处分。")
    return _back(item.student)


def _back(student):
    return redirect(reverse("web:students:detail", args=[student.key]) + "#discipline")
