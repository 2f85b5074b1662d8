"""The navigation bar: each role sees the pages it may use, and nothing it would be refused.

It is on every page, so it is cheap (issue #15): a user's items (some thirty reverse() calls) are worked out once
per process and kept, keyed by everything they depend on; the bar's HTML is joined in Python rather than by a
template loop of thirty items.
"""

from functools import lru_cache

from django.conf import settings
from django.urls import get_script_prefix, reverse
from django.utils.html import escape
from django.utils.safestring import mark_safe

from xueji.policy.province import SENIOR, get_policy

from .badges import badges

OFFICERS = ("county", "city", "province")


def _items(user) -> tuple[tuple[str, str], ...]:
    senior = user.role in ("registrar", "leader") and _teaches_senior(user)
    return _items_of(get_script_prefix(), user.role, user.school_id, user.division_id, user.username, senior)


@lru_cache(maxsize=4096)
def _items_of(prefix, role, school_id, division_id, username, senior) -> tuple[tuple[str, str], ...]:
    """The items of one user's bar. `prefix` is in the key because reverse() prepends the script prefix."""
    if role == "guardian":
        # A guardian's whole registry is his children's records (the other pages refuse him).
        return (("我的孩子", reverse("web:guardians:home")),)
    items = [("首页", reverse("web:home"))]
    if role in ("registrar", "leader"):
        items.append(("本校", reverse("web:orgs:school", args=[school_id])))
        items.append(("证书存根", reverse("web:certificates:register", args=[school_id])))
        items.append(("学籍档案", reverse("web:registers:index", args=[school_id])))
    if role in OFFICERS:
        items.append(("辖区", reverse("web:orgs:division", args=[division_id])))
    if role != "auditor":
        items.append(("学生查询", reverse("web:students:search")))
    if role == "registrar":
        items.append(("新建学生", reverse("web:students:create")))
        items.append(("批量导入", reverse("web:intake:upload")))
        items.append(("编班", reverse("web:placement:index")))
    if role in OFFICERS:
        items.append(("编班审核", reverse("web:placement:index")))
    if senior:
        items.append(("毕业条件", reverse("web:conditions:school", args=[school_id])))
    if role in OFFICERS:
        items.append(("疑似重复", reverse("web:intake:cases")))
    if role in ("registrar", "leader", *OFFICERS):
        items.append(("统计", reverse("web:statistics:home")))
    if role in ("leader", *OFFICERS):
        items.append(("待办审批", reverse("web:applications:inbox")))
    if role != "auditor":
        items.append(("申请记录", reverse("web:applications:list")))
        items.append(("转学", reverse("web:transfers:index")))
        items.append(("已转出学生", reverse("web:transfers:former")))
        items.append(("借读", reverse("web:visiting:index")))
        items.append(("毕业", reverse("web:graduation:batches")))
    if role != "auditor":
        items.append(("督办", reverse("web:changes:oversight")))
    if role in ("registrar", "leader", *OFFICERS):
        items.append(("学期报告", reverse("web:semester:index")))
    if role == "province":
        items.append(("工作日历", reverse("web:calendar:index")))
        items.append(("学年升级", reverse("web:schoolyear:index")))
    if role in ("registrar", "leader"):
        items.append(("家长反馈", reverse("web:guardians:reports", args=[school_id])))
    if role in OFFICERS:
        items.append(("账号管理", reverse("web:accounts:list")))
        items.append(("管理员备案", reverse("web:accounts:filings")))
    if role in ("registrar", "leader"):
        # 第四十二条: the holder reports himself to the level above.
        items.append(("本人备案", reverse("web:accounts:detail", args=[username])))
    if role in ("city", "province", "auditor"):
        items.append(("动态口令", reverse("web:accounts:totp")))
    if role != "auditor":
        items.append(("查阅审批", reverse("web:access:index")))
    if role in ("auditor", *OFFICERS):
        items.append(("查阅登记", reverse("web:access:register")))
    if role in ("auditor", "province"):
        items.append(("审计日志", reverse("web:audit:list")))
    return tuple(items)


def _teaches_senior(user) -> bool:
    # 第三十五条's conditions are the high school's: only a school with 高一–高三 gets the link.
    school = user.school
    policy = get_policy()
    return school is not None and any(policy.stage_of_grade(g) == SENIOR for g in school.grades)


def _province_name() -> str:
    try:
        return get_policy(settings.XUEJI_PROVINCE).name
    except (KeyError, ValueError):
        return ""


def navigation(request) -> dict:
    base = {"province_name": _province_name(), "nav_items": []}
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated or not getattr(user, "role", ""):
        return base
    path = request.path
    items = _items(user)
    counts = badges(request, user)
    # The longest matching prefix is the current page, so 首页 "/" is not lit everywhere.
    current = max((url for _, url in items if path.startswith(url)), key=len, default=None)
    nav_items = [{"label": label, "url": url, "active": url == current, "badge": counts.get(url)}
                 for label, url in items]
    return base | {
        "nav_items": nav_items,
        "nav_html": _bar(nav_items),
        "role_label": user.get_role_display(),
        "org_name": str(user.org) if user.org else "",
    }


def _bar(nav_items: list[dict]) -> str:
    parts = []
    for item in nav_items:
        lit = ' class="active" aria-current="page"' if item["active"] else ""
        badge = (f' <span class="badge nav-count" data-testid="nav-badge">{item["badge"]}</span>'
                 if item["badge"] else "")
        parts.append(f'<li><a href="{escape(item["url"])}"{lit}>{escape(item["label"])}{badge}</a></li>')
    return mark_safe("".join(parts))  # noqa: S308 - every piece above is escaped or a number
