"""Transfer pages: the transfers of one's schools, the receiving registrar's 转入申请 (identify, then file), the
transfer out of the registry, importing another province's package, the archive hand-over list with its two
buttons, and the sending school's former students. The views read forms and call the services and selectors.
"""

from django.contrib import messages
from django.http import JsonResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from xueji.applications.selectors import due
from xueji.applications.views import _row as application_row
from xueji.core.errors import Conflict, NotFound, RuleViolation, ServiceError
from xueji.orgs.models import SchoolClass
from xueji.orgs.selectors import find_school
from xueji.policy.changes.reasons import PROOF_KIND, TRANSFER_REASONS
from xueji.students.permissions import StudentPolicy
from xueji.students.selectors import find_student
from xueji.web import record_form
from xueji.web.pages import form_errors, page, paginate, require

from . import selectors, services
from .schemas import former_detail_json, former_json, handover_json

TRANSFER_PROOFS = ("transfer_form", "hukou_transfer", "work_change", "proficiency_exam", "vocational_admission",
                   "work_study_agreement")
IDENTITY = ("student_number", "name", "id_number")
OFFICE_ROLES = ("registrar", "leader", "county", "city", "province")


def _office(user) -> None:
    require(user.role in OFFICE_ROLES, "审计员不办理转学;转学办理记录请在审计日志中查看")


def _evidence(request) -> list[tuple[str, object]]:
    return [(kind, upload) for kind in TRANSFER_PROOFS for upload in request.FILES.getlist(f"evidence.{kind}")]


def _form_context(**extra) -> dict:
    return {
        "reasons": [(code, r.label, r.article) for code, r in TRANSFER_REASONS.items()],
        "proof_kinds": [(kind, PROOF_KIND[kind]) for kind in TRANSFER_PROOFS],
        "errors": {}, "error_list": [], "values": {},
        **extra,
    }


@page
def index_page(request):
    user = request.user
    _office(user)
    found = selectors.transfers(user)
    today = timezone.localdate()
    context = {
        "incoming": [application_row(a, today) for a in found["incoming"][:200]],
        "outgoing": [application_row(a, today) for a in found["outgoing"][:200]],
        # Transfers out of the registry that are done: their packages go to the other registry.
        "issued": selectors.transfers(user, status="approved")["outgoing"].filter(type="transfer_out")[:50],
        "is_registrar": user.role == "registrar",
        "overdue_handovers": selectors.overdue_handovers(user, today).count(),
        "crumbs": [{"label": "转学", "url": None}],
    }
    return render(request, "transfers/index.html", context)


@page
@require_http_methods(["GET", "POST"])
def new_page(request):
    """转入申请: the registrar first identifies the student (number + name + ID), then files with the scans."""
    user = request.user
    require(user.role == "registrar", "转入申请由转入学校的学籍管理员发起")
    post = request.POST
    identity = {k: post.get(k, "").strip() for k in IDENTITY}
    context = _form_context(identity=identity, crumbs=[{"label": "转学", "url": "/transfers/"},
                                                       {"label": "转入申请", "url": None}])
    if request.method == "GET":
        return render(request, "transfers/new.html", context)
    try:
        student = services.lookup(user, **identity)
    except (NotFound, RuleViolation, services.TooManyLookups) as exc:
        context.update(error_list=form_errors(exc)[1])
        return render(request, "transfers/new.html", context, status=exc.status)
    context.update(summary=services.masked_summary(student),
                   classes=SchoolClass.objects.filter(school_id=user.school_id, grade=student.grade),
                   values={"to_grade": student.grade})
    if post.get("stage") != "submit":
        return render(request, "transfers/new.html", context)
    values = {k: v for k, v in post.items() if k not in IDENTITY and k != "csrfmiddlewaretoken"}
    try:
        application = services.start_transfer(user, **identity, payload=values,
                                              reason=post.get("reason", "").strip(), evidence=_evidence(request))
    except (RuleViolation, Conflict, NotFound) as exc:
        errors, error_list = form_errors(exc)
        context.update(errors=errors, error_list=error_list, values=values)
        return render(request, "transfers/new.html", context, status=exc.status)
    messages.success(request, "已提交转入申请,请本校负责人审签;之后依次由本地主管部门、转出学校及其主管部门审批。")
    return redirect("web:applications:detail", pk=application.pk)


@page
@require_http_methods(["GET", "POST"])
def outgoing_page(request, key: str):
    """转出到省外或中等职业学校: the student's own registrar files it with the destination's admission proof."""
    user = request.user
    student = find_student(user, key, purpose="transfer_out", audit_read=request.method == "GET")
    require(StudentPolicy.user_can(user, "edit", student), "转出申请由学生所在学校的学籍管理员发起")
    context = _form_context(student=student, crumbs=[{"label": "转学", "url": "/transfers/"},
                                                     {"label": f"转出·{student.name}", "url": None}],
                            values={"to_grade": student.grade})
    if request.method == "GET":
        return render(request, "transfers/outgoing.html", context)
    post = request.POST
    values = {k: v for k, v in post.items() if k != "csrfmiddlewaretoken"}
    values["destination"] = {k.partition(".")[2]: v for k, v in post.items() if k.startswith("destination.")}
    try:
        application = services.start_outgoing(user, student, payload=values, reason=post.get("reason", "").strip(),
                                              evidence=_evidence(request))
    except (RuleViolation, Conflict) as exc:
        errors, error_list = form_errors(exc)
        context.update(errors=errors, error_list=error_list, values=values)
        return render(request, "transfers/outgoing.html", context, status=exc.status)
    messages.success(request, "已提交转出申请,请本校负责人审签后报主管部门审批。")
    return redirect("web:applications:detail", pk=application.pk)


