"""Graduation writes: a school proposes its graduates, the leader and the authority decide a batch (all of it or
per student), the city seals its high-school certificates once a year (第三十四–三十六条).

Every write takes the acting user and writes its audit row in the same transaction; bulk work is set-based
(bulk_create, UPDATE … WHERE id IN …), so a city's 30,000 seniors go through in a few statements per chunk.
"""

import hashlib
from types import SimpleNamespace

from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.utils import timezone

from xueji.applications.bulk import new_batch_id
from xueji.applications.engine import transition_many
from xueji.applications.models import Application, Step
from xueji.applications.oversight import school_year_of
from xueji.applications.permissions import ApplicationPolicy
from xueji.audit import services as audit
from xueji.certificates import numbering
from xueji.certificates.models import Certificate
from xueji.core.errors import Conflict, Forbidden, NotFound, RuleViolation
from xueji.core.masking import mask_student_number
from xueji.orgs.models import Division, School
from xueji.policy import graduation as rules
from xueji.policy.province import COUNTY, get_policy
from xueji.policy.violations import Violation
from xueji.students.models import Enrolment, Student
from xueji.workdays.services import add_working_days

from . import hooks
from .change_types import SEAL_LABEL
from .change_types import steps as chain_steps
from .models import Sealing

TYPE = "graduation"
MAX_PROPOSAL = 5000
CHUNK = 5000
PENDING = Application.Status.PENDING


def chunks(items: list, size: int = CHUNK):
    for start in range(0, len(items), size):
        yield items[start:start + size]


def digest(ids) -> str:
    return hashlib.sha256(",".join(map(str, sorted(ids))).encode()).hexdigest()


# ---------------------------------------------------------------- proposing (the school)


def propose(actor, school_code: str, keys: list, *, reason: str = "") -> str:
    """File one graduation application per student, as one batch; all or nothing. Returns the batch id."""
    if actor.role != "registrar":
        raise Forbidden("毕业申请须由学校学籍管理员发起")
    school = School.objects.filter(pk=str(school_code or "")).first()
    if school is None or actor.school_id != school.pk:
        raise NotFound("未找到该学校,或该学校不在您的管辖范围内", actor=actor, action="graduation.propose",
                       object_type="school", object_id=str(school_code)[:20])
    keys = _clean_keys(keys)
    year = school_year_of(timezone.localdate())
    with transaction.atomic():
        students = _resolve(school, keys)
        problems = _candidate_problems(keys, students, year)
        if problems:
            raise RuleViolation(problems, summary="所选学生中有不符合毕业条件的,未提交任何申请")
        _refuse_pending(list(students.values()))
        batch = new_batch_id(TYPE)
        _file(actor, school, batch, list(students.values()), year, reason)
        audit.record(actor, "graduation.propose", object_type="graduation_batch", object_id=batch,
                     details={"school": school.pk, "count": len(students), "school_year": year,
                              "students_sha256": digest(s.pk for s in students.values())})
    return batch


def _clean_keys(keys) -> list[str]:
    if not isinstance(keys, list) or not keys:
        raise RuleViolation(Violation("students_required", "请选择至少一名毕业生(students:学籍号列表)",
                                      field="students"))
    if len(keys) > MAX_PROPOSAL:
        raise RuleViolation(Violation("students_too_many", f"一次最多提交{MAX_PROPOSAL}名毕业生,请按班级分批提交",
                                      field="students"))
    cleaned = []
    for i, key in enumerate(keys):
        if not isinstance(key, str | int) or isinstance(key, bool) or not str(key).strip() or len(str(key)) > 40:
            raise RuleViolation(Violation("student_key", f"第{i + 1}项须为学籍号", field=f"students[{i}]"))
        cleaned.append(str(key).strip().upper())
    return list(dict.fromkeys(cleaned))


def _resolve(school: School, keys: list[str]) -> dict[str, Student]:
    """The school's own records by student number (or record id); others stay unresolved (not revealed)."""
    found = {}
    numbers = [k for k in keys if not k.isdigit()]
    ids = [int(k) for k in keys if k.isdigit()]
    for chunk in chunks(numbers):
        qs = Student.objects.select_for_update(of=("self",)).filter(school=school, student_number__in=chunk)
        found.update({s.student_number: s for s in qs})
    for chunk in chunks(ids):
        qs = Student.objects.select_for_update(of=("self",)).filter(school=school, pk__in=chunk)
        found.update({str(s.pk): s for s in qs})
    return {k: found[k] for k in keys if k in found}


