"""Access applications, grants and the consultation register (第四十四条).

`authorize` is the one gate every use of personal data outside daily work goes through (the roster export, a
grant holder's reading of a record, the full-ID 附件6 PDF of another school): it finds the basis (daily work or a
grant), writes the register row, and refuses with 第四十四条 when there is none; the refusal is registered too.
An export with full ID numbers calls, before it builds anything:
    authorize(user, purpose="export", what="学生基本信息表(附件6)", students=[student])
and answers the RuleViolation it raises (422, article 第四十四条) like any refusal.
"""

import datetime
from dataclasses import dataclass

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from xueji.accounts.models import User
from xueji.applications import services as engine
from xueji.applications.models import Application
from xueji.audit import services as audit
from xueji.core.errors import Forbidden, NotFound, RuleViolation
from xueji.core.middleware import current_client_ip
from xueji.orgs.models import Division
from xueji.policy import access as rules
from xueji.policy.violations import Violation
from xueji.students.models import Student

from .change_types import DECISION_KIND, parse_date
from .models import AccessGrant, ConsultationEntry
from .scope import read_scope

# ---------------------------------------------------------------- filing and deciding


def _grantee(actor, username: str | None) -> User:
    if not username or username == actor.username:
        return actor
    user = User.objects.filter(username=username, is_active=True).first()
    if user is None:
        raise RuleViolation(Violation("access_grantee", f"获准账号“{username}”不存在或已停用,请填写本系统中的用户名",
                                      rules.A44, "grantee"))
    return user


def file_access(actor, *, use: str, scope_kind: str, purpose: str, valid_from, valid_until,
                requester_kind: str = "self", requester_name: str = "", grantee: str | None = None,
                students: list | None = None, school: str | None = None, division: str | None = None,
                grade=None) -> Application:
    """File a 查阅申请 for `grantee` (by default the filer himself); the scope's authority decides it."""
    who = _grantee(actor, grantee)
    payload = {
        "use": use, "scope_kind": scope_kind, "purpose": (purpose or "").strip()[:500],
        "requester_kind": requester_kind, "requester_name": (requester_name or "").strip()[:100],
        "grantee": who.username, "grantee_id": who.pk, "valid_from": str(valid_from or ""),
        "valid_until": str(valid_until or ""), "students": students, "school": school, "division": division,
        "grade": grade,
    }
    scope, _problems = read_scope(payload)
    if scope is not None:
        payload["scope_label"] = scope.label[:200]
    return engine.submit_scoped(actor, "access", payload, reason=payload["purpose"],
                                school=scope.school if scope is not None and scope.kind == "school" else None)


def decide(actor, application_id: int, *, approve: bool, comment: str = "", scan=None) -> Application:
    """The authority's written decision: approval carries the decision's scan, attached in the same transaction."""
    find_application(actor, application_id)
    if not approve:
        return engine.reject(actor, application_id, comment=comment)
    with transaction.atomic():
        if scan is not None:
            engine.attach_evidence(actor, application_id, scan, DECISION_KIND)
        return engine.approve(actor, application_id, comment=comment)


def find_application(user, application_id) -> Application:
    from xueji.applications.permissions import ApplicationPolicy

    application = Application.objects.filter(pk=application_id, type="access").first()
    if application is None or not ApplicationPolicy.user_can(user, "view", application):
        raise NotFound("未找到该查阅申请,或不在您的管辖范围内", actor=user, action="access.application",
                       object_type="application", object_id=application_id)
    return application


def open_grant(application: Application, actor) -> AccessGrant:
    """Called by the engine inside the approving transaction."""
    payload = application.payload
    scope, _problems = read_scope(payload)
    grant = AccessGrant.objects.create(
        application=application, grantee_id=payload["grantee_id"], use=payload["use"], scope_kind=scope.kind,
        school=scope.school, division=scope.division, grade=scope.grade, scope_label=scope.label[:200],
        purpose=payload["purpose"], requester_kind=payload["requester_kind"],
        requester_name=payload.get("requester_name") or "", valid_from=parse_date(payload["valid_from"]),
        valid_until=parse_date(payload["valid_until"]), granted_by=actor, granted_org=actor.org_code,
    )
    if scope.students:
        grant.students.set(scope.students)
    audit.record(actor, "access.grant", obj=grant, details={"application": application.pk,
                                                            "grantee": payload["grantee"]})
    return grant


def may_revoke(user, grant: AccessGrant) -> bool:
    """The approving authority (any officer of it) or the province withdraws a grant."""
    return user.role == "province" or (user.role in ("county", "city") and user.division_id == grant.granted_org)


def revoke(actor, grant_id: int, *, reason: str) -> AccessGrant:
    if not (reason or "").strip():
        raise RuleViolation(Violation("revoke_reason_required", "撤销查阅批准须填写理由", rules.A44, "reason"))
    with transaction.atomic():
        grant = AccessGrant.objects.select_for_update().filter(pk=grant_id).first()
        if grant is None or not _sees_grant(actor, grant):
            raise NotFound("未找到该查阅批准", actor=actor, action="access.revoke", object_type="accessgrant",
                           object_id=grant_id)
        if not may_revoke(actor, grant):
            raise Forbidden("查阅批准由原批准部门或省级教育行政部门撤销")
        if grant.revoked_at is None:
            grant.revoked_at, grant.revoked_by, grant.revoke_reason = timezone.now(), actor, reason.strip()[:500]
            grant.save(update_fields=["revoked_at", "revoked_by", "revoke_reason"])
            audit.record(actor, "access.revoke", obj=grant, reason=reason)
    return grant


