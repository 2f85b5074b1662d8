"""Schools that merge or close (第八条): what a closed school may no longer do, and what a merger must satisfy.

Pure functions over plain values, so the intake, the transfers and the reorganisation service ask the same
questions without importing one another.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable

from xueji.policy.violations import Violation

A8 = "第八条"
CLOSURE_WORDS = {"merged": "已并入其他学校", "closed": "已撤销"}


def closed_school_problems(name: str, closed_on: datetime.date | None, closure: str = "", *,
                           field: str = "school", act: str = "接收学生") -> list[Violation]:
    """A merged or closed school takes no one in: no new record, no import, no transfer or visiting study in."""
    if closed_on is None:
        return []
    how = CLOSURE_WORDS.get(closure, "已撤并")
    return [Violation(code="school_closed", field=field, article=A8,
                      message=f"{name}{how}({closed_on:%Y-%m-%d}),不能再{act};其学籍档案已移交接收单位({A8})")]


def merger_problems(*, source: str, target: str, same_school: bool, source_closed: bool, target_closed: bool,
                    grades_without_place: Iterable[int], grade_labels: dict[int, str],
                    on: datetime.date | None, today: datetime.date) -> list[Violation]:
    """A school merges into another open school that teaches every grade its pupils are in."""
    if same_school:
        return [Violation(code="merge_same_school", field="into", article=A8, message="学校不能并入其自身")]
    found = []
    if source_closed:
        found.append(Violation(code="school_closed", field="school", article=A8,
                               message=f"{source}已撤并,不能再次合并或撤销({A8})"))
    if target_closed:
        found.append(Violation(code="target_closed", field="into", article=A8,
                               message=f"{target}已撤并,不能接收并入的学校,请选择仍在办学的学校({A8})"))
    missing = sorted(set(grades_without_place))
    if missing:
        words = "、".join(grade_labels.get(g, str(g)) for g in missing)
        found.append(Violation(code="merge_grades", field="into", article=A8,
                               message=f"{target}不设{words},{source}这些年级的学生无法并入;"
                                       f"请选择设有这些年级的学校,或先办理转学({A8})"))
    found += date_problems(on, today)
    return found


def date_problems(on: datetime.date | None, today: datetime.date) -> list[Violation]:
    if on is None:
        return [Violation(code="required", field="decided_on", message="请填写撤并日期(YYYY-MM-DD)")]
    if on > today:
        return [Violation(code="future_date", field="decided_on",
                          message="撤并日期不能晚于今天:请在撤并生效后登记")]
    return []