def _candidate_problems(keys: list[str], students: dict[str, Student], year: int) -> list[Violation]:
    problems, seniors = [], []
    for i, key in enumerate(keys):
        student = students.get(key)
        if student is None:
            problems.append(Violation("student_not_found", f"第{i + 1}项:本校没有学籍号为{mask_student_number(key)}的学生",
                                      field=f"students[{i}]"))
            continue
        for v in rules.check_candidate(student.status, student.grade, field=f"students[{i}]"):
            problems.append(Violation(v.code, f"{student.name}:{v.message}", v.article, v.field))
        if not problems and rules.is_senior(student.grade):
            seniors.append((i, student))
    if seniors and not problems:
        unmet = hooks.unmet([s for _i, s in seniors], year)
        for i, student in seniors:
            for v in unmet.get(student.pk, []):
                problems.append(Violation(v.code, f"{student.name}:{v.message}", v.article, f"students[{i}]"))
    return problems


def _refuse_pending(students: list[Student]) -> None:
    busy = []
    for chunk in chunks([s.pk for s in students]):
        busy += Application.objects.filter(type=TYPE, status=PENDING, student_id__in=chunk).values_list(
            "student__name", flat=True)
    if busy:
        raise Conflict(Violation("already_pending", f"以下学生已有审批中的毕业申请,请勿重复提交:{'、'.join(busy[:20])}",
                                 field="students"))


def _file(actor, school: School, batch: str, students: list[Student], year: int, reason: str) -> None:
    policy = get_policy()
    apps = Application.objects.bulk_create([
        Application(type=TYPE, student=s, school=school, created_by=actor, batch=batch, reason=reason[:500],
                    payload={"school_year": year, "stage": policy.stage_of_grade(s.grade)})
        for s in students
    ], batch_size=2000)
    if any(a.pk is None for a in apps):  # a database that returns no ids from bulk_create
        apps = list(Application.objects.filter(batch=batch).order_by("pk"))
    chains = {}
    now, today = timezone.now(), timezone.localdate()
    rows = []
    for app in apps:
        grade = app.student.grade
        if grade not in chains:
            chains[grade] = chain_steps(SimpleNamespace(school=school, student=SimpleNamespace(grade=grade)))
        for order, spec in enumerate(chains[grade], start=1):
            first = order == 1
            rows.append(Step(application_id=app.pk, order=order, label=spec.label, role=spec.role,
                             org_code=spec.org.pk, org_name=spec.org.name, working_days=spec.working_days,
                             status=Step.Status.PENDING if first else Step.Status.WAITING,
                             started_at=now if first else None,
                             due_date=add_working_days(today, spec.working_days) if first and spec.working_days
                             else None))
    Step.objects.bulk_create(rows, batch_size=2000)


# ---------------------------------------------------------------- deciding a batch (leader, authority)


def decide(actor, batch: str, *, approve: bool, students: list | None = None, exclude: list | None = None,
           comment: str = "") -> dict:
    """Approve or reject the actor's current step for the batch's students: all of them, only `students`, or all
    but `exclude` (student numbers). Returns the counts and the students left pending, with the reasons."""
    comment = (comment or "").strip()[:500]
    if not approve and not comment:
        raise RuleViolation(Violation("comment_required", "驳回须填写理由", field="comment"))
    with transaction.atomic():
        if approve:
            chosen = _select(_my_steps(actor, batch, "approve"), students, exclude)
            skipped = _recheck(chosen)
            chosen = [row for row in chosen if row["app"] not in skipped]
            graduated = _advance(actor, chosen, comment)
            audit.record(actor, "graduation.approve", object_type="graduation_batch", object_id=batch,
                         details=_decision_details(chosen, graduated, skipped))
        else:
            chosen = _select(_my_steps(actor, batch, "reject"), students, exclude)
            skipped, graduated = {}, 0
            _reject(actor, chosen, comment)
            audit.record(actor, "graduation.reject", object_type="graduation_batch", object_id=batch, reason=comment,
                         details=_decision_details(chosen, graduated, skipped))
    return {"batch": batch, "decided": len(chosen), "graduated": graduated,
            "skipped": [{"student": row["key"], "name": row["name"], "errors": problems}
                        for row, problems in skipped.values()]}


