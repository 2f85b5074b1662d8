"""/api/v1/students/{key}/graduation-conditions and the school's spreadsheet import (第三十五条).

Read by the student's school, its authority (the city) and the province; written by the school's registrar or
leader. A primary or junior-high student has no such conditions (422)."""

from datetime import datetime
from typing import Annotated, Any
from urllib.parse import quote

from django.http import HttpResponse
from django.utils import timezone
from ninja import Field, File, Form, Query, Router, Schema
from ninja.files import UploadedFile
from pydantic import ConfigDict

from xueji.api.common import ErrorItem, Year, errors
from xueji.core.errors import RuleViolation
from xueji.orgs.selectors import find_school
from xueji.policy import graduation_conditions as rules
from xueji.workdays.services import school_year_of

from . import importer, selectors, services

router = Router(tags=["普通高中毕业条件"])
Loose = int | str | None  # checked by the policy, so every bad field is reported at once (422), not the first (400)
Flag = bool | str | None


class SittingIn(Schema):
    model_config = ConfigDict(extra="forbid")

    subject: str = Field(max_length=20, description="学业水平考试科目,如“物理”")
    grade: str = Field(max_length=4, description="等级 A–E;A、B、C 为合格")
    attempt: int | str = Field(1, description=f"第几次考试:1 为正考,2–{rules.ATTEMPTS_MAX} 为补考(取最好成绩)")


class ConditionsIn(Schema):
    model_config = ConfigDict(extra="forbid")

    school_year: Year | None = Field(None, description="学年(2026 表示 2026–2027 学年),默认当前学年")
    quality_result: str | None = Field(None, max_length=10, description="基础素养评价总评:优秀、良好、合格、不合格;null 为未录入")
    credits_compulsory: Loose = Field(None, description=f"本学年必修学分,0–{rules.CREDITS_MAX}")
    credits_elective_1: Loose = Field(None, description="本学年选修I学分(学科课程标准所设选修模块)")
    credits_elective_2: Loose = Field(None, description="本学年选修II学分(学校自主开设选修模块)")
    fitness_met: Flag = Field(None, description="是否达到体育锻炼合格标准")
    practice_done: Flag = Field(None, description="是否按规定参加了劳动和社会实践活动")
    exams: list[SittingIn] = Field([], max_length=200, description="本学年的考试成绩;已有的相同记录不会重复,等级不同的作为更正另存")


class YearOut(Schema):
    school_year: int
    version: int = Field(description="版本号;更正后旧版本保留,current 为 false")
    current: bool
    quality_result: str | None = None
    credits_compulsory: int | None = None
    credits_elective_1: int | None = None
    credits_elective_2: int | None = None
    fitness_met: bool | None = None
    practice_done: bool | None = None
    recorded_by: str
    recorded_at: datetime
    superseded_at: datetime | None = None


class SittingOut(Schema):
    school_year: int
    subject: str
    attempt: int
    retake: bool = Field(description="是否补考")
    grade: str
    current: bool = Field(description="false 表示已被更正(保留原记录)")
    recorded_by: str
    recorded_at: datetime
    superseded_at: datetime | None = None


class SummaryOut(Schema):
    quality_result: str | None = None
    credits_total: int
    credits_compulsory: int
    credits_elective_1: int
    credits_elective_2: int
    best_grades: dict[str, str] = Field(description="各科最好成绩(含补考)")
    fitness_met: bool | None = None
    practice_done: bool | None = None
    discipline_in_force: list[str] = Field(description="尚未撤销、仍在期内的处分")


class ConditionsOut(Schema):
    student_number: str | None = None
    name: str
    grade: int
    school: str
    status: str
    school_year: int = Field(description="核对截至的学年")
    met: bool = Field(description="是否已达到第三十五条全部毕业条件")
    unmet: list[ErrorItem] = Field(description="未达到的条件,逐项注明第三十五条及其项")
    summary: SummaryOut
    required: dict[str, Any] = Field(description="本省毕业要求:各类学分下限、学业水平考试科目与合格等级")
    years: list[YearOut]
    exams: list[SittingOut]


class ImportRowOut(Schema):
    row: int = Field(description="行号(表头为第1行);0 表示整个文件")
    column: str = Field(description="列名;整个文件的问题为空")
    code: str
    article: str | None = None
    message: str


class ImportRefusedOut(Schema):
    detail: str
    errors: list[ErrorItem] = Field(description="契约格式的逐项错误:field 为列名,message 以“第N行”开头")
    rows: list[ImportRowOut] = Field(description="同样的错误,带行号与列名,便于程序定位")


class ImportOut(Schema):
    rows_total: int
    students: int = Field(description="新写入(或更正)的学年记录数")
    sittings: int = Field(description="新写入的考试成绩条数")


def _year(school_year: int | None) -> int:
    return school_year or school_year_of(timezone.localdate())


@router.get("/students/{key}/graduation-conditions", response={200: ConditionsOut, **errors(401, 404, 422)},
            summary="普通高中学生的毕业条件")
def get_conditions(request, key: str,
                   school_year: Annotated[Year | None, Query(description="核对截至的学年,默认当前学年")] = None):
    """学校、市级主管部门和省级可查阅;县级及其他用户返回 404。义务教育阶段学生返回 422(第三十五条)。"""
    student = selectors.find_for_conditions(request.user, key)
    refused = services.stage_refusal(student)
    if refused:
        raise RuleViolation(refused)
    return selectors.overview(student, _year(school_year))


@router.put("/students/{key}/graduation-conditions", response={200: ConditionsOut, **errors(400, 401, 403, 404, 422)},
            summary="录入或更正一个学年的毕业条件")
def put_conditions(request, key: str, payload: ConditionsIn):
    """只有学生所在学校的学籍管理员或学籍主管领导可录入(其他可查阅者 403)。整体替换该学年的记录(未给的项记为未录入),
    旧版本保留;考试成绩逐次追加,补考不覆盖正考。所有有误的字段一次列出(422)。"""
    student = selectors.find_for_conditions(request.user, key, audit_read=False)
    year = _year(payload.school_year)
    services.save_conditions(request.user, student, year, payload.dict())
    return selectors.overview(student, year)


@router.get("/graduation-conditions/template", response={200: None, **errors(401)},
            summary="下载毕业条件导入模板(.xlsx)")
def download_template(request):
    return template_response()


def template_response() -> HttpResponse:
    response = HttpResponse(importer.template_bytes(), content_type=importer.XLSX_TYPE)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(importer.FILENAME)}"
    return response


@router.post("/schools/{code}/graduation-conditions/import",
             response={200: ImportOut, 422: ImportRefusedOut, **errors(400, 401, 403, 404)},
             summary="从表格导入本校学生的毕业条件")
def import_conditions(request, code: str,
                      file: Annotated[UploadedFile, File(description=".xlsx 或 .xls,列名见导入模板")],
                      school_year: Annotated[Year | None, Form(description="学年(2026 表示 2026–2027 学年),默认当前学年")] = None):
    """一行一名学生(学籍号+姓名)。所有有误的单元格一次列出(422,含行号与列名),全部无误才写入。
    文件未包含的列保留原值。只有本校学籍管理员或学籍主管领导可导入。"""
    school = find_school(request.user, code, purpose="graduation_conditions")
    try:
        result = services.import_upload(request.user, school, _year(school_year), file)
    except importer.RowErrors as exc:
        return 422, {"detail": exc.summary, "errors": [v.as_dict() for v in exc.violations],
                     "rows": [e.as_dict() for e in exc.rows]}
    return {"rows_total": result.rows_total, "students": result.students, "sittings": result.sittings}
