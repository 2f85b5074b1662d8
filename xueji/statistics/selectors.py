"""The dashboards' figures, read from the two summary tables (never from the records, issue #15).

A dashboard is about one node of the tree: the province, a city, a county or a school. Two queries build it:
the student tally grouped by (child node, grade, gender, status, school type) and the change tally grouped by
(child node, type, month, outcome, side); every figure is folded from those rows in Python (a few thousand at
most, whatever the registry's size). The child nodes are the drill-down: province → cities, city → counties and
its city-run schools (直管, 第三条), county → schools.
"""

import datetime
from collections import Counter
from dataclasses import dataclass, field

from django.db.models import Q, Sum
from django.utils import timezone

from xueji.applications.engine import change_type
from xueji.core.errors import NotFound, RuleViolation
from xueji.core.jurisdiction import school_scope
from xueji.orgs.models import Division, School
from xueji.policy import codes
from xueji.policy.fields import GRADE_LABELS
from xueji.policy.province import STAGE_LABELS, get_policy
from xueji.policy.violations import Violation
from xueji.students.models import Status, StudentTally
from xueji.students.tally import MEASURES

from .models import ChangeTally
from .permissions import StatisticsPolicy

ENROLLED = Status.ENROLLED
FLAG_LABELS = {"migrant": "随迁子女", "left_behind": "留守儿童", "disabled": "残疾学生", "inclusive": "随班就读"}
GENDERS = (("1", "男"), ("2", "女"))
TRANSFERS_IN = {("transfer", ""), ("transfer_in", "")}
TRANSFERS_OUT = {("transfer", "out"), ("transfer_out", "")}
WITHDRAWALS = ("withdrawal", "auto_withdrawal")  # 退学 (第三十、三十一条)
DROPOUTS = ("dropout", "no_show_dropout")  # 辍学 (第三十三条)
CHANGE_MEASURES = ("decided", "on_time", "late")


@dataclass
class Node:
    level: str  # province, city, county, school
    code: str
    name: str
    obj: Division | School
    schools: Q  # the node's schools, as a filter through "school__" on either tally
    crumbs: list[tuple[str, str]] = field(default_factory=list)  # (code, name) from the user's home down


@dataclass
class Figure:
    key: str
    title: str
    headers: list[str]
    rows: list[list]
    chart: dict
    links: list[str | None] = field(default_factory=list)  # drill-down target code per row (children only)


def node_for(user, code: str | None) -> Node:
    """The dashboard node `code` (a division or school code; the user's own by default) if the user may read it,
    else NotFound (absent and outside look alike, and the refusal is logged)."""
    code = (code or StatisticsPolicy.home_code(user) or "").strip()
    obj = (Division.objects.filter(pk=code).select_related("parent").first()
           or School.objects.filter(pk=code).select_related("county", "city").first()) if code else None
    if obj is None or not StatisticsPolicy.user_can(user, "view", obj):
        raise NotFound("未找到该区划或学校的统计,或不在您的管辖范围内",
                       actor=user, action="statistics.view", object_type="statistics", object_id=code)
    mine = school_scope(user, prefix="school__")
    if isinstance(obj, School):
        return Node("school", obj.pk, obj.name, obj, Q(school_id=obj.pk) & mine, _crumbs(user, obj))
    narrow = {
        Division.Level.PROVINCE: Q(),
        Division.Level.CITY: Q(school__city_id=obj.pk),
        # A city-run school stands in a county but hangs under its city (第三条).
        Division.Level.COUNTY: Q(school__county_id=obj.pk, school__city_run=False),
    }[obj.level]
    return Node(obj.level, obj.pk, obj.name, obj, narrow & mine, _crumbs(user, obj))


def _crumbs(user, obj) -> list[tuple[str, str]]:
    chain = []
    node = obj.tree_parent if isinstance(obj, School) else obj.parent
    while node is not None and StatisticsPolicy.user_can(user, "view", node):
        chain.append((node.pk, node.name))
        node = node.parent
    return list(reversed(chain))


# ------------------------------------------------------------------------------------------------- the two reads


def _children(node: Node) -> list[tuple[str, Q, str]]:
    """(child dimension, extra filter, level of the child) for the node's drill-down."""
    if node.level == "province":
        return [("school__city_id", Q(), "city")]
    if node.level == "city":
        return [("school__county_id", Q(school__city_run=False), "county"),
                ("school_id", Q(school__city_run=True), "school")]
    if node.level == "county":
        return [("school_id", Q(), "school")]
    return [("school_id", Q(), "school")]