def _decision_details(chosen: list[dict], graduated: int, skipped: dict) -> dict:
    return {"count": len(chosen), "graduated": graduated, "skipped": len(skipped),
            "applications_sha256": digest(r["app"] for r in chosen)}


STEP_FIELDS = ("id", "application_id", "order", "org_code", "role", "label")


def _my_steps(actor, batch: str, purpose: str) -> list[dict]:
    if not ApplicationPolicy.visible_to(actor).filter(type=TYPE, batch=batch).exists():
        raise NotFound("未找到该批毕业申请,或不在您的管辖范围内", actor=actor, action=f"graduation.{purpose}",
                       object_type="graduation_batch", object_id=str(batch)[:40])
    # Look-ups by key, one table at a time: the plan stays an index scan however fresh the rows are.
    apps = dict(Application.objects.select_for_update().filter(type=TYPE, batch=batch, status=PENDING)
                .values_list("pk", "student_id").order_by())
    pending = []
    for chunk in chunks(list(apps)):
        pending += Step.objects.filter(application_id__in=chunk, status=Step.Status.PENDING).values(
            *STEP_FIELDS).order_by()
    org = actor.school_id or actor.division_id
    mine = [values for values in pending if values["role"] == actor.role and values["org_code"] == org]
    if not mine:
        if pending:
            raise Forbidden("该批毕业申请当前不由您办理")
        raise Conflict(Violation("already_decided", "该批毕业申请已全部办结,无需再办理"))
    if all(values["label"] == SEAL_LABEL for values in mine):
        raise RuleViolation(Violation("graduation_sealing_only",
                                      f"普通高中毕业证书的编号、验印由市级在每年一次的验印中统一办理,请在验印页面办理({rules.A36})",
                                      rules.A36, "batch"))
    return _rows([values for values in mine if values["label"] != SEAL_LABEL])


def _rows(steps: list[dict]) -> list[dict]:
    """The steps with what the decisions need of their application and student, read by primary key."""
    app_ids = [values["application_id"] for values in steps]
    apps, students = {}, {}
    for chunk in chunks(app_ids):
        apps.update({a["pk"]: a for a in Application.objects.filter(pk__in=chunk).values(
            "pk", "student_id", "payload").order_by()})
    student_ids = [a["student_id"] for a in apps.values()]
    for chunk in chunks(student_ids):
        students.update({s["pk"]: s for s in Student.objects.filter(pk__in=chunk).values(
            "pk", "student_number", "name", "status", "grade").order_by()})
    rows = []
    for values in steps:
        app = apps[values["application_id"]]
        student = students[app["student_id"]]
        number = student["student_number"]
        rows.append({"step": values["id"], "app": app["pk"], "order": values["order"], "label": values["label"],
                     "student": student["pk"], "key": mask_student_number(number) or "",
                     "number": (number or "").upper(), "name": student["name"], "status": student["status"],
                     "grade": student["grade"], "year": int((app["payload"] or {}).get("school_year") or 0)})
    return rows


def _joined_rows(steps) -> list[dict]:
    """_rows in one joined read, for the city's sealing: the steps are selected by their own index (org, role,
    status), each joined to its application and student by primary key."""
    rows = []
    for v in steps.values(*STEP_FIELDS, "application__student_id", "application__payload",
                          "application__student__student_number", "application__student__name",
                          "application__student__status", "application__student__grade").order_by():
        number = v["application__student__student_number"]
        rows.append({"step": v["id"], "app": v["application_id"], "order": v["order"], "label": v["label"],
                     "student": v["application__student_id"], "key": mask_student_number(number) or "",
                     "number": (number or "").upper(), "name": v["application__student__name"],
                     "status": v["application__student__status"], "grade": v["application__student__grade"],
                     "year": int((v["application__payload"] or {}).get("school_year") or 0)})
    return rows


def _select(rows: list[dict], students, exclude) -> list[dict]:
    if students is not None and exclude is not None:
        raise RuleViolation(Violation("selection_conflict", "students 与 exclude 只能填写一项", field="students"))
    names = students if students is not None else exclude
    if names is None:
        return rows
    wanted = {str(k).strip().upper() for k in names}
    known = {r["number"] for r in rows} | {str(r["student"]) for r in rows}
    unknown = sorted(wanted - known)
    if unknown:
        raise RuleViolation([Violation("student_not_in_batch", f"{mask_student_number(k)}不在本批待您办理的学生中",
                                       field="students" if students is not None else "exclude") for k in unknown])
    hit = [r for r in rows if r["number"] in wanted or str(r["student"]) in wanted]
    return hit if students is not None else [r for r in rows if r not in hit]


