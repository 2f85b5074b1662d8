"""发起学籍异动: one small spec per change type, from which the start page, the JSON description of the form and
the multipart API input are all read.

A spec only describes input: the fields a registrar fills (Chinese label, help citing the article), the table of
allowed reasons (data of xueji.policy.changes.reasons), the proof kinds that table asks for, and the chain the
engine will build. It never decides a rule: the change type's check() does, when services.submit() is called.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

from django.utils import timezone

from xueji.accounts.models import Role
from xueji.core.errors import ServiceError, malformed
from xueji.core.inputs import MAX_ID, parse_int
from xueji.policy import codes
from xueji.policy.changes import dropout as dropout_rules
from xueji.policy.changes import reasons as R
from xueji.policy.fields import GRADE_LABELS
from xueji.policy.province import get_policy
from xueji.policy.violations import Violation
from xueji.workdays.services import add_working_days, fallback_years

from .engine import TRANSITIONS, change_type, registered
from .models import Application
from .selectors import FALLBACK_NOTE

PROOF_PREFIX = "proof_"
GENERIC_FILES = "files"  # scans without a proof kind, as in POST /api/v1/applications
ALWAYS = "always"


def _compulsory(student) -> bool:
    return get_policy().is_compulsory(student.grade)


def _senior(student) -> bool:
    return not _compulsory(student)


def _always(_student) -> bool:
    return True


@dataclass(frozen=True)
class Input:
    """One field of a start form; `name` is the payload key the change type reads."""

    name: str
    label: str
    kind: str = "text"  # date | int | select | multi | weeks | text
    help: str = ""
    required: bool = False
    choices: Callable[[object], list[tuple[str, str]]] | None = None
    default: Callable[[object], str] | None = None
    shown: Callable[[object], bool] = _always
    # Violation fields (from the policy) that belong beside this input.
    aliases: tuple[str, ...] = ()


@dataclass(frozen=True)
class FormSpec:
    code: str
    intro: str
    inputs: tuple[Input, ...] = ()
    reasons: Callable[[object], Mapping[str, R.Reason]] | None = None
    reason_key: str = "reason"
    reason_label: str = "理由"
    reason_help: str = ""
    # A change with one fixed ground whose proofs are listed (death, dropout, extension).
    fixed: R.Reason | None = None
    common_proofs: Callable[[object], tuple[str, ...]] = lambda s: ()
    generic_files: bool = False  # the rule asks for scans but names no proof kind
    applies: Callable[[object], bool] = _always
    deadline: Callable[[object], str] | None = None
    extra_fields: dict = field(default_factory=dict)

    @property
    def label(self) -> str:
        return change_type(self.code).label

    @property
    def article(self) -> str | None:
        return change_type(self.code).article


# ---------------------------------------------------------------- choices and notes read from the policy


def _grade_choices(student) -> list[tuple[str, str]]:
    # 第二十四条: back to the grade left or the next one, as the family chooses; the rule refuses the rest.
    return [(str(g), f"{GRADE_LABELS[g]}{'(原年级)' if g == student.grade else '(下一年级)'}")
            for g in (student.grade, student.grade + 1) if g in GRADE_LABELS]


def _withdrawal_grounds(student) -> Mapping[str, R.Reason]:
    return R.WITHDRAWAL_COMPULSORY_GROUNDS if _compulsory(student) else R.WITHDRAWAL_SENIOR_GROUNDS


def _withdrawal_common(student) -> tuple[str, ...]:
    # 第二十八条: the township government's approval is on file before the county processes it.
    return (*R.WITHDRAWAL_COMMON_PROOFS, *(("township_approval",) if _compulsory(student) else ()))


def _authority_level(student) -> str:
    return "city" if student.school.authority_for(student.grade).level == "city" else "county"


def _recipients(student) -> list[tuple[str, str]]:
    return [(code, dropout_rules.RECIPIENTS[code])
            for code in dropout_rules.required_recipients(_authority_level(student))]


def _judicial_choices(_student) -> list[tuple[str, str]]:
    return list(codes.JUDICIAL_OUTCOME.items())


def _suspended_until(student):
    from .types.suspension import suspended_until

    return suspended_until(student)


def _extension_deadline(student) -> str:
    end = _suspended_until(student)
    tail = "" if _compulsory(student) else ";普通高中学生期满未办理的,可按自动退学处理(第三十一条)"
    return f"须在休学期满({end:%Y年%m月%d日})前申请{tail}" if end else "须在休学期满前申请(第二十四条)"


def _death_deadline(_student) -> str:
    days = get_policy().death_cancel_working_days
    return f"学校应在获知学生死亡后{days}个工作日内凭证明上报注销学籍(第三十二条)"


def _today_text(_student) -> str:
    return timezone.localdate().isoformat()


def _end_default(_student) -> str:
    today = timezone.localdate()
    try:
        return today.replace(year=today.year + 1).isoformat()
    except ValueError:  # 29 February
        return (today + datetime.timedelta(days=365)).isoformat()


ADMISSION_CANCEL_GROUNDS = {"no_show": "开学后逾期未报到且未办理延期", "fraud": "以舞弊等不正当手段骗取入学资格"}

# ---------------------------------------------------------------- the specs

SPECS: dict[str, FormSpec] = {spec.code: spec for spec in (
    FormSpec(
        "suspension",
        "学生因病或其他不可抗拒原因需休学的,由监护人提出书面申请,学校审核后报学籍主管部门批准;休学期限一般为一年,"
        "学校为其保留学籍(第二十三、二十四条)。",
        inputs=(
            Input("start", "休学开始日期", "date", "休学自该日起(第二十四条)", True, default=_today_text),
            Input("end", "休学结束日期", "date", "应复学的日期;休学期限一般为一年(第二十四条)", True,
                  default=_end_default),
            Input("hours_needed", "需停课或已请假的学时", "int",
                  "因病休学填需停课治疗休养的学时,因请假休学填已连续请假的学时;须达到或超过本学期总学时的三分之一(第二十三条)",
                  aliases=("hours", "hours_required")),
            Input("term_hours", "本学期总学时", "int", "用于核对三分之一(第二十三条);因不可抗拒原因休学可不填"),
        ),
        reasons=lambda s: R.SUSPENSION_REASONS, reason_label="休学原因",
        reason_help="只限第二十三条所列情形",
        common_proofs=lambda s: R.SUSPENSION_COMMON_PROOFS,
    ),
    FormSpec(
        "suspension_extension",
        "休学期满仍不能复学的,凭县级以上医院诊断或其他有关证明申请延长休学;休学累计不超过两年(第二十四条)。",
        inputs=(Input("end", "延长至", "date", "新的休学结束日期;自首次休学开始累计不超过两年(第二十四条)", True),),
        fixed=R.EXTENSION_PROOFS, deadline=_extension_deadline,
    ),
    FormSpec(
        "resumption",
        "休学期满复学的,由学生本人和家长选择回原年级或到下一年级就读;不允许留级(第二十三、二十四条)。",
        inputs=(Input("grade", "复学年级", "select", "原年级或下一年级,由学生本人和家长决定(第二十四条)", True,
                      choices=_grade_choices, aliases=("requested_grade",)),),
    ),
    FormSpec(
        "withdrawal",
        "义务教育阶段只因丧失学习能力或出国出境定居可以退学,须报乡镇(街道)人民政府批准,由县级教育行政部门办理"
        "(第二十八条);普通高中只限第二十九条所列四种情形。学生或监护人须填写退学申请表(附件10)(第三十条)。",
        inputs=(Input("judicial_outcome", "司法机关处理结果", "select",
                      "因判刑或强制性教育措施退学时填写(第二十九条);对被采取刑事强制措施的未成年学生不得取消学籍(第四十一条)",
                      choices=_judicial_choices, shown=_senior),),
        reasons=_withdrawal_grounds, reason_key="ground", reason_label="退学理由",
        reason_help="义务教育阶段见第二十八条,普通高中见第二十九条",
        common_proofs=_withdrawal_common,
        extra_fields={"township_approved": "evidence.township_approval", "suspension_periods": "ground"},
    ),
    FormSpec(
        "auto_withdrawal",
        "普通高中学生一学期内连续旷课超过8周或累计旷课10周及以上、帮助教育无效的,或休学期满未复学也未办理继续休学的,"
        "经学校报请县、市教育行政主管部门批准,按自动退学处理(第三十一条)。",
        inputs=(Input("truancy_weeks", "旷课的教学周", "weeks",
                      "本学期旷课的教学周序号,如“1-9”或“3,4,5,9”;按旷课申请时填写(第三十一条)",
                      aliases=("truancy", "truancy_runs")),),
        reasons=lambda s: R.AUTO_WITHDRAWAL_GROUNDS, reason_key="ground", reason_label="自动退学情形",
        applies=_senior, extra_fields={"suspension_end": "ground"},
    ),
    FormSpec(
        "death",
        "学生死亡的,学校凭医院或公安机关出具的死亡证明报学籍主管部门注销学籍(第三十二条)。",
        inputs=(Input("known_on", "学校获知日期", "date", "学校得知学生死亡的日期,用于计算10个工作日的上报期限(第三十二条)",
                      True, default=_today_text),),
        fixed=R.DEATH, deadline=_death_deadline,
    ),
    FormSpec(
        "dropout",
        "义务教育阶段学生辍学的,学校须依法及时书面上报当地乡镇人民政府和县级教育行政部门,并在义务教育年限内为其"
        "保留学籍(第三十三条)。",
        inputs=(Input("reported_to", "已书面上报", "multi", "勾选已送达书面报告的单位(第三十三条)", True,
                      choices=_recipients),),
        fixed=R.DROPOUT, applies=_compulsory,
    ),
    FormSpec(
        "missing",
        "学生因失踪、被刑事拘留或采取其他强制措施等原因离校的,学校须及时报告市级教育行政部门,并保留其学籍"
        "(第四十一条)。",
        inputs=(Input("judicial_outcome", "司法机关处理结果", "select",
                      "被免刑、缓刑、假释或判处非监禁刑的学生应继续留校学习,不登记离校(第四十一条)",
                      choices=_judicial_choices),),
        reasons=lambda s: R.LEAVE_REASONS, reason_label="离校原因",
        extra_fields={"reported_to_city": "__all__"},
    ),
    FormSpec("missing_return", "登记离校的学生回校就读;被解除羁押的未成年学生,学校应接收其回校(第四十一条)。"),
    FormSpec(
        "entry_delay",
        "新生因特殊原因不能按时报到的,应在开学前一周内申请延期,延期不超过两周;超过的按休学办理(第十二条)。",
        inputs=(Input("until", "延期报到至", "date", "开学后两周以内(第十二条)", True),),
        generic_files=True,
    ),
    FormSpec("no_show_dropout",
             "义务教育阶段新生无故逾期未报到、经多方联系无果的,视为辍学,报乡镇人民政府和县级教育行政部门(第十二、三十三条)。",
             applies=_compulsory),
    FormSpec("dropout_return", "辍学学生回校的,恢复学籍并补录、更新学籍信息(第十二条)。"),
    # The type is the archive's (xueji/archive/change_types.py); registered() leaves it out when that app is absent.
    FormSpec(
        "expulsion",
        "普通高中学生严重违反日常行为规范、学校规章制度或治安管理规定的,可给予开除学籍处分;留校察看一年内仍无改正表现者,"
        "应开除学籍。开除学籍须经学校审核后报市级教育主管部门批准;义务教育阶段学生不能开除学籍(第四十条)。",
        inputs=(Input("misconduct", "违纪事实", "text", "写明违纪事实及学校已给予的处分,供市级教育主管部门审批(第四十条)",
                      True),),
        generic_files=True, applies=_senior,
    ),
    FormSpec(
        "admission_cancel",
        "普通高中新生开学后10个工作日内未报到且未办理延期的,或以舞弊等手段骗取入学资格的,取消入学资格(第十二条)。",
        reasons=lambda s: {k: R.Reason(k, v, "第十二条") for k, v in ADMISSION_CANCEL_GROUNDS.items()},
        reason_key="ground", reason_label="取消理由", generic_files=True, applies=_senior,
    ),
)}

# Changes filed elsewhere: their own pages (info_change, transfer_out) or the receiving school (transfer, 第十八条).
ELSEWHERE = {
    "info_change": ("web:applications:info_change", "姓名、性别、出生日期、身份证件类型和号码(第十五条)"),
    "transfer_out": ("web:transfers:outgoing", "转到省外学校或中等职业学校(第十九条)"),
}


# ---------------------------------------------------------------- what a student may start


def spec_for(code: str) -> FormSpec:
    """The spec of a type started from the student page; unknown or elsewhere-started types are refused."""
    spec = SPECS.get(code)
    if spec is None or code not in registered():
        raise ServiceError(Violation(code="no_start_form", field="type",
                                     message=f"“{code}”不能从学生页面发起,可发起的类型见学籍异动菜单"),
                           summary="请求有误")
    return spec


def applicable(student) -> list[dict]:
    """The change types the engine's TRANSITIONS allow from the student's status (and the stage allows),
    with any pending application of the same type that would block a new one."""
    pending = dict(Application.objects.filter(student=student, status=Application.Status.PENDING)
                   .values_list("type", "pk"))
    rows = []
    for code, spec in SPECS.items():
        if code not in registered() or student.status not in TRANSITIONS.get(code, {}) or not spec.applies(student):
            continue
        rows.append({"type": code, "label": spec.label, "article": spec.article, "intro": spec.intro,
                     "pending": pending.get(code), "elsewhere": None})
    for code, (url_name, note) in ELSEWHERE.items():
        if code in registered() and student.status in TRANSITIONS.get(code, {}):
            rows.append({"type": code, "label": change_type(code).label, "article": change_type(code).article,
                         "intro": note, "pending": pending.get(code), "elsewhere": url_name})
    return rows


# ---------------------------------------------------------------- the form as data


def proof_rows(spec: FormSpec, student) -> list[dict]:
    """Each proof kind the form asks for, with the reasons that need it (ALWAYS when every one does)."""
    rows: dict[str, dict] = {}

    def add(kind: str, needed_by: str, any_of: bool = False) -> None:
        row = rows.setdefault(kind, {"kind": kind, "field": PROOF_PREFIX + kind, "label": R.PROOF_KIND[kind],
                                     "needed_by": [], "any_of": any_of})
        if needed_by not in row["needed_by"]:
            row["needed_by"].append(needed_by)

    for kind in spec.common_proofs(student):
        add(kind, ALWAYS)
    table = list(spec.reasons(student).values()) if spec.reasons else ([spec.fixed] if spec.fixed else [])
    single = len(table) == 1
    for reason in table:
        for kind in reason.proofs:
            add(kind, ALWAYS if single else reason.label)
        for kind in reason.any_of:
            add(kind, ALWAYS if single else reason.label, any_of=True)
    for row in rows.values():
        row["always"] = ALWAYS in row["needed_by"]
        row["needed_by"] = [] if row["always"] else row["needed_by"]
    return list(rows.values())


def reason_choices(spec: FormSpec, student) -> list[dict]:
    if not spec.reasons:
        return []
    return [{"code": r.code, "label": r.label, "article": r.article, "proofs": [*r.proofs],
             "any_of": [*r.any_of]} for r in spec.reasons(student).values()]


def inputs_for(spec: FormSpec, student) -> list[Input]:
    return [i for i in spec.inputs if i.shown(student)]


def _role_label(role: str) -> str:
    return Role(role).label if role in Role.values else role


def chain_preview(code: str, student, today: datetime.date | None = None) -> dict:
    """The steps the engine would build if the application were filed today, with their time limits: the first
    step's due date is known now, the later ones start when the one before them ends."""
    today = today or timezone.localdate()
    draft = Application(type=code, student=student, school=student.school, payload={})
    steps, dues = [], []
    for order, spec in enumerate(change_type(code).steps(draft), start=1):
        due = add_working_days(today, spec.working_days) if spec.working_days and order == 1 else None
        dues.append(due)
        steps.append({"order": order, "label": spec.label, "org": spec.org.pk, "org_name": spec.org.name,
                      "role": spec.role, "role_label": _role_label(spec.role), "working_days": spec.working_days,
                      "due_date": due})
    fallback = fallback_years(today, *[d for d in dues if d])
    return {"steps": steps, "fallback_years": fallback, "fallback_note": FALLBACK_NOTE if fallback else ""}


