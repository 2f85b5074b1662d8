"""The student record in JSON: request and response schemas of /api/v1/students, built from the policy's
field table so that every item of the national form (附件6) appears under its snake_case name, documented in
Chinese in the OpenAPI.

Input items are all text (see api.common.Text): a wrong value must reach the policy's normalize(), which names
the field in a 422, rather than fail a type check here with a bare 400.
"""

from datetime import date, datetime
from typing import Any

from django.urls import reverse
from ninja import Field, Schema
from pydantic import ConfigDict, create_model

from xueji.api.common import Text
from xueji.core.masking import STUDENT_NUMBER_DOC, mask_id, mask_numbers_in_text, mask_student_number
from xueji.policy import codes
from xueji.policy.fields import CONTROLLED_ARTICLES, FAMILY_FIELDS, GRADE_LABELS, STUDENT_FIELDS, FieldSpec

from .change_labels import change_label
from .models import FamilyMember, StatusEvent, Student

# The photo is uploaded on its own (PUT /students/{key}/photo) and read back as photo_url.
ITEM_FIELDS = [spec for spec in STUDENT_FIELDS if spec.kind != "photo"]
ALIASES = {"school_class": "class"}

KIND_HINTS = {
    "date": "格式 YYYY-MM-DD(输入也接受 YYYYMMDD)",
    "yearmonth": "格式 YYYYMM,如 202109",
    "division": "6位行政区划代码(GB/T 2260),如 140105",
    "bool": "输入 1/0、是/否 或 true/false;输出 true、false 或 null(未填)",
    "decimal": "公里数,如 1.5",
    "grade": "1–12:一年级=1 … 六年级=6,初一=7 … 初三=9,高一=10 … 高三=12;输入也接受“初一”等名称",
    "class": "班级ID(见 GET /schools/{school_code}/classes);输入也接受本年级的班级名称;未编班为 null",
    "id": "居民身份证为18位,末位为 GB 11643 校验码(可为X);响应中以掩码显示",
    "phone": "7–20位数字,可含 + 和 -",
    "postcode": "6位数字",
    "email": "形如 name@example.com",
    "url": "形如 https://example.com",
}


def _table_text(table: dict) -> str:
    items = list(table.items())
    if len(items) <= 20:
        return "代码:" + "、".join(f"{code} {label}" for code, label in items)
    examples = "、".join(f"{code} {label}" for code, label in items[:3])
    return f"代码(共{len(items)}项),如 {examples} …"


def describe(spec: FieldSpec, *, member: bool = False) -> str:
    item = f"第{spec.item}/{spec.item + len(FAMILY_FIELDS)}项" if member else f"第{spec.item}项"
    parts = [f"{item}「{spec.label}」"]
    if spec.required:
        parts.append("第一位成员必填" if member else "必填")
    if spec.name in CONTROLLED_ARTICLES:
        parts.append("受控信息,登记后只随升级、升学接续、复学或经批准的申请变动,不得直接修改(第二十三条)")
    elif spec.controlled:
        parts.append("受控信息,只能通过学籍信息变更申请修改(第十五条)")
    if spec.table and spec.kind == "code":
        parts.append(_table_text(spec.table) + ";输入也接受名称")
    if spec.kind in KIND_HINTS:
        parts.append(KIND_HINTS[spec.kind])
    if spec.max_length and spec.kind == "text":
        parts.append(f"最多{spec.max_length}个字")
    return ";".join(parts)


OUT_TYPES = {"date": date, "bool": bool | None, "decimal": float | None, "grade": int, "class": int | None}


def _out_field(spec: FieldSpec, *, member: bool = False):
    kind_type = OUT_TYPES.get(spec.kind, str)
    default = None if kind_type is not str else ""
    return kind_type, Field(default, alias=ALIASES.get(spec.name), description=describe(spec, member=member))


def _in_field(spec: FieldSpec, *, member: bool = False):
    return Text, Field(None, alias=ALIASES.get(spec.name), description=describe(spec, member=member))


class InputBase(Schema):
    # An unknown key is a typo the client should hear about, not silently drop.
    model_config = ConfigDict(extra="forbid", populate_by_name=True)


class OutputBase(Schema):
    model_config = ConfigDict(populate_by_name=True)


