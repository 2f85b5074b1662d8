"""Chinese names for what a status event records in StatusEvent.changes.

Most keys are items of the national form (姓名, 年级, 班级 …), named by the form itself. The others are set by
the registry's own steps (the number a registration issues, the school a transfer leaves, a batch, a stay); a
registrar reading a record's history should see those in Chinese too, on the record page, the timeline and
through the API alike, so this is the one table all three read.
"""

from __future__ import annotations

from xueji.policy.fields import field_label

EVENT_ITEM_LABELS = {
    "family": "家庭成员或监护人",
    "student_number": "学籍号",
    "later_record": "新建学籍档案ID",
    "batch": "导入批次",
    "school": "学校",
    "school_name": "学校名称",
    "school_class": "班级",
    "merged_into": "合并入学籍档案ID",
    "case": "疑似重复记录",
    "comment": "认定意见",
    "visiting_at": "借读学校",
    "host_class": "借读班级",
    "starts_on": "借读开始日期",
    "ends_on": "借读截止日期",
    "ended_on": "借读结束日期",
    "end_reason": "借读结束原因",
    "suspended_from": "休学开始日期",
    "suspended_until": "休学结束日期",
    "delay_until": "延期报到至",
    "certificate": "证书编号",
    "proves": "所证明的证书编号",
}


def change_label(key: str) -> str:
    """The Chinese name of one recorded change: a form item's own name, else the registry's name for it."""
    return EVENT_ITEM_LABELS.get(key) or field_label(key)


# Keys whose recorded value is an id or a code of the registry's own: shown by name, never as the bare id.
SCHOOL_KEYS = ("school", "visiting_at")
CLASS_KEYS = ("school_class", "host_class")


def _school_name(code) -> str:
    from xueji.orgs.models import School

    school = School.objects.filter(pk=str(code)).only("name").first()
    return school.name if school else f"学校标识码{code}"


def _class_name(pk) -> str:
    from xueji.orgs.models import SchoolClass

    if not str(pk).isdigit():
        return str(pk)  # placement records the class by its name already
    school_class = SchoolClass.objects.filter(pk=pk).only("name").first()
    return school_class.name if school_class else "(已撤销的班级)"


def _end_reason(code) -> str:
    from xueji.policy.changes.visiting import END_REASONS

    return END_REASONS.get(str(code), str(code))


VALUE_TEXT = {
    **dict.fromkeys(SCHOOL_KEYS, _school_name),
    **dict.fromkeys(CLASS_KEYS, _class_name),
    "end_reason": _end_reason,
}


def registry_value_text(key: str, value) -> str | None:
    """A value the registry's own steps recorded (a school code, a class id, a reason code) in words;
    None when the key is not one of those, or the value is empty (the caller shows it its own way)."""
    render = VALUE_TEXT.get(key)
    if render is None or value in (None, ""):
        return None
    return render(value)
