"""Pages that hand out the printed forms as PDF; the selectors decide who may print what and audit it."""

from django.shortcuts import render

from xueji.core.errors import RuleViolation
from xueji.web.pages import page

from . import change_forms, selectors
from .api import pdf_response
from .pdf import PdfUnavailable


def _pdf_or_explanation(request, make):
    # A machine without fonts or Pango, or an empty class, answers a page saying why (503/422), never a 500.
    try:
        return pdf_response(make())
    except (PdfUnavailable, RuleViolation) as exc:
        unavailable = isinstance(exc, PdfUnavailable)
        context = {"heading": "暂时无法生成 PDF" if unavailable else "没有可打印的内容",
                   "messages_list": [v.message for v in exc.violations], "admin_help": unavailable}
        return render(request, "forms/unavailable.html", context, status=exc.status)


@page
def student_basic_info(request, key: str):
    reason = request.GET.get("reason", "")
    return _pdf_or_explanation(request, lambda: selectors.student_basic_info(request.user, key, reason))


@page
def class_basic_info(request, pk: int):
    reason = request.GET.get("reason", "")
    return _pdf_or_explanation(request, lambda: selectors.class_basic_info(request.user, pk, reason=reason))


@page
def change_form(request, pk: int):
    reason = request.GET.get("reason", "")
    return _pdf_or_explanation(request, lambda: change_forms.change_form(request.user, pk, reason))