def describe(code: str, student) -> dict:
    """The whole form as data: what the page renders and GET /students/{key}/change-types returns."""
    spec = spec_for(code)
    return {
        "type": code, "label": spec.label, "article": spec.article, "intro": spec.intro,
        "deadline": spec.deadline(student) if spec.deadline else "",
        "reason_key": spec.reason_key if spec.reasons else None, "reason_label": spec.reason_label,
        "reason_help": spec.reason_help, "reasons": reason_choices(spec, student),
        "fields": [{"name": i.name, "label": i.label, "kind": i.kind, "help": i.help, "required": i.required,
                    "choices": [{"code": c, "label": lab} for c, lab in (i.choices(student) if i.choices else [])]}
                   for i in inputs_for(spec, student)],
        "proofs": proof_rows(spec, student),
        "generic_files": spec.generic_files,
        "chain": chain_preview(code, student),
    }


def error_field(spec: FormSpec, violation_field: str | None) -> str:
    """Where a refusal is shown on the page: the input it concerns, else the summary (__all__)."""
    name = violation_field or "__all__"
    name = spec.extra_fields.get(name, name)
    if spec.reasons and name in ("reason", "ground"):
        return spec.reason_key
    for i in spec.inputs:
        if name == i.name or name in i.aliases or name.startswith(f"{i.name}."):
            return i.name
    if name.startswith("evidence."):
        return PROOF_PREFIX + name.split(".", 1)[1]
    if name == "evidence":
        return GENERIC_FILES
    return name


