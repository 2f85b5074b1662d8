"""Recording a school's merger or closure (第八条). The authority over the school records it; everything moves in
one transaction, set-based (UPDATE and INSERT … SELECT per table, never a save per student), and the act is
audited with what it moved.

Merger, school A into school B: every record A keeps (whatever its status: A's archive goes to B), every open
enrolment (ended at A, continued at B in the same grade and class), every class and campus, every archive item and
every pending application, open visiting stay and unfinished archive hand-over move to B; each student's history gains an event saying where and why; A is closed and
stays readable with its history. Closure: the authority names the keeper of A's archive (a school, or itself); the
finished records go to a keeping school, the students still at A are listed for transfer.
"""

import datetime
import json

from django.db import connection, transaction
from django.db.models import Exists, OuterRef, Value
from django.db.models.functions import Concat, Left
from django.utils import timezone

from xueji.applications.models import Application, Step
from xueji.archive.item_models import ArchiveItem
from xueji.audit import services as audit
from xueji.core.errors import Forbidden, RuleViolation
from xueji.core.jurisdiction import covers_division
from xueji.orgs.models import Campus, School, SchoolClass
from xueji.orgs.permissions import OFFICER_ROLES
from xueji.orgs.selectors import find_school
from xueji.policy import reorganisation as rules
from xueji.policy.fields import GRADE_LABELS
from xueji.policy.violations import Violation
from xueji.students.models import Enrolment, StatusEvent, Student
from xueji.transfers.models import ArchiveHandover
from xueji.visiting.models import VisitingStay

from .models import Reorganisation

# Students still at school: they move with a merger, and are listed for transfer on a closure.
OPEN = ("待注册", "在籍", "休学")
OPEN_IN = ", ".join(["%s"] * len(OPEN))
# Application payload keys naming the school a pending change starts from; they follow the record.
SCHOOL_KEYS = ("from_school", "home_school")


def _authorise(actor, school: School) -> None:
    """The school's 学籍主管部门 (or a tier above) records it: every grade's authority must be in the actor's
    subtree, so a county cannot close a school whose high-school grades the city manages (第三条)."""
    if actor.role not in OFFICER_ROLES:
        raise Forbidden("学校合并或撤销由学校的学籍主管部门登记(第八条)")
    if actor.role == "province":
        return
    for grade in school.grades:
        authority = school.authority_for(grade)
        if not covers_division(actor, authority):
            raise Forbidden(f"{school.name}的{GRADE_LABELS.get(grade, grade)}由{authority.name}主管,"
                            f"须由其登记撤并(第三条、第八条)")


def _lock(*schools: School) -> dict[str, School]:
    codes = [s.pk for s in schools]
    return {s.pk: s for s in School.objects.select_for_update().filter(pk__in=codes).order_by("pk")}


def _json(value) -> tuple[str, str]:
    """A JSON parameter and its placeholder: PostgreSQL needs the cast in an INSERT … SELECT."""
    placeholder = "%s::jsonb" if connection.vendor == "postgresql" else "%s"
    return json.dumps(value, ensure_ascii=False), placeholder


def _events(students_where: str, params: list, *, kind: str, school: School, actor, note: str,
            changes: dict) -> int:
    """One status event per student selected by `students_where` (on the student table), status unchanged."""
    ev, st = StatusEvent._meta.db_table, Student._meta.db_table
    changes_value, changes_sql = _json(changes)
    now = connection.ops.adapt_datetimefield_value(timezone.now())
    sql = (f"INSERT INTO {ev} (student_id, at, kind, from_status, to_status, school_id, actor_id, note, changes) "
           f"SELECT s.id, %s, %s, s.status, s.status, %s, %s, %s, {changes_sql} FROM {st} s WHERE {students_where}")
    with connection.cursor() as cursor:
        cursor.execute(sql, [now, kind[:30], school.pk, actor.pk, note[:500], changes_value, *params])
        return cursor.rowcount


