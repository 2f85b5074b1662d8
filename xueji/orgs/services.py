"""Writes to the org tree: schools, campuses and classes."""

import re

from django.db import IntegrityError, transaction

from xueji.audit import services as audit
from xueji.core.errors import Conflict, Forbidden, NotFound, RuleViolation
from xueji.policy import codes
from xueji.policy.reorganisation import closed_school_problems
from xueji.policy.violations import Violation

from .models import Campus, Division, School, SchoolClass
from .permissions import SchoolPolicy

SCHOOL_CODE = re.compile(r"^\d{10}$")


def create_school(actor, *, code: str, name: str, school_type: str, county: Division, ownership: str = "public",
                  provincial_model: bool = False, city_run: bool = False, address: str = "") -> School:
    if county.level != Division.Level.COUNTY:
        raise RuleViolation(Violation(code="county_required", field="county", message="学校须隶属于一个县(市、区)"))
    if not SchoolPolicy.can_create_in(actor, county):
        raise Forbidden("只有上级教育行政部门可以在其辖区内建立学校")
    problems = []
    if not SCHOOL_CODE.match(code or ""):
        problems.append(Violation(code="invalid_school_code", field="code", message="学校标识码须为10位数字"))
    if not (name or "").strip():
        problems.append(Violation(code="required", field="name", message="请填写学校名称"))
    if school_type not in codes.SCHOOL_TYPE:
        problems.append(Violation(code="invalid_code", field="school_type", message="办学类型不在代码表中,请重新选择"))
    if ownership not in School.Ownership.values:
        problems.append(Violation(code="invalid_code", field="ownership", message="举办者类型须为公办或民办"))
    if problems:
        raise RuleViolation(problems)
    if actor.role == "county" and city_run:
        raise Forbidden("市直管学校须由市级教育行政部门建立(第三条)")
    try:
        with transaction.atomic():
            school = School.objects.create(
                code=code, name=name.strip(), school_type=school_type, ownership=ownership,
                provincial_model=provincial_model, city_run=city_run, county=county, city=county.parent,
                address=address,
            )
            Campus.objects.create(school=school, name="主校区", address=address, is_main=True)
            audit.record(actor, "school.create", obj=school, details={"county": county.code})
    except IntegrityError as exc:
        raise Conflict(Violation(code="duplicate_school", field="code", message="该学校标识码已存在")) from exc
    return school


def create_class(actor, school: School, *, grade: int, name: str, entry_year: int, campus: Campus | None = None,
                 head_teacher: str = "") -> SchoolClass:
    if not SchoolPolicy.user_can(actor, "view", school):
        raise NotFound("未找到该学校,或该学校不在您的管辖范围内", actor=actor, action="class.create",
                       object_type="school", object_id=school.pk)
    if not SchoolPolicy.user_can(actor, "manage_classes", school):
        raise Forbidden("只有学校学籍管理员或主管部门可以建立班级")
    # 第八条: a merged or closed school forms no new class.
    problems = closed_school_problems(school.name, school.closed_on, school.closure, act="新建班级")
    if grade not in school.grades:
        problems.append(Violation(code="grade_not_offered", field="grade",
                                  message=f"{school.name}不设该年级,请选择{school.grades.start}–{school.grades.stop - 1}年级"))
    if not (name or "").strip():
        problems.append(Violation(code="required", field="name", message="请填写班级名称,如“1班”"))
    if not (2000 <= int(entry_year or 0) <= 2100):
        problems.append(Violation(code="invalid_year", field="entry_year", message="入学年份须为四位年份"))
    if campus is not None and campus.school_id != school.pk:
        problems.append(Violation(code="unknown_campus", field="campus", message="所选校区不属于本校"))
    if problems:
        raise RuleViolation(problems)
    try:
        with transaction.atomic():
            school_class = SchoolClass.objects.create(
                school=school, grade=grade, name=name.strip(), entry_year=entry_year, campus=campus,
                head_teacher=head_teacher,
            )
            audit.record(actor, "class.create", obj=school_class, details={"school": school.pk, "grade": grade})
    except IntegrityError as exc:
        raise Conflict(Violation(code="duplicate_class", field="name", message="本校同一届已有同名班级")) from exc
    return school_class