def _recheck(rows: list[dict]) -> dict:
    """Rules are judged again at every decision: the record may have changed while the batch waited. A student
    who no longer qualifies is left pending with his reasons; the others go on."""
    skipped = {}
    for row in rows:
        problems = rules.check_candidate(row["status"], row["grade"])
        if problems:
            skipped[row["app"]] = (row, [_error(v) for v in problems])
    seniors = [row for row in rows if row["app"] not in skipped and rules.is_senior(row["grade"])]
    if seniors:
        year = seniors[0]["year"] or school_year_of(timezone.localdate())
        ids = [r["student"] for r in seniors]
        found = [s for chunk in chunks(ids) for s in Student.objects.filter(pk__in=chunk).only(
            "pk", "name", "grade", "status", "school_id").order_by()]
        unmet = hooks.unmet(found, year)
        for row in seniors:
            if unmet.get(row["student"]):
                skipped[row["app"]] = (row, [_error(v) for v in unmet[row["student"]]])
    return skipped


def _error(v: Violation) -> dict:
    return {"code": v.code, "article": v.article, "field": v.field, "message": v.message}


def _decide_steps(actor, step_ids: list[int], status: str, comment: str) -> None:
    now = timezone.now()
    for chunk in chunks(step_ids):
        Step.objects.filter(pk__in=chunk).update(status=status, decider=actor, comment=comment, decided_at=now)


def _advance(actor, rows: list[dict], comment: str) -> int:
    """Approve the current steps; start each next step, or graduate those whose last step this was."""
    _decide_steps(actor, [r["step"] for r in rows], Step.Status.APPROVED, comment)
    finished = []
    now, today = timezone.now(), timezone.localdate()
    for order in sorted({r["order"] for r in rows}):
        apps = [r["app"] for r in rows if r["order"] == order]
        for chunk in chunks(apps):
            nxt = Step.objects.filter(application_id__in=chunk, order=order + 1)
            has_next = set(nxt.values_list("application_id", flat=True))
            for days in set(nxt.values_list("working_days", flat=True)):
                nxt.filter(working_days=days).update(
                    status=Step.Status.PENDING, started_at=now,
                    due_date=add_working_days(today, days) if days else None)
            finished += [pk for pk in chunk if pk not in has_next]
    if finished:
        graduate(actor, finished)
        _close(finished, Application.Status.APPROVED)
    return len(finished)


def _reject(actor, rows: list[dict], comment: str) -> None:
    _decide_steps(actor, [r["step"] for r in rows], Step.Status.REJECTED, comment)
    apps = [r["app"] for r in rows]
    for chunk in chunks(apps):
        Step.objects.filter(application_id__in=chunk, status=Step.Status.WAITING).update(
            status=Step.Status.CANCELLED)
    _close(apps, Application.Status.REJECTED)


def _close(app_ids: list[int], status: str) -> None:
    now = timezone.now()
    for chunk in chunks(app_ids):
        Application.objects.filter(pk__in=chunk).update(status=status, decided_at=now)


# ---------------------------------------------------------------- the record: 毕业, enrolment, certificate


def graduate(actor, apps, *, sealed_on=None) -> int:
    """Make the applications' students 毕业 (through the engine's table), close their enrolment with the exit
    毕业 and issue each a numbered certificate drawn from the policy's numbering unit (第三十四、三十六条).

    `apps`: application ids, or a queryset of the applications (a city's sealing: the statements then select
    by subquery rather than by 30,000 ids)."""
    today = timezone.localdate()
    if not isinstance(apps, QuerySet):
        apps = Application.objects.filter(pk__in=list(apps))
    rows = list(apps.values("id", "student_id", "school_id", "payload", "student__grade", "school__county_id",
                            "school__city_id").order_by())
    policy = get_policy()
    for row in rows:
        row["stage"] = policy.stage_of_grade(row["student__grade"])
        level = rules.numbering_level(row["stage"], policy=policy)
        row["unit"] = row["school__county_id"] if level == COUNTY else row["school__city_id"]
        row["year"] = int((row["payload"] or {}).get("school_year") or school_year_of(today))
    numbers = _draw_numbers(rows)
    students = apps.values("student_id")
    transition_many([(r["student_id"], r["school_id"], f"毕业证书编号 {numbers[r['id']]}") for r in rows],
                    TYPE, actor=actor, details={"applications_sha256": digest(r["id"] for r in rows)},
                    students=students)
    Enrolment.objects.filter(student_id__in=students, ended_on__isnull=True).update(ended_on=today,
                                                                                    exit_reason="毕业")
    Certificate.objects.bulk_create([
        Certificate(number=numbers[r["id"]], kind=Certificate.Kind.GRADUATION, stage=r["stage"],
                    student_id=r["student_id"], school_id=r["school_id"], numbered_by_id=r["unit"],
                    school_year=r["year"], issued_on=today, issued_by=actor, sealed_on=sealed_on or today,
                    sealed_by=actor, application_id=r["id"])
        for r in rows
    ], batch_size=5000)
    return len(rows)