def _continue_enrolments(school: School, target: School, on: datetime.date) -> int:
    """Open stays at A end on the merger's day and continue at B, same grade and class (the class moved too)."""
    en, st = Enrolment._meta.db_table, Student._meta.db_table
    snapshot_value, snapshot_sql = _json({})
    day = connection.ops.adapt_datefield_value(on)
    # Only the stays of students still at school: a finished record's stay was closed by its own change.
    sql = (f"INSERT INTO {en} (student_id, school_id, grade, school_class_id, started_on, ended_on, entry_reason, "
           f"exit_reason, snapshot) SELECT e.student_id, %s, e.grade, e.school_class_id, %s, NULL, %s, '', "
           f"{snapshot_sql} FROM {en} e JOIN {st} s ON s.id = e.student_id "
           f"WHERE e.school_id = %s AND e.ended_on IS NULL AND s.status IN ({OPEN_IN})")
    with connection.cursor() as cursor:
        cursor.execute(sql, [target.pk, day, "学校合并转入", snapshot_value, school.pk, *OPEN])
    return Enrolment.objects.filter(school=school, ended_on__isnull=True, student__status__in=OPEN).update(
        ended_on=on, exit_reason="学校合并")


def _rename_clashes(model, school: School, target: School, match: list[str], length: int) -> int:
    """Names that B already uses get A's name appended, so B's uniqueness holds and the origin stays legible."""
    suffix = f"(原{school.name[:12]})"
    same = model.objects.filter(school=target, **{f: OuterRef(f) for f in match})
    return model.objects.filter(Exists(same), school=school).update(
        name=Concat(Left("name", length - len(suffix)), Value(suffix)))


def _move_classes(school: School, target: School) -> dict:
    renamed = _rename_clashes(Campus, school, target, ["name"], 100)
    campuses = Campus.objects.filter(school=school).update(school=target, is_main=False)
    renamed += _rename_clashes(SchoolClass, school, target, ["entry_year", "name"], 30)
    classes = SchoolClass.objects.filter(school=school).update(school=target)
    return {"campuses": campuses, "classes": classes, "renamed": renamed}


def _move_applications(school: School, target: School) -> int:
    pending = Application.objects.filter(status=Application.Status.PENDING)
    Step.objects.filter(application__in=pending, org_code=school.pk,
                        status__in=[Step.Status.WAITING, Step.Status.PENDING]).update(org_code=target.pk)
    moved = pending.filter(school=school).update(school=target)
    # The few pending changes whose payload names A as the record's school follow it (a loop over a handful).
    for key in SCHOOL_KEYS:
        for application in pending.filter(**{f"payload__{key}": school.pk}).only("id", "payload"):
            application.payload[key] = target.pk
            application.save(update_fields=["payload"])
    return moved


def _move_open_business(school: School, target: School) -> int:
    """Open visiting stays and unfinished archive hand-overs (第二十二条) now concern B in A's place."""
    stays = VisitingStay.objects.filter(ended_on__isnull=True)
    moved = stays.filter(host_school=school).update(host_school=target)
    moved += stays.filter(home_school=school).update(home_school=target)
    handovers = ArchiveHandover.objects.all()
    moved += handovers.filter(from_school=school, sent_at__isnull=True).update(
        from_school=target, from_school_name=target.name)
    moved += handovers.filter(to_school=school, received_at__isnull=True).update(
        to_school=target, to_school_name=target.name)
    return moved


def _refuse(problems: list[Violation]) -> None:
    if problems:
        raise RuleViolation(problems)


def merge(actor, code: str, *, into: str, decided_on: datetime.date | None, document: str = "",
          reason: str = "") -> Reorganisation:
    school = find_school(actor, code, purpose="merge")
    _authorise(actor, school)
    target = find_school(actor, into, purpose="merge")
    with transaction.atomic():
        locked = _lock(school, target)
        school, target = locked[school.pk], locked[target.pk]
        without_place = (Student.objects.filter(school=school, status__in=OPEN)
                         .exclude(grade__in=list(target.grades)).values_list("grade", flat=True).distinct())
        _refuse(rules.merger_problems(
            source=school.name, target=target.name, same_school=school.pk == target.pk,
            source_closed=school.is_closed, target_closed=target.is_closed,
            grades_without_place=list(without_place) if school.pk != target.pk else [],
            grade_labels=GRADE_LABELS, on=decided_on, today=timezone.localdate()))
        note = f"{school.name}于{decided_on:%Y-%m-%d}并入{target.name},学籍及档案随之移交({rules.A8})"
        counts = {"students": _events("s.school_id = %s", [school.pk], kind="学校合并", school=target, actor=actor,
                                      note=f"{note};{reason}" if reason else note,
                                      changes={"school_name": [school.name, target.name]})}
        counts["enrolments"] = _continue_enrolments(school, target, decided_on)
        counts |= _move_classes(school, target)
        Student.objects.filter(school=school).update(school=target)
        counts["archive_items"] = ArchiveItem.objects.filter(school=school).update(school=target)
        counts["applications"] = _move_applications(school, target)
        counts["visiting_and_handovers"] = _move_open_business(school, target)
        _close(school, School.Closure.MERGED, decided_on, archive_school=target)
        row = Reorganisation.objects.create(
            kind=Reorganisation.Kind.MERGER, school=school, into=target, decided_on=decided_on,
            document=(document or "").strip()[:100], reason=(reason or "").strip()[:500], counts=counts,
            recorded_by=actor)
        audit.record(actor, "school.merge", obj=school, reason=reason,
                     details={"into": target.pk, "reorganisation": row.pk, **counts})
    return row