# ---------------------------------------------------------------- reading input (page and API)


WEEKS = re.compile(r"^\s*(\d{1,2})\s*(?:[-–~至]\s*(\d{1,2}))?\s*$")


def parse_weeks(value, name: str = "truancy_weeks") -> list[int]:
    """Teaching-week numbers from "1-9", "3,4,5,9", "3、5" or a JSON list of numbers."""
    parts = value if isinstance(value, list) else re.split(r"[,,、;;\s]+", str(value).strip())
    weeks: set[int] = set()
    for part in parts:
        if isinstance(part, bool):
            raise malformed(name, "旷课的教学周须为周序号,如“1-9”或“3,4,5”")
        match = WEEKS.match(str(part)) if str(part).strip() else None
        if part != "" and match is None:
            raise malformed(name, f"旷课的教学周“{part}”无法识别,请写成“1-9”或“3,4,5”这样的周序号")
        if match:
            first, last = int(match[1]), int(match[2] or match[1])
            if not 1 <= first <= last <= 30:
                raise malformed(name, f"教学周“{part}”超出范围,一学期的周序号为1至30")
            weeks.update(range(first, last + 1))
    return sorted(weeks)


def _multi(value, name: str) -> list[str]:
    if isinstance(value, str):
        return [v.strip() for v in re.split(r"[,,、]", value) if v.strip()]
    if isinstance(value, list) and all(isinstance(v, str) for v in value):
        return value
    raise malformed(name, f"{name} 须为代码列表,如 [\"township\", \"county\"] 或 “township,county”")


