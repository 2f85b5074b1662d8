"""The status table of chapters 4–7 and 第四十一条: change type -> {from status: to status}.

The application engine applies a change only from a listed status. A target equal to the source (transfer,
visiting, extension) keeps the status: the change moves other facts. A transfer changes the school; the
sending school's enrolment closes with the exit 转出 (SENDING_ENROLMENT_EXIT), which is a fact of that
enrolment, not the student's status. Visiting study (借读) moves only where the student sits (第二十七条).
Statuses are the stored words of the student record; a missing student is stored as 失踪 (shown as
失踪/其他离校).
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType

from xueji.policy import codes
from xueji.policy.violations import Violation

ENROLLED, SUSPENDED, DROPPED_OUT, WITHDRAWN, DECEASED, MISSING = (
    "在籍",
    "休学",
    "辍学",
    "退学",
    "死亡",
    "失踪",
)
EXPELLED = "开除"
SENDING_ENROLMENT_EXIT = "转出"
GRADUATED, COMPLETED, LEFT_UNFINISHED = "毕业", "结业", "肄业"

# A finished record (毕业 第三十四条; 结业、肄业 第三十七条) is kept for ever and takes no further change: no
# transfer, suspension, visiting or withdrawal. The table below allows none from these statuses; a refusal names
# the article that finished the record rather than the article of the change asked for.
FINISHED_ARTICLES: Mapping[str, str] = MappingProxyType(
    {GRADUATED: "第三十四条", COMPLETED: "第三十七条", LEFT_UNFINISHED: "第三十七条"}
)

# A record still open: death can close it from any of these (第三十二条). A dropout's and a missing student's
# records are kept (第三十三条, 第四十一条), so they count.
OPEN_STATUSES = (ENROLLED, SUSPENDED, DROPPED_OUT, MISSING)

TRANSITIONS: Mapping[str, Mapping[str, str]] = MappingProxyType(
    {
        "transfer": {ENROLLED: ENROLLED},  # 第十七–二十二条
        "suspension": {ENROLLED: SUSPENDED},  # 第二十三–二十四条
        "suspension_extension": {SUSPENDED: SUSPENDED},  # 第二十四条
        "resumption": {SUSPENDED: ENROLLED},  # 第二十四条
        "visiting": {ENROLLED: ENROLLED},  # 第二十五–二十七条
        "visiting_end": {ENROLLED: ENROLLED},  # 第二十七条
        # A student who left (失踪) may be withdrawn at the family's request after a sentence (第二十九条(四)).
        "withdrawal": {ENROLLED: WITHDRAWN, SUSPENDED: WITHDRAWN, MISSING: WITHDRAWN},  # 第二十八–三十条
        "auto_withdrawal": {ENROLLED: WITHDRAWN, SUSPENDED: WITHDRAWN},  # 第三十一条
        "death": {status: DECEASED for status in OPEN_STATUSES},  # 第三十二条
        "dropout": {ENROLLED: DROPPED_OUT},  # 第三十三条
        "dropout_return": {DROPPED_OUT: ENROLLED},  # 第十二条, 第三十三条
        "missing": {ENROLLED: MISSING},  # 第四十一条
        "missing_return": {MISSING: ENROLLED},  # 第四十一条
        "graduation": {ENROLLED: GRADUATED},  # 第三十四–三十六条
        # A high-school student's record closes as 开除 once the city approves (第四十条).
        "expulsion": {ENROLLED: EXPELLED, SUSPENDED: EXPELLED},  # 第四十条
    }
)

ARTICLES: Mapping[str, str] = MappingProxyType(
    {
        "transfer": "第二十条",
        "suspension": "第二十三条",
        "suspension_extension": "第二十四条",
        "resumption": "第二十四条",
        "visiting": "第二十五条",
        "visiting_end": "第二十七条",
        "withdrawal": "第三十条",
        "auto_withdrawal": "第三十一条",
        "death": "第三十二条",
        "dropout": "第三十三条",
        "dropout_return": "第三十三条",
        "missing": "第四十一条",
        "missing_return": "第四十一条",
        "graduation": "第三十四条",
        "expulsion": "第四十条",
    }
)


def target(change: str, status: str) -> str | None:
    """The status after `change` from `status`, or None when the table does not allow it."""
    return TRANSITIONS.get(change, {}).get(status)


def finished_refusal(change_label: str, status: str) -> list[Violation]:
    """Refuse any change of a finished record (毕业、结业、肄业), naming the article that finished it."""
    article = FINISHED_ARTICLES.get(status)
    if article is None:
        return []
    message = f"学籍状态为“{status}”的学生学籍已终结、永久保存,不能办理{change_label}({article})"
    return [Violation("record_finished", message, article, "status")]


def check_transition(change: str, status: str) -> list[Violation]:
    """Refuse a change the table does not allow from the student's current status."""
    if change not in TRANSITIONS:
        raise ValueError(f"未知的学籍异动类型:{change}")
    allowed = TRANSITIONS[change]
    if status in allowed:
        return []
    if status in FINISHED_ARTICLES:
        return finished_refusal(codes.CHANGE_TYPE[change], status)
    article = ARTICLES[change]
    label = codes.CHANGE_TYPE[change]
    message = f"学籍状态为“{status}”的学生不能办理{label},须为“{'、'.join(allowed)}”({article})"
    return [Violation("status_not_allowed", message, article, "status")]