def _draw_numbers(rows: list[dict]) -> dict[int, str]:
    """One locked draw per numbering unit and year; within a unit, in school and application order."""
    numbers = {}
    groups: dict[tuple, list] = {}
    for row in sorted(rows, key=lambda r: (r["unit"], r["year"], r["school_id"], r["id"])):
        groups.setdefault((row["unit"], row["year"]), []).append(row["id"])
    for (unit, year), ids in groups.items():
        numbers.update(zip(ids, numbering.draw(unit, Certificate.Kind.GRADUATION, year, len(ids)), strict=True))
    return numbers


# ---------------------------------------------------------------- the city's sealing (第三十六条)


def awaiting_seal(city_code: str, school_year: int):
    """Graduation applications of the city's high schools waiting at the sealing step for that year."""
    return Step.objects.filter(status=Step.Status.PENDING, label=SEAL_LABEL, org_code=city_code, role="city",
                               application__type=TYPE, application__payload__school_year=school_year).order_by()


def seal(actor, school_year: int | None = None) -> Sealing:
    """The city's one sealing of the year: every high-school graduate it approved is numbered, sealed and made
    毕业 at once; refused after the policy's deadline or when this year's sealing is done (第三十六条)."""
    if actor.role != "city" or not actor.division_id:
        raise Forbidden("毕业证书验印由市级学籍主管部门办理")
    today = timezone.localdate()
    year = school_year or school_year_of(today)
    with transaction.atomic():
        city = Division.objects.select_for_update().get(pk=actor.division_id)
        done = Sealing.objects.filter(city=city, school_year=year).exists()
        problems = rules.check_sealing(today, year, already_sealed=done)
        if problems:
            raise RuleViolation(problems)
        steps = Step.objects.filter(status=Step.Status.PENDING, label=SEAL_LABEL, org_code=city.pk, role="city")
        rows = [r for r in _joined_rows(steps) if r["year"] in (year, 0)]
        if not rows:
            raise RuleViolation(Violation("nothing_to_seal", f"本市{year}学年没有待验印的普通高中毕业生({rules.A36})",
                                          rules.A36, "school_year"))
        skipped = _recheck(rows)
        for row, problems in skipped.values():  # few: each keeps its own reasons
            _reject(actor, [row], ("验印时复核未达毕业条件:" + ";".join(e["message"] for e in problems))[:500])
        sealed = [r for r in rows if r["app"] not in skipped]
        # What is left at this year's sealing step is what is sealed: select it by condition, not by id lists.
        by_condition = all(r["year"] == year for r in sealed) and len(sealed) == steps.count()
        seal_steps = steps.filter(application__payload__school_year=year) if by_condition else \
            Step.objects.filter(pk__in=[r["step"] for r in sealed])
        apps = Application.objects.filter(pk__in=seal_steps.values("application_id"))
        graduate(actor, apps, sealed_on=today)
        apps.update(status=Application.Status.APPROVED, decided_at=timezone.now())
        Step.objects.filter(pk__in=seal_steps.values("pk")).update(
            status=Step.Status.APPROVED, decider=actor, comment="验印", decided_at=timezone.now())
        try:
            with transaction.atomic():
                sealing = Sealing.objects.create(city=city, school_year=year, sealed_on=today, sealed_by=actor,
                                                 count=len(sealed), rejected=len(skipped))
        except IntegrityError:
            raise RuleViolation(rules.check_sealing(today, year, already_sealed=True)) from None
        audit.record(actor, "graduation.seal", obj=sealing,
                     details={"school_year": year, "count": len(sealed), "rejected": len(skipped),
                              "applications_sha256": digest(r["app"] for r in sealed)})
    return sealing
