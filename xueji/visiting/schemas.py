"""JSON shapes of the visiting endpoints."""

from datetime import date

from ninja import Field, Schema

from xueji.core.masking import STUDENT_NUMBER_DOC, mask_student_number
from xueji.policy.changes.reasons import VISITING_REASONS
from xueji.policy.changes.visiting import END_REASONS
from xueji.policy.fields import GRADE_LABELS
from xueji.students.schemas import student_json

from . import selectors
from .models import VisitingStay


class StayOut(Schema):
    id: int
    student_name: str
    student_number: str | None = Field(None, description=STUDENT_NUMBER_DOC)
    grade: int
    grade_label: str
    home_school: str = Field(description="学籍所在学校标识码")
    home_school_name: str
    host_school: str = Field(description="借读学校标识码")
    host_school_name: str
    host_class: int
    host_class_name: str
    reason: str = Field(description="借读理由代码(第二十五条)")
    reason_label: str
    started_on: date
    ends_on: date | None = Field(None, description="计划结束日期")
    ended_on: date | None = Field(None, description="实际结束日期;为空表示正在借读")
    end_reason: str = ""
    end_reason_label: str = ""
    open: bool
    application: int = Field(description="借读申请ID")
    ended_by: int | None = Field(None, description="结束借读申请ID")
    grade_mismatch: bool = Field(description="借读班级年级与原学校年级不符,应取消借读(第二十六条)")


class StayDetailOut(StayOut):
    record: dict | None = Field(None, description="学籍信息(只读,身份证件号掩码);借读学校只在借读期间可见")


class EndIn(Schema):
    end_reason: str = Field(description="结束原因:" + "、".join(f"{k} {v}" for k, v in END_REASONS.items()))
    note: str = Field("", max_length=500, description="说明")


def stay_json(stay: VisitingStay) -> dict:
    return {
        "id": stay.pk, "student_name": stay.student.name, "student_number": mask_student_number(stay.student.student_number),
        "grade": stay.grade, "grade_label": GRADE_LABELS.get(stay.grade, str(stay.grade)),
        "home_school": stay.home_school_id, "home_school_name": stay.home_school.name,
        "host_school": stay.host_school_id, "host_school_name": stay.host_school.name,
        "host_class": stay.host_class_id, "host_class_name": stay.host_class.name,
        "reason": stay.reason, "reason_label": VISITING_REASONS[stay.reason].label if stay.reason in
        VISITING_REASONS else stay.reason,
        "started_on": stay.started_on, "ends_on": stay.ends_on, "ended_on": stay.ended_on,
        "end_reason": stay.end_reason, "end_reason_label": END_REASONS.get(stay.end_reason, ""),
        "open": stay.is_open, "application": stay.application_id, "ended_by": stay.ended_by_id,
        "grade_mismatch": bool(selectors.grade_mismatch(stay)),
    }


def record_json(stay: VisitingStay) -> dict:
    """The record as the host school reads it: every item, IDs masked, no photo link (the photo is the home
    school's)."""
    data = student_json(stay.student)
    data.pop("photo_url", None)
    return data


def stay_detail_json(user, stay: VisitingStay) -> dict:
    return {**stay_json(stay), "record": record_json(stay) if selectors.shows_record(user, stay) else None}
