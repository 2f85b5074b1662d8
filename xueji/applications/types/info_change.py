"""Controlled-field change (受控信息变更, 第十五条): with evidence, registrar → school leader → authority."""

from xueji.policy import student_number
from xueji.policy.fields import CONTROLLED_ARTICLES, FIELD_BY_NAME, INFO_CHANGE_FIELDS
from xueji.policy.record import controlled_violation, normalize, validate_student
from xueji.policy.violations import Violation
from xueji.students import numbers
from xueji.students.models import Student
from xueji.students.services import student_data

from ..chains import leader_then_authority
from ..engine import ChangeType, register, transition


def _changes(payload: dict) -> tuple[dict, list[Violation]]:
    raw = payload.get("changes") or {}
    if not isinstance(raw, dict) or not raw:
        return {}, [Violation(code="changes_required", field="changes", article="第十五条",
                              message="请填写要变更的受控信息及新值(姓名、性别、出生日期、身份证件类型、身份证件号)")]
    # The grade is controlled by 第二十三条, not 第十五条: no information change carries it.
    elsewhere = [k for k in raw if k in CONTROLLED_ARTICLES]
    if elsewhere:
        return {}, [controlled_violation(k) for k in elsewhere]
    unknown = [k for k in raw if k not in INFO_CHANGE_FIELDS]
    if unknown:
        labels = "、".join(FIELD_BY_NAME[k].label if k in FIELD_BY_NAME else k for k in unknown)
        return {}, [Violation(code="not_controlled", field="changes",
                              message=f"{labels}不是受控信息,请由学校学籍管理员直接修改")]
    data, problems = normalize(raw)
    return data, problems


def check(ctx) -> list[Violation]:
    student = ctx.student
    changes, problems = _changes(ctx.payload)
    if problems:
        return problems
    merged = {**student_data(student), **changes}
    problems = [v for v in validate_student(merged, school_type=student.school.school_type)
                if v.severity == "error"]
    if problems:
        return problems
    if "id_number" in changes or "id_type" in changes:
        return _duplicate(student, merged)
    return []


def _duplicate(student: Student, merged: dict) -> list[Violation]:
    if merged.get("id_type") == "Z" or not merged.get("id_number"):
        return []
    if Student.objects.filter(id_type=merged["id_type"], id_number=merged["id_number"]).exclude(pk=student.pk).exists():
        return [Violation(code="duplicate_id", field="id_number", article="第十四条",
                          message="新的身份证件号已属于全省另一学籍,不得重复建立学籍(第十四条),请核对或联系主管部门")]
    return []


def apply(application, actor) -> None:
    student = application.student
    changes, _ = _changes(application.payload)
    history = {k: [_plain(getattr(student, k)), _plain(v)] for k, v in changes.items() if getattr(student, k) != v}
    for name, value in changes.items():
        setattr(student, name, value)
    student.save()
    note = "受控信息变更:" + "、".join(FIELD_BY_NAME[k].label for k in history)
    if "id_number" in history or "id_type" in history:
        note += _number_after_new_id(student, history)
    transition(student, "info_change", actor=actor, application=application, note=note, changes=history)


def _number_after_new_id(student: Student, history: dict) -> str:
    """第十一条 一人一号、终身不变: a G or J number stays as issued, the new ID is only recorded. A temporary L
    number gives way to the formal one now that the identity is settled; the L stays an alias of the person."""
    old = student.student_number
    if not old:
        return ""  # not registered yet: the number is issued on registration, from the ID recorded then
    if student_number.is_lifelong(old):
        return f";学籍号{old}终身不变(第十一条)"
    issued = numbers.issue_number(student)
    history["student_number"] = [old, issued.number]
    return f";临时学籍号{old}换发为正式学籍号{issued.number}(第十一条)"


def _plain(value):
    return value if value is None or isinstance(value, str) else str(value)


INFO_CHANGE = register(ChangeType(
    code="info_change",
    label="学籍信息变更",
    steps=leader_then_authority,
    check=check,
    apply=apply,
    needs_evidence=True,
    article="第十五条",
))
