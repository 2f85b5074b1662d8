"""人籍一致 (第十一条, 第四十三条): what a guardian may report as wrong in his child's record, and the rules of a
report. Pure data and checks; the guardians app stores the answers."""

from __future__ import annotations

from .fields import FIELD_BY_NAME, INFO_CHANGE_FIELDS, STUDENT_FIELDS
from .violations import Violation

A11, A43 = "第十一条", "第四十三条"
# The family block is one choice: a guardian names what is wrong in the note.
FAMILY = "family"
# The photo is retaken at school, not corrected by a value; the grade follows 第二十三条, not a guardian's word.
NOT_REPORTABLE = frozenset({"photo"})
MAX_VALUE = 200
MAX_NOTE = 500
MAX_ITEMS = 20


def reportable_fields() -> list[tuple[str, str]]:
    """(name, label) of every item a guardian may name as wrong, in the form's order, then the family block."""
    fields = [(f.name, f"{f.item}. {f.label}") for f in STUDENT_FIELDS if f.name not in NOT_REPORTABLE]
    return [*fields, (FAMILY, "家庭成员或监护人信息")]


def field_label(name: str) -> str:
    if name == FAMILY:
        return "家庭成员或监护人信息"
    spec = FIELD_BY_NAME.get(name)
    return spec.label if spec else name


def needs_info_change(name: str) -> bool:
    """A controlled item is corrected only by an approved information change (第十五条)."""
    return name in INFO_CHANGE_FIELDS


def check_report(items: list[dict]) -> list[Violation]:
    """A report names at least one item, each a known item with the correct value or a note saying what is wrong."""
    if not items:
        return [Violation(code="items_required", field="errors", article=A43,
                          message="请至少选择一项有误的信息,并填写正确的内容")]
    if len(items) > MAX_ITEMS:
        return [Violation(code="too_many_items", field="errors", message=f"一次最多报告{MAX_ITEMS}项")]
    known = {name for name, _ in reportable_fields()}
    problems, seen = [], set()
    for n, item in enumerate(items):
        name = (item.get("field") or "").strip()
        value = (item.get("correct_value") or "").strip()
        note = (item.get("note") or "").strip()
        where = f"errors[{n}]"
        if name not in known:
            problems.append(Violation(code="unknown_field", field=f"{where}.field",
                                      message="请从学籍信息项目中选择有误的一项"))
        elif name in seen:
            problems.append(Violation(code="duplicate_field", field=f"{where}.field",
                                      message=f"“{field_label(name)}”选了两次,请合并为一项"))
        seen.add(name)
        if not value and not note:
            problems.append(Violation(code="value_required", field=f"{where}.correct_value", article=A43,
                                      message="请填写正确的内容,或在说明中写明哪里有误"))
        if len(value) > MAX_VALUE:
            problems.append(Violation(code="too_long", field=f"{where}.correct_value",
                                      message=f"正确内容不能超过{MAX_VALUE}个字符"))
        if len(note) > MAX_NOTE:
            problems.append(Violation(code="too_long", field=f"{where}.note",
                                      message=f"说明不能超过{MAX_NOTE}个字符"))
    return problems


def code_refused() -> Violation:
    # One answer for a wrong code, a wrong name, a used or an expired code: the form is no oracle for either.
    return Violation(code="code_refused", field="code", article=A11,
                     message="绑定码或学生姓名不正确,或绑定码已使用、已过期。请核对后重试,或请学校重新发放绑定码")
