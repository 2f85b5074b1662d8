"""第四十二条: 学籍管理员 (and the school leaders and officers who decide on records) are filed with the level
above. Which roles are filed and what a filing must say; pure data and checks, no Django."""

from __future__ import annotations

from datetime import date

from .violations import Violation

ARTICLE = "第四十二条"
# The accounts that touch records: a school's registrar and leader (filed with the school's authority), and the
# county and city officers (filed with the city and the province). The province has no level above to file with.
FILED_ROLES = frozenset({"registrar", "leader", "county", "city"})


def filing_violations(*, holder_name: str, post: str, since: date | None, trained: bool,
                      training_date: date | None, contact: str, today: date) -> list[Violation]:
    """What is missing or wrong in a filing: who holds the account, in which post, since when, trained or not."""
    problems = []
    required = {"holder_name": (holder_name, "持有人姓名"), "post": (post, "职务"), "contact": (contact, "联系电话")}
    for field, (value, label) in required.items():
        if not (value or "").strip():
            problems.append(Violation("filing_required", f"备案须填写{label}", ARTICLE, field))
    if since is None:
        problems.append(Violation("filing_required", "备案须填写任职起始日期", ARTICLE, "since"))
    elif since > today:
        problems.append(Violation("filing_future_date", "任职起始日期不能晚于今天", ARTICLE, "since"))
    if trained and training_date is None:
        problems.append(Violation("training_date_required", "已参加培训的,须填写培训日期", ARTICLE, "training_date"))
    if training_date is not None and training_date > today:
        problems.append(Violation("filing_future_date", "培训日期不能晚于今天", ARTICLE, "training_date"))
    return problems
