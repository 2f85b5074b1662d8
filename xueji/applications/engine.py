"""The application engine: change types declare their steps and rules; one table says which status changes
are allowed; one function applies a change with its status event and audit row.

A change type is data plus three small functions:
  steps(application)      -> the ordered StepSpecs (which org, which role, how many working days)
  check(ctx)              -> violations that refuse the application (eligibility, from the policy)
  apply(application, actor) -> what approval does to the record (called inside the approving transaction)
New types (transfer, suspension, …) register themselves the same way in types/.
"""

from collections.abc import Callable
from dataclasses import dataclass, field

from xueji.audit import services as audit
from xueji.core.errors import RuleViolation
from xueji.policy.changes.transitions import TRANSITIONS as CHANGE_TRANSITIONS
from xueji.policy.violations import Violation
from xueji.students.models import StatusEvent, Student


@dataclass(frozen=True)
class StepSpec:
    label: str
    role: str
    org: object  # a School or a Division, resolved for this application
    working_days: int | None = None


@dataclass(frozen=True)
class CheckContext:
    actor: object
    student: Student
    payload: dict
    evidence_count: int = 0
    application: object = None
    proofs: tuple[str, ...] = ()  # proof kinds (xueji.policy.changes.reasons.PROOF_KIND) of the evidence


@dataclass(frozen=True)
class ChangeType:
    code: str
    label: str
    steps: Callable[[object], list[StepSpec]]
    check: Callable[[CheckContext], list[Violation]]
    apply: Callable[[object, object], None]
    starter_roles: tuple[str, ...] = ("registrar",)
    needs_evidence: bool = False
    article: str | None = None
    due_date: Callable[[object], object] | None = None
    extra: dict = field(default_factory=dict)


_REGISTRY: dict[str, ChangeType] = {}


def register(change: ChangeType) -> ChangeType:
    _REGISTRY[change.code] = change
    return change


def change_type(code: str) -> ChangeType:
    try:
        return _REGISTRY[code]
    except KeyError:
        raise RuleViolation(Violation(code="unknown_type", field="type",
                                      message=f"申请类型“{code}”不存在,可选:{'、'.join(sorted(_REGISTRY))}")) from None


def registered() -> dict[str, ChangeType]:
    return dict(_REGISTRY)


# Called with (application, actor) when an application ends (approved, rejected or cancelled), inside the
# deciding transaction. A capability that waits for a student's applications to end registers one from its
# AppConfig.ready() (e.g. the annual promotion of a student held back while his application was pending), so
# the engine never imports it.
_ON_DECIDED: list[tuple[Callable[[object, object], None], Callable[[object, object], None] | None]] = []


def on_decided(callback: Callable[[object, object], None], *,
               many: Callable[[object, object], None] | None = None) -> Callable[[object, object], None]:
    """Register `callback(application, actor)`; `many(applications, actor)`, when given, is its set-based form
    for a queryset of applications ended together (decided_many)."""
    if all(registered_callback is not callback for registered_callback, _many in _ON_DECIDED):
        _ON_DECIDED.append((callback, many))
    return callback


def decided(application, actor) -> None:
    """Run the callbacks of on_decided for an application that has just ended."""
    decided_many([application], actor, set_based=False)


def decided_many(applications, actor, *, set_based: bool = True) -> None:
    """Run the callbacks for a queryset of applications ended by one set-based write (e.g. the pending
    applications of a record merged away, 第十四条): each callback's set-based form, or else one call each.
    `decided` passes a one-item list with set_based=False, so a single application takes the plain callback."""
    for callback, many in list(_ON_DECIDED):
        if set_based and many is not None:
            many(applications, actor)
            continue
        for application in applications:
            callback(application, actor)


