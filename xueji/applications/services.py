"""Starting, deciding and cancelling applications. Each takes the acting user and audits in its transaction."""


from django.conf import settings
from django.db import transaction
from django.utils import timezone

from xueji.audit import services as audit
from xueji.core.errors import Conflict, Forbidden, NotFound, RuleViolation
from xueji.core.jurisdiction import school_scope
from xueji.orgs.models import School
from xueji.policy.changes.transitions import finished_refusal
from xueji.policy.violations import Violation
from xueji.students.models import Student
from xueji.students.permissions import StudentPolicy
from xueji.workdays.services import add_working_days

from .engine import TRANSITIONS, CheckContext, change_type, decided
from .models import Application, Evidence, Step
from .permissions import ApplicationPolicy, may_decide

ALLOWED_EVIDENCE = {b"\xff\xd8\xff": "image/jpeg", b"\x89PN": "image/png", b"%PD": "application/pdf"}


def _errors(violations):
    return [v for v in violations if v.severity == "error"]


def submit(actor, type_code: str, student: Student, payload: dict | None = None, *, reason: str = "",
           evidence: list | None = None, batch: str = "") -> Application:
    """File an application; it is refused at once if a rule of its type refuses it."""
    change = change_type(type_code)
    if change.extra.get("scoped"):
        raise RuleViolation(Violation(code="scoped_type", field="type",
                                      message=f"{change.label}不针对单个学生,请在其专门的页面或接口提交"))
    payload = payload or {}
    school = _starting_school(actor, change, student, payload)
    evidence = [item if isinstance(item, tuple) else ("", item) for item in (evidence or [])]
    upload_problems = [p for _kind, f in evidence for p in _evidence_problems(f)]
    with transaction.atomic():
        # Re-read under a lock: the rules are judged on the record as it is now, not as the caller saw it.
        student = Student.objects.select_for_update().get(pk=student.pk)
        _refuse_finished(change, student)
        problems = change.check(CheckContext(actor=actor, student=student, payload=payload,
                                             evidence_count=len(evidence),
                                             proofs=tuple(kind for kind, _f in evidence if kind)))
        if change.needs_evidence and not evidence:
            problems.append(Violation(code="evidence_required", field="evidence", article=change.article,
                                      message=f"{change.label}须上传证明材料扫描件({change.article or '有关规定'})"))
        if _errors(problems + upload_problems):
            raise RuleViolation(_errors(problems + upload_problems))
        if Application.objects.filter(student=student, type=type_code, status=Application.Status.PENDING).exists():
            raise Conflict(Violation(code="already_pending", field="student",
                                     message=f"该学生已有审批中的{change.label}申请,请勿重复提交"))
        application = Application.objects.create(
            type=type_code, student=student, school=school, payload=payload, reason=reason[:500],
            created_by=actor, batch=batch,
        )
        if change.due_date:
            application.due_date = change.due_date(application)
            application.save(update_fields=["due_date"])
        for order, spec in enumerate(change.steps(application), start=1):
            Step.objects.create(application=application, order=order, label=spec.label, role=spec.role,
                                org_code=spec.org.pk, org_name=spec.org.name, working_days=spec.working_days)
        _start_next_step(application)
        for kind, upload in evidence:
            _store_evidence(actor, application, upload, kind)
        audit.record(actor, "application.submit", obj=application,
                     details={"type": type_code, "student": student.pk})
    return application


