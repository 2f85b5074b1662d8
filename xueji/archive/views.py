"""The two discipline actions of the student page; the section itself is the archive_tags inclusion tag."""

import datetime

from django.contrib import messages
from django.views.decorators.http import require_POST

from xueji.core.errors import Conflict, RuleViolation
from xueji.core.inputs import parse_date
from xueji.students.selectors import find_student
from xueji.web.pages import flash_refusal, page

from . import selectors, services
from .student_page import back_to_archive


@page
@require_POST
def record_page(request, key: str):
    student = find_student(request.user, key, purpose="discipline", audit_read=False)
    post = request.POST
    try:
        services.record_discipline(request.user, student, level=post.get("level", ""),
                                   reason=post.get("reason", ""),
                                   decided_on=parse_date(post.get("decided_on", "")) or datetime.date.today(),
                                   ends_on=parse_date(post.get("ends_on", "")))
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
    return back_to_archive(student, "discipline")
