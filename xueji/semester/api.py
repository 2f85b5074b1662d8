"""/api/v1/semester: the school's term-end re-check (第四十三条), the semester report going up the tiers (第七条)
and the correction list (第四十五条、第四十六条). The pages call the same selectors and services."""

from datetime import datetime

from django.utils import timezone
from ninja import Field, Query, Router, Schema

from xueji.api.common import ObjectId, Page, PageNumber, PageSize, Year, errors, paginate
from xueji.audit import services as audit
from xueji.core.errors import RuleViolation
from xueji.orgs.selectors import find_school
from xueji.policy.terms import term_label
from xueji.policy.violations import Violation

from . import quality, selectors, services
from .findings import findings
from .models import Correction, SemesterReport
from .permissions import OFFICERS, SCHOOL_ROLES

router = Router(tags=["学期报告与整改"])

TermYear = Query(None, description="学年起始年份,如2026表示2026–2027学年;不填为当前学年")
TermNumber = Query(None, description="学期:1 第一学期(秋季),2 第二学期(春季);不填为当前学期")


class RowOut(Schema):
    title: str = Field(description="学生姓名、班级或申请")
    grade: str = Field(description="年级名称(可为空)")
    detail: str = Field(description="问题说明")
    url: str = Field(description="更正该问题的页面")


class SectionOut(Schema):
    kind: str = Field(description="photo 缺照片 · required 必填项不全 · guardian 家长未确认 · duplicate 疑似重复 · "
                                  "over_cap 超常规班额 · overdue 逾期未办结的申请")
    label: str
    article: str = Field(description="依据条款")
    fix: str = Field(description="如何更正")
    count: int = Field(description="总数")
    rows: list[RowOut] = Field(description=f"前{quality.ROWS}条")


class ChangeKindOut(Schema):
    kind: str = Field(description="异动事项,如“转学”“休学”")
    count: int


class ChangeOut(Schema):
    at: datetime
    kind: str
    change: str = Field(description="原状态 → 新状态")
    title: str = Field(description="学生姓名")
    url: str


class ReviewOut(Schema):
    school: str
    school_name: str
    school_year: int
    term: int
    term_label: str
    window: list[str] = Field(description="学期起止日期")
    sections: list[SectionOut] = Field(description="数据质量清单(第四十三条)")
    changes_by_kind: list[ChangeKindOut] = Field(description="本学期学籍异动,按事项计数")
    changes_total: int
    changes: list[ChangeOut] = Field(description=f"本学期最近{quality.ROWS}条异动")


class ReportIn(Schema):
    school_year: Year = Field(description="学年起始年份")
    term: int = Field(description="学期:1 或 2")
    note: str = Field("", description="报送说明(可选)")


class DecisionIn(Schema):
    comment: str = Field("", description="审核意见(可选)")


class ReturnIn(Schema):
    reason: str = Field(description="退回理由(必填,第七条):说明应如何更正后重新报送")


class ReportOut(Schema):
    id: int
    unit_code: str = Field(description="报送单位:学校标识码或行政区划代码")
    unit_name: str
    level: str = Field(description="school · county · city")
    reviewer: str = Field(description="审核部门代码")
    reviewer_name: str
    school_year: int
    term: int
    term_label: str
    version: int = Field(description="版本:被退回后重新报送为新版本")
    status: str = Field(description="submitted 待审核 · confirmed 已确认 · returned 已退回")
    status_label: str
    note: str
    submitted_by: str
    submitted_at: datetime
    decided_by: str | None
    decided_at: datetime | None
    comment: str = Field(description="审核意见或退回理由")
    figures: dict = Field(description="报送时冻结的统计:students(按年级、性别、状态)、changes(按异动事项)、totals、"
                                      "units(县、市报告:下级单位报送情况)")


class UnitOut(Schema):
    code: str
    name: str
    status: str = Field(description="空串:未报送 · returned · submitted · confirmed")
    status_label: str
    late: bool = Field(description="已过报送期限(学期结束后若干日)仍未报送或退回未重报;仅提示,不限制报送")


class FindingOut(Schema):
    key: str = Field(description="事项标识,列入整改时在 refs 中使用")
    kind: str
    label: str
    articles: str = Field(description="依据条款")
    unit_code: str
    unit_name: str
    detail: str
    url: str
    listed: bool = Field(description="是否已列入整改清单")


class MarkOut(Schema):
    note: str
    marked_by: str
    marked_at: datetime