def student_rows(node: Node) -> list[dict]:
    """The student tally of the node, one row per (child, grade, gender, status, school type)."""
    found = []
    for child, extra, _level in _children(node):
        rows = (StudentTally.objects.filter(node.schools & extra)
                .values(child, "grade", "gender", "status", "school__school_type")
                .order_by().annotate(**{f"_{m}": Sum(m) for m in MEASURES}))
        for r in rows:
            found.append({"child": r[child], "grade": r["grade"], "gender": r["gender"], "status": r["status"],
                          "school_type": r["school__school_type"]} | {m: r[f"_{m}"] or 0 for m in MEASURES})
    return found


def change_rows(node: Node, since: str, until: str) -> list[dict]:
    """The change tally of the node between two months (YYYY-MM, inclusive), one row per (type, month, outcome,
    side)."""
    rows = (ChangeTally.objects.filter(node.schools, month__gte=since, month__lte=until)
            .values("type", "month", "outcome", "side")
            .order_by().annotate(**{f"_{m}": Sum(m) for m in CHANGE_MEASURES}))
    return [{k: r[k] for k in ("type", "month", "outcome", "side")} | {m: r[f"_{m}"] or 0 for m in CHANGE_MEASURES}
            for r in rows]


def child_change_rows(node: Node, since: str, until: str) -> list[dict]:
    """What the drill-down table shows of the changes: approved transfers, withdrawals and dropouts per child,
    type and side."""
    kinds = {t for t, _side in TRANSFERS_IN | TRANSFERS_OUT} | set(WITHDRAWALS) | set(DROPOUTS)
    found = []
    for child, extra, _level in _children(node):
        rows = (ChangeTally.objects.filter(node.schools & extra, month__gte=since, month__lte=until,
                                           outcome="approved", type__in=kinds)
                .values(child, "type", "side").order_by().annotate(_decided=Sum("decided")))
        found += [{"child": r[child], "type": r["type"], "side": r["side"], "decided": r["_decided"] or 0}
                  for r in rows]
    return found


def months_back(count: int, today: datetime.date | None = None) -> list[str]:
    """The last `count` months, oldest first, ending with this one (Beijing time)."""
    today = today or timezone.localdate()
    year, month = today.year, today.month
    found = []
    for _ in range(count):
        found.append(f"{year:04d}-{month:02d}")
        year, month = (year, month - 1) if month > 1 else (year - 1, 12)
    return list(reversed(found))


# -------------------------------------------------------------------------------------------- the dashboard


def dashboard(user, code: str | None = None, months: int = 12) -> tuple[Node, list[Figure]]:
    node = node_for(user, code)
    window = months_back(months)
    students = student_rows(node)
    changes = change_rows(node, window[0], window[-1])
    figures = [
        grade_gender(students), by_stage(students), by_status(students), by_school_type(students),
        flags(students), changes_by_month(changes, window), transfers(changes, window), leavers(changes, window),
        deadlines(changes, window),
    ]
    if node.level != "school":
        figures.append(children(node, students, child_change_rows(node, window[0], window[-1])))
    return node, figures


def _totals(rows, keys: tuple[str, ...], measure: str = "students", where=None) -> Counter:
    """One pass over the rows: the sum of `measure` by the values of `keys` (a 1-tuple key is unwrapped)."""
    found: Counter = Counter()
    for r in rows:
        if where is None or where(r):
            found[r[keys[0]] if len(keys) == 1 else tuple(r[k] for k in keys)] += r[measure]
    return found


def _enrolled(rows):
    return [r for r in rows if r["status"] == ENROLLED]


def _bar(categories, series: dict[str, list], *, stack: bool = False, horizontal: bool = False) -> dict:
    return {"kind": "bar", "categories": categories, "stack": stack, "horizontal": horizontal,
            "series": [{"name": name, "data": data} for name, data in series.items()]}


def _with_total(table: list[list], label: str = "合计") -> list[list]:
    return [*table, [label, *[sum(row[i] for row in table) for i in range(1, len(table[0]))]]] if table else []


def _stage(grade: int) -> str:
    try:
        return STAGE_LABELS[get_policy().stage_of_grade(grade)]
    except ValueError:
        return "其他"


def _by_stage(by_grade: Counter) -> dict[str, int]:
    found: dict[str, int] = {}
    for grade in sorted(by_grade):
        found[_stage(grade)] = found.get(_stage(grade), 0) + by_grade[grade]
    return found


