"""Graduation pages: the batches, the registrar's "propose graduates" page, a batch with its decision form
(approve all / approve the ticked / reject the ticked with a comment), the 毕业生花名册 (附件5) and the city's
sealing page. Thin: they read forms and call the services and selectors the API calls."""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from xueji.applications.oversight import school_year_of
from xueji.core.errors import ServiceError
from xueji.policy import graduation as rules
from xueji.web.pages import form_errors, page, require

from . import roster, selectors, services
from .api import _download
from .models import Sealing

OFFICE_ROLES = ("registrar", "leader", "county", "city", "province")


@page
def batches(request):
    user = request.user
    require(user.role in OFFICE_ROLES, "审计员不办理毕业审批;办理记录请在审计日志中查看")
    context = {
        "mine": selectors.batches(user, awaiting_me=True) if user.role != "registrar" else [],
        "rows": selectors.batches(user),
        "is_registrar": user.role == "registrar", "is_city": user.role == "city",
        "crumbs": [{"label": "毕业", "url": None}],
    }
    return render(request, "graduation/batches.html", context)


@page
@require_http_methods(["GET", "POST"])
def propose(request):
    user = request.user
    require(user.role == "registrar", "毕业生名单由学校学籍管理员提交")
    students = list(selectors.candidates(user))
    opened = request.GET.get("class", "")
    error_list, chosen = [], None
    if request.method == "POST":
        chosen = request.POST.getlist("students")
        try:
            batch = services.propose(user, user.school_id, chosen, reason=request.POST.get("reason", ""))
        except ServiceError as exc:
            _errors, error_list = form_errors(exc)
        else:
            messages.success(request, f"已提交{len(chosen)}名毕业生,等待学校审核")
            return redirect("web:graduation:batch", batch=batch)
    classes = {}
    for s in students:
        key = str(s.school_class_id or "")
        group = classes.setdefault(key, {"id": key, "name": s.school_class.name if s.school_class else "未编班",
                                         "grade": s.grade, "rows": []})
        ticked = str(s.pk) in chosen if chosen is not None else key == opened
        group["rows"].append({"student": s, "checked": ticked})
    return render(request, "graduation/propose.html", {
        "classes": list(classes.values()), "opened": opened, "error_list": error_list,
        "crumbs": [{"label": "毕业", "url": "/graduation/"}, {"label": "提交毕业生名单", "url": None}],
    })


@page
def batch(request, batch):
    user = request.user
    apps = selectors.find_batch(user, batch)
    rows = selectors.batch_rows(apps)
    org = user.school_id or user.division_id
    mine = {a.pk for a in apps if (s := selectors.current_step(a)) and s.role == user.role and s.org_code == org
            and s.label != services.SEAL_LABEL}
    return render(request, "graduation/batch.html", {
        "batch": batch, "school": apps[0].school, "rows": rows, "mine": mine, "can_decide": bool(mine),
        "crumbs": [{"label": "毕业", "url": "/graduation/"}, {"label": apps[0].school.name, "url": None}],
    })


@page
@require_POST
def decide(request, batch):
    action = request.POST.get("action", "")
    picked = request.POST.getlist("students")
    comment = request.POST.get("comment", "")
    try:
        if action == "approve_all":
            result = services.decide(request.user, batch, approve=True, comment=comment)
        elif action == "approve_selected":
            result = services.decide(request.user, batch, approve=True, students=picked, comment=comment)
        elif action == "reject_selected":
            result = services.decide(request.user, batch, approve=False, students=picked, comment=comment)
        else:
            raise ServiceError("请选择办理方式")
    except ServiceError as exc:
        if exc.status in (403, 404):
            raise
        messages.error(request, ";".join(form_errors(exc)[1]) or exc.message)
    else:
        text = f"已办理{result['decided']}名学生,其中{result['graduated']}名已毕业"
        if result["skipped"]:
            text += f";{len(result['skipped'])}名复核不符合条件,仍待办理"
        messages.success(request, text)
    return redirect("web:graduation:batch", batch=batch)


@page
@require_http_methods(["GET", "POST"])
def roster_page(request, batch):
    """Masked on a GET; the full ID numbers only on a POST carrying the reason, so the reason never sits in a URL
    (server logs, browser history) (第四十四条)."""
    form = request.POST if request.method == "POST" else request.GET
    fmt = form.get("format", "page")
    reason = request.POST.get("reason", "") if request.method == "POST" else ""
    try:
        data = roster.roster(request.user, batch, reason=reason, fmt=fmt if fmt in ("xlsx", "pdf") else "page")
    except ServiceError as exc:
        if exc.status in (403, 404):
            raise
        messages.error(request, exc.message)
        return redirect("web:graduation:roster", batch=batch)
    if fmt == "xlsx":
        return _download(roster.xlsx(data), "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                         f"毕业生花名册-{batch}.xlsx")
    if fmt == "pdf":
        return _download(roster.pdf_bytes(data), "application/pdf", f"毕业生花名册-{batch}.pdf")
    return render(request, "graduation/roster.html", {
        **data, "reason": reason,
        "crumbs": [{"label": "毕业", "url": "/graduation/"}, {"label": "毕业生花名册", "url": None}],
    })


@page
@require_http_methods(["GET", "POST"])
def sealing(request):
    user = request.user
    require(user.role == "city", "毕业证书验印由市级学籍主管部门办理")
    today = timezone.localdate()
    year = school_year_of(today)
    error_list = []
    if request.method == "POST":
        try:
            done = services.seal(user, year)
        except ServiceError as exc:
            _e, error_list = form_errors(exc)
        else:
            messages.success(request, f"{year}学年验印完成:{done.count}名毕业生编号、验印,学籍状态为“毕业”")
            return redirect("web:graduation:sealing")
    return render(request, "graduation/sealing.html", {
        "year": year, "deadline": rules.sealing_deadline(year), "today": today,
        "waiting": services.awaiting_seal(user.division_id, year).count(),
        "done": Sealing.objects.filter(city_id=user.division_id, school_year=year).first(),
        "history": selectors.sealings(user), "error_list": error_list,
        "crumbs": [{"label": "毕业", "url": "/graduation/"}, {"label": "毕业证书验印", "url": None}],
    })