def _sees_grant(user, grant: AccessGrant) -> bool:
    from .permissions import GrantPolicy

    return GrantPolicy.visible_to(user).filter(pk=grant.pk).exists()


# ---------------------------------------------------------------- what a grant covers


def _live(user, purpose: str, today: datetime.date):
    return AccessGrant.objects.filter(
        grantee=user, revoked_at__isnull=True, valid_from__lte=today, valid_until__gte=today,
        use__in=rules.USE_COVERS[purpose], application__status=Application.Status.APPROVED,
    ).select_related("school", "division")


def division_q(division: Division, prefix: str = "") -> Q:
    """The schools a division's scope holds, as the jurisdiction reads them (a city-run school is the city's)."""
    if division.level == Division.Level.PROVINCE:
        return Q()
    if division.level == Division.Level.CITY:
        return Q(**{f"{prefix}city_id": division.pk})
    return Q(**{f"{prefix}county_id": division.pk, f"{prefix}city_run": False})


def covered_students(grant: AccessGrant):
    """The students a grant names or whose school (and grade) lies in its scope."""
    if grant.scope_kind == "students":
        return grant.students.all()
    qs = Student.objects.filter(school_id=grant.school_id) if grant.scope_kind == "school" \
        else Student.objects.filter(division_q(grant.division, "school__"))
    return qs.filter(grade=grant.grade) if grant.grade else qs


def _covers_school(grant: AccessGrant, school, grade) -> bool:
    if grant.grade and grant.grade != grade:
        return False
    if grant.scope_kind == "school":
        return grant.school_id == school.pk
    if grant.scope_kind == "division":
        return type(school).objects.filter(division_q(grant.division), pk=school.pk).exists()
    return False


def _covers_students(grant: AccessGrant, students) -> bool:
    ids = {s.pk for s in students}
    return covered_students(grant).filter(pk__in=ids).count() == len(ids)


def grant_for(user, *, students=None, school=None, grade=None, purpose: str = "export",
              today: datetime.date | None = None) -> AccessGrant | None:
    """The user's live grant that covers exactly what is asked (a school, optionally one grade; or students)
    for this use ("view" or "export"), or None."""
    today = today or timezone.localdate()
    for grant in _live(user, purpose, today):
        if school is not None and _covers_school(grant, school, grade):
            return grant
        if students is not None and _covers_students(grant, students):
            return grant
    return None


# ---------------------------------------------------------------- the gate and the register


@dataclass(frozen=True)
class Basis:
    kind: str  # "daily" or "grant"
    grant: AccessGrant | None = None


def _daily_work(user, *, purpose: str, school, students) -> bool:
    """第六条/第三条: the school's own staff handle its records and rosters; authorities read (not export) what
    their jurisdiction covers. Anything else is a release under 第四十四条."""
    schools = {school.pk} if school is not None else {s.school_id for s in students}
    if user.role in rules.DAILY_EXPORT_ROLES and schools == {user.school_id}:
        return True
    if purpose == "view" and students:
        from xueji.students.permissions import StudentPolicy

        ids = {s.pk for s in students}
        return StudentPolicy.visible_to(user).filter(pk__in=ids).count() == len(ids)
    return False


def write_entry(user, *, purpose: str, what: str, outcome: str, basis: str, grant=None, school=None,
                student=None, count: int = 0) -> ConsultationEntry:
    return ConsultationEntry.objects.create(
        user=user, username=user.username, org_code=user.org_code, grant=grant, basis=basis, use=purpose,
        outcome=outcome, what=what[:200], school=school, student=student, student_count=count,
        source_ip=(current_client_ip() or "")[:45])


def authorize(user, *, purpose: str, what: str, school=None, students=None, grade=None, count: int = 0) -> Basis:
    """Allow a use of personal data (第四十四条) and register it; refuse (registered too) when neither daily work nor
    a live grant covers it. Call it outside a transaction: a refusal's row must outlive the refused request."""
    students = list(students or [])
    one = students[0] if len(students) == 1 else None
    where = school or (one.school if one else None)
    count = count or len(students)
    if _daily_work(user, purpose=purpose, school=school, students=students):
        basis = Basis("daily")
    else:
        grant = grant_for(user, students=students or None, school=school, grade=grade, purpose=purpose)
        basis = Basis("grant", grant) if grant else None
    with transaction.atomic():
        if basis is None:
            write_entry(user, purpose=purpose, what=what, outcome="denied", basis="none", school=where,
                        student=one, count=count)
            audit.record(user, "access.denied", object_type="school" if school else "student",
                         object_id=(school.pk if school else (one.key if one else "")), outcome="denied",
                         reason=rules.A44, details={"what": what, "use": purpose})
        else:
            write_entry(user, purpose=purpose, what=what, outcome="ok", basis=basis.kind, grant=basis.grant,
                        school=where, student=one, count=count)
    if basis is None:
        raise RuleViolation(rules.not_granted(what))
    return basis