def coerce_payload(type_code: str, payload: dict) -> dict:
    """Give list fields their list shape whether they came as JSON, repeated form keys or "a,b" text; refuse
    (400) what cannot be read, so that the change type's check only ever sees well-formed values."""
    spec = SPECS.get(type_code)
    if spec is None:
        return payload
    payload = dict(payload)
    for i in spec.inputs:
        value = payload.get(i.name)
        if value is None or value == "":
            continue
        if i.kind == "multi":
            payload[i.name] = _multi(value, i.name)
        elif i.kind == "weeks":
            payload[i.name] = parse_weeks(value, i.name)
    return payload


def api_input(type_code: str, payload: dict, reason: str, form=None) -> tuple[dict, str]:
    """The API's body for a type started here: list fields coerced (a multipart form may repeat their key);
    where the type reads its reason code from payload["reason"] (suspension, missing) the request's `reason` is
    that code and `note` the free text."""
    spec = SPECS.get(type_code)
    payload = dict(payload)
    for i in spec.inputs if spec is not None and form is not None else ():
        if i.kind in ("multi", "weeks") and len(form.getlist(i.name)) > 1:
            payload[i.name] = form.getlist(i.name)
    payload = coerce_payload(type_code, payload)
    note = payload.pop("note", "")
    if not isinstance(note, str) or len(note) > 500:
        raise malformed("note", "说明 note 须为不超过500字的文本")
    if spec is not None and spec.reasons and spec.reason_key == "reason":
        payload["reason"], reason = reason, ""
    return payload, note or reason