# The allowed status changes, by change type: (from status) -> to status. A change not in this table cannot
# happen, whatever a caller asks; None as the target keeps the status (the change touches other facts).
ACTIVE = ("在籍", "休学")
TRANSITIONS: dict[str, dict[str, str | None]] = {
    # Chapters 4–7 and 第四十一条 come from the policy's table (xueji/policy/changes/transitions.py); the entries
    # below add intake's changes and the registry's own ways of moving a record.
    **{change: dict(moves) for change, moves in CHANGE_TRANSITIONS.items()},
    "registration": {"待注册": "在籍"},
    "info_change": {s: None for s in ("待注册", "在籍", "休学", "辍学")},
    "class_placement": {s: None for s in ("待注册", "在籍")},
    "entry_delay": {"待注册": None, "在籍": None},
    "admission_cancel": {"待注册": "注销", "在籍": "注销"},
    "no_show_dropout": {"待注册": "辍学", "在籍": "辍学"},
    "dropout_return": {"辍学": "在籍"},
    # 第十七–二十二条: within the registry the record moves school and stays 在籍; to a registry outside it
    # (another province, a 中等职业学校) it leaves as 转出; from another province it arrives as a new record awaiting
    # approval, or as the record of a student who had left (转出) and comes back.
    "transfer": {"在籍": None},
    "transfer_out": {"在籍": "转出"},
    "transfer_in": {"待注册": "在籍", "转出": "在籍"},
    # 第三十七条: the school issues a 结业 certificate to a 高三 student who completed the years without meeting
    # the conditions, a 肄业 certificate to one who leaves before completing them.
    "completion": {"在籍": "结业"},
    "incomplete": {"在籍": "肄业", "休学": "肄业"},
    # 第三十八条: a 学历证明 for a lost certificate changes no status; its holder may be a graduate, or a primary
    # or junior graduate now enrolled in the next stage.
    "education_proof": {s: None for s in ("毕业", "结业", "肄业", "在籍", "休学", "退学", "转出")},
}


def _not_allowed(change: str, who: str) -> RuleViolation:
    """The refusal of a status change the table does not allow, naming the article of the change type."""
    kind = change_type(change)
    basis = f"({kind.article})" if kind.article else ""
    return RuleViolation(Violation(code="transition_not_allowed", field="status", article=kind.article,
                                   message=f"{who}不能办理{kind.label}{basis}"))


def transition(student: Student, change: str, *, actor, note: str = "", changes: dict | None = None,
               application=None) -> Student:
    """Move the record as `change` allows, appending its status event and audit row in the caller's transaction."""
    allowed = TRANSITIONS.get(change, {})
    if student.status not in allowed:
        raise _not_allowed(change, f"学籍状态为“{student.status}”的学生")
    before = student.status
    target = allowed[student.status] or before
    student.status = target
    student.save(update_fields=["status", "updated_at"])
    StatusEvent.objects.create(
        student=student, kind=change_type(change).label, from_status=before, to_status=target,
        school=student.school, actor=actor, note=note[:500], changes=changes or {},
    )
    audit.record(actor, f"student.{change}", obj=student,
                 details={"from": before, "to": target, "application": getattr(application, "pk", None)})
    return student


def transition_many(rows: list[tuple[int, str, str]], change: str, *, actor, details: dict | None = None,
                    students=None) -> int:
    """Move many records at once as `change` allows: rows are (student id, school code, event note).

    Set-based (one UPDATE per source status and chunk, the status events in bulk) and all-or-nothing: a record
    the table does not allow refuses the whole call, inside the caller's transaction. One audit row covers the
    set, with a digest of the student ids so the log's verification covers who was moved. `students`, when given,
    is a subquery of the same students' ids: the statements then filter by it instead of by lists of ids."""
    import hashlib

    from django.utils import timezone

    allowed = TRANSITIONS.get(change, {})
    ids = [row[0] for row in rows]
    before = {}
    selections = [students] if students is not None else list(_chunks(ids))
    for chunk in selections:
        before.update(Student.objects.select_for_update(of=("self",)).filter(pk__in=chunk).values_list("pk", "status"))
    refused = [pk for pk in ids if before.get(pk) not in allowed]
    if refused:
        raise _not_allowed(change, f"有{len(refused)}名学生的学籍状态")
    now = timezone.now()
    for source, target in allowed.items():
        if target is None:
            continue
        if students is not None:
            Student.objects.filter(pk__in=students, status=source).update(status=target, updated_at=now)
            continue
        for chunk in _chunks([pk for pk in ids if before[pk] == source]):
            Student.objects.filter(pk__in=chunk, status=source).update(status=target, updated_at=now)
    label = change_type(change).label
    StatusEvent.objects.bulk_create([
        StatusEvent(student_id=pk, kind=label, from_status=before[pk], to_status=allowed[before[pk]] or before[pk],
                    school_id=school, actor=actor, note=note[:500])
        for pk, school, note in rows
    ], batch_size=2000)
    digest = hashlib.sha256(",".join(map(str, sorted(ids))).encode()).hexdigest()
    audit.record(actor, f"student.{change}", object_type="student", object_id=f"{len(ids)}名",
                 details={**(details or {}), "count": len(ids), "students_sha256": digest})
    return len(ids)


def _chunks(items: list, size: int = 5000):
    for start in range(0, len(items), size):
        yield items[start:start + size]
