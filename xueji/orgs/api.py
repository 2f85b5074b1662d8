"""/api/v1/orgs and /api/v1/schools: the org tree as the caller's jurisdiction shows it."""

from datetime import date, datetime
from typing import Annotated, Literal

from ninja import Field, Query, Router, Schema, Status

from xueji.api.common import (
    FIRST_YEAR,
    LAST_YEAR,
    ObjectId,
    Page,
    PageNumber,
    PageSize,
    Text,
    Year,
    errors,
    paginate,
)
from xueji.core.errors import RuleViolation
from xueji.policy import codes
from xueji.policy.fields import GRADE_LABELS, parse_grade
from xueji.policy.violations import Violation

from . import selectors, services
from .models import Campus, Division, School, SchoolClass

router = Router(tags=["组织机构"])


class DivisionRef(Schema):
    code: str = Field(description="6位行政区划代码(GB/T 2260)")
    name: str = Field(description="名称")
    level: str = Field(description="层级:province、city、county")
    level_label: str = Field(description="层级名称:省、市、县(市、区)")


class SchoolOut(Schema):
    code: str = Field(description="10位学校标识码")
    name: str = Field(description="学校名称")
    school_type: str = Field(description="办学类型代码,如 211 小学、311 初级中学、342 高级中学")
    school_type_label: str = Field(description="办学类型名称")
    ownership: str = Field(description="举办者类型:public 公办、private 民办")
    ownership_label: str = Field(description="公办或民办")
    provincial_model: bool = Field(description="是否省级示范高中")
    city_run: bool = Field(description="是否市直管学校(其学籍主管部门为市级,第三条)")
    county: str = Field(description="所在县(区)的行政区划代码")
    county_name: str = Field(description="所在县(区)名称")
    city: str = Field(description="所在市的行政区划代码")
    city_name: str = Field(description="所在市名称")
    address: str = Field(description="地址")
    created_at: datetime = Field(description="建立时间")
    closed_on: date | None = Field(None, description="撤并日期;为空表示办学中(第八条)")
    closure: str = Field("", description="merged 已合并、closed 已撤销,或空")
    archive_school: str | None = Field(None, description="保管其学籍档案的学校(合并或撤销后)")


class CampusOut(Schema):
    id: int = Field(description="校区ID")
    name: str = Field(description="校区名称")
    address: str = Field(description="校区地址")
    is_main: bool = Field(description="是否主校区")


class ClassOut(Schema):
    id: int = Field(description="班级ID(学生的 class 字段即此值)")
    school: str = Field(description="学校标识码")
    grade: int = Field(description="年级 1–12:一年级=1 … 初一=7 … 高三=12")
    grade_label: str = Field(description="年级名称")
    name: str = Field(description="班级名称,如“1班”")
    entry_year: int = Field(description="入学年份")
    campus: int | None = Field(None, description="校区ID")
    head_teacher: str = Field(description="班主任")
    created_at: datetime = Field(description="建立时间")


class DivisionDetail(DivisionRef):
    kind: Literal["division"] = Field(description="division:行政区划")
    parent: str | None = Field(None, description="上级行政区划代码")
    divisions: list[DivisionRef] = Field(description="管辖范围内的下级行政区划")
    schools: list[SchoolOut] = Field(description="直接隶属于本行政区划的学校(县属学校,或市直管学校)")


class SchoolDetail(SchoolOut):
    kind: Literal["school"] = Field(description="school:学校")
    campuses: list[CampusOut] = Field(description="校区")
    classes: list[ClassOut] = Field(description="班级")


OrgDetail = Annotated[DivisionDetail | SchoolDetail, Field(discriminator="kind")]


class SchoolIn(Schema):
    code: str = Field(description="10位学校标识码")
    name: str = Field(description="学校名称")
    school_type: str = Field(description="办学类型代码或名称,如 211 或“小学”")
    county: str = Field(description="所在县(区)的6位行政区划代码")
    ownership: str = Field("public", description="public 公办(默认)或 private 民办")
    provincial_model: bool = Field(False, description="是否省级示范高中")
    city_run: bool = Field(False, description="是否市直管学校;只有市级及以上可以建立")
    address: str = Field("", description="地址")


class ClassIn(Schema):
    grade: Text = Field(description="年级:1–12,或“一年级”“初一”“高三”等名称")
    name: str = Field(description="班级名称,如“1班”")
    entry_year: Year = Field(description="入学年份,四位数字")
    campus: ObjectId | None = Field(None, description="校区ID;不填为不指定校区")
    head_teacher: str = Field("", description="班主任")


def division_ref(division: Division) -> dict:
    return {"code": division.code, "name": division.name, "level": division.level,
            "level_label": Division.Level(division.level).label}


