"""The award actions of the student page (第三十九条) and the certificate scan; the section itself is the
award_tags inclusion tag."""

from django.contrib import messages
from django.views.decorators.http import require_POST

from xueji.applications.api import evidence_response
from xueji.audit import services as audit
from xueji.core.errors import Conflict, RuleViolation
from xueji.core.inputs import parse_date
from xueji.students.selectors import find_student
from xueji.web.pages import flash_refusal, page

from . import awards
from .student_page import back_to_archive


@page
@require_POST
def record_page(request, key: str):
    student = find_student(request.user, key, purpose="awards", audit_read=False)
    post = request.POST
    try:
        awards.record_award(request.user, student, level=post.get("level", ""), title=post.get("title", ""),
                            awarding_body=post.get("awarding_body", ""),
                            awarded_on=parse_date(post.get("awarded_on", "")), scan=request.FILES.get("scan"))
    except RuleViolation as exc:
        flash_refusal(request, exc, "记录奖励")
    else:
        messages.success(request, "已记录奖励,记入学籍档案。")
    return _back(student)


@page
@require_POST
def revoke_page(request, pk: int):
    item = awards.find_award(request.user, pk, purpose="revoke")
    try:
        awards.revoke_award(request.user, pk, reason=request.POST.get("reason", ""))
    except (RuleViolation, Conflict) as exc:
        flash_refusal(request, exc, "撤销奖励")
    else:
        messages.success(request, "已撤销奖励,记录仍保留在档案中。")
    return _back(item.student)


@page
def scan_page(request, pk: int):
    item = awards.find_award(request.user, pk, purpose="scan_view")
    return scan_response(request.user, item)


def scan_response(user, item):
    from xueji.core.errors import NotFound

    if not item.has_scan:
        raise NotFound("该奖励没有证书扫描件", refusal=False)
    audit.record(user, "award.scan_view", obj=item.student, details={"award": item.pk})
    return evidence_response(item)


def _back(student):
    return back_to_archive(student, "awards")