def grade_gender(students) -> Figure:
    rows = _enrolled(students)
    by, per_grade = _totals(rows, ("grade", "gender")), _totals(rows, ("grade",))
    table = _with_total([[GRADE_LABELS.get(g, str(g)), *[by[(g, code)] for code, _ in GENDERS], per_grade[g]]
                         for g in sorted(per_grade)])
    body = table[:-1]
    chart = _bar([t[0] for t in body], {label: [t[i + 1] for t in body] for i, (_, label) in enumerate(GENDERS)},
                 stack=True)
    return Figure("grade_gender", "在籍学生:年级与性别", ["年级", "男", "女", "合计"], table, chart)


def by_stage(students) -> Figure:
    totals = _by_stage(_totals(_enrolled(students), ("grade",)))
    table = _with_total([[label, n] for label, n in totals.items()])
    return Figure("stage", "在籍学生:学段", ["学段", "人数"], table,
                  {"kind": "pie", "categories": list(totals),
                   "series": [{"name": "人数", "data": list(totals.values())}]})


def by_status(students) -> Figure:
    totals = _totals(students, ("status",))
    table = _with_total([[s.label, totals[s.value]] for s in Status if totals[s.value]])
    return Figure("status", "全部学籍:学籍状态", ["学籍状态", "人数"], table,
                  _bar([t[0] for t in table[:-1]], {"人数": [t[1] for t in table[:-1]]}))


def by_school_type(students) -> Figure:
    totals = _totals(_enrolled(students), ("school_type",))
    table = _with_total([[codes.SCHOOL_TYPE.get(t, t), n] for t, n in sorted(totals.items()) if n])
    return Figure("school_type", "在籍学生:办学类型", ["办学类型", "人数"], table,
                  _bar([t[0] for t in table[:-1]], {"人数": [t[1] for t in table[:-1]]}, horizontal=True))


def flags(students) -> Figure:
    rows = _enrolled(students)
    per = {m: _by_stage(_totals(rows, ("grade",), m)) for m in MEASURES}
    table = _with_total([[stage, *[per[m].get(stage, 0) for m in MEASURES]] for stage in per["students"]])
    chart = _bar(list(per["students"]), {label: [per[m].get(stage, 0) for stage in per["students"]]
                                         for m, label in FLAG_LABELS.items()})
    return Figure("flags", "在籍学生:随迁子女、留守儿童、残疾与随班就读", ["学段", "在籍人数", *FLAG_LABELS.values()],
                  table, chart)


def _type_label(code: str) -> str:
    try:
        return change_type(code).label
    except RuleViolation:  # a type no longer registered keeps its code
        return code


def _approved_own(r) -> bool:
    return r["outcome"] == "approved" and r["side"] == ""


def changes_by_month(changes, window) -> Figure:
    by = _totals(changes, ("type", "month"), "decided", _approved_own)
    types = sorted({t for t, _m in by})
    table = _with_total([[_type_label(t), *[by[(t, m)] for m in window], sum(by[(t, m)] for m in window)]
                         for t in types])
    chart = _bar(window, {t[0]: t[1:-1] for t in table[:-1]}, stack=True)
    return Figure("changes", "学籍异动(已办结通过):类型与月份", ["类型", *window, "合计"], table, chart)


def _monthly(changes, window, series: dict[str, callable]) -> list[list]:
    per = {name: _totals(changes, ("month",), "decided", where) for name, where in series.items()}
    return _with_total([[m, *[per[name][m] for name in series]] for m in window])


def _moved(pairs):
    return lambda r: r["outcome"] == "approved" and (r["type"], r["side"]) in pairs


def _left(types):
    return lambda r: _approved_own(r) and r["type"] in types


def transfers(changes, window) -> Figure:
    table = _monthly(changes, window, {"转入": _moved(TRANSFERS_IN), "转出": _moved(TRANSFERS_OUT)})
    chart = _bar(window, {"转入": [t[1] for t in table[:-1]], "转出": [t[2] for t in table[:-1]]})
    return Figure("transfers", "转入与转出(已通过;含省外转入、转出)", ["月份", "转入", "转出"], table, chart)


def leavers(changes, window) -> Figure:
    table = _monthly(changes, window, {"退学": _left(WITHDRAWALS), "辍学": _left(DROPOUTS)})
    chart = _bar(window, {"退学": [t[1] for t in table[:-1]], "辍学": [t[2] for t in table[:-1]]})
    return Figure("leavers", "退学与辍学(已通过)", ["月份", "退学", "辍学"], table, chart)