FamilyIn = create_model(
    "FamilyMemberIn", __base__=InputBase, **{s.name: _in_field(s, member=True) for s in FAMILY_FIELDS}
)
_StudentItemsIn = create_model(
    "StudentItemsIn", __base__=InputBase, **{s.name: _in_field(s) for s in ITEM_FIELDS}
)


class StudentCreateIn(_StudentItemsIn):
    school: str = Field(description="学校标识码(10位);学生建在该校,须为本校学籍管理员")
    family: list[FamilyIn] = Field(default_factory=list, description="家庭成员或监护人,最多两位(第49–72项)")


class StudentPatchIn(_StudentItemsIn):
    family: list[FamilyIn] | None = Field(
        None, description="家庭成员或监护人:按顺序合并到第一、第二位成员,只需写要改的项")


class FamilyMemberOut(create_model(
    "FamilyMemberItems", __base__=OutputBase, **{s.name: _out_field(s, member=True) for s in FAMILY_FIELDS}
)):
    member: int = Field(description="第几位成员:1 或 2")
    relation_label: str = Field("", description="关系名称")


class StudentHead(OutputBase):
    id: int = Field(description="学籍档案ID;URL 中以它指代学生(J、L 字头的学籍号也可,G 字头的完整学籍号亦接受)")
    student_number: str | None = Field(None, description=STUDENT_NUMBER_DOC + ";注册批准前为 null")
    former_numbers: list[str] = Field(description="曾用学籍号(如临时号 L 转为正式号后),仍指向同一学生;G 字头同样以掩码显示")
    status: str = Field(description="学籍状态:待注册、在籍、休学、转出、毕业 …")
    school: str = Field(description="学籍所在学校的学校标识码")
    school_name: str = Field(description="学校名称")


class StudentOut(create_model(
    "StudentItems", __base__=StudentHead, **{s.name: _out_field(s) for s in ITEM_FIELDS}
)):
    gender_label: str = Field(description="性别名称:男、女")
    grade_label: str = Field(description="年级名称:一年级 … 初一 … 高三")
    class_name: str | None = Field(None, description="班级名称")
    id_type_label: str = Field(description="身份证件类型名称")
    ethnicity_label: str = Field(description="民族名称")
    nationality_label: str = Field(description="国籍/地区名称")
    family: list[FamilyMemberOut] = Field(description="家庭成员或监护人(第49–72项),身份证件号以掩码显示")
    photo_url: str | None = Field(None, description="照片地址(须携带令牌访问);未上传为 null")
    photo_retake_needed: bool = Field(description="照片是否需要重新采集(升入下一学段时,第十二条)")
    created_at: datetime = Field(description="建档时间")
    updated_at: datetime = Field(description="最后修改时间")


class StudentSummaryOut(OutputBase):
    id: int = Field(description="学籍档案ID")
    student_number: str | None = Field(None, description=STUDENT_NUMBER_DOC + ";注册批准前为 null")
    name: str = Field(description="姓名")
    gender: str = Field(description="性别代码:1 男、2 女")
    gender_label: str = Field(description="性别名称")
    birth_date: date = Field(description="出生日期 YYYY-MM-DD")
    id_type: str = Field(description="身份证件类型代码")
    id_number: str = Field(description="身份证件号(掩码)")
    school: str = Field(description="学校标识码")
    school_name: str = Field(description="学校名称")
    grade: int = Field(description="年级 1–12")
    grade_label: str = Field(description="年级名称")
    school_class: int | None = Field(None, alias="class", description="班级ID;未编班为 null")
    class_name: str | None = Field(None, description="班级名称")
    status: str = Field(description="学籍状态")


class ChangeOut(Schema):
    field: str = Field(description="字段名(snake_case)")
    label: str = Field(description="字段中文名")
    old: Any = Field(None, description="原值(身份证件号及G字头学籍号以掩码显示)")
    new: Any = Field(None, description="新值(身份证件号及G字头学籍号以掩码显示)")


class StatusEventOut(Schema):
    id: int = Field(description="事件序号")
    at: datetime = Field(description="时间")
    kind: str = Field(description="事项,如 建档、信息维护、转学")
    from_status: str = Field(description="原学籍状态")
    to_status: str = Field(description="新学籍状态")
    school: str = Field(description="办理学校的学校标识码")
    school_name: str = Field(description="办理学校名称")
    actor: str = Field(description="办理人用户名")
    note: str = Field(description="说明(其中的G字头学籍号以掩码显示)")
    changes: list[ChangeOut] = Field(description="变更的字段及其原值、新值")