def proof_uploads(files) -> list[tuple[str, object]]:
    """(proof kind, upload) for every `proof_<kind>` file field; an unknown kind is a malformed request."""
    uploads = []
    for key in files:
        if not key.startswith(PROOF_PREFIX):
            continue
        kind = key[len(PROOF_PREFIX):]
        if kind not in R.PROOF_KIND:
            raise malformed(key, f"材料类型“{kind}”不存在;文件字段名为 proof_<材料类型>,材料类型见接口文档")
        uploads += [(kind, upload) for upload in files.getlist(key)]
    return uploads


def read_form(spec: FormSpec, student, post, files) -> tuple[dict, list, str]:
    """(payload, evidence, reason text) from the start page's POST; the change type judges the values."""
    payload: dict = {}
    if spec.reasons:
        payload[spec.reason_key] = post.get(spec.reason_key, "").strip()
    for i in inputs_for(spec, student):
        if i.kind == "multi":
            value = [v for v in post.getlist(i.name) if v]
        else:
            value = post.get(i.name, "").strip()
        if value in ("", []):
            continue
        if i.kind == "int" and parse_int(value, 0, MAX_ID) is not None:
            value = parse_int(value, 0, MAX_ID)
        payload[i.name] = value
    payload = coerce_payload(spec.code, payload)
    evidence = proof_uploads(files) + [("", f) for f in files.getlist(GENERIC_FILES)]
    return payload, evidence, post.get("note", "").strip()[:500]