def deadlines(changes, window) -> Figure:
    # Every decision counts, approved or rejected: the deadline binds the deciders either way (第二十二条 …).
    def decided(r):
        return r["side"] == "" and r["outcome"] in ("approved", "rejected")

    per = {m: _totals(changes, ("type",), m, decided) for m in CHANGE_MEASURES}
    table = []
    for t in [*sorted(per["decided"]), None]:
        n, met, late = ((sum(per[m].values()) for m in CHANGE_MEASURES) if t is None
                        else (per[m][t] for m in CHANGE_MEASURES))
        rate = f"{met * 100 / (met + late):.1f}%" if met + late else "—"
        table.append(["合计" if t is None else _type_label(t), n, met, late, n - met - late, rate])
    body = table[:-1]
    chart = _bar([t[0] for t in body], {"按期办结": [t[2] for t in body], "超期办结": [t[3] for t in body]},
                 stack=True, horizontal=True)
    return Figure("deadlines", f"办结期限:按期与超期({window[0]}至{window[-1]})",
                  ["类型", "办结件数", "按期办结", "超期办结", "无期限", "按期率"], table, chart)


def _child_names(node: Node, codes_: set[str]) -> dict[str, tuple[str, str]]:
    """{code: (name, level)} of the drill-down children."""
    names = {d.pk: (d.name, d.level) for d in Division.objects.filter(pk__in=codes_)}
    names |= {s.pk: (f"{s.name}(市直管)" if node.level == "city" else s.name, "school")
              for s in School.objects.filter(pk__in=codes_)}
    return names


def children(node: Node, students, moves) -> Figure:
    enrolled = _enrolled(students)
    per = {m: _totals(enrolled, ("child",), m) for m in MEASURES}
    genders = _totals(enrolled, ("child", "gender"))
    flows = [_totals(moves, ("child",), "decided", where)
             for where in (lambda r: (r["type"], r["side"]) in TRANSFERS_IN,
                           lambda r: (r["type"], r["side"]) in TRANSFERS_OUT,
                           lambda r: r["side"] == "" and r["type"] in WITHDRAWALS,
                           lambda r: r["side"] == "" and r["type"] in DROPOUTS)]
    found = set(per["students"]) | {r["child"] for r in moves}
    names = _child_names(node, found)
    headers = ["单位", "在籍人数", "男", "女", *FLAG_LABELS.values(), "转入", "转出", "退学", "辍学"]
    order = sorted(found, key=lambda c: (names.get(c, ("", ""))[1] == "school" and node.level == "city", c))
    table = _with_total([[names.get(c, (c, ""))[0], per["students"][c], genders[(c, "1")], genders[(c, "2")],
                          *[per[m][c] for m in FLAG_LABELS], *[flow[c] for flow in flows]] for c in order])
    level = {"province": "各市", "city": "各县(区)及市直管学校", "county": "各学校"}[node.level]
    chart = _bar([t[0] for t in table[:-1]], {"在籍人数": [t[1] for t in table[:-1]]})
    return Figure("children", f"{level}(点击名称查看下级)", headers, table, chart, [*order, None] if order else [])


# ------------------------------------------------------------------------------------------------- the API's


def parse_by(text: str, allowed) -> tuple[str, ...]:
    by = tuple(part.strip() for part in (text or "").split(",") if part.strip())
    unknown = [b for b in by if b not in allowed]
    if unknown:
        raise RuleViolation(Violation(code="invalid_dimension", field="by",
                                      message=f"by 中的 {'、'.join(unknown)} 不是可用的分组;"
                                              f"可用:{'、'.join(allowed)},以逗号分隔"))
    return by


CHANGE_DIMENSIONS = {"city": "school__city_id", "county": "school__county_id", "school": "school_id", "type": "type",
                     "month": "month", "outcome": "outcome", "side": "side"}


def change_counts(node: Node, by, *, outcome: str, since: str, until: str) -> list[dict]:
    """The change tally of the node grouped by `by` (names of CHANGE_DIMENSIONS); outcome "all" or one."""
    rows = ChangeTally.objects.filter(node.schools, month__gte=since, month__lte=until)
    if outcome != "all":
        rows = rows.filter(outcome=outcome)
    sums = {f"_{m}": Sum(m) for m in CHANGE_MEASURES}
    columns = [CHANGE_DIMENSIONS[d] for d in by]
    found = rows.values(*columns).order_by(*columns).annotate(**sums) if columns else [rows.aggregate(**sums)]
    return [{d: r[c] for d, c in zip(by, columns, strict=True)} | {m: r[f"_{m}"] or 0 for m in CHANGE_MEASURES}
            for r in found]