class CorrectionOut(Schema):
    id: int
    kind: str
    label: str
    articles: str
    unit_code: str
    unit_name: str
    authority: str
    detail: str
    school_year: int
    term: int
    listed_at: datetime
    corrected: bool = Field(description="已整改")
    marks: list[MarkOut]


class CorrectionsOut(Schema):
    school_year: int
    term: int
    findings: list[FindingOut] = Field(description="本部门所辖单位本学期的违规情况(仅学籍主管部门)")
    items: list[CorrectionOut] = Field(description="已列入整改清单的事项")


class ListIn(Schema):
    school_year: Year
    term: int
    refs: list[str] = Field([], description="要列入的事项标识(见 findings[].key);不填为全部")


class MarkIn(Schema):
    note: str = Field(description="整改说明(必填)")


def report_json(r: SemesterReport) -> dict:
    return {
        "id": r.pk, "unit_code": r.unit_code, "unit_name": r.unit_name, "level": r.level, "reviewer": r.reviewer_id,
        "reviewer_name": r.reviewer.name, "school_year": r.school_year, "term": r.term, "term_label": r.term_label,
        "version": r.version, "status": r.status, "status_label": r.get_status_display(), "note": r.note,
        "submitted_by": r.submitted_by.username, "submitted_at": r.submitted_at,
        "decided_by": r.decided_by.username if r.decided_by else None, "decided_at": r.decided_at,
        "comment": r.comment, "figures": r.figures,
    }


def correction_json(c: Correction) -> dict:
    marks = list(c.marks.all())
    return {
        "id": c.pk, "kind": c.kind, "label": c.kind_label, "articles": c.articles, "unit_code": c.unit_code,
        "unit_name": c.unit_name, "authority": c.authority_id, "detail": c.detail, "school_year": c.school_year,
        "term": c.term, "listed_at": c.listed_at, "corrected": bool(marks),
        "marks": [{"note": m.note, "marked_by": m.marked_by.username, "marked_at": m.marked_at} for m in marks],
    }


def review_json(user, school, school_year: int, term: int) -> dict:
    start, end = selectors.window(school_year, term)
    sections = quality.review(school, school_year, term)
    by_kind, total, rows = quality.term_changes(school, start, end)
    selectors.record_list_read(user, "review", sum(s.count for s in sections) + total, school=school.pk,
                         school_year=school_year, term=term)
    return {"school": school.pk, "school_name": school.name, "school_year": school_year, "term": term,
            "term_label": term_label(school_year, term), "window": [start.isoformat(), end.isoformat()],
            "sections": [s.__dict__ for s in sections], "changes_by_kind": by_kind, "changes_total": total,
            "changes": rows}


@router.get("/review", response={200: ReviewOut, **errors(400, 401, 403, 404, 422)}, summary="学期复核清单")
def review(request, school: str | None = Query(None, description="学校标识码;学校账号可不填"),
           school_year: int | None = TermYear, term: int | None = TermNumber):
    """学校学期末复核(第四十三条):缺照片、必填项不全、家长未确认、疑似重复未处理、超常规班额(附理由)、逾期未办结的申请,
    以及本学期的学籍异动。每一条都给出更正的页面。"""
    user = request.user
    selectors.refuse_outsider(user)
    code = school or (user.school_id if user.role in SCHOOL_ROLES else "")
    if not code:
        raise RuleViolation(Violation("school_required", "请用 school 参数指定学校标识码(10位数字)", None, "school"))
    found = find_school(user, code, purpose="semester_review")
    year, number = selectors.pick_term(school_year, term)
    return review_json(user, found, year, number)


@router.get("/reports", response={200: Page[ReportOut], **errors(400, 401, 403, 422)}, summary="学期报告列表")
def list_reports(request, school_year: int | None = TermYear, term: int | None = TermNumber,
                 awaiting: str = Query("", description="me:等待本部门审核的报告"),
                 page: PageNumber = 1, page_size: PageSize = 50):
    """本单位报送的与辖区内各单位的学期报告(第七条),新的在前。"""
    year, number = (selectors.pick_term(school_year, term) if school_year or term else (None, None))
    qs = selectors.reports_for(request.user, school_year=year, term=number, awaiting=awaiting == "me")
    body, _ = paginate(qs.select_related("decided_by"), page, page_size, report_json)
    return body


@router.post("/reports", response={201: ReportOut, **errors(400, 401, 403, 409, 422)}, summary="报送学期报告")
def submit_report(request, payload: ReportIn):
    """学校向学籍主管部门、县向市、市向省报送本学期报告(第七条);报送时冻结统计数字。被退回后再次报送为新版本。"""
    year, number = selectors.pick_term(payload.school_year, payload.term)
    report = services.submit(request.user, year, number, payload.note)
    return 201, report_json(selectors.find_report(request.user, report.pk))


