"""附件7–10: the paper forms of the status changes, printed from the application itself.

The families sign these forms and the school and the bureaus stamp them (第十八、二十四、二十六、三十条): the
registrar prints the form from the application, so what is signed is what the registry holds. Each form shows the
student, the request (reason and dates, as their Chinese labels), the guardian's signature lines and one opinion
box per approval step; a decided step's box is filled from its Step row, an undecided one stays blank for the
pen. This module maps the change types to their forms and arranges the values; the templates draw them.
"""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass

from django.utils import timezone

from xueji.access import services as access
from xueji.applications.models import Application, Step
from xueji.applications.permissions import ApplicationPolicy
from xueji.audit import services as audit
from xueji.core.errors import NotFound, RuleViolation
from xueji.core.inputs import parse_id
from xueji.core.masking import mask_id, mask_phone, mask_student_number
from xueji.orgs.models import School, SchoolClass
from xueji.policy import codes
from xueji.policy.areas import area_name
from xueji.policy.changes import reasons
from xueji.policy.fields import GRADE_LABELS
from xueji.policy.province import get_policy
from xueji.policy.violations import Violation

from . import pdf
from .basic_info import _province_name
from .permissions import FormPolicy, checked_reason
from .selectors import Printout

ACTION = "forms.change_form"
NOT_FOUND = "未找到该申请,或该申请不在您的管辖范围内"


@dataclass(frozen=True)
class ChangeForm:
    annex: str  # 附件7 …
    title: str  # without the province: 中小学生休学、复学申请表
    template: str
    types: tuple[str, ...]


FORMS = (
    ChangeForm("附件7", "中小学生休学、复学申请表", "forms/change_suspension.html",
               ("suspension", "suspension_extension", "resumption")),
    ChangeForm("附件8", "中小学生转学申请表", "forms/change_transfer.html", ("transfer", "transfer_out", "transfer_in")),
    ChangeForm("附件9", "中小学生借读申请表", "forms/change_visiting.html", ("visiting",)),
    ChangeForm("附件10", "中小学生退学申请表", "forms/change_withdrawal.html", ("withdrawal", "auto_withdrawal")),
)
FORM_BY_TYPE = {code: form for form in FORMS for code in form.types}
DECISIONS = {Step.Status.APPROVED: "同意", Step.Status.REJECTED: "不同意"}


def form_for(type_code: str) -> ChangeForm | None:
    return FORM_BY_TYPE.get(type_code)


# ---------------------------------------------------------------- values as the paper prints them


def date_text(value) -> str:
    """2026-09-01 (a date or its ISO text) → 2026年9月1日; anything else as given."""
    if isinstance(value, datetime.datetime):
        value = timezone.localdate(value)
    if isinstance(value, str):
        try:
            value = datetime.date.fromisoformat(value)
        except ValueError:
            return value
    if isinstance(value, datetime.date):
        return f"{value.year}年{value.month}月{value.day}日"
    return "" if value is None else str(value)


def grade_text(value) -> str:
    try:
        return GRADE_LABELS.get(int(value), str(value))
    except (TypeError, ValueError):
        return "" if value in (None, "") else str(value)


def reason_text(table, code) -> str:
    # A code the table does not know is printed as given, so the paper never hides what was filed.
    found = table.get(str(code or ""))
    return found.label if found else str(code or "")


def division_text(code) -> str:
    code = str(code or "")
    names = []
    for prefix in (code[:2] + "0000", code[:4] + "00", code):
        name = area_name(prefix) if len(code) == 6 else None
        if name and name not in names:
            names.append(name)
    return "".join(names) or code


def school_name(code) -> str:
    if not code:
        return ""
    school = School.objects.filter(pk=str(code)).first()
    return school.name if school else str(code)


def _rows(*pairs) -> list[dict]:
    return [{"label": label, "text": text} for label, text in pairs if text not in (None, "")]


# ---------------------------------------------------------------- the request block of each form


def suspension_rows(app: Application) -> list[dict]:
    p = app.payload
    if app.type == "resumption":
        return _rows(("申请类别", "复学"), ("复学年级", grade_text(p.get("grade"))),
                     ("复学日期", date_text(p.get("date") or p.get("start"))))
    if app.type == "suspension_extension":
        return _rows(("申请类别", "延长休学"), ("休学原因", reasons.EXTENSION_PROOFS.label),
                     ("延长休学至", date_text(p.get("end"))))
    return _rows(("申请类别", "休学"), ("休学原因", reason_text(reasons.SUSPENSION_REASONS, p.get("reason"))),
                 ("休学起止日期", f"{date_text(p.get('start'))} 至 {date_text(p.get('end'))}"),
                 ("需停课学时", p.get("hours_needed")), ("本学期总学时", p.get("term_hours")))


