"""Writes to student records. Each takes the acting user and writes its audit row in the same transaction."""

from datetime import date

from django.db import transaction

from xueji.audit import services as audit
from xueji.core.errors import Conflict, Forbidden, NotFound, RuleViolation
from xueji.core.inputs import parse_id
from xueji.orgs.models import School, SchoolClass
from xueji.orgs.permissions import SchoolPolicy
from xueji.policy import continuation, province
from xueji.policy import record as record_rules
from xueji.policy.changes.withdrawal import returning_intake
from xueji.policy.fields import FAMILY_FIELDS, STUDENT_FIELDS
from xueji.policy.reorganisation import closed_school_problems
from xueji.policy.violations import Violation

from . import readmission, seats
from .models import Enrolment, FamilyMember, StatusEvent, Student
from .permissions import StudentPolicy
from .pinyin import pinyin_of

# Items stored directly as columns of Student (photo, class and grade are handled on their own).
COLUMN_FIELDS = [f.name for f in STUDENT_FIELDS if f.name not in ("photo", "school_class")]
FAMILY_COLUMNS = {f.name: ("position_title" if f.name == "position" else f.name) for f in FAMILY_FIELDS}


def errors_only(violations):
    return [v for v in violations if v.severity == "error"]


def student_data(student: Student) -> dict:
    """The canonical dict of a stored record, the shape the policy validates."""
    data = {name: getattr(student, name) for name in COLUMN_FIELDS}
    data["school_class"] = student.school_class_id
    data["family"] = [
        {spec_name: getattr(m, column) for spec_name, column in FAMILY_COLUMNS.items()}
        for m in student.family.all()
    ]
    return data


def _resolve_class(school: School, grade: int | None, value) -> tuple[SchoolClass | None, list[Violation]]:
    if value in (None, ""):
        return None, []
    qs = SchoolClass.objects.filter(school=school)
    pk = parse_id(value)
    found = qs.filter(pk=pk).first() if pk is not None else qs.filter(name=str(value), grade=grade).first()
    if found is None:
        return None, [Violation(code="unknown_class", field="school_class",
                                message=f"班级“{value}”不存在于本校,请先建立班级或留空")]
    if grade and found.grade != grade:
        return None, [Violation(code="class_grade_mismatch", field="school_class",
                                message=f"班级“{found}”属于其他年级,请选择{grade}年级的班级")]
    return found, []


def check_class_room(school_class: SchoolClass, *, adding: int = 1, reason: str = "") -> list[Violation]:
    """Class size after placing `adding` more students against 第十三条; the row lock serialises placements."""
    SchoolClass.objects.select_for_update().filter(pk=school_class.pk).first()
    # Placement registers how seats are counted (seated, visiting, promised by pending plans): one count everywhere.
    taken = seats.taken([school_class.pk])[school_class.pk]
    return province.check_class_size(school_class.grade, taken + adding, reason=reason)


def _grade_violations(school: School, grade) -> list[Violation]:
    if grade and grade not in school.grades:
        return [Violation(code="grade_not_offered", field="grade",
                          message=f"{school.name}({school.type_label})不设该年级,请核对年级")]
    return []




def _earlier_records(id_type: str, id_number: str) -> tuple[Student | None, bool]:
    """(the record a returning emigrant left with, whether another record forbids a new one) for an ID."""
    if id_type == "Z" or not id_number:
        return None, False
    found = list(Student.objects.filter(id_type=id_type, id_number=id_number))
    returned = [s for s in found if readmission.allows_new_record(s) and not s.later_records.exists()]
    return (returned[0] if returned else None), len(returned) != len(found)


def _existing_record_refusal(actor, school: School, data: dict) -> Violation:
    """Why a record cannot be opened for a person the registry already holds: the import's rule
    (xueji.policy.continuation), so the form and the spreadsheet refuse alike; a record free to continue is
    continued through the import, which carries its 学籍号 (第四条)."""
    from xueji.workdays.stages import stage_over_on

    found = list(Student.objects.filter(id_type=data.get("id_type"), id_number=data.get("id_number")))
    # The live record decides, as in the import: one studying somewhere, else any but a cancelled one.
    found.sort(key=lambda s: (s.status not in continuation.STUDYING, s.status == "注销"))
    record = found[0]
    visible = SchoolPolicy.visible_to(actor).filter(pk=record.school_id).first()
    facts = continuation.ExistingRecord(status=record.status, grade=record.grade, school=record.school_id,
                                        where=visible.name if visible else "省内其他学校")
    refused = continuation.refusal(facts, school=school.pk, grade=data.get("grade"),
                                   stage_is_over=stage_over_on(date.today()))
    return refused or Violation(
        code="continue_by_import", field="id_number", article="第十四条",
        message="该学生已有学籍,不得重复建立(第十四条);升学接续请通过表格导入,在“学籍号”列填写原学籍号(第四条)")