@router.get("/reports/{report_id}", response={200: ReportOut, **errors(400, 401, 404)}, summary="学期报告")
def get_report(request, report_id: ObjectId):
    report = selectors.find_report(request.user, report_id)
    return report_json(report)


@router.post("/reports/{report_id}/confirm", response={200: ReportOut, **errors(400, 401, 403, 404, 409)},
             summary="确认学期报告")
def confirm_report(request, report_id: ObjectId, payload: DecisionIn):
    """上级学籍主管部门审核确认(第七条)。"""
    report = selectors.find_report(request.user, report_id, purpose="confirm")
    return report_json(services.confirm(request.user, report, payload.comment))


@router.post("/reports/{report_id}/return", response={200: ReportOut, **errors(400, 401, 403, 404, 409, 422)},
             summary="退回学期报告")
def return_report(request, report_id: ObjectId, payload: ReturnIn):
    """退回须写明理由(第七条);报送单位更正后报送新版本,原报告保留。"""
    report = selectors.find_report(request.user, report_id, purpose="return")
    return report_json(services.return_report(request.user, report, payload.reason))


@router.get("/units", response={200: list[UnitOut], **errors(400, 401, 403, 422)}, summary="下级单位报送情况")
def units(request, school_year: int | None = TermYear, term: int | None = TermNumber):
    """向本部门报送的学校与下级部门,本学期未报送、被退回、待审核、已确认的情况(第七条)。"""
    year, number = selectors.pick_term(school_year, term)
    rows = selectors.units_below(request.user, year, number)
    audit.record(request.user, "semester.units", object_type="semesterreport",
                           details={"school_year": year, "term": number, "count": len(rows)})
    return rows


def _findings_json(user, year: int, number: int) -> list[dict]:
    if user.role not in OFFICERS or user.division is None:
        return []
    start, end = selectors.window(year, number)
    listed = set(Correction.objects.filter(authority_id=user.division_id, school_year=year, term=number)
                 .values_list("kind", "ref"))
    found = findings(user.division, start, end, timezone.localdate())
    return [{"key": f"{f.kind}:{f.ref}", "kind": f.kind, "label": f.label, "articles": f.articles,
             "unit_code": f.unit_code, "unit_name": f.unit_name, "detail": f.detail, "url": f.url,
             "listed": f.key in listed} for f in found]


@router.get("/corrections", response={200: CorrectionsOut, **errors(400, 401, 403, 422)}, summary="整改清单")
def corrections(request, school_year: int | None = TermYear, term: int | None = TermNumber):
    """学籍主管部门:所辖单位本学期的违规情况(班额超标、逾期未注册、休学期满未报辍学、档案移交逾期、逾期办理,
    第四十五、四十六条)与已列入整改的事项;学校:本校被列入整改的事项。"""
    user = request.user
    year, number = selectors.pick_term(school_year, term)
    found = _findings_json(user, year, number)
    items = [correction_json(c) for c in selectors.corrections_for(user, school_year=year, term=number)]
    selectors.record_list_read(user, "findings", len(found) + len(items), school_year=year, term=number)
    return {"school_year": year, "term": number, "findings": found, "items": items}


@router.post("/corrections", response={201: list[CorrectionOut], **errors(400, 401, 403, 422)},
             summary="列入整改清单")
def list_corrections(request, payload: ListIn):
    """责令所辖单位改正(第四十五条、第四十六条):把本学期的违规事项(全部或 refs 所列)列入整改清单,学校的待办中出现“待整改”。"""
    year, number = selectors.pick_term(payload.school_year, payload.term)
    created = services.list_for_correction(request.user, year, number, payload.refs or None)
    ids = [c.pk for c in Correction.objects.filter(school_year=year, term=number,
                                                   ref__in=[c.ref for c in created])]
    return 201, [correction_json(c) for c in Correction.objects.filter(pk__in=ids).prefetch_related("marks")]


@router.post("/corrections/{correction_id}/done", response={201: CorrectionOut, **errors(400, 401, 403, 404, 422)},
             summary="标记已整改")
def mark_done(request, correction_id: ObjectId, payload: MarkIn):
    """责令改正的部门确认已整改并写明说明;记录为新的一行,原事项保留。"""
    item = selectors.find_correction(request.user, correction_id, purpose="correction")
    services.mark_corrected(request.user, item, payload.note)
    return 201, correction_json(Correction.objects.prefetch_related("marks").get(pk=item.pk))