def transfer_rows(app: Application) -> list[dict]:
    p = app.payload
    destination = p.get("destination") if isinstance(p.get("destination"), dict) else {}
    if app.type == "transfer_out":
        source, target = app.school.name, destination.get("name", "")
    elif app.type == "transfer_in":
        source, target = p.get("from_school_name") or "见转出省份出具的转学数据包", app.school.name
    else:
        source, target = p.get("from_school_name") or school_name(p.get("from_school")), app.school.name
    return _rows(("转学原因", reason_text(reasons.TRANSFER_REASONS, p.get("transfer_reason"))),
                 ("转出学校", source), ("转入学校", target),
                 ("迁出地", division_text(p.get("from_division"))), ("迁入地", division_text(p.get("to_division"))),
                 ("转入年级", grade_text(p.get("to_grade"))),
                 ("学期中转学", "申请例外批准" if p.get("mid_term_exception") else ""))


def visiting_rows(app: Application) -> list[dict]:
    # 借读 is filed at the host school (app.school); the record stays at the home school (第二十七条).
    p = app.payload
    home = school_name(p.get("home_school")) or app.student.school.name
    start = p.get("starts_on") or p.get("start")
    end = p.get("ends_on") or p.get("end")
    period = f"{date_text(start)} 至 {date_text(end) or '未定'}" if start or end else ""
    host_pk = parse_id(p.get("host_class"))
    host_class = SchoolClass.objects.filter(pk=host_pk).first() if host_pk is not None else None
    return _rows(("借读原因", reason_text(reasons.VISITING_REASONS, p.get("visiting_reason") or p.get("reason"))),
                 ("学籍所在学校", home), ("借读学校", app.school.name),
                 ("借读班级", str(host_class) if host_class else ""), ("借读期限", period))


def withdrawal_rows(app: Application) -> list[dict]:
    p = app.payload
    if app.type == "auto_withdrawal":
        return _rows(("申请类别", "自动退学(第三十一条)"),
                     ("退学原因", reason_text(reasons.AUTO_WITHDRAWAL_GROUNDS, p.get("ground"))))
    compulsory = get_policy().is_compulsory(app.student.grade)
    table = reasons.WITHDRAWAL_COMPULSORY_GROUNDS if compulsory else reasons.WITHDRAWAL_SENIOR_GROUNDS
    return _rows(("申请类别", "退学"), ("退学原因", reason_text(table, p.get("ground"))),
                 ("乡镇(街道)人民政府批准", "已附批准文件" if compulsory and _has_proof(app, "township_approval") else ""))


def _has_proof(app: Application, kind: str) -> bool:
    return any(e.kind == kind for e in app.evidence.all())


REQUEST_ROWS = {"附件7": suspension_rows, "附件8": transfer_rows, "附件9": visiting_rows, "附件10": withdrawal_rows}


# ---------------------------------------------------------------- student, guardians, opinions


def student_rows(app: Application, *, full_id: bool) -> list[dict]:
    s = app.student
    number = s.id_number if full_id else mask_id(s.id_number)
    school = app.payload.get("from_school_name") if app.type == "transfer" else None
    return [
        {"label": "姓名", "text": s.name}, {"label": "性别", "text": codes.label(codes.GENDER, s.gender, "")},
        {"label": "出生日期", "text": date_text(s.birth_date)},
        {"label": "学籍号", "text": (s.student_number if full_id else mask_student_number(s.student_number))
         or "待注册(尚未发号)"},
        {"label": "身份证件类型", "text": codes.label(codes.ID_TYPE, s.id_type, "")},
        {"label": "身份证件号", "text": number or "无"},
        {"label": "学校", "text": school or s.school.name}, {"label": "年级", "text": grade_text(s.grade)},
        {"label": "班级", "text": s.school_class.name if s.school_class else "未分班"},
    ]


# Items printed as numbers: a digit pushed to the next line is misread, so their cells never wrap.
NUMBER_ITEMS = {"学籍号", "身份证件号"}


def student_lines(rows: list[dict]) -> list[list[dict]]:
    """The student block in three lines: name, gender, birth; number, ID type, ID number; then the school in a
    wide cell (names run to 100 characters) beside the grade and class."""
    cells = {row["label"]: dict(row, num=row["label"] in NUMBER_ITEMS) for row in rows}
    first = [cells["姓名"], cells["性别"], cells["出生日期"]]
    second = [cells["学籍号"], cells["身份证件类型"], cells["身份证件号"]]
    grade_class = " ".join(t for t in (cells["年级"]["text"], cells["班级"]["text"]) if t)
    third = [dict(cells["学校"], span=3), {"label": "年级班级", "text": grade_class}]
    return [first, second, third]


