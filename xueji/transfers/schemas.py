"""JSON shapes of the transfer endpoints: the masked look-up answer, hand-overs and former students."""

from datetime import date, datetime

from django.utils import timezone
from ninja import Field, Schema
from pydantic import ConfigDict

from xueji.core.masking import STUDENT_NUMBER_DOC, mask_student_number
from xueji.policy.fields import GRADE_LABELS

from .models import ArchiveHandover
from .selectors import masked_snapshot


class LookupIn(Schema):
    model_config = ConfigDict(extra="forbid")

    student_number: str = Field(max_length=19, description="学籍号(监护人提供)")
    name: str = Field(max_length=50, description="姓名")
    id_number: str = Field(max_length=30, description="身份证件号")


class LookupOut(Schema):
    student_number: str | None = Field(None, description=STUDENT_NUMBER_DOC)
    name: str
    gender: str = Field(description="性别代码")
    birth_year: int = Field(description="出生年份")
    id_number: str = Field(description="身份证件号(掩码)")
    status: str = Field(description="学籍状态")
    grade: int
    grade_label: str
    school: str = Field(description="现学籍所在学校标识码(转出学校)")
    school_name: str
    county_name: str = Field(description="转出学校所在县(区)")


class HandoverOut(Schema):
    id: int
    application: int = Field(description="转学申请ID")
    student_name: str
    student_number: str | None = Field(None, description=STUDENT_NUMBER_DOC)
    from_school: str | None = Field(None, description="转出学校标识码;省外或中职学校为 null")
    from_school_name: str
    to_school: str | None = Field(None, description="转入学校标识码;省外或中职学校为 null")
    to_school_name: str
    due_date: date = Field(description="办结期限:转学办结后一个月(第二十二条)")
    sent_at: datetime | None = None
    sent_by: str | None = None
    received_at: datetime | None = None
    received_by: str | None = None
    done: bool = Field(description="是否已办结")
    overdue: bool = Field(description="是否已逾期未办结")


class FormerStudentOut(Schema):
    id: int = Field(description="在校经历ID(转出记录)")
    school: str = Field(description="转出学校标识码")
    school_name: str
    student_number: str | None = Field(None, description=STUDENT_NUMBER_DOC)
    name: str
    gender: str
    grade: int = Field(description="离校时年级")
    grade_label: str
    class_name: str | None = Field(None, description="离校时班级")
    started_on: date
    ended_on: date = Field(description="转出日期")
    to_school_name: str | None = Field(None, description="转往学校")


class FormerStudentDetailOut(FormerStudentOut):
    record: dict = Field(description="离校时的学籍信息(各项代码;身份证件号以掩码显示),不含转入学校之后的变动")


def handover_json(item: ArchiveHandover, today: date | None = None) -> dict:
    today = today or timezone.localdate()
    done = item.done_at is not None
    return {
        "id": item.pk, "application": item.application_id, "student_name": item.student.name,
        "student_number": mask_student_number(item.student.student_number), "from_school": item.from_school_id,
        "from_school_name": item.from_school_name, "to_school": item.to_school_id,
        "to_school_name": item.to_school_name, "due_date": item.due_date, "sent_at": item.sent_at,
        "sent_by": item.sent_by.username if item.sent_by else None, "received_at": item.received_at,
        "received_by": item.received_by.username if item.received_by else None,
        "done": done, "overdue": not done and item.due_date < today,
    }


def former_json(enrolment) -> dict:
    snap = enrolment.snapshot or {}
    grade = snap.get("grade") or enrolment.grade
    return {
        "id": enrolment.pk, "school": enrolment.school_id, "school_name": enrolment.school.name,
        "student_number": mask_student_number(snap.get("student_number")), "name": snap.get("name") or "",
        "gender": snap.get("gender") or "", "grade": grade, "grade_label": GRADE_LABELS.get(grade, str(grade)),
        "class_name": snap.get("class_name"), "started_on": enrolment.started_on, "ended_on": enrolment.ended_on,
        "to_school_name": snap.get("to_school_name"),
    }


def former_detail_json(enrolment) -> dict:
    return {**former_json(enrolment), "record": masked_snapshot(enrolment.snapshot or {})}