def submit_scoped(actor, type_code: str, payload: dict, *, reason: str = "", evidence: list | None = None,
                  school: School | None = None) -> Application:
    """File an application about no single record (ChangeType.extra["scoped"]): the type's check judges the
    payload (its scope) and the actor; `school` is the one school it concerns, if any."""
    change = change_type(type_code)
    if not change.extra.get("scoped"):
        raise RuleViolation(Violation(code="not_scoped", field="type", message=f"{change.label}申请须指明学生"))
    if actor.role not in change.starter_roles:
        raise Forbidden(f"当前角色不能发起{change.label}申请")
    uploads = [item if isinstance(item, tuple) else ("", item) for item in (evidence or [])]
    problems = [p for _kind, f in uploads for p in _evidence_problems(f)]
    problems += change.check(CheckContext(actor=actor, student=None, payload=payload,
                                          evidence_count=len(uploads)))
    if change.needs_evidence and not uploads:
        problems.append(Violation(code="evidence_required", field="evidence", article=change.article,
                                  message=f"{change.label}须上传证明材料扫描件({change.article or '有关规定'})"))
    if _errors(problems):
        raise RuleViolation(_errors(problems))
    with transaction.atomic():
        application = Application.objects.create(type=type_code, student=None, school=school, payload=payload,
                                                 reason=reason[:500], created_by=actor)
        for order, spec in enumerate(change.steps(application), start=1):
            Step.objects.create(application=application, order=order, label=spec.label, role=spec.role,
                                org_code=spec.org.pk, org_name=spec.org.name, working_days=spec.working_days)
        _start_next_step(application)
        for kind, upload in uploads:
            _store_evidence(actor, application, upload, kind)
        audit.record(actor, "application.submit", obj=application, details={"type": type_code})
    return application
def _refuse_finished(change, student: Student) -> None:
    """A graduated, completed or left record (毕业、结业、肄业) takes no change the table does not list for it; the
    refusal names the article that finished the record (第三十四、三十七条)."""
    if student.status not in TRANSITIONS.get(change.code, {}):
        problems = finished_refusal(change.label, student.status)
        if problems:
            raise RuleViolation(problems)


def _starting_school(actor, change, student: Student, payload: dict | None = None) -> School:
    """The school an application is filed at: the student's own, by one of its starters. A change started at the
    receiving school (ChangeType.extra["receiving"], a transfer, 第十八条) is filed at the actor's school, which
    cannot see the student yet: the caller identified him first (transfers.services.lookup) and the type's
    check refuses the rest, e.g. a "transfer" to the student's own school. A change a type files elsewhere
    (ChangeType.extra["filing_school"]: (student, payload) -> School or None, e.g. a 学历证明 at the school that
    issued the lost certificate, 第三十八条) is filed at that school, by its staff or its authorities even when
    the student has since left it."""
    filing = change.extra.get("filing_school")
    elsewhere = filing(student, payload or {}) if filing else None
    if elsewhere is not None:
        return _filing_elsewhere(actor, change, student, elsewhere)
    receiving = bool(change.extra.get("receiving"))
    if not receiving and not StudentPolicy.user_can(actor, "view", student):
        raise NotFound("未找到该学生,或该学生不在您的管辖范围内", actor=actor, action="application.submit",
                       object_type="student", object_id=student.key)
    if actor.role not in change.starter_roles or (receiving and not actor.school_id):
        raise Forbidden(f"{change.label}申请须由学校学籍管理员发起")
    if receiving:
        return actor.school
    if actor.school_id and actor.school_id != student.school_id:
        raise Forbidden(f"{change.label}申请须由学校学籍管理员发起")
    return student.school


def _filing_elsewhere(actor, change, student: Student, school: School) -> School:
    """The filing school's own staff and its authorities may file there; so may whoever reads the student, and
    the type's check says who of them may not (e.g. the student's current school, 第三十八条)."""
    serves = School.objects.filter(school_scope(actor), pk=school.pk).exists()
    if not serves and not StudentPolicy.user_can(actor, "view", student):
        raise NotFound("未找到该学生,或该学生不在您的管辖范围内", actor=actor, action="application.submit",
                       object_type="student", object_id=student.key)
    if actor.role not in change.starter_roles:
        raise Forbidden(f"{change.label}申请须由学校学籍管理员发起")
    return school


def _start_next_step(application: Application) -> Step | None:
    step = application.steps.filter(status=Step.Status.WAITING).order_by("order").first()
    if step is None:
        return None
    step.status = Step.Status.PENDING
    step.started_at = timezone.now()
    if step.working_days:
        step.due_date = add_working_days(timezone.localdate(), step.working_days)
    step.save(update_fields=["status", "started_at", "due_date"])
    return step


def _locked(actor, application_id: int, purpose: str) -> Application:
    application = Application.objects.select_for_update().filter(pk=application_id).first()
    if application is None or not ApplicationPolicy.user_can(actor, "view", application):
        raise NotFound("未找到该申请,或该申请不在您的管辖范围内", actor=actor, action=f"application.{purpose}",
                       object_type="application", object_id=application_id)
    return application


