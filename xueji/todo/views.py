"""The to-do list on every role's home page, and its batch action (approve several steps at once)."""

from django.contrib import messages
from django.core.paginator import Paginator
from django.shortcuts import redirect
from django.views.decorators.http import require_POST

from xueji.applications import services as applications
from xueji.core.errors import RuleViolation
from xueji.core.inputs import parse_id
from xueji.policy.fields import GRADE_LABELS
from xueji.web.pages import page

from . import registry, selectors
from .registry import Filters


def _filters(request) -> tuple[Filters, list[str]]:
    """The filters of the query string; a bad value is dropped with a message naming the field and the fix."""
    problems = []
    grade_text = request.GET.get("grade", "").strip()
    grade = int(grade_text) if grade_text.isdigit() and int(grade_text) in GRADE_LABELS else None
    if grade_text and grade is None:
        problems.append("年级须为1–12之间的数字(一年级为1,高三为12),已忽略该筛选")
    kind = request.GET.get("kind", "").strip()[:40]
    school = request.GET.get("school", "").strip()[:20]
    return Filters(kind=kind, school=school, grade=grade), problems


def _page_number(request) -> int:
    text = request.GET.get("page", "")
    return min(int(text), 100_000) if text.isdigit() and int(text) > 0 else 1


def home_context(request) -> dict:
    """What the home page shows first: one page of the user's to-do list, with its filters."""
    user = request.user
    filters, problems = _filters(request)
    try:
        count, items = selectors.todo_page(user, filters, _page_number(request))
    except RuleViolation as exc:
        problems.append(exc.message)
        filters = Filters(school=filters.school, grade=filters.grade)
        count, items = selectors.todo_page(user, filters, _page_number(request))
    page_obj = Paginator(range(count), selectors.PAGE_SIZE).get_page(_page_number(request))
    if page_obj.number != _page_number(request) and count:
        # A page past the end shows the last one, as every other list of the site does.
        count, items = selectors.todo_page(user, filters, page_obj.number)
    selectors.audit_list(user, filters, page_obj.number, count)
    if filters == Filters():
        request._todo_count = count  # the navigation shows the same count without asking again
    return {
        "todo_items": items, "todo_count": count, "todo_page": page_obj, "todo_filters": filters,
        "todo_problems": problems, "todo_filtered": filters != Filters(),
        "todo_kinds": [(p.kind, p.label) for p in registry.providers_for(user)],
        "todo_grades": sorted(GRADE_LABELS.items()),
        "todo_batch": any(i.batch_id for i in items),
    }


@page
@require_POST
def batch_approve(request):
    """Approve the checked approval steps one by one (each on its own, as the engine does); done items leave the
    list because their step is no longer pending."""
    ids = [pk for pk in map(parse_id, request.POST.getlist("ids")) if pk is not None]
    if not ids:
        messages.warning(request, "请先勾选要通过的审批事项。")
        return redirect("web:home")
    result = applications.approve_many(request.user, ids, comment=request.POST.get("comment", "").strip()[:500])
    if result["approved"]:
        messages.success(request, f"已通过{len(result['approved'])}件申请。")
    for failure in result["failed"]:
        messages.error(request, f"申请{failure['id']}未通过:{failure['message']}")
    return redirect("web:home")
