"""Reads: the roster behind its gate, a grant holder's students and records, the consultation register."""

import datetime

from django.db import transaction
from django.utils import timezone

from xueji.audit import services as audit
from xueji.core.errors import Forbidden, NotFound, RuleViolation
from xueji.core.inputs import parse_id
from xueji.core.spreadsheets import xlsx_bytes
from xueji.orgs.models import School
from xueji.orgs.permissions import SchoolPolicy
from xueji.policy.access import A44, BASES, OUTCOMES, USES
from xueji.policy.violations import Violation
from xueji.students.models import Student

from . import roster, services
from .models import AccessGrant
from .permissions import GrantPolicy, RegisterPolicy

ROSTER = "在校生分班名册(附件3)"
RECORD = "学生完整学籍信息"

# ---------------------------------------------------------------- the roster (附件3)


def roster_table(user, school_code: str, *, grade: int | None = None) -> tuple[School, list[list]]:
    """The roster rows, once the gate allowed the export. A school the user neither oversees nor holds a grant
    for is 404 (absent and outside look the same); one he oversees without a grant is refused with 第四十四条."""
    school = School.objects.filter(pk=str(school_code)[:10]).first()
    reachable = school is not None and (
        SchoolPolicy.user_can(user, "view", school)
        or services.grant_for(user, school=school, grade=grade, purpose="export") is not None)
    if not reachable:
        raise NotFound("未找到该学校,或不在您的管辖范围内", actor=user, action="roster.export", object_type="school",
                       object_id=school_code)
    count = roster.students_of(school, grade).count()
    what = ROSTER + (f"·{grade}年级" if grade else "")
    basis = services.authorize(user, purpose="export", what=what, school=school, grade=grade, count=count)
    table = roster.rows(school, grade)
    with transaction.atomic():
        audit.record(user, "roster.export", obj=school,
                     details={"grade": grade, "rows": len(table), "basis": basis.kind,
                              "grant": basis.grant.pk if basis.grant else None})
    return school, table


# ---------------------------------------------------------------- a grant holder's reading (经批准查阅)


def my_grants(user):
    today = timezone.localdate()
    return [{"grant": g, "live": g.revoked_at is None and g.valid_from <= today <= g.valid_until}
            for g in AccessGrant.objects.filter(grantee=user).select_related("application")]


def find_grant(user, grant_id) -> AccessGrant:
    pk = parse_id(grant_id)
    grant = GrantPolicy.visible_to(user).filter(pk=pk).first() if pk is not None else None
    if grant is None:
        raise NotFound("未找到该查阅批准,或不在您的管辖范围内", actor=user, action="access.grant_view",
                       object_type="accessgrant", object_id=grant_id)
    return grant


def _live_own(user, grant_id) -> AccessGrant:
    grant = find_grant(user, grant_id)
    if grant.grantee_id != user.pk:
        raise Forbidden("只有获准账号本人可以凭该批准查阅")
    today = timezone.localdate()
    if grant.revoked_at is not None or not (grant.valid_from <= today <= grant.valid_until):
        state = "已撤销" if grant.revoked_at else "不在有效期内"
        raise RuleViolation(Violation("access_grant_inactive", f"该查阅批准{state},不能再凭其查阅({A44})",
                                      A44, "grant"))
    return grant


def grant_students(user, grant_id):
    """The students a live grant of the user covers (names and numbers only: opening one is a registered read)."""
    grant = _live_own(user, grant_id)
    return grant, services.covered_students(grant).select_related("school").order_by("school_id", "grade", "name")


def read_record(user, grant_id, student_key: str) -> tuple[AccessGrant, Student]:
    """One student's full record, read on a grant (第四十四条); registered. A student outside the grant is 404."""
    grant = _live_own(user, grant_id)
    from xueji.students.selectors import resolve_key

    student = resolve_key(student_key)
    if student is None or not services.covered_students(grant).filter(pk=student.pk).exists():
        raise NotFound("该学生不在此查阅批准的范围内", actor=user, action="access.read", object_type="student",
                       object_id=student_key)
    services.authorize(user, purpose="view", what=RECORD, students=[student])
    with transaction.atomic():
        audit.record(user, "access.read", obj=student, reason=grant.purpose[:200], details={"grant": grant.pk})
    return grant, student


