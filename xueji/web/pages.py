"""What every page view shares: log-in, turning service refusals into HTTP answers, form errors, paging."""

from collections import defaultdict
from functools import wraps

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import InvalidPage, Page, Paginator
from django.db.models import Count, Window
from django.http import Http404, HttpResponseRedirect
from django.urls import reverse
from django.utils.functional import cached_property

from xueji.core import counting
from xueji.core.counting import bounded_count, count_text
from xueji.core.errors import Forbidden, NotFound, RuleViolation, ServiceError
from xueji.orgs.models import Division
from xueji.orgs.permissions import DivisionPolicy

PER_PAGE = 30


def page(view):
    """A logged-in page: anonymous visitors go to the log-in page; NotFound answers 404 and Forbidden 403,
    each with the service's Chinese message on the error page."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        try:
            return view(request, *args, **kwargs)
        except NotFound as exc:
            raise Http404(exc.message) from exc
        except Forbidden as exc:
            raise PermissionDenied(exc.message) from exc

    return login_required(wrapper)


def require(allowed: bool, message: str) -> None:
    """Stop with 403 when the policy said no; the message tells the user which role may."""
    if not allowed:
        raise PermissionDenied(message)


def visible_or_404(allowed: bool, message: str = "未找到,或不在您的管辖范围内", **asked) -> None:
    """Outside the jurisdiction looks exactly like absent (design.md: do not reveal which). A NotFound, so the
    refusal is audited like every other; `asked` names it (action=, object_type=, object_id=)."""
    if not allowed:
        raise NotFound(message, **asked)


def violation_text(v) -> str:
    """The message with its article, unless the message already names it."""
    if v.article and v.article not in v.message:
        return f"{v.message}({v.article})"
    return v.message


def form_errors(exc: ServiceError) -> tuple[dict[str, list[str]], list[str]]:
    """(messages by field name, every message) of a refusal, to show beside each field and in a summary."""
    by_field: dict[str, list[str]] = defaultdict(list)
    for v in exc.violations:
        by_field[v.field or "__all__"].append(violation_text(v))
    return dict(by_field), [violation_text(v) for v in exc.violations]


def flash_refusal(request, exc: ServiceError, what: str) -> None:
    """A refused action on a page that redirects back: each violation as a message, "未能<what>:<reason>"."""
    for text in form_errors(exc)[1]:
        messages.error(request, f"未能{what}:{text}")


def wants_xlsx(request) -> bool:
    return request.GET.get("format") == "xlsx"


def download_or_back(request, make):
    """A list page's export: the file `make()` returns, or, when a rule refuses it (too many rows), the list
    again with the refusal's message above it."""
    try:
        return make()
    except RuleViolation as exc:
        for text in form_errors(exc)[1]:
            messages.error(request, text)
        query = request.GET.copy()
        query.pop("format", None)
        return HttpResponseRedirect(f"{request.path}?{query.urlencode()}")


class BoundedPaginator(Paginator):
    """Django's paginator with a count that stops at COUNT_CAP (xueji.core.counting): the pages past it are not
    offered, so no request counts or skips more than that many rows."""

    @cached_property
    def _bounded(self) -> tuple[int, bool]:
        return bounded_count(self.object_list)

    @cached_property
    def count(self) -> int:
        return self._bounded[0]

    @property
    def more(self) -> bool:
        """Whether the list goes on past the count shown."""
        return self._bounded[1]

    @property
    def count_label(self) -> str:
        return count_text(*self._bounded)


def paginate(request, items, per_page: int = PER_PAGE):
    return BoundedPaginator(items, per_page).get_page(request.GET.get("page"))


def paginate_sorted_matches(request, items, per_page: int = PER_PAGE, fetch=None):
    """paginate() for a list whose page query reads every match anyway: a name search sorts all its matches to
    find one page (王芳, 4,500 across the province). The count then comes with the page, as a window over the
    same rows, instead of a second scan of them (13 of the province search's 50 ms at 5,000,000 students).
    Not for a list an index walks in order (the page stops after its rows; a window would read them all).
    `fetch(offset, limit)` may answer instead: (the page's rows, the number of matches), or None to decline."""
    paginator = BoundedPaginator(items, per_page)
    try:
        number = int(request.GET.get("page") or 1)
    except ValueError:
        number = 1
    bottom = (number - 1) * per_page
    if number < 1 or bottom >= counting.COUNT_CAP:
        return paginator.get_page(number)
    fetched = fetch(bottom, per_page) if fetch is not None else None
    if fetched is not None:
        rows, total = fetched
    else:
        rows = list(items.annotate(_matches=Window(Count("pk")))[bottom:bottom + per_page])
        total = rows[0]._matches if rows else 0
    if not rows:  # past the end: the plain count finds the last page
        return paginator.get_page(number)
    paginator.__dict__["_bounded"] = counting.capped(total)
    try:
        paginator.validate_number(number)
    except InvalidPage:
        return paginator.get_page(number)
    return Page(rows, number, paginator)


def is_htmx(request) -> bool:
    return request.headers.get("HX-Request") == "true"


def org_crumbs(user, *, division=None, school=None, school_class=None, tail: str | None = None) -> list[dict]:
    """省 › 市 › 县 › 学校 › 班级 down to the page's object; levels above the user's node show without links."""
    chain = []
    code = division.pk if division else (school.city_id if school.city_run else school.county_id) if school else None
    # The chain up to the province (the tree is three levels deep) in one query; which of its levels the user may
    # open is the jurisdiction policy's answer for each loaded node, without a query of its own.
    node = Division.objects.select_related("parent__parent").filter(pk=code).first() if code else None
    while node is not None:
        chain.insert(0, (node, DivisionPolicy.shows(user, node)))
        node = node.parent
    crumbs = [{"label": d.name, "url": reverse("web:orgs:division", args=[d.code]) if shown else None}
              for d, shown in chain]
    if school is not None:
        crumbs.append({"label": school.name, "url": reverse("web:orgs:school", args=[school.code])})
    if school_class is not None:
        crumbs.append({"label": str(school_class), "url": reverse("web:orgs:class", args=[school_class.pk])})
    if tail:
        crumbs.append({"label": tail, "url": None})
    return crumbs
