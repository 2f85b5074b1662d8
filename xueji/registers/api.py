"""/api/v1/schools/{code}/registers: the school's registers of 第六条 (附件1, 附件2, 附件4, 新生入学名册) as JSON,
.xlsx or PDF (?format=), and the school's own 附件1–2 items (PUT)."""

from __future__ import annotations

from typing import Annotated, Literal
from urllib.parse import quote

from django.http import HttpResponse
from ninja import Query, Router, Schema
from pydantic import Field

from xueji.api.common import errors

from . import documents, printing, selectors, services, sheets
from .documents import REGISTERS

router = Router(tags=["学校学籍档案(第六条)"])

Code = Annotated[str, Field(max_length=10)]
Slug = Literal["school", "campuses", "movements", "admissions"]
Format = Literal["json", "xlsx", "pdf"]


def _download(content: bytes, content_type: str, name: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(name)}"
    return response


def answer(doc, fmt: str, table: str = ""):
    if fmt == "xlsx":
        return sheets.response(doc, table)
    if fmt == "pdf":
        return _download(printing.pdf_bytes(doc), "application/pdf", sheets.filename(doc, "pdf"))
    return doc.as_json()


@router.get("/schools/{school_code}/registers", response={200: list[dict], **errors(401, 404)},
            summary="学校学籍档案目录(第六条)")
def index(request, school_code: Code):
    selectors.school_for(request.user, school_code)
    base = f"/api/v1/schools/{school_code}/registers"
    return [{"register": r.slug, "title": r.title, "annex": r.annex, "personal": r.personal,
             "url": f"{base}/{r.slug}"} for r in REGISTERS.values()]


@router.get("/schools/{school_code}/registers/{kind}", response={200: dict, **errors(400, 401, 404, 422, 503)},
            summary="学校学籍档案:附件1、附件2、附件4、新生入学名册(format=json、xlsx 或 pdf)")
def read(request, school_code: Code, kind: Slug, format: Format = "json",
         term: str = Query("", max_length=7, description="附件4:学期,如 2026-1(第一学期)、2026-2(第二学期)"),
         start: str = Query("", max_length=10, description="附件4:起始日期 YYYY-MM-DD(与 end 同用,代替 term)"),
         end: str = Query("", max_length=10, description="附件4:截止日期 YYYY-MM-DD"),
         year: str = Query("", max_length=4, description="新生入学名册:学年,如 2026(2026—2027学年)"),
         table: Literal["", "summary", "grades"] = Query("", description="xlsx 的工作表:summary 为附件4汇总表或各班新生人数,grades 为附件4各年级增减,默认为学生名单")):
    """身份证件号与G字头学籍号以掩码显示;完整号码须用 POST 并写明查阅事由(第四十四条)。本校、所属县、市、省可读,
    其他账号返回 404。"""
    params = {"term": term, "start": start, "end": end, "year": year}
    return answer(documents.build(request.user, school_code, kind, params, fmt=format), format, table)


class RevealIn(Schema):
    format: Format = "json"
    reason: str = Field(max_length=200, description="查阅事由(第四十四条),记入查阅登记")
    term: str = Field("", max_length=7)
    start: str = Field("", max_length=10)
    end: str = Field("", max_length=10)
    year: str = Field("", max_length=4)
    table: Literal["", "summary", "grades"] = ""


@router.post("/schools/{school_code}/registers/{kind}",
             response={200: dict, **errors(400, 401, 404, 422, 503)},
             summary="附件4、新生入学名册含完整身份证件号(事由放在请求体中,第四十四条)")
def reveal(request, school_code: Code, kind: Slug, payload: RevealIn):
    """完整号码:在屏幕上(format=json)为辖区日常查阅;导出文件(xlsx、pdf)须为本校人员或持有效查阅批准,否则 422
    (第四十四条)。无论结果均记入查阅登记。"""
    params = payload.dict(include={"term", "start", "end", "year"})
    fmt = payload.format
    doc = documents.build(request.user, school_code, kind, params, reason=payload.reason,
                          fmt="page" if fmt == "json" else fmt)
    return answer(doc, fmt, payload.table)


class SchoolInfoIn(Schema):
    english_name: str | None = Field(None, max_length=200)
    credit_code: str | None = Field(None, max_length=18, description="统一社会信用代码,18位")
    urban_rural: str | None = Field(None, max_length=3, description="学校驻地城乡类型代码:111、112、121、122、123、210、220")
    founded: str | None = Field(None, max_length=6, description="建校年月 YYYYMM")
    postcode: str | None = Field(None, max_length=6)
    phone: str | None = Field(None, max_length=30)
    fax: str | None = Field(None, max_length=30)
    email: str | None = Field(None, max_length=100)
    homepage: str | None = Field(None, max_length=200)
    principal: str | None = Field(None, max_length=50)
    principal_phone: str | None = Field(None, max_length=30)
    registrar_leader: str | None = Field(None, max_length=50)
    primary_years: int | None = Field(None, ge=0, le=9)
    entry_age: int | None = Field(None, ge=0, le=9)


class CampusInfoIn(Schema):
    division_code: str | None = Field(None, max_length=6)
    urban_rural: str | None = Field(None, max_length=3)
    postcode: str | None = Field(None, max_length=6)
    head: str | None = Field(None, max_length=50)
    phone: str | None = Field(None, max_length=30)


@router.put("/schools/{school_code}/school-info", response={200: dict, **errors(400, 401, 403, 404, 422)},
            summary="维护学校基本信息(附件1)")
def put_school_info(request, school_code: Code, payload: SchoolInfoIn):
    """本校学籍管理员或学籍主管部门维护;只改请求体中给出的项。"""
    services.save_school_info(request.user, school_code, payload.dict(exclude_unset=True))
    return documents.build(request.user, school_code, "school", {}).as_json()


@router.put("/schools/{school_code}/campuses/{campus_id}/info", response={200: dict, **errors(400, 401, 403, 404, 422)},
            summary="维护校区基本信息(附件2)")
def put_campus_info(request, school_code: Code, campus_id: int, payload: CampusInfoIn):
    services.save_campus_info(request.user, school_code, campus_id, payload.dict(exclude_unset=True))
    return documents.build(request.user, school_code, "campuses", {}).as_json()
