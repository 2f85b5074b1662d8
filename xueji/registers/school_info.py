"""学校基本信息表 (附件1) and 校区基本信息表 (附件2): the school and its campuses as the national forms list them.

The tree supplies code, name, type, ownership, place and authority; SchoolInfo and CampusInfo the items a school
keeps current itself; the counts (campuses, classes, students on the roll) are read from the record."""

from __future__ import annotations

from xueji.accounts.models import User
from xueji.forms.basic_info import division_text
from xueji.policy.fields import GRADE_LABELS

from .models import CampusInfo, SchoolInfo, UrbanRural

SCHOOL_HEADERS = (
    "学校标识码", "学校名称", "学校英文名称", "学校地址", "所在地行政区划代码", "所在地行政区划", "学校驻地城乡类型",
    "办学类型", "举办者类型", "年级设置", "小学学制(年)", "小学入学年龄(岁)", "是否省级示范高中", "隶属关系",
    "学籍主管部门", "统一社会信用代码", "建校年月", "校长姓名", "校长联系电话", "学籍主管领导", "学籍管理员",
    "联系电话", "传真电话", "邮政编码", "电子信箱", "主页地址", "校区数", "班级数", "在籍学生数", "休学学生数",
)
SCHOOL_TEXT_COLUMNS = (0, 4, 10, 11, 15, 16, 18, 21, 22, 23)
CAMPUS_HEADERS = ("序号", "学校标识码", "学校名称", "校区名称", "是否主校区", "校区所在地行政区划代码",
                  "校区所在地行政区划", "校区地址", "校区驻地城乡类型", "邮政编码", "校区负责人", "联系电话", "班级数",
                  "在籍学生数")
CAMPUS_TEXT_COLUMNS = (1, 5, 9, 11)


def info_of(school) -> SchoolInfo:
    """The school's own items; an unsaved empty row when it never filled them (nothing is written by a read)."""
    return SchoolInfo.objects.filter(school=school).first() or SchoolInfo(school=school)


def campus_info_of(campus) -> CampusInfo:
    return CampusInfo.objects.filter(campus=campus).first() or CampusInfo(campus=campus)


def _grades_text(school) -> str:
    grades = list(school.grades)
    if not grades:
        return ""
    return f"{GRADE_LABELS.get(grades[0], grades[0])}至{GRADE_LABELS.get(grades[-1], grades[-1])}"


def _authorities(school) -> str:
    found: dict[str, list[str]] = {}
    for grade in school.grades:
        found.setdefault(school.authority_for(grade).name, []).append(GRADE_LABELS.get(grade, str(grade)))
    return ";".join(f"{name}({labels[0]}至{labels[-1]})" if len(labels) > 1 else f"{name}({labels[0]})"
                    for name, labels in found.items())


def _registrars(school) -> str:
    users = User.objects.filter(school=school, role="registrar", is_active=True).order_by("username")
    return "、".join(u.display_name or u.username for u in users)


def _yes(value: bool) -> str:
    return "是" if value else "否"


def school_row(school, counts: dict) -> list:
    info = info_of(school)
    county = school.county_id
    return [
        school.code, school.name, info.english_name, school.address, county, division_text(county),
        UrbanRural(info.urban_rural).label if info.urban_rural else "", school.type_label,
        school.get_ownership_display(), _grades_text(school),
        "" if info.primary_years is None else str(info.primary_years),
        "" if info.entry_age is None else str(info.entry_age), _yes(school.provincial_model),
        f"市直管({school.city.name})" if school.city_run else f"县属({school.county.name})", _authorities(school),
        info.credit_code, info.founded, info.principal, info.principal_phone, info.registrar_leader,
        _registrars(school), info.phone, info.fax, info.postcode, info.email, info.homepage,
        counts["campuses"], counts["classes"], counts["enrolled"], counts["suspended"],
    ]


def campus_rows(school, counts: dict) -> list[list]:
    rows = []
    for i, campus in enumerate(school.campuses.order_by("-is_main", "name"), start=1):
        info = campus_info_of(campus)
        code = info.division_code or school.county_id
        per = counts["by_campus"].get(campus.pk, {})
        rows.append([
            i, school.code, school.name, campus.name, _yes(campus.is_main), code, division_text(code),
            campus.address, UrbanRural(info.urban_rural).label if info.urban_rural else "", info.postcode,
            info.head, info.phone, per.get("classes", 0), per.get("enrolled", 0),
        ])
    return rows
