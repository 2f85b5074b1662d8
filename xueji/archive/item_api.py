"""/api/v1/students/{key}/archive…: the student archive's items (第十一条), its certificates (the certificate rows,
linked, not copied) and the paper folder's location (第五条); /api/v1/archive/items/{id}…: one item's scan and its
correction. Read by whoever may read the record; filed by the registrar of the student's school."""

import datetime
from typing import Annotated

from ninja import Field, File, Form, Router, Schema, Status
from ninja.files import UploadedFile
from pydantic import ConfigDict

from xueji.api.common import ObjectId, errors
from xueji.applications.api import evidence_response
from xueji.audit import services as audit
from xueji.core.errors import RuleViolation
from xueji.policy.archive_items import KINDS
from xueji.policy.violations import Violation
from xueji.students.selectors import find_student

from . import item_selectors as selectors
from . import item_services as services
from .item_models import ArchiveItem, ArchiveLocation

router = Router(tags=["学生档案:档案材料与存放位置"])
KIND_HELP = ";".join(f"{code}={label}" for code, label in KINDS.items())


class ItemOut(Schema):
    id: int
    kind: str = Field(description=f"材料类型代码:{KIND_HELP}")
    kind_label: str
    title: str
    dated_on: datetime.date
    summary: str = ""
    certificate: str | None = Field(None, description="所属证书编号(证书与学历证明扫描件)")
    school: str = Field(description="保管学校标识码")
    original_name: str
    content_type: str
    size: int
    supersedes: int | None = Field(None, description="本材料更正的原材料 id")
    superseded_by: int | None = Field(None, description="已被更正时,更正后材料的 id")
    correction_reason: str = ""
    recorded_by: str
    created_at: datetime.datetime
    scan_url: str


class CertificateOut(Schema):
    number: str
    kind: str = Field(description="毕业、结业、肄业或学历证明")
    school: str
    school_name: str
    issued_on: datetime.date
    sealed_on: datetime.date | None = None


class LocationIn(Schema):
    model_config = ConfigDict(extra="forbid")

    room: str = Field("", max_length=50, description="档案室")
    shelf: str = Field("", max_length=50, description="档案柜(架)")
    box: str = Field("", max_length=50, description="档案盒")
    note: str = Field("", max_length=200, description="说明,如“随合并移交”")


class LocationOut(Schema):
    id: int
    school: str
    room: str
    shelf: str
    box: str
    note: str
    recorded_by: str
    recorded_at: datetime.datetime


class ArchiveOut(Schema):
    items: list[ItemOut] = Field(description="档案材料,含已被更正的(见 superseded_by)")
    certificates: list[CertificateOut] = Field(description="学生的证书与学历证明(证书登记本身,不另存副本)")
    location: LocationOut | None = Field(None, description="纸质档案现存放位置")
    location_history: list[LocationOut] = Field(description="存放位置的全部登记,先后为序")


def item_json(item: ArchiveItem) -> dict:
    successor = getattr(item, "superseded_by", None) if selectors.is_superseded(item) else None
    return {
        "id": item.pk, "kind": item.kind, "kind_label": item.get_kind_display(), "title": item.title,
        "dated_on": item.dated_on, "summary": item.summary,
        "certificate": item.certificate.number if item.certificate_id else None, "school": item.school_id,
        "original_name": item.original_name, "content_type": item.content_type, "size": item.size,
        "supersedes": item.supersedes_id, "superseded_by": successor.pk if successor else None,
        "correction_reason": item.correction_reason, "recorded_by": item.recorded_by.username,
        "created_at": item.created_at, "scan_url": f"/api/v1/archive/items/{item.pk}/scan",
    }


def location_json(location: ArchiveLocation) -> dict:
    return {"id": location.pk, "school": location.school_id, "room": location.room, "shelf": location.shelf,
            "box": location.box, "note": location.note, "recorded_by": location.recorded_by.username,
            "recorded_at": location.recorded_at}


def certificate_json(certificate) -> dict:
    return {"number": certificate.number, "kind": certificate.kind, "school": certificate.school_id,
            "school_name": certificate.school.name, "issued_on": certificate.issued_on,
            "sealed_on": certificate.sealed_on}