# ---------------------------------------------------------------- the consultation register (查阅登记)

FILTERS = ("since", "until", "user", "school", "grant", "outcome")


def _day(text: str, name: str) -> datetime.date:
    try:
        return datetime.date.fromisoformat(text)
    except ValueError:
        raise RuleViolation(Violation("bad_date", f"日期“{text}”格式不正确,请按 YYYY-MM-DD 填写", None, name)) from None


def _start_of(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


def require_register_reader(user, action: str) -> None:
    if not RegisterPolicy.can_read(user):
        audit.record_refusal(user, action, object_type="register", object_id="", reason="无查阅登记查阅权限")
        raise Forbidden("查阅登记由审计员、省级教育行政部门和各级学籍主管部门查阅")


def register_entries(user, params: dict):
    """The register rows the user may read, filtered; newest first. Bad dates are refused (422)."""
    require_register_reader(user, "access.register")
    f = {k: str(params.get(k) or "").strip()[:40] for k in FILTERS}
    qs = RegisterPolicy.visible_to(user).select_related("school", "grant").order_by("-at", "-id")
    if f["since"]:
        qs = qs.filter(at__gte=_start_of(_day(f["since"], "since")))
    if f["until"]:
        qs = qs.filter(at__lt=_start_of(_day(f["until"], "until") + datetime.timedelta(days=1)))
    if f["user"]:
        qs = qs.filter(username=f["user"])
    if f["school"]:
        qs = qs.filter(school_id=f["school"])
    if f["grant"]:
        qs = qs.filter(grant_id=parse_id(f["grant"]) or 0)
    if f["outcome"]:
        qs = qs.filter(outcome=f["outcome"])
    return qs, f


def note_register_read(user, filters: dict, count: int, action: str = "access.register") -> None:
    with transaction.atomic():
        audit.record(user, action, object_type="register",
                     details={k: v for k, v in filters.items() if v} | {"count": count})


def entry_json(e) -> dict:
    return {
        "id": e.pk, "at": e.at, "user": e.username, "org_code": e.org_code, "grant": e.grant_id,
        "basis": e.basis, "basis_label": BASES.get(e.basis, e.basis), "use": e.use,
        "use_label": USES.get(e.use, e.use), "outcome": e.outcome, "outcome_label": OUTCOMES.get(e.outcome, e.outcome),
        "what": e.what, "school": e.school_id, "school_name": e.school.name if e.school_id else None,
        "student": e.student_id, "student_count": e.student_count, "source_ip": e.source_ip,
    }


REGISTER_HEADERS = ["序号", "时间", "账号", "账号所属单位代码", "依据", "查阅批准编号", "用途", "结果", "查阅/导出内容",
                    "学校标识码", "学校", "涉及学生数", "来源地址"]
REGISTER_MAX_ROWS = 100_000


def register_xlsx(qs) -> bytes:
    rows = []
    for e in qs[:REGISTER_MAX_ROWS].iterator(chunk_size=2000):
        rows.append([e.pk, timezone.localtime(e.at).strftime("%Y-%m-%d %H:%M:%S"), e.username, e.org_code,
                     BASES.get(e.basis, e.basis), e.grant_id or "", USES.get(e.use, e.use),
                     OUTCOMES.get(e.outcome, e.outcome), e.what, e.school_id or "",
                     e.school.name if e.school_id else "", e.student_count, e.source_ip])
    return xlsx_bytes("查阅登记", REGISTER_HEADERS, rows, text_columns=(3, 9),
                    heading=f"学籍信息查阅登记(第四十四条)· 导出于 {timezone.localtime():%Y-%m-%d %H:%M}")