STALE = "该环节已由他人办理,请刷新后查看最新进度"


def _arrival_step(application_id) -> int | None:
    """The step that was pending when the request arrived, read before waiting for the row lock.

    Two officers who open the same step and click at once both act on it: the one who waits for the lock must
    find that step decided (409), not be judged against the next step, which is not his (403) or, worse, is also
    his and gets approved unseen."""
    return (Step.objects.filter(application_id=application_id, status=Step.Status.PENDING)
            .order_by("order").values_list("order", flat=True).first())


def _pending_step_for(actor, application: Application, expected_step: int | None) -> Step:
    """The step the actor decides, with the application row locked; `expected_step` is the step he acted on
    (the one his page showed, or the one pending when his request arrived)."""
    if application.status != Application.Status.PENDING:
        raise Conflict(Violation(code="already_decided", message=f"该申请已{application.get_status_display()},无需再办理"))
    step = application.steps.filter(status=Step.Status.PENDING).order_by("order").first()
    if step is None or (expected_step is not None and step.order != expected_step):
        raise Conflict(Violation(code="stale_step", message=STALE))
    if not may_decide(actor, step):
        if _decided_before(actor, application, step):
            # His own step was decided meanwhile (by a colleague, or by his own earlier click): stale, not a
            # question of role.
            raise Conflict(Violation(code="stale_step", message=STALE))
        raise Forbidden(f"当前环节“{step.label}”应由{step.org_name}的{_role_label(step.role)}办理")
    return step


def _decided_before(actor, application: Application, current: Step) -> bool:
    """True when a step before `current` was the actor's to decide and has been approved."""
    earlier = application.steps.filter(order__lt=current.order, status=Step.Status.APPROVED)
    return any(may_decide(actor, step) for step in earlier)


def _role_label(role: str) -> str:
    from xueji.accounts.models import Role

    return Role(role).label if role in Role.values else role


def approve(actor, application_id: int, *, comment: str = "", expected_step: int | None = None) -> Application:
    """Agree at the current step; on the last one the change is applied to the record in the same transaction."""
    with transaction.atomic():
        acted_on = expected_step if expected_step is not None else _arrival_step(application_id)
        application = _locked(actor, application_id, "approve")
        step = _pending_step_for(actor, application, acted_on)
        _refuse_if_held(application)
        _decide(step, actor, Step.Status.APPROVED, comment)
        audit.record(actor, "application.approve", obj=application, details={"step": step.order})
        if _start_next_step(application) is None:
            change = change_type(application.type)
            if application.student_id:
                application.student = Student.objects.select_for_update().get(pk=application.student_id)
            # Rules are checked again at the end: the record may have changed while the application waited.
            kinds = tuple(application.evidence.exclude(kind="").values_list("kind", flat=True))
            problems = _errors(change.check(CheckContext(actor=actor, student=application.student,
                                                         payload=application.payload,
                                                         evidence_count=application.evidence.count(),
                                                         application=application, proofs=kinds)))
            if problems:
                raise RuleViolation(problems)
            change.apply(application, actor)
            application.status = Application.Status.APPROVED
            application.decided_at = timezone.now()
            application.save(update_fields=["status", "decided_at"])
            decided(application, actor)
    return application


def _refuse_if_held(application: Application) -> None:
    """A change type may hold every step of its chain, not only the last (ChangeType.extra["hold"]: the student
    -> violations), e.g. a registration while the record is a suspected duplicate (第十四条)."""
    hold = change_type(application.type).extra.get("hold")
    problems = _errors(hold(application.student)) if hold else []
    if problems:
        raise RuleViolation(problems)


def approve_many(actor, application_ids: list[int], *, comment: str = "") -> dict:
    """Approve a batch one by one: each application succeeds or fails on its own, and the reasons are returned."""
    done, failed = [], []
    for pk in application_ids:
        try:
            approve(actor, pk, comment=comment)
            done.append(pk)
        except (RuleViolation, Conflict, Forbidden, NotFound) as exc:
            failed.append({"id": pk, "status": exc.status, "message": exc.message})
    return {"approved": done, "failed": failed}