def archive_json(student) -> dict:
    history = list(selectors.locations_of(student))
    return {
        "items": [item_json(i) for i in selectors.items_of(student)],
        "certificates": [certificate_json(c) for c in selectors.certificates_of(student)],
        "location": location_json(history[-1]) if history else None,
        "location_history": [location_json(x) for x in history],
    }


def _date(value: str, field: str) -> datetime.date | None:
    value = (value or "").strip()
    if not value:
        return None
    try:
        return datetime.date.fromisoformat(value)
    except ValueError:
        raise RuleViolation(Violation(code="invalid_date", field=field,
                                      message="日期格式须为YYYY-MM-DD,如2026-09-01")) from None


Text = Annotated[str, Form("", max_length=500)]


@router.get("/students/{key}/archive", response={200: ArchiveOut, **errors(401, 404)}, summary="学生的学籍档案")
def student_archive(request, key: str):
    """档案材料(第十一条)、证书与学历证明、纸质档案存放位置。不在管辖范围内的学生返回 404;查阅记入审计日志。"""
    student = find_student(request.user, key, purpose="archive")
    return archive_json(student)


@router.post("/students/{key}/archive/items", response={201: ItemOut, **errors(400, 401, 403, 404, 422)},
             summary="归档一份档案材料")
def file_item(request, key: str, file: Annotated[UploadedFile | None, File(description="JPG、PNG 或 PDF 扫描件")] = None,
              kind: Annotated[str, Form("", max_length=20, description=f"材料类型代码或名称:{KIND_HELP}")] = "",
              title: Annotated[str, Form("", max_length=100, description="材料名称")] = "",
              dated_on: Annotated[str, Form("", max_length=10, description="材料日期 YYYY-MM-DD")] = "",
              summary: Text = "",
              certificate: Annotated[str, Form("", max_length=40, description="证书扫描件所属的证书编号")] = ""):
    """由学生所在学校的学籍管理员归档(multipart)。学分与学业水平考试成绩只适用于普通高中学生(第三十五条)。
    材料不可删除或修改,更正见 /archive/items/{item_id}/correct。"""
    student = find_student(request.user, key, purpose="archive", audit_read=False)
    item = services.file_item(request.user, student, kind=kind, title=title, dated_on=_date(dated_on, "dated_on"),
                              upload=file, summary=summary, certificate=certificate or None)
    return Status(201, item_json(item))


@router.post("/archive/items/{item_id}/correct", response={201: ItemOut, **errors(400, 401, 403, 404, 409, 422)},
             summary="更正档案材料")
def correct_item(request, item_id: ObjectId,
                 file: Annotated[UploadedFile | None, File(description="更正后的扫描件")] = None,
                 reason: Annotated[str, Form("", max_length=500, description="更正理由")] = "",
                 title: Annotated[str, Form("", max_length=100, description="新的材料名称,不填沿用")] = "",
                 dated_on: Annotated[str, Form("", max_length=10, description="新的材料日期,不填沿用")] = ""):
    """新材料取代原材料;原材料保留并标明已被更正(不删除)。"""
    item = services.correct_item(request.user, item_id, reason=reason, upload=file, title=title or None,
                                 dated_on=_date(dated_on, "dated_on"))
    return Status(201, item_json(item))


@router.get("/archive/items/{item_id}/scan", response={200: None, **errors(401, 404)}, summary="下载档案材料扫描件")
def download_scan(request, item_id: ObjectId):
    """只有可查看该学生的账号能下载;每次下载记入审计日志。"""
    item = selectors.find_item(request.user, item_id, purpose="scan")
    audit.record(request.user, "archive_item.scan", obj=item.student, details={"item": item.pk})
    return evidence_response(item)


@router.post("/students/{key}/archive/location", response={201: LocationOut, **errors(400, 401, 403, 404, 422)},
             summary="登记纸质档案存放位置")
def set_location(request, key: str, payload: LocationIn):
    """每次登记新增一行,原位置保留为历史。"""
    student = find_student(request.user, key, purpose="archive", audit_read=False)
    location = services.set_location(request.user, student, room=payload.room, shelf=payload.shelf,
                                     box=payload.box, note=payload.note)
    return Status(201, location_json(location))
