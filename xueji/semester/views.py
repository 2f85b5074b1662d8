"""Pages of the semester report (第七条), the term-end re-check (第四十三条) and the correction list (第四十五、
四十六条). Thin: they read the form and call the same selectors and services as /api/v1/semester."""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from xueji.audit import services as audit
from xueji.core.errors import Conflict, RuleViolation
from xueji.orgs.selectors import find_school
from xueji.policy import semester as rules
from xueji.policy.fields import GRADE_LABELS
from xueji.policy.terms import term_label
from xueji.web.pages import form_errors, page, paginate

from . import quality, selectors, services
from .findings import findings
from .models import Correction
from .permissions import OFFICERS, SCHOOL_ROLES, ReportPolicy, own_unit

REFUSALS = (RuleViolation, Conflict)


def _term(request) -> tuple[int, int]:
    source = request.POST if request.method == "POST" else request.GET
    return selectors.pick_term(source.get("school_year") or None, source.get("term") or None)


def _term_query(year: int, number: int) -> str:
    return f"?school_year={year}&term={number}"


def _terms_around(year: int) -> list[dict]:
    return [{"year": y, "term": t, "label": term_label(y, t)} for y in (year - 1, year, year + 1) for t in (1, 2)]


@page
def index(request, error_list=None, status=200):
    """A school's report for the term and its re-check; a bureau's queue, the units below it and its own report."""
    user = request.user
    selectors.refuse_outsider(user)
    year, number = _term(request)
    unit = own_unit(user)
    mine = None
    if unit is not None:
        code = unit[1].pk if unit[1] is not None else unit[2].pk
        mine = list(ReportPolicy.visible_to(user).filter(unit_code=code, school_year=year, term=number)
                    .order_by("-version"))
    context = {
        "year": year, "term": number, "term_label": term_label(year, number), "terms": _terms_around(year),
        "due": selectors.report_due(year, number), "days_after": rules.REPORT_DAYS_AFTER_TERM, "unit": unit, "mine": mine, "current": mine[0] if mine else None,
        "may_submit": unit is not None and (not mine or mine[0].status == rules.RETURNED),
        "awaiting": list(selectors.reports_for(user, school_year=year, term=number, awaiting=True)[:200])
        if user.role in OFFICERS else [],
        "units": selectors.units_below(user, year, number) if user.role in OFFICERS else [],
        "school": user.school if user.role in SCHOOL_ROLES else None,
        "error_list": error_list or [],
        "crumbs": [{"label": "学期报告", "url": None}],
    }
    if context["units"]:
        audit.record(user, "semester.units", object_type="semesterreport",
                     details={"school_year": year, "term": number, "count": len(context["units"])})
    return render(request, "semester/index.html", context, status=status)


@page
def review_page(request, code: str):
    user = request.user
    selectors.refuse_outsider(user)
    school = find_school(user, code, purpose="semester_review")
    year, number = _term(request)
    start, end = selectors.window(year, number)
    sections = quality.review(school, year, number)
    by_kind, total, changes = quality.term_changes(school, start, end)
    selectors.record_list_read(user, "review", sum(s.count for s in sections) + total, school=school.pk,
                         school_year=year, term=number)
    return render(request, "semester/review.html", {
        "school": school, "year": year, "term": number, "term_label": term_label(year, number),
        "terms": _terms_around(year), "start": start, "end": end, "sections": sections, "by_kind": by_kind,
        "changes_total": total, "changes": changes,
        "crumbs": [{"label": "学期报告", "url": reverse("web:semester:index")}, {"label": school.name, "url": None}],
    })


@page
@require_POST
def submit_view(request):
    try:
        year, number = _term(request)
        report = services.submit(request.user, year, number, request.POST.get("note", ""))
    except REFUSALS as exc:
        request.GET = request.POST  # re-render the term that was asked for
        return index(request, error_list=form_errors(exc)[1], status=exc.status)
    messages.success(request, f"已报送{report.term_label}学期报告(第{report.version}版),等待{report.reviewer.name}审核")
    return redirect("web:semester:report", pk=report.pk)


