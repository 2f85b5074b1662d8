"""/api/v1/statistics: the dashboards' figures as JSON, from the same summary tables (#13 item 7)."""

import re

from ninja import Field, Query, Router, Schema

from xueji.api.common import errors
from xueji.audit import services as audit
from xueji.core.errors import RuleViolation
from xueji.policy.violations import Violation
from xueji.students import tally
from xueji.students.models import Status

from . import selectors

router = Router(tags=["统计分析"])

STUDENT_DIMENSIONS = ("city", "county", "school", "school_type", "grade", "gender", "status")
CHANGE_DIMENSIONS = tuple(selectors.CHANGE_DIMENSIONS)
MONTH = re.compile(r"^\d{4}-(0[1-9]|1[0-2])$")


class ScopeOut(Schema):
    level: str = Field(description="province 省、city 市、county 县(区)、school 学校")
    code: str = Field(description="行政区划代码或学校标识码")
    name: str


class CountsOut(Schema):
    scope: ScopeOut
    by: list[str]
    status: str = Field(description="统计的学籍状态;all 为全部状态")
    total: int = Field(description="人数合计")
    rows: list[dict] = Field(description="每组一行:分组字段(gender 为 \"1\"男/\"2\"女,grade 1–12)及 students 人数、"
                                         "migrant 随迁子女、left_behind 留守儿童、disabled 残疾、inclusive 随班就读")


class ChangesOut(Schema):
    scope: ScopeOut
    by: list[str]
    since: str
    until: str
    rows: list[dict] = Field(description="每组一行:分组字段及 decided 办结件数、on_time 期限内办结、late 超期办结")


class FigureOut(Schema):
    key: str
    title: str
    headers: list[str]
    rows: list[list]


class DashboardOut(Schema):
    scope: ScopeOut
    figures: list[FigureOut]


def _scope(node) -> dict:
    return {"level": node.level, "code": node.code, "name": node.name}


def _node(request, division: str, school: str):
    return selectors.node_for(request.user, (school or division).strip())


def _month(value: str, field: str) -> str:
    if not MONTH.match(value):
        raise RuleViolation(Violation(code="invalid_month", field=field,
                                      message=f"{field} 须为 YYYY-MM 格式的月份,如 2026-09"))
    return value


@router.get("/students", response={200: CountsOut, **errors(401, 404, 422)}, summary="学生人数统计")
def student_counts(
    request,
    division: str = Query("", max_length=6, description="行政区划代码;省略时为调用者所在区划"),
    school: str = Query("", max_length=10, description="学校标识码(优先于 division)"),
    by: str = Query("grade,gender", max_length=100,
                    description=f"分组字段,逗号分隔,可选:{','.join(STUDENT_DIMENSIONS)};留空为合计"),
    status: str = Query("在籍", max_length=8, description="学籍状态(如 在籍、休学);all 为全部状态"),
):
    """与统计页面同源(学生人数汇总表),只含调用者管辖范围内的学校。"""
    node = _node(request, division, school)
    dims = selectors.parse_by(by, STUDENT_DIMENSIONS)
    status = status.strip()
    if status != "all" and status not in Status.values:
        raise RuleViolation(Violation(code="invalid_status", field="status",
                                      message=f"status 须为学籍状态之一({'、'.join(Status.values)})或 all"))
    statuses = None if status == "all" else [status]
    rows = tally.counts(node.schools, by=dims, statuses=statuses)
    audit.record(request.user, "statistics.view", object_type="statistics", object_id=node.code)
    total = sum(r["students"] for r in rows)
    return {"scope": _scope(node), "by": list(dims), "status": status, "total": total, "rows": rows}


@router.get("/changes", response={200: ChangesOut, **errors(401, 404, 422)}, summary="学籍异动统计")
def change_counts(
    request,
    division: str = Query("", max_length=6, description="行政区划代码;省略时为调用者所在区划"),
    school: str = Query("", max_length=10, description="学校标识码(优先于 division)"),
    by: str = Query("type,month", max_length=100,
                    description=f"分组字段,逗号分隔,可选:{','.join(CHANGE_DIMENSIONS)}"),
    outcome: str = Query("approved", max_length=10, description="approved 已通过、rejected 已驳回、cancelled 已撤销、all"),
    since: str = Query("", max_length=7, description="起始月份 YYYY-MM(含);省略为12个月前"),
    until: str = Query("", max_length=7, description="截止月份 YYYY-MM(含);省略为本月"),
):
    """已办结的学籍申请按学校、类型、办结月份(北京时间)汇总;校内转学在转入学校计 side=\"\",在转出学校计 side=out。"""
    node = _node(request, division, school)
    dims = selectors.parse_by(by, CHANGE_DIMENSIONS)
    window = selectors.months_back(12)
    since = _month(since.strip(), "since") if since.strip() else window[0]
    until = _month(until.strip(), "until") if until.strip() else window[-1]
    if outcome not in ("approved", "rejected", "cancelled", "all"):
        raise RuleViolation(Violation(code="invalid_outcome", field="outcome",
                                      message="outcome 须为 approved、rejected、cancelled 或 all"))
    out = selectors.change_counts(node, dims, outcome=outcome, since=since, until=until)
    audit.record(request.user, "statistics.view", object_type="statistics", object_id=node.code)
    return {"scope": _scope(node), "by": list(dims), "since": since, "until": until, "rows": out}


@router.get("/dashboard", response={200: DashboardOut, **errors(401, 404)}, summary="统计页面的全部图表数据")
def dashboard(
    request,
    division: str = Query("", max_length=6, description="行政区划代码;省略时为调用者所在区划"),
    school: str = Query("", max_length=10, description="学校标识码(优先于 division)"),
):
    """与统计页面相同的各表(年级与性别、学段、学籍状态、办学类型、随迁子女等、异动、转入转出、退学辍学、办结期限、下级单位)。"""
    node, figures = selectors.dashboard(request.user, (school or division).strip())
    audit.record(request.user, "statistics.view", object_type="statistics", object_id=node.code)
    return {"scope": _scope(node), "figures": [
        {"key": f.key, "title": f.title, "headers": f.headers, "rows": f.rows} for f in figures]}