# ---------------------------------------------------------------- the API's documentation


def proof_properties() -> dict:
    """multipart/form-data file fields, one per proof kind, for the OpenAPI of POST /applications."""
    return {PROOF_PREFIX + kind: {"type": "array", "items": {"type": "string", "format": "binary"},
                                  "description": f"证明材料:{label}(JPG、PNG、PDF,可多个)"}
            for kind, label in R.PROOF_KIND.items()}


def document(json_schema: dict, form_schema: dict) -> None:
    """Add the start forms' payload keys and the proof_<kind> file fields to POST /applications' OpenAPI."""
    for schema in (json_schema, form_schema):
        props = schema["properties"]
        for name, prop in payload_properties().items():
            if name in props:
                props[name] = {**props[name], "description": f"{props[name].get('description', '')};{prop['description']}"}
            elif schema is json_schema:
                props[name] = prop
    form_schema["properties"].update(proof_properties())


def payload_properties() -> dict:
    """The payload keys of the change types started from the student page, for the OpenAPI."""
    props: dict[str, dict] = {}
    for spec in SPECS.values():
        if spec.reasons:
            key = spec.reason_key
            props.setdefault(key, {"type": "string", "description": ""})
            props[key]["description"] += f"{spec.code}:{spec.reason_label}代码;"
    props["reason"]["description"] += "这两种类型的自由文字说明放在 note 中;"
    props["note"] = {"type": "string", "description": "申请说明(自由文字,不超过500字)"}
    for spec in SPECS.values():
        for i in spec.inputs:
            schema = {"date": {"type": "string", "format": "date"}, "int": {"type": "integer"},
                      "multi": {"type": "array", "items": {"type": "string"}},
                      "weeks": {"type": "array", "items": {"type": "integer"}}}.get(i.kind, {"type": "string"})
            props.setdefault(i.name, {**schema, "description": ""})
            props[i.name]["description"] += f"{spec.code}:{i.label}({i.help});"
    return props