def reject(actor, application_id: int, *, comment: str, expected_step: int | None = None) -> Application:
    if not (comment or "").strip():
        raise RuleViolation(Violation(code="comment_required", field="comment", message="驳回须填写理由"))
    with transaction.atomic():
        acted_on = expected_step if expected_step is not None else _arrival_step(application_id)
        application = _locked(actor, application_id, "reject")
        step = _pending_step_for(actor, application, acted_on)
        _decide(step, actor, Step.Status.REJECTED, comment)
        application.steps.filter(status=Step.Status.WAITING).update(status=Step.Status.CANCELLED)
        application.status = Application.Status.REJECTED
        application.decided_at = timezone.now()
        application.save(update_fields=["status", "decided_at"])
        audit.record(actor, "application.reject", obj=application, reason=comment, details={"step": step.order})
        decided(application, actor)
    return application


def cancel(actor, application_id: int, *, comment: str = "") -> Application:
    """The starter withdraws a pending application; it stays on file as cancelled."""
    with transaction.atomic():
        application = _locked(actor, application_id, "cancel")
        if application.status != Application.Status.PENDING:
            raise Conflict(Violation(code="already_decided", message=f"该申请已{application.get_status_display()},不能撤销"))
        if application.created_by_id != actor.pk:
            raise Forbidden("只有申请发起人可以撤销申请")
        application.steps.filter(status__in=[Step.Status.WAITING, Step.Status.PENDING]).update(
            status=Step.Status.CANCELLED)
        application.status = Application.Status.CANCELLED
        application.decided_at = timezone.now()
        application.save(update_fields=["status", "decided_at"])
        audit.record(actor, "application.cancel", obj=application, reason=comment)
        decided(application, actor)
    return application


def _decide(step: Step, actor, status: str, comment: str) -> None:
    step.status = status
    step.decider = actor
    step.comment = (comment or "")[:500]
    step.decided_at = timezone.now()
    step.save(update_fields=["status", "decider", "comment", "decided_at"])


def _evidence_problems(upload) -> list[Violation]:
    head = upload.read(3)
    upload.seek(0)
    name = getattr(upload, "name", "文件")
    if head not in ALLOWED_EVIDENCE:
        return [Violation(code="evidence_type", field="evidence",
                          message=f"证明材料“{name}”须为JPG、PNG或PDF扫描件")]
    if upload.size > settings.XUEJI_UPLOAD_MAX_BYTES:
        limit = settings.XUEJI_UPLOAD_MAX_BYTES // (1024 * 1024)
        return [Violation(code="evidence_too_large", field="evidence",
                          message=f"证明材料“{name}”超过{limit}MB,请压缩后上传")]
    return []


def _store_evidence(actor, application: Application, upload, kind: str = "") -> Evidence:
    head = upload.read(3)
    upload.seek(0)
    item = Evidence(application=application, student=application.student, kind=kind,
                    original_name=getattr(upload, "name", "")[:200], content_type=ALLOWED_EVIDENCE[head],
                    size=upload.size, uploaded_by=actor)
    item.file.save(getattr(upload, "name", "evidence"), upload, save=False)
    item.save()
    return item


def _may_attach(actor, application: Application) -> bool:
    """The starting school uploads the proofs; the holder of the pending step of a type whose approval is a
    written decision (ChangeType.extra["decision_scan"], e.g. an access approval, 第四十四条) uploads its scan."""
    if actor.school_id and actor.school_id == application.school_id:
        return True
    step = application.current_step
    return bool(change_type(application.type).extra.get("decision_scan") and step and may_decide(actor, step))


def attach_evidence(actor, application_id: int, upload, kind: str = "") -> Evidence:
    problems = _evidence_problems(upload)
    if problems:
        raise RuleViolation(problems)
    with transaction.atomic():
        application = _locked(actor, application_id, "evidence")
        if application.status != Application.Status.PENDING:
            raise Conflict(Violation(code="already_decided", message="申请已办结,不能再补充材料"))
        if not _may_attach(actor, application):
            raise Forbidden("证明材料由发起学校上传")
        item = _store_evidence(actor, application, upload, kind)
        audit.record(actor, "application.evidence", obj=application, details={"evidence": item.pk})
    return item
