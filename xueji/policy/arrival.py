"""第十二条: reporting at the start of the first term — delays, no-shows and cancelled admissions.

Pure functions: the caller supplies the dates it knows (term start, an approved delay's end, working days
counted on the province's calendar) and gets back the violations.
"""

from __future__ import annotations

import datetime

from xueji.policy.province import ProvincePolicy, get_policy
from xueji.policy.violations import Violation

ART = "第十二条"


def check_entry_delay(
    *, filed_on: datetime.date, term_start: datetime.date, until: datetime.date | None,
    policy: ProvincePolicy | None = None,
) -> list[Violation]:
    """A delay is asked in the week before term and runs at most two weeks past term start."""
    policy = policy or get_policy()
    if until is None:
        return [Violation("delay_until_required", "请填写延期报到的截止日期", ART, "until")]
    week_before = term_start - datetime.timedelta(days=7)
    if not (week_before <= filed_on < term_start):
        return [Violation(
            "delay_filing_window",
            f"延期入学须在开学前一周内申请({week_before:%Y年%m月%d日}至{term_start - datetime.timedelta(days=1):%m月%d日}),"
            f"已过申请期的请按第五章办理休学({ART})", ART, "until")]
    latest = term_start + datetime.timedelta(weeks=policy.report_delay_max_weeks)
    if until <= term_start:
        return [Violation("delay_until_before_term", "延期截止日期须晚于开学日期", ART, "until")]
    if until > latest:
        return [Violation(
            "delay_too_long",
            f"延期期限不超过两周(至{latest:%Y年%m月%d日});更长时间不能入学的,请按第五章办理休学({ART})",
            ART, "until")]
    return []


def check_no_show_dropout(
    *, grade: int, today: datetime.date, term_start: datetime.date, delay_until: datetime.date | None,
    policy: ProvincePolicy | None = None,
) -> list[Violation]:
    """A primary or junior-high newcomer who does not report is treated as a dropout (not cancelled)."""
    policy = policy or get_policy()
    if not policy.is_compulsory(grade):
        return [Violation("not_compulsory", "普通高中新生逾期未报到应申请取消入学资格,不按辍学处理(第十二条)", ART, "grade")]
    reference = max(term_start, delay_until or term_start)
    if today <= reference:
        return [Violation("not_yet_no_show",
                          f"{reference:%Y年%m月%d日}前(开学或延期截止)尚不能认定为未报到({ART})", ART, "student")]
    return []


def check_admission_cancel(
    *, grade: int, ground: str, working_days_since: int | None, has_evidence: bool,
    policy: ProvincePolicy | None = None,
) -> list[Violation]:
    """High school: no report within 10 working days and no (or an expired) delay → admission cancelled;
    admission by fraud → record cancelled. `working_days_since` counts from term start or the delay's end."""
    policy = policy or get_policy()
    if policy.is_compulsory(grade):
        return [Violation("compulsory_not_cancelled",
                          "义务教育阶段新生未报到视为辍学,不得取消入学资格(第十二条)", ART, "grade")]
    if ground == "fraud":
        if not has_evidence:
            return [Violation("evidence_required", "以舞弊等手段骗取入学资格的,须上传查实材料(第十二条)", ART, "evidence")]
        return []
    if ground != "no_show":
        return [Violation("invalid_ground", "取消入学资格的理由须为“逾期未报到”或“舞弊骗取入学资格”", ART, "ground")]
    limit = policy.senior_no_show_working_days
    if working_days_since is None or working_days_since <= limit:
        return [Violation("within_report_period",
                          f"普通高中新生开学(或延期截止)后{limit}个工作日内仍可报到,期满未报到方可取消入学资格({ART})",
                          ART, "student")]
    return []