# Written text (the reason and the opinions) beyond these many characters prints smaller, then smaller again, so
# that the form stays on one sheet for the stamps and signatures (reason and comments reach 500 characters each).
DENSE_TEXT, DENSER_TEXT = 360, 1200


def density(app: Application, request_rows: list[dict]) -> int:
    """0 for the normal print, 1 for smaller written text, 2 for the smallest."""
    written = len(app.reason or "") + sum(len(s.comment or "") for s in app.steps.all())
    written += sum(max(0, len(str(r["text"])) - 40) for r in request_rows)
    return 2 if written > DENSER_TEXT else 1 if written > DENSE_TEXT else 0


def guardians(student, *, full_id: bool) -> list[dict]:
    """The guardians on record (or the family members when none is marked), with a signature line each."""
    members = list(student.family.all())
    chosen = [m for m in members if m.is_guardian] or members
    return [{"name": m.name, "relation": codes.label(codes.FAMILY_RELATION, m.relation, m.relation_note or ""),
             "phone": m.phone if full_id else mask_phone(m.phone)} for m in chosen[:2]]


def opinions(app: Application) -> list[dict]:
    """One box per step; decided ones filled from the Step row, the others blank for signature and stamp."""
    boxes = []
    for step in sorted(app.steps.all(), key=lambda s: s.order):
        decided = step.status in DECISIONS
        boxes.append({
            "label": step.label, "org_name": step.org_name, "decided": decided,
            "decision": DECISIONS.get(step.status, ""), "comment": step.comment if decided else "",
            "decider": str(step.decider) if decided and step.decider else "",
            "date": date_text(step.decided_at) if decided else "",
        })
    return boxes


def context(app: Application, form: ChangeForm, *, full_id: bool) -> dict:
    province = _province_name() or "山西省"
    request = REQUEST_ROWS[form.annex](app)
    return {
        "title": province + form.title, "annex": form.annex, "subtitle": f"{app.student.name} · 申请#{app.pk}",
        "app": app, "type_label": app.type_label, "filed_on": date_text(app.created_at),
        "student_lines": student_lines(student_rows(app, full_id=full_id)),
        "request_rows": request,
        "dense": density(app, request),
        "guardians": guardians(app.student, full_id=full_id),
        "opinions": opinions(app), "full_id": full_id, "printed_on": date_text(timezone.localdate()),
        "province_name": province,
    }


# ---------------------------------------------------------------- the print itself


def find_application(user, application_id) -> Application:
    """The application if the user may read it; outsiders (auditors included) get the same NotFound as for an
    absent one, and the attempt is logged."""
    app = None
    if parse_id(application_id) is not None:
        app = (Application.objects.select_related("student", "student__school", "student__school_class", "school")
               .prefetch_related("steps", "steps__decider", "evidence", "student__family")
               .filter(pk=parse_id(application_id)).first())
    if app is None or not ApplicationPolicy.user_can(user, "view", app):
        raise NotFound(NOT_FOUND,
                       actor=user, action=ACTION, object_type="application", object_id=str(application_id))
    return app


def change_form(user, application_id, reason: str = "") -> Printout:
    """The printed form of an application (附件7–10), audited once produced. ID numbers, the G student number and
    the guardians' phones are masked unless the one printing gave a reason (第四十四条), as on 附件6."""
    app = find_application(user, application_id)
    reason = checked_reason(reason)
    form = form_for(app.type)
    if form is None:
        raise RuleViolation(Violation(
            code="no_form_for_type", field="type",
            message=f"该类申请无对应表格:“{app.type_label}”申请没有附件7至附件10中的纸质申请表,无需打印"))
    full_id = FormPolicy.prints_full_id(user, app.school, reason)
    if full_id:
        # Full numbers on paper are a release of personal data: daily work for the school and its authorities,
        # a grant for anyone else; either way a row of the consultation register (第四十四条).
        access.authorize(user, purpose="export", what=f"{form.title}({form.annex})",
                         school=FormPolicy.handling_school(user, app), students=[app.student])
    content = pdf.render(form.template, context(app, form, full_id=full_id))
    audit.record(user, ACTION, obj=app, reason=reason,
                 details={"annex": form.annex, "type": app.type, "full_id": full_id})
    label = re.sub(r'[\\/:*?"<>|\s]+', "", app.student.name)
    filename = f"{form.title}-{label}-{app.pk}-{timezone.localdate():%Y%m%d}.pdf"
    return Printout(filename, content, 1)
