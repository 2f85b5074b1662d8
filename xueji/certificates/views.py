"""Pages of certificates: the school's certificate register (stubs, 第六条) with its .xlsx and batch PDF, one
certificate's PDF, and the authority's form for a further 学历证明 (第三十八条). Thin: the selectors, documents
and xueji.applications.services decide."""

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import content_disposition_header
from django.views.decorators.http import require_http_methods

from xueji.applications import services as applications
from xueji.core.errors import ServiceError
from xueji.core.inputs import parse_int
from xueji.forms.views import _pdf_or_explanation
from xueji.web.pages import form_errors, org_crumbs, page, paginate, require

from . import documents, selectors
from .api import XLSX
from .permissions import CertificatePolicy


def _year(request) -> int | None:
    return parse_int(request.GET.get("year", ""), 1900, 2200)


@page
def register_page(request, school_code: str):
    user = request.user
    school = selectors.find_school(user, school_code, action="certificate.register")
    year = _year(request)
    rows = selectors.school_register(school, year=year)
    page_obj = paginate(request, rows)
    selectors.log_register(user, school, "certificate.register", page_obj.paginator.count, year)
    context = {
        "school": school, "year": year, "years": selectors.register_years(school), "page_obj": page_obj,
        "rows": page_obj.object_list,
        "crumbs": org_crumbs(user, school=school, tail="证书存根登记"),
    }
    return render(request, "certificates/register.html", context)


@page
def register_xlsx(request, school_code: str):
    filename, content = documents.register_xlsx(request.user, school_code, _year(request))
    response = HttpResponse(content, content_type=XLSX)
    response["Content-Disposition"] = content_disposition_header(True, filename)
    return response


@page
def batch_pdf(request, school_code: str, year: int):
    return _pdf_or_explanation(request, lambda: documents.batch(request.user, school_code, year,
                                                                request.GET.get("kind") or None))


@page
def certificate_pdf(request, number: str):
    return _pdf_or_explanation(request, lambda: documents.one(request.user, number))


@page
@require_http_methods(["GET", "POST"])
def second_proof_page(request, number: str):
    """The competent authority starts a further 学历证明 with its reason (第三十八条 原则上只能办理一次)."""
    user = request.user
    certificate = selectors.find_certificate(user, number)
    require(CertificatePolicy.user_can(user, "second_proof", certificate),
            "再次出具学历证明须由该证书的主管教育行政部门写明理由后发起(第三十八条)")
    context = {"certificate": certificate, "reason": request.POST.get("second_reason", ""), "error_list": [],
               "crumbs": org_crumbs(user, school=certificate.school, tail="再次出具学历证明")}
    if request.method == "GET":
        return render(request, "certificates/second_proof.html", context)
    try:
        application = applications.submit(user, "education_proof", certificate.student,
                                          {"certificate": certificate.number,
                                           "second_reason": context["reason"].strip()[:500]})
    except ServiceError as exc:
        if exc.status in (403, 404):
            raise
        context["error_list"] = form_errors(exc)[1]
        return render(request, "certificates/second_proof.html", context, status=exc.status)
    messages.success(request, "已发起学历证明,请在待办审批中验印后生效。")
    return redirect("web:applications:detail", pk=application.pk)


@page
@require_http_methods(["GET", "POST"])
def proof_by_number_page(request):
    """The graduating school issues a 学历证明 (第三十八条) for a holder who has since left it: found by the
    certificate number and his name (selectors.holder_of), shown for confirmation, then filed at this school."""
    user = request.user
    require(user.role == "registrar", "学历证明由毕业学校的学籍管理员发起(第三十八条)")
    number, name = request.POST.get("number", "").strip(), request.POST.get("name", "").strip()
    context = {"number": number, "name": name, "certificate": None, "error_list": [],
               "crumbs": org_crumbs(user, school=user.school, tail="出具学历证明")}
    if request.method == "GET":
        return render(request, "certificates/proof_lookup.html", context)
    try:
        certificate = selectors.holder_of(user, number, name)
        if request.POST.get("confirm") != "1":
            context["certificate"] = certificate
            return render(request, "certificates/proof_lookup.html", context)
        application = applications.submit(user, "education_proof", certificate.student,
                                          {"certificate": certificate.number})
    except ServiceError as exc:
        if exc.status == 403:
            raise
        context["error_list"] = form_errors(exc)[1] or [exc.message]
        return render(request, "certificates/proof_lookup.html", context, status=exc.status)
    messages.success(request, "已发起学历证明,经主管教育行政部门验印后生效。")
    return redirect("web:applications:detail", pk=application.pk)