def close(actor, code: str, *, keeper_school: str | None = None, keeper_authority: bool = False,
          decided_on: datetime.date | None, document: str = "", reason: str = "") -> Reorganisation:
    school = find_school(actor, code, purpose="close")
    _authorise(actor, school)
    keeper = find_school(actor, keeper_school, purpose="close") if keeper_school else None
    if bool(keeper) == bool(keeper_authority):
        _refuse([Violation(code="keeper_required", field="keeper_school", article=rules.A8,
                           message=f"请指定学籍档案的接收单位:一所学校,或由主管部门自行保管(二者选一,{rules.A8})")])
    with transaction.atomic():
        locked = _lock(school, *([keeper] if keeper else []))
        school = locked[school.pk]
        keeper = locked[keeper.pk] if keeper else None
        problems = rules.date_problems(decided_on, timezone.localdate())
        if school.is_closed:
            problems += rules.closed_school_problems(school.name, school.closed_on, school.closure, act="再次撤销")
        if keeper is not None and keeper.pk == school.pk:
            problems.append(Violation(code="keeper_same_school", field="keeper_school", article=rules.A8,
                                      message=f"撤销的学校不能保管自己的档案,请另行指定接收单位({rules.A8})"))
        elif keeper is not None and keeper.is_closed:
            problems += rules.closed_school_problems(keeper.name, keeper.closed_on, keeper.closure,
                                                     field="keeper_school", act="接收档案")
        _refuse(problems)
        keeper_name = keeper.name if keeper else f"{actor.division.name}教育行政部门"
        day = f"{decided_on:%Y-%m-%d}"
        open_sql = f"s.school_id = %s AND s.status IN ({OPEN_IN})"
        counts = {"open_students": _events(
            open_sql, [school.pk, *OPEN], kind="学校撤销", school=school, actor=actor,
            note=f"{school.name}于{day}撤销,须转学到其他学校;学籍档案由{keeper_name}保管({rules.A8})", changes={})}
        finished_sql = f"s.school_id = %s AND s.status NOT IN ({OPEN_IN})"
        counts["finished_students"] = _events(
            finished_sql, [school.pk, *OPEN], kind="学校撤销", school=keeper or school, actor=actor,
            note=f"{school.name}于{day}撤销,学籍档案移交{keeper_name}保管({rules.A8})",
            changes={"school_name": [school.name, keeper.name]} if keeper else {})
        if keeper is not None:
            finished = Student.objects.filter(school=school).exclude(status__in=OPEN)
            counts["archive_items"] = ArchiveItem.objects.filter(student__in=finished).update(school=keeper)
            finished.update(school=keeper)
        _close(school, School.Closure.CLOSED, decided_on, archive_school=keeper,
               archive_division=None if keeper else actor.division)
        row = Reorganisation.objects.create(
            kind=Reorganisation.Kind.CLOSURE, school=school, into=keeper,
            keeper_division=None if keeper else actor.division, decided_on=decided_on,
            document=(document or "").strip()[:100], reason=(reason or "").strip()[:500], counts=counts,
            recorded_by=actor)
        audit.record(actor, "school.close", obj=school, reason=reason,
                     details={"keeper": keeper.pk if keeper else actor.division_id, "reorganisation": row.pk,
                              **counts})
    return row


def _close(school: School, closure: str, on: datetime.date, *, archive_school=None, archive_division=None) -> None:
    school.closed_on, school.closure = on, closure
    school.archive_school, school.archive_division = archive_school, archive_division
    school.save(update_fields=["closed_on", "closure", "archive_school", "archive_division"])
