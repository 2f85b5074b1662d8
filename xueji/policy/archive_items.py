"""What the student archive holds (第十一条, with the awards of 第三十九条 kept elsewhere) and the checks on an
item filed into it. Certificates are not filed here: the certificate rows themselves are the archive's entries."""

from __future__ import annotations

import datetime

from xueji.policy.violations import Violation

A11 = "第十一条"
A35 = "第三十五条"

# code -> label; the order is the order of the record page.
KINDS = {
    "basic_form": "学生基本信息表(签字)",
    "health": "健康与预防接种记录",
    "fitness": "体质健康测试结果",
    "quality": "综合素质评价",
    "aid": "资助情况",
    "credits": "学分",
    "exam": "学业水平考试成绩",
    "certificate": "证书与学历证明扫描件",
}
# Credits and the 学业水平考试 belong to the ordinary high school (第三十五条).
SENIOR_ONLY = {"credits", "exam"}


def kind_code(value: str) -> str | None:
    """The code of a kind given as its code or its label."""
    value = (value or "").strip()
    if value in KINDS:
        return value
    return next((code for code, label in KINDS.items() if label == value), None)


def check_item(*, kind: str | None, title: str, dated_on: datetime.date | None, birth_date: datetime.date,
               senior: bool, today: datetime.date) -> list[Violation]:
    found = []
    if kind is None:
        found.append(Violation(code="archive_kind", field="kind", article=A11,
                               message=f"档案材料类型须为以下之一:{'、'.join(KINDS.values())}({A11})"))
    elif kind in SENIOR_ONLY and not senior:
        found.append(Violation(code="archive_kind_stage", field="kind", article=A35,
                               message=f"“{KINDS[kind]}”只适用于普通高中学生({A35}),请选择其他类型"))
    if len((title or "").strip()) < 2:
        found.append(Violation(code="required", field="title", message="请填写材料名称,如“2026年秋季体质健康测试”"))
    if dated_on is None:
        found.append(Violation(code="required", field="dated_on", message="请填写材料日期(YYYY-MM-DD)"))
    elif dated_on > today or dated_on < birth_date:
        found.append(Violation(code="archive_date", field="dated_on",
                               message="材料日期须在学生出生之后、且不晚于今天"))
    return found


def check_location(*, room: str, shelf: str, box: str) -> list[Violation]:
    if not any((value or "").strip() for value in (room, shelf, box)):
        return [Violation(code="required", field="box",
                          message="请至少填写档案室、档案柜(架)或档案盒之一,以便找到纸质档案")]
    return []