def create_student(actor, school: School, raw: dict, *, keys: str = "name", class_reason: str = "") -> Student:
    """Open a record awaiting registration (待注册) at the actor's school."""
    if not StudentPolicy.can_create_at(actor, school):
        if SchoolPolicy.user_can(actor, "view", school):
            # The school is in his jurisdiction, his role just does not type records (第三条): say so.
            raise Forbidden("只有本校学籍管理员可以录入学生")
        raise NotFound("未找到该学校,或您无权为该学校录入学生")
    # 第八条: a merged or closed school takes no new record.
    closed = closed_school_problems(school.name, school.closed_on, school.closure, act="录入新生")
    if closed:
        raise RuleViolation(closed)
    data, violations = record_rules.normalize(raw, keys=keys)
    violations += record_rules.validate_student(data, school_type=school.school_type, today=date.today())
    violations += _grade_violations(school, data.get("grade"))
    errors = errors_only(violations)
    if errors:
        raise RuleViolation(errors)
    with transaction.atomic():
        school_class, class_errors = _resolve_class(school, data.get("grade"), data.get("school_class"))
        if school_class:
            class_errors += errors_only(check_class_room(school_class, reason=class_reason))
        if class_errors:
            raise RuleViolation(class_errors)
        earlier, blocked = _earlier_records(data.get("id_type", ""), data.get("id_number", ""))
        if blocked:
            raise Conflict(_existing_record_refusal(actor, school, data))
        student = Student(school=school, school_class=school_class, created_by=actor, earlier_record=earlier,
                          **{k: data[k] for k in COLUMN_FIELDS if data.get(k) is not None})
        if not student.name_pinyin:
            student.name_pinyin = pinyin_of(student.name)
        student.save()
        _save_family(student, data.get("family") or [])
        Enrolment.objects.create(student=student, school=school, grade=student.grade, school_class=school_class,
                                 started_on=date.today(), entry_reason="新建学籍")
        note = "录入学生基本信息,待注册"
        if earlier:
            note = returning_intake(earlier.student_number).message
        StatusEvent.objects.create(student=student, kind="建档", to_status=student.status, school=school,
                                   actor=actor, note=note[:500])
        audit.record(actor, "student.create", obj=student, details={"school": school.pk})
    return student


def _save_family(student: Student, members: list[dict]) -> None:
    for position, member in enumerate(members[:2], start=1):
        if not any(member.values()):
            continue
        values = {FAMILY_COLUMNS[k]: v for k, v in member.items() if k in FAMILY_COLUMNS and v is not None}
        FamilyMember.objects.update_or_create(student=student, position=position, defaults=values)


def _diff(old: dict, new: dict) -> dict:
    return {k: [_plain(old.get(k)), _plain(v)] for k, v in new.items() if _plain(old.get(k)) != _plain(v)}


def _plain(value):
    return value if value is None or isinstance(value, (str, int, bool, list, dict)) else str(value)