def school_json(school: School) -> dict:
    return {
        "code": school.code, "name": school.name, "school_type": school.school_type,
        "school_type_label": school.type_label, "ownership": school.ownership,
        "ownership_label": School.Ownership(school.ownership).label, "provincial_model": school.provincial_model,
        "city_run": school.city_run, "county": school.county_id, "county_name": school.county.name,
        "city": school.city_id, "city_name": school.city.name, "address": school.address,
        "created_at": school.created_at, "closed_on": school.closed_on, "closure": school.closure,
        "archive_school": school.archive_school_id,
    }


def class_json(school_class: SchoolClass) -> dict:
    return {
        "id": school_class.pk, "school": school_class.school_id, "grade": school_class.grade,
        "grade_label": GRADE_LABELS.get(school_class.grade, str(school_class.grade)), "name": school_class.name,
        "entry_year": school_class.entry_year, "campus": school_class.campus_id,
        "head_teacher": school_class.head_teacher, "created_at": school_class.created_at,
    }


def _division_detail(user, division: Division) -> dict:
    return {
        **division_ref(division), "kind": "division", "parent": division.parent_id,
        "divisions": [division_ref(d) for d in selectors.child_divisions(user, division)],
        "schools": [school_json(s) for s in selectors.schools_under(user, division)],
    }


def _school_detail(user, school: School) -> dict:
    return {
        **school_json(school), "kind": "school",
        "campuses": [{"id": c.pk, "name": c.name, "address": c.address, "is_main": c.is_main}
                     for c in school.campuses.all()],
        "classes": [class_json(c) for c in selectors.classes_of(user, school)],
    }


@router.get("/orgs/{code}", response={200: OrgDetail, **errors(401, 404)}, summary="一个行政区划或学校及其下级")
def org_detail(request, code: str):
    """行政区划返回其下级行政区划和直接隶属的学校;学校返回其校区和班级。不在管辖范围内的返回 404。"""
    org = selectors.find_org(request.user, code)
    if isinstance(org, Division):
        return _division_detail(request.user, org)
    return _school_detail(request.user, org)


@router.get("/schools", response={200: Page[SchoolOut], **errors(400, 401)}, summary="管辖范围内的学校")
def list_schools(
    request,
    county: str | None = Query(None, description="所在县(区)的行政区划代码"),
    city: str | None = Query(None, description="所在市的行政区划代码"),
    type: str | None = Query(None, description="办学类型代码或名称,如 211 或“小学”"),
    q: str = Query("", description="学校名称中的字词"),
    page: PageNumber = 1,
    page_size: PageSize = 50,
):
    school_type = (codes.school_type_code(type) or type) if type else None
    qs = selectors.search_schools(request.user, county=county, city=city, school_type=school_type, q=q)
    body, _ = paginate(qs, page, page_size, school_json)
    return body


@router.post("/schools", response={201: SchoolOut, **errors(400, 401, 403, 409, 422)}, summary="建立学校")
def create_school(request, payload: SchoolIn):
    """县级主管部门在本县、市级和省级在其辖区内建立学校;学校账号调用返回 403。"""
    county = Division.objects.filter(pk=payload.county.strip()).first()
    if county is None:
        raise RuleViolation(Violation(code="unknown_division", field="county",
                                      message=f"行政区划代码“{payload.county}”不存在,请填写学校所在县(区)的6位代码"))
    school = services.create_school(
        request.user, code=payload.code.strip(), name=payload.name,
        school_type=codes.school_type_code(payload.school_type) or payload.school_type, county=county,
        ownership=payload.ownership, provincial_model=payload.provincial_model, city_run=payload.city_run,
        address=payload.address,
    )
    return Status(201, school_json(school))


@router.get("/schools/{school_code}/classes", response={200: list[ClassOut], **errors(401, 404)},
            summary="学校的班级")
def list_classes(
    request,
    school_code: str,
    grade: int | None = Query(None, ge=1, le=12, description="按年级筛选(1–12)"),
    entry_year: int | None = Query(None, ge=FIRST_YEAR, le=LAST_YEAR, description="按入学年份筛选"),
):
    school = selectors.find_school(request.user, school_code)
    qs = selectors.classes_of(request.user, school)
    if grade:
        qs = qs.filter(grade=grade)
    if entry_year:
        qs = qs.filter(entry_year=entry_year)
    return [class_json(c) for c in qs]


@router.post("/schools/{school_code}/classes", response={201: ClassOut, **errors(400, 401, 403, 404, 409, 422)},
             summary="建立班级")
def create_class(request, school_code: str, payload: ClassIn):
    """本校学籍管理员或主管部门建立班级;班级人数上限见第十三条,在编班时检查。"""
    school = selectors.find_school(request.user, school_code, purpose="create_class")
    campus = None
    if payload.campus is not None:
        campus = Campus.objects.filter(pk=payload.campus).first()
        if campus is None:
            raise RuleViolation(Violation(code="unknown_campus", field="campus", message="所选校区不存在,请重新选择或留空"))
    school_class = services.create_class(
        request.user, school, grade=parse_grade(payload.grade) or 0, name=payload.name,
        entry_year=payload.entry_year, campus=campus, head_teacher=payload.head_teacher,
    )
    return Status(201, class_json(school_class))
