"""The public page 家长查询学籍号: no account needed; the same service as POST /api/v1/public/lookup."""

from django.shortcuts import render
from django.views.decorators.http import require_http_methods

from xueji.core.errors import ServiceError
from xueji.core.middleware import current_client_ip
from xueji.policy.idcard import normalize_id

from . import captcha, services
from .inputs import read_query


def _split(number: str) -> tuple[str, str]:
    """One box takes either: a 19-character G/J/L number is a 学籍号, anything else an ID number."""
    text = normalize_id(number[:64])
    if len(text) == 19 and text[0] in "GJL":
        return "", number
    return number, ""


def _show_captcha(result, refusal, address: str) -> bool:
    # A flooding address waits anyway (and is refused without a database read); otherwise ask the counters.
    if result is not None or isinstance(refusal, services.LookupLimited):
        return False
    return isinstance(refusal, services.CaptchaRequired) or services.captcha_needed(address)


@require_http_methods(["GET", "POST"])
def lookup_page(request):
    address = current_client_ip() or ""
    context = {"name": "", "number": "", "result": None, "error": "", "field": ""}
    status, retry_after, refusal = 200, 0, None
    if request.method == "POST":
        context["name"] = request.POST.get("name", "")[:100]
        context["number"] = request.POST.get("number", "")[:64]
        id_number, student_number = _split(request.POST.get("number", ""))
        try:
            query = read_query(request.POST.get("name", ""), id_number or None, student_number or None)
            context["result"] = services.lookup(
                query, address=address, actor=request.user if request.user.is_authenticated else None,
                captcha_token=request.POST.get("captcha_token"), captcha_answer=request.POST.get("captcha_answer"))
            # The page answers with the masked number only: the full ID is not echoed back into the form.
            context["number"] = ""
        except ServiceError as exc:
            refusal, status, retry_after = exc, exc.status, getattr(exc, "retry_after", 0)
            context["error"], context["field"] = exc.message, exc.violations[0].field if exc.violations else ""
    if _show_captcha(context["result"], refusal, address):
        context["captcha"] = captcha.new_captcha()
    response = render(request, "lookup/lookup.html", context, status=status)
    if retry_after:
        response["Retry-After"] = str(retry_after)
    return response
