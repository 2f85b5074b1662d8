"""Pages of the guardian capability: the public sign-up, the guardian's children and their records with the
term's check, the registrar's code page, the school's list of reported errors and who confirmed this term."""

from django.contrib import messages
from django.contrib.auth import login
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.views.decorators.http import require_http_methods, require_POST

from xueji.core.errors import Conflict, RuleViolation, ServiceError
from xueji.core.inputs import parse_id
from xueji.orgs.selectors import find_school
from xueji.policy import guardians as rules
from xueji.students.permissions import StudentPolicy
from xueji.students.selectors import find_student
from xueji.web import record_form
from xueji.web.pages import form_errors, org_crumbs, page

from . import selectors, services

REPORT_ROWS = 3


# ---------------------------------------------------------------- public


@require_http_methods(["GET", "POST"])
def sign_up_page(request):
    """家长开通账号: the code from the school, the child's name, a username and a password."""
    values = {k: request.POST.get(k, "").strip() for k in ("code", "child_name", "username", "display_name")}
    errors, error_list, status = {}, [], 200
    if request.method == "POST":
        try:
            user = services.sign_up(password=request.POST.get("password", ""), **values)
        except (RuleViolation, Conflict) as exc:
            errors, error_list = form_errors(exc)
            status = exc.status
        except ServiceError as exc:  # 429: too many failed codes from this address
            error_list, status = [exc.message], exc.status
        else:
            login(request, user)
            messages.success(request, "账号已开通,并已绑定您的孩子。每学期请核对一次学籍信息。")
            return redirect("web:guardians:home")
    values.pop("code")  # the code is never echoed back into the page
    return render(request, "guardians/sign_up.html",
                  {"values": values, "errors": errors, "error_list": error_list}, status=status)


# ---------------------------------------------------------------- the guardian's own


@page
def home_page(request):
    kids = list(selectors.children(request.user))
    try:
        term = services.check_term()
    except RuleViolation:
        term = None
    answers = selectors.answered(request.user, kids, term)
    rows = [{"student": s, "answer": answers.get(s.pk)} for s in kids]
    return render(request, "guardians/home.html", {"rows": rows, "term": term})


@page
@require_POST
def add_child_page(request):
    try:
        link = services.add_child(request.user, code=request.POST.get("code", ""),
                                  child_name=request.POST.get("child_name", ""))
    except ServiceError as exc:
        if exc.status == 403:
            raise
        messages.error(request, exc.message)
    else:
        messages.success(request, f"已绑定学生“{link.student.name}”。")
    return redirect("web:guardians:home")


def _child_context(request, student, **extra) -> dict:
    try:
        term = services.check_term()
    except RuleViolation:
        term = None
    return {
        "student": student,
        "sections": record_form.view_sections(student),
        "family": record_form.view_family(student),
        "term": term,
        "answer": selectors.answered(request.user, [student], term).get(student.pk),
        "fields": rules.reportable_fields(),
        "report_rows": range(REPORT_ROWS),
        **extra,
    }


@page
def child_page(request, key: str):
    student = services.find_child(request.user, key)
    return render(request, "guardians/child.html", _child_context(request, student))


@page
@require_POST
def confirm_page(request, key: str):
    try:
        services.confirm(request.user, key)
    except (RuleViolation, Conflict) as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, "已确认本学期学籍信息无误,谢谢。")
    return redirect("web:guardians:child", key=key)


def _posted_items(post) -> list[dict]:
    items = []
    for n in range(REPORT_ROWS):
        item = {k: post.get(f"{k}-{n}", "").strip() for k in ("field", "correct_value", "note")}
        if any(item.values()):
            items.append(item)
    return items


@page
@require_POST
def report_page(request, key: str):
    student = services.find_child(request.user, key, purpose="report", audit_read=False)
    try:
        services.report(request.user, key, _posted_items(request.POST))
    except (RuleViolation, Conflict) as exc:
        context = _child_context(request, student, report_errors=form_errors(exc)[1], posted=request.POST)
        return render(request, "guardians/child.html", context, status=exc.status)
    messages.success(request, "已把有误的信息报告给学校,学校核实后会更正。")
    return redirect("web:guardians:child", key=key)


# ---------------------------------------------------------------- the school's side


@page
@require_http_methods(["GET", "POST"])
def code_page(request, key: str):
    """家长绑定码: the state of the codes and who is bound; POST issues a new code, shown this once."""
    user = request.user
    student = find_student(user, key, purpose="guardian_code", audit_read=request.method == "GET")
    context = {"student": student, "can_issue": StudentPolicy.user_can(user, "edit", student),
               # The printed slip goes home with the family: a bare path would tell them nothing.
               "sign_up_address": request.build_absolute_uri(reverse("web:guardians:sign_up")),
               "crumbs": org_crumbs(user, school=student.school, school_class=student.school_class,
                                    tail="家长绑定码")}
    if request.method == "POST":
        code, binding = services.issue_code(user, student)
        context |= {"code": services.grouped(code), "binding": binding}
    context |= selectors.code_state(student)
    return render(request, "guardians/code.html", context)


@page
@require_POST
def revoke_page(request, key: str, pk: int):
    student = find_student(request.user, key, purpose="guardian_code", audit_read=False)
    try:
        link = services.revoke_link(request.user, student, pk, request.POST.get("reason", ""))
    except (RuleViolation, Conflict) as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, f"已解除家长账号“{link.user}”的绑定。")
    return redirect("web:guardians:code", key=student.key)


def _info_change_url(report) -> str:
    """The information-change form with the reported item filled in (an ID number is typed, never carried in
    a URL, 第四十四条)."""
    query = {"reason": f"家长反馈:{rules.field_label(report.field)}有误"}
    if report.field != "id_number" and report.correct_value:
        query[report.field] = report.correct_value
    return reverse("web:applications:info_change", args=[report.student.key]) + "?" + urlencode(query)


@page
def reports_page(request, code: str):
    user = request.user
    school = find_school(user, code, purpose="guardian_reports")
    open_only = request.GET.get("all") != "1"
    rows = selectors.report_rows(selectors.reports(user, school, open_only=open_only))
    for row in rows:
        report = row["report"]
        row["fix_url"] = (_info_change_url(report) if row["info_change"]
                          else reverse("web:students:edit", args=[report.student.key]))
    context = {"school": school, "rows": rows, "open_only": open_only,
               "can_handle": user.role == "registrar" and user.school_id == school.pk,
               "crumbs": org_crumbs(user, school=school, tail="家长反馈的信息错误")}
    return render(request, "guardians/reports.html", context)


@page
@require_POST
def handle_page(request, pk: int):
    report = services.find_report(request.user, pk, action="guardian.report_handle")
    try:
        services.handle_report(request.user, pk, note=request.POST.get("note", ""),
                               application_id=parse_id(request.POST.get("application", "")))
    except (RuleViolation, Conflict) as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, f"已标记{report.student.name}的“{rules.field_label(report.field)}”反馈为已处理。")
    return redirect("web:guardians:reports", code=report.school_id)


@page
def confirmations_page(request, code: str):
    user = request.user
    school = find_school(user, code, purpose="guardian_confirmations")
    context = {"school": school, "crumbs": org_crumbs(user, school=school, tail="家长核对情况")}
    try:
        term = services.check_term()
    except RuleViolation as exc:
        context["no_term"] = exc.message
    else:
        context |= {"term": term, "classes": selectors.class_counts(school, term),
                    "checks": selectors.term_checks(school, term)}
    return render(request, "guardians/confirmations.html", context)