class RevealIn(Schema):
    reason: str = Field(description="查阅事由(必填,记入审计日志,第四十四条)")


class RevealOut(Schema):
    id_number: str = Field(description="完整的身份证件号")
    student_number: str | None = Field(None, description="完整的学籍号(G字头学籍号含身份证件号,与之一同显示);尚未发号为 null")


# ---------------------------------------------------------------- building the JSON


def _grade_label(grade: int | None) -> str:
    return GRADE_LABELS.get(grade, str(grade or ""))


def member_json(member: FamilyMember) -> dict:
    data = {spec.name: getattr(member, "position_title" if spec.name == "position" else spec.name)
            for spec in FAMILY_FIELDS}
    data["id_number"] = mask_id(member.id_number)
    data["member"] = member.position
    data["relation_label"] = codes.label(codes.FAMILY_RELATION, member.relation, "") or ""
    return data


def _photo_url(student: Student) -> str | None:
    if not student.photo:
        return None
    return reverse("api:student_photo", kwargs={"key": student.key})


def student_json(student: Student) -> dict:
    """Every item of the record; ID numbers masked (the full one is read through reveal-id, with a reason)."""
    data = {spec.name: getattr(student, spec.name) for spec in ITEM_FIELDS if spec.name != "school_class"}
    school_class = student.school_class
    data.update({
        "id": student.pk,
        "student_number": mask_student_number(student.student_number),
        "former_numbers": [mask_student_number(n.number) for n in student.numbers.all()
                           if n.number != student.student_number],
        "status": student.status,
        "school": student.school_id,
        "school_name": student.school.name,
        "id_number": mask_id(student.id_number),
        "class": student.school_class_id,
        "class_name": school_class.name if school_class else None,
        "gender_label": codes.label(codes.GENDER, student.gender, "") or "",
        "grade_label": _grade_label(student.grade),
        "id_type_label": codes.label(codes.ID_TYPE, student.id_type, "") or "",
        "ethnicity_label": codes.label(codes.ETHNICITY, student.ethnicity, "") or "",
        "nationality_label": codes.label(codes.NATIONALITY, student.nationality, "") or "",
        "family": [member_json(m) for m in student.family.all()],
        "photo_url": _photo_url(student),
        "photo_retake_needed": student.photo_retake_needed,
        "created_at": student.created_at,
        "updated_at": student.updated_at,
    })
    return data


def summary_json(student: Student) -> dict:
    school_class = student.school_class
    return {
        "id": student.pk, "student_number": mask_student_number(student.student_number), "name": student.name,
        "gender": student.gender, "gender_label": codes.label(codes.GENDER, student.gender, "") or "",
        "birth_date": student.birth_date, "id_type": student.id_type, "id_number": mask_id(student.id_number),
        "school": student.school_id, "school_name": student.school.name, "grade": student.grade,
        "grade_label": _grade_label(student.grade), "class": student.school_class_id,
        "class_name": school_class.name if school_class else None, "status": student.status,
    }


def _masked(field: str, value):
    # The history must not leak what the record itself masks.
    if field == "id_number" and isinstance(value, str):
        return mask_id(value)
    if field == "family" and isinstance(value, list):
        return [{**m, "id_number": mask_id(m.get("id_number"))} if isinstance(m, dict) else m for m in value]
    # A G student number (the issued number, an earlier one named in a note) carries the ID too.
    return mask_numbers_in_text(value)


def event_json(event: StatusEvent) -> dict:
    changes = []
    for field, pair in (event.changes or {}).items():
        old, new = pair if isinstance(pair, list | tuple) and len(pair) == 2 else (None, pair)
        changes.append({"field": field, "label": change_label(field),
                        "old": _masked(field, old), "new": _masked(field, new)})
    return {
        "id": event.pk, "at": event.at, "kind": event.kind, "from_status": event.from_status,
        "to_status": event.to_status, "school": event.school_id, "school_name": event.school.name,
        "actor": event.actor.username if event.actor else "", "note": mask_numbers_in_text(event.note),
        "changes": changes,
    }
