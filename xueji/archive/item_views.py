"""Pages of the student archive (filing, correcting, moving the paper folder, reading a scan) and the school
archive page (第六条). The record page's section itself is the archive_item_tags inclusion tag."""


from django.contrib import messages
from django.shortcuts import render
from django.views.decorators.http import require_POST

from xueji.applications.api import evidence_response
from xueji.audit import services as audit
from xueji.core.errors import Conflict, RuleViolation
from xueji.core.inputs import parse_date
from xueji.orgs.selectors import find_school
from xueji.students.selectors import find_student
from xueji.web.pages import flash_refusal, org_crumbs, page

from . import item_selectors as selectors
from . import item_services as services
from . import school_archive
from .student_page import back_to_archive


def _back(student):
    return back_to_archive(student, "archive-items")


@page
@require_POST
def file_page(request, key: str):
    student = find_student(request.user, key, purpose="archive", audit_read=False)
    post = request.POST
    try:
        services.file_item(request.user, student, kind=post.get("kind", ""), title=post.get("title", ""),
                           dated_on=parse_date(post.get("dated_on", "")), upload=request.FILES.get("file"),
                           summary=post.get("summary", ""), certificate=post.get("certificate") or None)
    except RuleViolation as exc:
        flash_refusal(request, exc, "归档")
    else:
        messages.success(request, "已归档。")
    return _back(student)


@page
@require_POST
def correct_page(request, pk: int):
    item = selectors.find_item(request.user, pk, purpose="correct")
    try:
        services.correct_item(request.user, pk, reason=request.POST.get("reason", ""),
                              upload=request.FILES.get("file"))
    except (RuleViolation, Conflict) as exc:
        flash_refusal(request, exc, "更正")
    else:
        messages.success(request, "已更正,原材料保留。")
    return _back(item.student)


@page
@require_POST
def location_page(request, key: str):
    student = find_student(request.user, key, purpose="archive", audit_read=False)
    post = request.POST
    try:
        services.set_location(request.user, student, room=post.get("room", ""), shelf=post.get("shelf", ""),
                              box=post.get("box", ""), note=post.get("note", ""))
    except RuleViolation as exc:
        flash_refusal(request, exc, "登记存放位置")
    else:
        messages.success(request, "已登记纸质档案存放位置。")
    return _back(student)


@page
def scan_page(request, pk: int):
    item = selectors.find_item(request.user, pk, purpose="scan")
    audit.record(request.user, "archive_item.scan", obj=item.student, details={"item": item.pk})
    return evidence_response(item)


@page
def school_archive_page(request, code: str):
    school = find_school(request.user, code, purpose="archive")
    audit.record(request.user, "school.archive", obj=school)
    context = {
        "school": school,
        "registers": school_archive.registers(school),
        "summary": school_archive.student_archive_summary(school),
        "absorbed": school_archive.absorbed(school),
        "crumbs": org_crumbs(request.user, school=school, tail="学校学籍档案"),
    }
    return render(request, "archive/school_archive.html", context)
