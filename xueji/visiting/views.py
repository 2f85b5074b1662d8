"""借读 pages: both schools' lists of stays, the host registrar's 借读申请 (identify, then file), one stay with the
record read-only, and the end button. The views read forms and call the services and selectors."""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from xueji.core.errors import Conflict, NotFound, RuleViolation
from xueji.orgs.models import SchoolClass
from xueji.policy.changes.reasons import PROOF_KIND, VISITING_REASONS
from xueji.policy.changes.visiting import END_REASONS
from xueji.policy.fields import STUDENT_FIELDS
from xueji.transfers.services import TooManyLookups, lookup, masked_summary
from xueji.web import record_form
from xueji.web.pages import form_errors, page, paginate, require

from . import selectors, services
from .schemas import record_json, stay_json

IDENTITY = ("student_number", "name", "id_number")
CRUMB = {"label": "借读", "url": "/visiting/"}


def _office(user) -> None:
    require(user.role in ("registrar", "leader", "county", "city", "province"),
            "审计员不查看借读学生;借读办理记录请在审计日志中查看")


@page
def index_page(request):
    user = request.user
    _office(user)
    side = "home" if request.GET.get("side") == "home" else "host"
    open_only = request.GET.get("all") != "1"
    page_obj = paginate(request, selectors.stays(user, side=side, open_only=open_only))
    selectors.audit_list(user, side, page_obj.paginator.count)
    context = {"rows": [stay_json(s) for s in page_obj.object_list], "page_obj": page_obj, "side": side,
               "open_only": open_only, "is_registrar": user.role == "registrar",
               "crumbs": [{"label": "借读", "url": None}]}
    return render(request, "visiting/index.html", context)


def _form_context(**extra) -> dict:
    return {"reasons": [(code, r.label) for code, r in VISITING_REASONS.items()],
            "proof_kinds": [(kind, PROOF_KIND[kind]) for kind in services.PROOF_KINDS],
            "errors": {}, "error_list": [], "values": {},
            "crumbs": [CRUMB, {"label": "借读申请", "url": None}], **extra}


def _evidence(request) -> list:
    return [(kind, f) for kind in services.PROOF_KINDS for f in request.FILES.getlist(f"evidence.{kind}")]


@page
@require_http_methods(["GET", "POST"])
def new_page(request):
    """借读申请: the host registrar identifies the student (number + name + ID), then files with the scans."""
    user = request.user
    require(user.role == "registrar", "借读申请由借读学校的学籍管理员发起")
    post = request.POST
    identity = {k: post.get(k, "").strip() for k in IDENTITY}
    context = _form_context(identity=identity)
    if request.method == "GET":
        return render(request, "visiting/new.html", context)
    try:
        student = lookup(user, **identity)
    except (NotFound, RuleViolation, TooManyLookups) as exc:
        context.update(error_list=form_errors(exc)[1])
        return render(request, "visiting/new.html", context, status=exc.status)
    # Every class of the host school is offered: choosing another grade is refused with its article (第二十六条).
    context.update(summary=masked_summary(student), classes=SchoolClass.objects.filter(school_id=user.school_id))
    if post.get("stage") != "submit":
        return render(request, "visiting/new.html", context)
    values = {k: v for k, v in post.items() if k not in IDENTITY and k != "csrfmiddlewaretoken"}
    try:
        application = services.start_stay(user, **identity, payload=values, reason=post.get("reason", "").strip(),
                                           evidence=_evidence(request))
    except (RuleViolation, Conflict, NotFound) as exc:
        errors, error_list = form_errors(exc)
        context.update(errors=errors, error_list=error_list, values=values)
        return render(request, "visiting/new.html", context, status=exc.status)
    messages.success(request, "已提交借读申请,请本校负责人审签后报主管部门审批。")
    return redirect("web:applications:detail", pk=application.pk)


def _items(record: dict) -> list[dict]:
    return [{"item": f.item, "label": f.label,
             "value": record_form.change_text(f.name, record.get(f.name)) if record.get(f.name) not in (None, "")
             else ""}
            for f in STUDENT_FIELDS if f.name not in ("photo", "school_class", "id_number")]


@page
def detail_page(request, pk: int):
    user = request.user
    _office(user)
    stay = selectors.find_stay(user, pk)
    record = record_json(stay) if selectors.shows_record(user, stay) else None
    may_end = (stay.is_open and user.role == "registrar"
               and user.school_id in (stay.home_school_id, stay.host_school_id))
    context = {"stay": stay_json(stay), "record": record, "items": _items(record) if record else [],
               "home_side": selectors.on_home_side(user, stay), "may_end": may_end,
               "pending_end": selectors.pending_end(stay), "end_reasons": END_REASONS.items(),
               "crumbs": [CRUMB, {"label": stay.student.name, "url": None}]}
    return render(request, "visiting/detail.html", context)


@page
@require_POST
def end_page(request, pk: int):
    try:
        application = services.end_stay(request.user, pk, end_reason=request.POST.get("end_reason", ""),
                                        note=request.POST.get("note", "").strip())
    except (RuleViolation, Conflict) as exc:
        messages.error(request, ";".join(form_errors(exc)[1]))
        return redirect("web:visiting:detail", pk=pk)
    messages.success(request, "已提交结束借读申请,请借读学校负责人审批。")
    return redirect("web:applications:detail", pk=application.pk)
