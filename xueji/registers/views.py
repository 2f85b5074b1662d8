"""The registers' pages: a list of the school's registers, each register's page with its .xlsx and PDF, and the
form for the school's own 附件1–2 items. Thin: the documents module builds, the services write."""

from urllib.parse import urlencode

from django.contrib import messages
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from xueji.core.errors import ServiceError
from xueji.web.pages import form_errors, org_crumbs, page, require

from . import documents, school_info, selectors, services
from .api import answer
from .documents import REGISTERS
from .models import UrbanRural


def _crumbs(user, school, tail: str, *, index: bool = False):
    crumbs = org_crumbs(user, school=school)
    if index:
        crumbs.append({"label": "学籍档案", "url": None})
        return crumbs
    crumbs.append({"label": "学籍档案", "url": reverse("web:registers:index", args=[school.pk])})
    crumbs.append({"label": tail, "url": None})
    return crumbs


@page
def index(request, code):
    school = selectors.school_for(request.user, code)
    return render(request, "registers/index.html", {
        "school": school, "registers": REGISTERS.values(), "may_edit": selectors.may_edit(request.user, school),
        "term": documents.current_term(timezone.localdate()),
        "crumbs": _crumbs(request.user, school, "", index=True),
    })


PARAMS = ("term", "start", "end", "year")


@page
@require_http_methods(["GET", "POST"])
def register_page(request, code, slug):
    """Masked on a GET; whole numbers only on a POST carrying the reason, so the reason never sits in a URL
    (第四十四条). ?format=xlsx|pdf downloads what the page shows."""
    form = request.POST if request.method == "POST" else request.GET
    fmt = form.get("format", "page")
    fmt = fmt if fmt in ("xlsx", "pdf") else "page"
    reason = request.POST.get("reason", "") if request.method == "POST" else ""
    params = {k: form.get(k, "") for k in PARAMS}
    try:
        doc = documents.build(request.user, code, slug, params, reason=reason, fmt=fmt)
    except ServiceError as exc:
        if exc.status in (403, 404) or fmt != "page":
            raise
        school = selectors.school_for(request.user, code)
        _errors, error_list = form_errors(exc)
        register = REGISTERS.get(slug)
        return render(request, "registers/register.html", {
            "school": school, "register": register, "doc": None, "error_list": error_list, "params": params,
            "crumbs": _crumbs(request.user, school, register.title if register else "学籍档案"),
        }, status=exc.status)
    if fmt != "page":
        return answer(doc, fmt, form.get("table", ""))
    return render(request, "registers/register.html", {
        "school": doc.school, "register": doc.register, "doc": doc, "reason": reason, "params": params,
        "may_edit": selectors.may_edit(request.user, doc.school),
        "query": urlencode({k: v for k, v in params.items() if v}),
        "crumbs": _crumbs(request.user, doc.school, doc.title),
    })


@page
@require_http_methods(["GET", "POST"])
def edit_info(request, code):
    school = selectors.school_for(request.user, code, action="registers.school_info")
    require(selectors.may_edit(request.user, school), "学校基本信息由本校学籍管理员或学籍主管部门维护(第六条)")
    info = school_info.info_of(school)
    errors, error_list = {}, []
    if request.method == "POST":
        try:
            services.save_school_info(request.user, code, request.POST.dict())
        except ServiceError as exc:
            if exc.status in (403, 404):
                raise
            errors, error_list = form_errors(exc)
            for name in services.SCHOOL_FIELDS:
                setattr(info, name, request.POST.get(name, ""))
        else:
            messages.success(request, "学校基本信息已保存")
            return redirect("web:registers:register", code=school.pk, slug="school")
    fields = [(f, info._meta.get_field(f).verbose_name, getattr(info, f) if getattr(info, f) is not None else "",
               errors.get(f, [])) for f in services.SCHOOL_FIELDS]
    return render(request, "registers/edit_info.html", {
        "school": school, "fields": fields, "urban_rural": UrbanRural.choices, "error_list": error_list,
        "campuses": [(c, school_info.campus_info_of(c)) for c in school.campuses.all()],
        "crumbs": _crumbs(request.user, school, "维护附件1、附件2"),
    }, status=422 if error_list else 200)


@page
@require_POST
def edit_campus(request, code, campus_id):
    try:
        services.save_campus_info(request.user, code, campus_id, request.POST.dict())
    except ServiceError as exc:
        if exc.status in (403, 404):
            raise
        _errors, error_list = form_errors(exc)
        messages.error(request, ";".join(error_list))
    else:
        messages.success(request, "校区基本信息已保存")
    return redirect("web:registers:edit_info", code=code)