@page
@require_http_methods(["GET", "POST"])
def import_page(request):
    """跨省转入: the registrar uploads the package another province issued, with the 附件8 and proofs."""
    user = request.user
    require(user.role == "registrar", "跨省转入由转入学校的学籍管理员办理")
    context = _form_context(classes=SchoolClass.objects.filter(school_id=user.school_id),
                            crumbs=[{"label": "转学", "url": "/transfers/"}, {"label": "导入外省转学数据包", "url": None}])
    if request.method == "GET":
        return render(request, "transfers/import.html", context)
    post = request.POST
    values = {k: v for k, v in post.items() if k != "csrfmiddlewaretoken"}
    try:
        upload = request.FILES.get("package")
        body = _package_json(upload)
        application = services.import_package(user, body, payload=values, reason=post.get("reason", "").strip(),
                                              evidence=_evidence(request))
    except (RuleViolation, Conflict, ServiceError) as exc:
        errors, error_list = form_errors(exc)
        context.update(errors=errors, error_list=error_list, values=values)
        return render(request, "transfers/import.html", context, status=exc.status)
    messages.success(request, "已导入数据包并建立待注册档案,跨省转入申请已提交本校负责人审签。")
    return redirect("web:applications:detail", pk=application.pk)


def _package_json(upload):
    import json

    from xueji.policy.violations import Violation

    if upload is None:
        raise RuleViolation(Violation(code="required", field="package", message="请选择转学数据包文件(.json)"))
    try:
        return json.loads(upload.read().decode("utf-8"))
    except (ValueError, UnicodeDecodeError):
        raise RuleViolation(Violation(code="package_malformed", field="package",
                                      message="文件不是有效的转学数据包(JSON)")) from None


@page
def package_page(request, pk: int):
    """Download the package a completed transfer out issued (JSON, as the API gives it)."""
    try:
        package = selectors.find_package(request.user, pk)
    except Conflict as exc:
        messages.error(request, exc.message)
        return redirect("web:applications:detail", pk=pk)
    response = JsonResponse(package.body, json_dumps_params={"ensure_ascii": False, "indent": 1})
    response["Content-Disposition"] = f'attachment; filename="transfer-package-{pk}.json"'
    return response


@page
def handovers_page(request):
    user = request.user
    _office(user)
    today = timezone.localdate()
    overdue = request.GET.get("overdue") == "1"
    qs = selectors.overdue_handovers(user, today) if overdue else selectors.handovers(user)
    page_obj = paginate(request, qs)
    rows = [{"item": h, **handover_json(h, today),
             "due": due(h.due_date, today=today) if h.done_at is None else None,
             "can_send": user.role == "registrar" and h.from_school_id == user.school_id and h.sent_at is None,
             "can_receive": user.role == "registrar" and h.to_school_id == user.school_id
             and h.received_at is None and (h.sent_at is not None or h.from_school_id is None),
             "awaiting_sender": h.from_school_id is not None and h.sent_at is None}
            for h in page_obj.object_list]
    context = {"rows": rows, "page_obj": page_obj, "overdue": overdue,
               "crumbs": [{"label": "转学", "url": "/transfers/"}, {"label": "档案移交", "url": None}]}
    return render(request, "transfers/handovers.html", context)


@page
@require_POST
def confirm_page(request, pk: int, side: str):
    action = services.mark_sent if side == "sent" else services.mark_received
    try:
        action(request.user, pk)
    except (Conflict, RuleViolation) as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, "已确认档案寄出。" if side == "sent" else "已确认收到档案。")
    return redirect("web:transfers:handovers")


@page
def former_list_page(request):
    user = request.user
    _office(user)
    code = request.GET.get("school", "").strip() or (user.school_id if user.school_id else "")
    school = find_school(user, code, purpose="former_students") if code else None
    qs = selectors.former_students(user, school)
    page_obj = paginate(request, qs)
    selectors.audit_former_list(user, school, page_obj.paginator.count)
    context = {"rows": [former_json(e) for e in page_obj.object_list], "page_obj": page_obj, "school": school,
               "crumbs": [{"label": "已转出学生", "url": None}]}
    return render(request, "transfers/former_list.html", context)


@page
def former_detail_page(request, pk: int):
    enrolment = selectors.find_former(request.user, pk)
    data = former_detail_json(enrolment)
    from xueji.policy.fields import STUDENT_FIELDS

    record = data["record"]
    items = [{"item": f.item, "label": f.label,
              "value": record_form.change_text(f.name, record.get(f.name)) if record.get(f.name) not in (None, "")
              else ""}
             for f in STUDENT_FIELDS if f.name not in ("photo", "school_class")]
    context = {"former": data, "items": items, "family": data["record"].get("family") or [],
               "crumbs": [{"label": "已转出学生", "url": "/former-students/"},
                          {"label": data["name"], "url": None}]}
    return render(request, "transfers/former_detail.html", context)
