"""Pages of 第四十四条: filing and deciding access applications, a holder's approved reading (经批准查阅), the
consultation register, and the roster download. Thin: every decision is the services'."""

from urllib.parse import urlencode

from django.contrib import messages
from django.db.models import Q
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST

from xueji.applications.permissions import ApplicationPolicy, may_decide
from xueji.core.errors import Conflict, Forbidden, RuleViolation
from xueji.core.inputs import parse_int
from xueji.policy.access import BASES, OUTCOMES, REQUESTER_KINDS, SCOPE_KINDS, USES
from xueji.web.pages import form_errors, page, paginate

from . import roster, selectors, services
from .api import xlsx_response
from .record import record_rows

FIELDS = ("use", "scope_kind", "students", "school", "division", "grade", "purpose", "requester_kind",
          "requester_name", "grantee", "valid_from", "valid_until")


@page
def index_page(request):
    user = request.user
    visible = ApplicationPolicy.visible_to(user).filter(type="access")
    mine = visible.filter(Q(created_by=user) | Q(steps__org_code=user.org_code, steps__role=user.role)).distinct()
    context = {"grants": selectors.my_grants(user), "applications": mine.select_related("created_by")[:100],
               "can_file": user.role in ("registrar", "county", "city", "province")}
    return render(request, "access/index.html", context)


def _form_values(post) -> dict:
    values = {k: post.get(k, "").strip() for k in FIELDS}
    values["students"] = [line.strip() for line in values["students"].replace(",", "\n").splitlines() if line.strip()]
    values["grade"] = parse_int(values["grade"], 1, 12) if values["grade"] else None
    return values


@page
@require_http_methods(["GET", "POST"])
def new_page(request):
    user = request.user
    values = {k: request.GET.get(k, "") for k in FIELDS} | {"requester_kind": request.GET.get("requester_kind", "self")}
    errors, error_list = {}, []
    if request.method == "POST":
        values = _form_values(request.POST)
        try:
            application = services.file_access(user, **values)
        except RuleViolation as exc:
            errors, error_list = form_errors(exc)
            values["students"] = "\n".join(values["students"])
        else:
            messages.success(request, "查阅申请已提交,等待学籍主管部门书面批准。")
            return redirect("web:access:application", pk=application.pk)
    context = {"values": values, "errors": errors, "error_list": error_list, "uses": USES.items(),
               "scopes": SCOPE_KINDS.items(), "requester_kinds": REQUESTER_KINDS.items()}
    return render(request, "access/new.html", context, status=422 if error_list else 200)


def _application_context(user, application, **extra) -> dict:
    steps = list(application.steps.all())
    current = next((s for s in steps if s.status == "pending"), None)
    return {"app": application, "payload": application.payload, "steps": steps,
            "evidence": list(application.evidence.all()),
            "use_label": USES.get(application.payload.get("use"), ""),
            "requester_label": REQUESTER_KINDS.get(application.payload.get("requester_kind"), ""),
            "can_decide": bool(current and may_decide(user, current)),
            "grant": getattr(application, "access_grant", None) if application.status == "approved" else None,
            "errors": [], **extra}


@page
def application_page(request, pk: int):
    application = services.find_application(request.user, pk)
    return render(request, "access/application.html", _application_context(request.user, application))


@page
@require_POST
def decide_page(request, pk: int):
    user = request.user
    approve = request.POST.get("action") == "approve"
    comment = request.POST.get("comment", "").strip()
    try:
        services.decide(user, pk, approve=approve, comment=comment, scan=request.FILES.get("decision"))
    except (RuleViolation, Conflict, Forbidden) as exc:
        application = services.find_application(user, pk)
        context = _application_context(user, application, errors=form_errors(exc)[1], comment=comment)
        return render(request, "access/application.html", context, status=exc.status)
    messages.success(request, "已批准,查阅批准已生效。" if approve else "已驳回该查阅申请。")
    return redirect("web:access:application", pk=pk)


@page
def grant_page(request, pk: int):
    user = request.user
    grant = selectors.find_grant(user, pk)
    context = {"grant": grant, "can_revoke": grant.revoked_at is None and services.may_revoke(user, grant),
               "students": None, "refusal": None}
    if grant.grantee_id == user.pk:
        try:
            _grant, students = selectors.grant_students(user, pk)
            context["students"] = paginate(request, students, per_page=50)
        except RuleViolation as exc:
            context["refusal"] = exc.message
    return render(request, "access/grant.html", context)


@page
@require_POST
def revoke_page(request, pk: int):
    try:
        services.revoke(request.user, pk, reason=request.POST.get("reason", ""))
    except RuleViolation as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, "查阅批准已撤销。")
    return redirect("web:access:grant", pk=pk)


@page
def record_page(request, pk: int, key: str):
    try:
        grant, student = selectors.read_record(request.user, pk, key)
    except RuleViolation as exc:
        return render(request, "access/refused.html", {"message": exc.message}, status=422)
    items, family = record_rows(student)
    return render(request, "access/record.html", {"grant": grant, "student": student, "items": items,
                                                  "family": family})


@page
def register_page(request):
    user = request.user
    try:
        qs, filters = selectors.register_entries(user, request.GET)
    except RuleViolation as exc:
        qs, filters = selectors.register_entries(user, {})
        messages.error(request, exc.message)
    if request.GET.get("format") == "xlsx":
        content = selectors.register_xlsx(qs)
        selectors.note_register_read(user, filters, qs.count(), "access.register_export")
        return xlsx_response(content, "access-register.xlsx")
    page_obj = paginate(request, qs, per_page=50)
    entries = list(page_obj.object_list)
    selectors.note_register_read(user, filters, page_obj.paginator.count)
    query = urlencode({k: v for k, v in filters.items() if v})
    context = {"page_obj": page_obj, "entries": entries, "filters": filters, "bases": BASES, "uses": USES,
               "outcomes": OUTCOMES.items(), "export_query": query}
    return render(request, "access/register.html", context)


@page
def roster_download(request, code: str):
    grade = parse_int(request.GET.get("grade", ""), 1, 12)
    try:
        school, table = selectors.roster_table(request.user, code, grade=grade)
    except RuleViolation as exc:
        apply_url = reverse("web:access:new") + f"?use=export&scope_kind=school&school={code}"
        return render(request, "access/refused.html", {"message": exc.message, "apply_url": apply_url}, status=422)
    return xlsx_response(roster.xlsx(school, table), roster.filename(school))