def _students_table(report) -> list[dict]:
    by_grade: dict[int, dict] = {}
    for row in report.figures.get("students", []):
        entry = by_grade.setdefault(row["grade"], {"grade": GRADE_LABELS.get(row["grade"], row["grade"]),
                                                   "male": 0, "female": 0, "statuses": {}})
        entry["male" if row["gender"] == "1" else "female"] += row["count"]
        entry["statuses"][row["status"]] = entry["statuses"].get(row["status"], 0) + row["count"]
    return [by_grade[g] for g in sorted(by_grade)]


def _report_context(request, report, **extra) -> dict:
    user = request.user
    units = report.figures.get("units", [])
    for unit in units:
        unit["status_label"] = rules.STATUS_LABELS.get(unit["status"], unit["status"])
    return {
        "report": report, "versions": list(selectors.versions(report)), "grades": _students_table(report),
        "changes": report.figures.get("changes", []), "units": units,
        "can_review": report.status == rules.SUBMITTED and ReportPolicy.user_can(user, "review", report),
        "crumbs": [{"label": "学期报告", "url": reverse("web:semester:index") + _term_query(report.school_year,
                                                                                          report.term)},
                   {"label": f"{report.unit_name}·第{report.version}版", "url": None}],
        "error_list": [], **extra,
    }


@page
def report_page(request, pk: int):
    report = selectors.find_report(request.user, pk)
    audit.record(request.user, "semester.view", obj=report)
    return render(request, "semester/report.html", _report_context(request, report))


def _decide(request, pk: int, action, success: str):
    report = selectors.find_report(request.user, pk, purpose="review")
    try:
        action(report)
    except REFUSALS as exc:
        report = selectors.find_report(request.user, pk)
        return render(request, "semester/report.html",
                      _report_context(request, report, error_list=form_errors(exc)[1], form=request.POST),
                      status=exc.status)
    messages.success(request, success)
    return redirect("web:semester:report", pk=pk)


@page
@require_POST
def confirm_view(request, pk: int):
    return _decide(request, pk, lambda r: services.confirm(request.user, r, request.POST.get("comment", "")),
                   "已确认该学期报告")


@page
@require_POST
def return_view(request, pk: int):
    return _decide(request, pk, lambda r: services.return_report(request.user, r, request.POST.get("reason", "")),
                   "已退回,报送单位更正后将报送新版本")


@page
def corrections_page(request, error_list=None, status=200):
    user = request.user
    selectors.refuse_outsider(user)
    year, number = _term(request)
    found = []
    if user.role in OFFICERS and user.division is not None:
        start, end = selectors.window(year, number)
        listed = set(Correction.objects.filter(authority_id=user.division_id, school_year=year, term=number)
                     .values_list("kind", "ref"))
        found = [{"f": f, "listed": f.key in listed} for f in findings(user.division, start, end,
                                                                        timezone.localdate())]
    items = paginate(request, selectors.corrections_for(user, school_year=year, term=number))
    selectors.record_list_read(user, "findings", len(found) + items.paginator.count, school_year=year, term=number)
    return render(request, "semester/corrections.html", {
        "year": year, "term": number, "term_label": term_label(year, number), "terms": _terms_around(year),
        "found": found, "unlisted": sum(1 for f in found if not f["listed"]), "page_obj": items,
        "items": [{"c": c, "marks": list(c.marks.all()), "may_mark": c.authority_id == user.division_id
                   and user.role in OFFICERS} for c in items.object_list],
        "error_list": error_list or [],
        "crumbs": [{"label": "学期报告", "url": reverse("web:semester:index")}, {"label": "整改清单", "url": None}],
    }, status=status)


@page
@require_POST
def list_view(request):
    try:
        year, number = _term(request)
        created = services.list_for_correction(request.user, year, number, request.POST.getlist("refs") or None)
    except REFUSALS as exc:
        request.GET = request.POST
        return corrections_page(request, error_list=form_errors(exc)[1], status=exc.status)
    messages.success(request, f"已列入整改清单{len(created)}项,相关学校的待办中出现“待整改”")
    return redirect(reverse("web:semester:corrections") + _term_query(year, number))


@page
@require_POST
def done_view(request, pk: int):
    item = selectors.find_correction(request.user, pk, purpose="correction")
    try:
        services.mark_corrected(request.user, item, request.POST.get("note", ""))
    except REFUSALS as exc:
        request.GET = request.POST
        return corrections_page(request, error_list=form_errors(exc)[1], status=exc.status)
    messages.success(request, "已标记为已整改")
    return redirect(reverse("web:semester:corrections") + _term_query(item.school_year, item.term))
