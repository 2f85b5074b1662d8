"""An application's payload as a person reads it on the page: Chinese names for its keys, and names in place of
the codes and ids its values carry (a division code as 山西省太原市小店区, a school code as the school's name, a class
id as 一年级1班, a proof kind as 户籍迁移证明). The API keeps the payload as it is.
"""

from __future__ import annotations

from xueji.policy import codes
from xueji.policy.changes.reasons import PROOF_KIND
from xueji.policy.fields import GRADE_LABELS

# Keys set by the registry itself that add nothing on a page: the open stay a 借读结束 closes, and the sending
# school's name that is shown as the value of from_school.
HIDDEN_KEYS = {"changes", "stay", "from_school_name"}

# Keys of the transfer, visiting and status-change payloads that are not items of the national form.
KEY_LABELS = {
    "from_school": "转出学校",
    "home_school": "学籍所在学校",
    "to_grade": "转入年级",
    "to_class": "转入班级",
    "sat_proficiency_exam": "已参加本地普通高中学业水平考试",
    "record_moves": "学籍随迁",
    "destination": "转入学校(省外或中等职业学校)",
    "destination_has_private_high_school": "转入地有民办普通高中",
    "class_reason": "超过标准班额的理由",
    "abroad_months": "父母出国工作期限",
    "end_reason": "借读结束原因",
    "second_reason": "再次出具学历证明的理由(主管教育行政部门)",
}

DIVISION_KEYS = ("from_division", "to_division")
GRADE_KEYS = ("to_grade", "target_grade", "grade")
CLASS_KEYS = ("to_class", "target_class", "host_class")
SCHOOL_KEYS = ("from_school", "home_school")


def key_label(name: str, known: dict[str, str]) -> str:
    """known: the caller's table of labels (the status-change keys); then ours; then the national form's items."""
    from xueji.policy.fields import FIELD_BY_NAME

    if name in known:
        return known[name]
    if name in KEY_LABELS:
        return KEY_LABELS[name]
    if name in FIELD_BY_NAME:
        return FIELD_BY_NAME[name].label
    return "其他信息"


def division_text(code) -> str:
    from xueji.web.templatetags.xueji_tags import division_name

    return division_name(code) or f"行政区划代码{code}"


def school_text(code, fallback_name: str = "") -> str:
    from xueji.orgs.models import School

    school = School.objects.filter(pk=str(code)).only("name").first()
    return school.name if school else (fallback_name or f"学校标识码{code}")


def class_text(pk) -> str:
    from xueji.orgs.models import SchoolClass

    school_class = SchoolClass.objects.filter(pk=pk).only("name").first() if str(pk).isdigit() else None
    return school_class.name if school_class else "—"


def grade_text(value) -> str:
    try:
        return GRADE_LABELS.get(int(value), f"{value}年级")
    except (TypeError, ValueError):
        return str(value)


def destination_text(destination) -> str:
    """A school outside the registry as the sending registrar described it."""
    if not isinstance(destination, dict):
        return str(destination)
    parts = [str(destination.get("name") or "未填写校名")]
    if destination.get("county_code"):
        parts.append(f"所在地{division_text(destination['county_code'])}")
    school_type = codes.label(codes.SCHOOL_TYPE, destination.get("school_type"))
    if school_type:
        parts.append(school_type)
    if destination.get("vocational"):
        parts.append("中等职业学校")
    if destination.get("ownership") == "private":
        parts.append("民办")
    if destination.get("code"):
        parts.append(f"学校标识码{destination['code']}")
    return ",".join(parts)


def proof_label(kind) -> str:
    """A proof kind code as its name; a kind the uploader typed in words is shown as typed."""
    return PROOF_KIND.get(str(kind or ""), str(kind or ""))


def value_text(name: str, value, payload: dict, readable):
    """The value of one payload key in words; `readable` renders the rest (reason codes, flags, lists)."""
    from xueji.policy.changes.visiting import END_REASONS

    if value in (None, ""):
        return "—"
    if name in DIVISION_KEYS:
        return division_text(value)
    if name in GRADE_KEYS:
        return grade_text(value)
    if name in CLASS_KEYS:
        return class_text(value)
    if name in SCHOOL_KEYS:
        fallback = payload.get("from_school_name", "") if name == "from_school" else ""
        return school_text(value, fallback)
    if name == "destination":
        return destination_text(value)
    if name == "end_reason":
        return END_REASONS.get(value, value)
    if name == "abroad_months":
        return f"{value}个月"
    return readable(value)


def payload_rows(payload: dict, known: dict[str, str], readable) -> list[dict]:
    rows = []
    for name, value in payload.items():
        if name in HIDDEN_KEYS:
            continue
        rows.append({"field": name, "label": key_label(name, known),
                     "value": value_text(name, value, payload, readable)})
    # A transfer from outside the registry names its school only by from_school_name.
    if "from_school_name" in payload and "from_school" not in payload:
        rows.append({"field": "from_school_name", "label": "转出学校", "value": payload["from_school_name"]})
    return rows