def update_student(actor, student: Student, raw: dict, *, keys: str = "name") -> Student:
    """Edit uncontrolled items directly; controlled ones (第十五条) need an information-change application, and the
    grade of a registered record moves only by promotion, continuation, resumption or an application (第二十三条)."""
    if not StudentPolicy.user_can(actor, "edit", student):
        if StudentPolicy.user_can(actor, "view", student):
            raise Forbidden("只有学生所在学校的学籍管理员可以修改学生信息")
        raise NotFound("未找到该学生,或该学生不在您的管辖范围内")
    patch, violations = record_rules.normalize(raw, keys=keys)
    registered = bool(student.student_number)
    violations += record_rules.validate_patch(patch, registered=registered)
    if errors_only(violations):
        raise RuleViolation(errors_only(violations))
    with transaction.atomic():
        student = Student.objects.select_for_update().get(pk=student.pk)
        before = student_data(student)
        merged = {**before, **{k: v for k, v in patch.items() if k != "family"}}
        if "family" in patch:
            merged["family"] = _merge_family(before["family"], patch["family"])
        violations = record_rules.validate_student(merged, school_type=student.school.school_type, today=date.today())
        violations += _grade_violations(student.school, merged.get("grade"))
        school_class, class_errors = _resolve_class(student.school, merged.get("grade"), merged.get("school_class"))
        if school_class and school_class.pk != student.school_class_id:
            class_errors += errors_only(check_class_room(school_class))
        if errors_only(violations) or class_errors:
            raise RuleViolation(errors_only(violations) + class_errors)
        changes = _diff(before, merged)
        if not changes:
            return student
        locked = record_rules.locked_fields(registered=registered)
        for name in COLUMN_FIELDS:
            if name in patch and name not in locked:
                setattr(student, name, merged[name])
        student.school_class = school_class
        student.save()
        if "grade" in changes:  # a grade corrected before registration: the stay was entered in the wrong grade too
            Enrolment.objects.filter(student=student, ended_on__isnull=True).update(grade=student.grade)
        if "family" in patch:
            _save_family(student, merged["family"])
        StatusEvent.objects.create(student=student, kind="信息维护", from_status=student.status,
                                   to_status=student.status, school=student.school, actor=actor,
                                   note="学校维护非受控信息", changes=changes)
        audit.record(actor, "student.update", obj=student, details={"fields": sorted(changes)})
    return student


def _merge_family(old: list[dict], new: list[dict]) -> list[dict]:
    merged = [dict(m) for m in old] + [{} for _ in range(2 - len(old))]
    for i, member in enumerate(new[:2]):
        if member:
            merged[i] = {**merged[i], **member}
    return [m for m in merged if any(v not in (None, "") for v in m.values())]


def reveal_id_number(actor, student: Student, reason: str) -> str:
    """Show an unmasked ID number: the reason is required and recorded (第四十四条)."""
    reason = (reason or "").strip()
    if len(reason) < 2:
        raise RuleViolation(Violation(code="reason_required", field="reason", article="第四十四条",
                                      message="查看完整身份证件号须填写查阅事由(第四十四条)"))
    if not StudentPolicy.user_can(actor, "unmask", student):
        raise NotFound("未找到该学生,或该学生不在您的管辖范围内")
    with transaction.atomic():
        # A G student number is the ID with a letter in front, so it is shown (and recorded) with it.
        audit.record(actor, "student.unmask_id", obj=student, reason=reason,
                     details={"student_number": bool(student.student_number) and student.student_number[0] == "G"})
    return student.id_number


def reveal_identity(actor, student: Student, reason: str) -> dict:
    """The whole ID number and the whole student number together, under one reason and one audit row (第四十四条)."""
    id_number = reveal_id_number(actor, student, reason)
    return {"id_number": id_number, "student_number": student.student_number}


def set_photo(actor, student: Student, upload) -> Student:
    """Store a new photo (JPG, under the size limit); the previous file stays on disk, only the link moves."""
    from django.conf import settings

    if not StudentPolicy.user_can(actor, "edit", student):
        if StudentPolicy.user_can(actor, "view", student):
            raise Forbidden("只有学生所在学校的学籍管理员可以上传照片")
        raise NotFound("未找到该学生,或该学生不在您的管辖范围内")
    head = upload.read(3)
    upload.seek(0)
    if head[:3] != b"\xff\xd8\xff":
        raise RuleViolation(Violation(code="photo_not_jpeg", field="photo", message="照片须为JPG格式,请重新选择文件"))
    if upload.size > settings.XUEJI_PHOTO_MAX_BYTES:
        raise RuleViolation(Violation(code="photo_too_large", field="photo",
                                      message=f"照片须小于{settings.XUEJI_PHOTO_MAX_BYTES // 1024}KB,请压缩后重新上传"))
    with transaction.atomic():
        student.photo.save(f"{student.pk}.jpg", upload, save=False)
        student.photo_retake_needed = False
        student.save(update_fields=["photo", "photo_retake_needed", "updated_at"])
        audit.record(actor, "student.photo", obj=student)
    return student
