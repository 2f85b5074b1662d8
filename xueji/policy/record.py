"""Reading and checking a student record: the 72 items of student-fields.md.

normalize() turns raw values (form strings, spreadsheet cells) into canonical values keyed by
snake_case name; validate_student() applies the record's rules; validate_patch() keeps the
controlled fields out of direct edits (第十五条; the grade: 第二十三条).
"""

from __future__ import annotations

import dataclasses
import datetime
import functools
import re
import unicodedata
from collections.abc import Callable
from decimal import Decimal

from xueji.policy import codes
from xueji.policy.areas import is_known_area
from xueji.policy.fields import (
    CONTROLLED_ARTICLES,
    EDITABLE_BEFORE_REGISTRATION,
    FAMILY_FIELD_BY_LABEL,
    FAMILY_FIELD_BY_NAME,
    FAMILY_FIELDS,
    FIELD_BY_LABEL,
    FIELD_BY_NAME,
    GRADE_LABELS,
    STUDENT_FIELDS,
    FieldSpec,
    family_column,
    parse_family_column,
    parse_grade,
)
from xueji.policy.idcard import (
    EXCEL_FLOAT_MESSAGE,
    birth_date_of_digits,
    check_char_of_digits,
    is_valid_resident_id,
    looks_like_excel_float,
    normalize_id,
    validate_resident_id,
)
from xueji.policy.province import ProvincePolicy, get_policy
from xueji.policy.values import (
    ascii_text,
    clean_text,
    is_blank,
    parse_bool,
    parse_date,
    parse_decimal,
    parse_division,
    parse_postcode,
    parse_year_month,
)
from xueji.policy.violations import WARNING, Violation

FAMILY_KEY = "family"
MIN_AGE, MAX_AGE = 3, 30
_PHONE = re.compile(r"^[0-9+\-]{7,20}$")
_POSTCODE = re.compile(r"^\d{6}$")
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
_URL = re.compile(r"^(https?://)?[^\s/.]+(\.[^\s/.]+)+(/\S*)?$", re.IGNORECASE)
_DIVISION_FIELDS = ("birthplace", "native_place", "hukou_location")


class _Unreadable(Exception):
    """A raw value that cannot become its field's canonical value."""

    def __init__(self, code: str, message: str):
        super().__init__(message)
        self.code = code
        self.message = message


# ---------------------------------------------------------------- normalize


def normalize(raw: dict, *, keys: str = "name") -> tuple[dict, list[Violation]]:
    """Canonical values keyed by snake_case name, family members under "family", and a
    Violation for every value that could not be read. keys says whether raw uses the
    snake_case names or the template's Chinese column labels (成员1姓名 for family)."""
    if keys not in ("name", "label"):
        raise ValueError("keys must be 'name' or 'label'")
    student, family = _split_by_labels(raw) if keys == "label" else _split_by_names(raw)
    data, found = _read_values(student, FIELD_BY_NAME, prefix="")
    _settle_entry_mode(data, student)
    if family is not None:
        data[FAMILY_KEY], member_found = _read_family(family)
        found += member_found
    return data, found


def _split_by_names(raw: dict) -> tuple[dict, list[dict] | None]:
    student = {k: v for k, v in raw.items() if k in FIELD_BY_NAME}
    family = raw.get(FAMILY_KEY)
    if family is None:
        return student, None
    members = [_member_by_names(m) for m in family or []]
    return student, members


def _member_by_names(member: dict) -> dict:
    # A member dict may use names (phone) or labels (联系电话).
    out = {}
    for key, value in (member or {}).items():
        spec = FAMILY_FIELD_BY_NAME.get(key) or FAMILY_FIELD_BY_LABEL.get(str(key).strip())
        if spec is not None:
            out[spec.name] = value
    return out


def _split_by_labels(raw: dict) -> tuple[dict, list[dict] | None]:
    student: dict = {}
    members: dict[int, dict] = {}
    for key, value in raw.items():
        column = str(key).strip()
        if column in FIELD_BY_LABEL:
            student[FIELD_BY_LABEL[column].name] = value
        elif (found := parse_family_column(column)) is not None:
            number, spec = found
            members.setdefault(number, {})[spec.name] = value
    if not members:
        return student, None
    return student, [members.get(n, {}) for n in range(1, max(members) + 1)]


def _read_values(raw: dict, specs: dict[str, FieldSpec], *, prefix: str) -> tuple[dict, list]:
    data, found = {}, []
    for name, value in raw.items():
        field = f"{prefix}{name}"
        try:
            data[name] = _read_value(specs[name], value, _display_name(specs[name], prefix))
        except _Unreadable as problem:
            data[name] = None
            found.append(Violation(problem.code, problem.message, field=field))
            continue
        found += _length_violation(specs[name], data[name], field, prefix)
    return data, found


def _read_family(members: list[dict]) -> tuple[list[dict], list[Violation]]:
    # Trailing empty blocks (member 2 is often blank) are dropped; earlier ones keep their
    # place so that index i is always the template's 成员{i+1} columns.
    filled = [i for i, member in enumerate(members) if not all(is_blank(v) for v in member.values())]
    out, found = [], []
    for index, member in enumerate(members[: filled[-1] + 1] if filled else []):
        data, member_found = _read_values(member, FAMILY_FIELD_BY_NAME, prefix=f"{FAMILY_KEY}[{index}].")
        out.append(data)
        found += member_found
    return out, found


def _read_value(spec: FieldSpec, value: object, what: str) -> object:
    if is_blank(value):
        return None
    return _READERS[spec.kind](spec, value, what)


def _length_violation(spec: FieldSpec, value: object, field: str, prefix: str) -> list[Violation]:
    if not (spec.max_length and isinstance(value, str) and len(value) > spec.max_length):
        return []
    name = _display_name(spec, prefix)
    message = f"{name}最多{spec.max_length}个字,现有{len(value)}个字,请精简后重新填写"
    return [Violation("too_long", message, field=field)]


@functools.cache
def _display_name(spec: FieldSpec, prefix: str) -> str:
    if not prefix:
        return spec.label
    return family_column(int(prefix.split("[")[1].split("]")[0]) + 1, spec)


def _read_text(spec: FieldSpec, value: object, what: str) -> str:
    return clean_text(value)


def _read_code(spec: FieldSpec, value: object, what: str) -> str:
    code = codes.to_code(spec.table, value)
    if code is None:
        # The first entry is the usual answer, except in the alphabetical country list.
        example = "CHN" if "CHN" in spec.table else next(iter(spec.table))
        message = (
            f"{what}「{clean_text(value)}」不是有效的代码或名称,"
            f"请填写代码或名称,如{example}或{spec.table[example]}"
        )
        raise _Unreadable("invalid_code", message)
    return code


def _read_date(spec: FieldSpec, value: object, what: str) -> datetime.date:
    parsed = parse_date(value)
    if parsed is None:
        message = f"{what}「{clean_text(value)}」不是有效日期,请按YYYYMMDD或YYYY-MM-DD填写"
        raise _Unreadable("invalid_date", message)
    return parsed


def _read_year_month(spec: FieldSpec, value: object, what: str) -> str:
    parsed = parse_year_month(value)
    if parsed is None:
        message = f"{what}「{clean_text(value)}」不是有效年月,请按YYYYMM填写,如201509"
        raise _Unreadable("invalid_date", message)
    return parsed


def _read_division(spec: FieldSpec, value: object, what: str) -> str:
    parsed = parse_division(value)
    if parsed is None:
        message = f"{what}「{clean_text(value)}」应为6位行政区划代码(或12位统计用区划代码),如140105"
        raise _Unreadable("invalid_division", message)
    return parsed


def _read_bool(spec: FieldSpec, value: object, what: str) -> bool:
    parsed = parse_bool(value)
    if parsed is None:
        raise _Unreadable("invalid_bool", f"{what}「{clean_text(value)}」应填写是或否")
    return parsed


def _read_decimal(spec: FieldSpec, value: object, what: str) -> object:
    parsed = parse_decimal(value)
    if parsed is None:
        message = f"{what}「{clean_text(value)}」不是有效数字,请填写公里数,如2.5"
        raise _Unreadable("invalid_number", message)
    return parsed


def _read_grade(spec: FieldSpec, value: object, what: str) -> int:
    parsed = parse_grade(value)
    if parsed is None:
        message = f"{what}「{clean_text(value)}」无效,请填写1至12或一年级至六年级、初一至初三、高一至高三"
        raise _Unreadable("invalid_grade", message)
    return parsed


def _read_id(spec: FieldSpec, value: object, what: str) -> str:
    if looks_like_excel_float(value):
        raise _Unreadable("id_excel_float", EXCEL_FLOAT_MESSAGE)
    return normalize_id(value)


def _read_photo(spec: FieldSpec, value: object, what: str) -> object:
    # Files and file names are the storage layer's business.
    return value


_READERS: dict[str, Callable[[FieldSpec, object, str], object]] = {
    "text": _read_text,
    "code": _read_code,
    "date": _read_date,
    "yearmonth": _read_year_month,
    "division": _read_division,
    "bool": _read_bool,
    "decimal": _read_decimal,
    # Full-width digits from Chinese input methods become ASCII before the shape check.
    "phone": lambda spec, value, what: ascii_text(value),
    "postcode": lambda spec, value, what: parse_postcode(value),
    "email": _read_text,
    "url": _read_text,
    "photo": _read_photo,
    "grade": _read_grade,
    "class": _read_text,
    "id": _read_id,
}


def _settle_entry_mode(data: dict, raw: dict) -> None:
    # Both stages have a code labelled 其他; a high-school grade means 99, not 12.
    if data.get("entry_mode") == "12" and clean_text(raw.get("entry_mode")) == "其他":
        if isinstance(data.get("grade"), int) and data["grade"] >= 10:
            data["entry_mode"] = "99"


# ---------------------------------------------------------------- validate


def validate_student(
    data: dict,
    *,
    school_type: str | None = None,
    today: datetime.date | None = None,
    policy: ProvincePolicy | None = None,
) -> list[Violation]:
    """Every rule of the record on canonical data (raw values are read first, so type errors
    show up too). Warnings (severity "warning") do not block a save."""
    data, found = normalize(data)
    return found + validate_canonical(data, school_type=school_type, today=today, policy=policy)


def validate_canonical(
    data: dict,
    *,
    school_type: str | None = None,
    today: datetime.date | None = None,
    policy: ProvincePolicy | None = None,
) -> list[Violation]:
    """The rules of validate_student on data that normalize() has already read: a bulk import reads
    each row once instead of twice."""
    today = today or datetime.date.today()
    policy = policy or get_policy()
    found = _required(data)
    found += _person_name(data.get("name"), "name", "姓名")
    found += _person_name(data.get("former_name"), "former_name", "曾用名")
    found += _birth_date(data.get("birth_date"), today)
    found += _identity(data)
    found += _divisions(data)
    found += _contact(data)
    found += _enrolment(data, school_type, today, policy)
    found += _commute(data)
    found += _inclusive(data, school_type)
    found += _family(data.get(FAMILY_KEY) or [])
    found += _guardian(data)
    return found


_REQUIRED_FIELDS = tuple(spec for spec in STUDENT_FIELDS if spec.required)
_MAYBE_BLANK = (str, float)
_REQUIRED_NAMES = tuple(spec.name for spec in _REQUIRED_FIELDS)
_NEVER_BLANK_UNLESS_TEXT = frozenset({str, int, bool, Decimal, datetime.date, datetime.datetime})


def _required(data: dict) -> list[Violation]:
    # A bulk import checks 48 items per row. The usual row, where every item is there, is settled by loops
    # that run in C: nothing missing, only kinds of value that cannot be blank (a float may be a spreadsheet's
    # NaN), and no text that strips to nothing.
    values = [*map(data.get, _REQUIRED_NAMES)]
    if None not in values and set(map(type, values)) <= _NEVER_BLANK_UNLESS_TEXT:
        texts = [value for value in values if value.__class__ is str]
        if all(map(str.strip, texts)):
            return _required_id_number(data)
    # is_blank only for what can be blank besides None.
    found = [
        Violation("required", f"{spec.label}为必填项,请填写", field=spec.name)
        for spec in _REQUIRED_FIELDS
        if (value := data.get(spec.name)) is None
        or (not value.strip() if value.__class__ is str else isinstance(value, _MAYBE_BLANK) and is_blank(value))
    ]
    return found + _required_id_number(data)


def _required_id_number(data: dict) -> list[Violation]:
    if data.get("id_type") != codes.ID_TYPE_NONE and is_blank(data.get("id_number")):
        message = "身份证件号为必填项(身份证件类型为“其他”时可不填),请填写"
        return [Violation("required", message, field="id_number")]
    return []


def _person_name(value: object, field: str, what: str) -> list[Violation]:
    # Any Unicode letter is fine, rare characters outside the BMP (𠮷, 䶮) included.
    if not isinstance(value, str) or not value or value.isprintable():
        # Printable text holds neither surrogates (Cs) nor control characters (Cc).
        return []
    categories = {unicodedata.category(char) for char in value}
    if "Cs" in categories:
        message = f"{what}含有损坏的字符(可能是编码转换出错),请重新输入{what}"
        return [Violation("invalid_name", message, field=field)]
    if "Cc" in categories:
        message = f"{what}含有不可见的控制字符,请删除后重新填写"
        return [Violation("invalid_name", message, field=field)]
    return []


def _birth_date(value: object, today: datetime.date) -> list[Violation]:
    if not isinstance(value, datetime.date):
        return []
    if value > today:
        message = f"出生日期{value.isoformat()}晚于今天,请核对出生日期"
        return [Violation("birth_date_future", message, field="birth_date")]
    age = _age(value, today)
    if not MIN_AGE <= age <= MAX_AGE:
        message = f"出生日期{value.isoformat()}对应年龄{age}岁,不在{MIN_AGE}至{MAX_AGE}岁之间,请核对出生日期"
        return [Violation("birth_date_implausible", message, field="birth_date")]
    return []


def _age(born: datetime.date, today: datetime.date) -> int:
    before_birthday = (today.month, today.day) < (born.month, born.day)
    return today.year - born.year - before_birthday


def _identity(data: dict) -> list[Violation]:
    number = data.get("id_number")
    if data.get("id_type") != codes.ID_TYPE_RESIDENT or is_blank(number):
        return []
    birth = data.get("birth_date")
    birth = birth if isinstance(birth, datetime.date) else None
    if _resident_id_clean(number, birth, data.get("gender")):
        return []
    return validate_resident_id(number, birth_date=birth, gender=data.get("gender"), field="id_number")


_LOADED_ON = datetime.date.today()


def _resident_id_clean(number: object, birth_date: datetime.date | None = None, gender: object = None) -> bool:
    """True only when validate_resident_id(number, birth_date=…, gender=…) finds nothing, for a number already
    in canonical form: the usual valid number is settled in one pass, and False sends the number to that
    detailed diagnosis, which decides (a bulk import checks hundreds of thousands of students and guardians)."""
    if type(number) is not str or len(number) != 18 or not number.isascii():
        return False
    body, last = number[:17], number[17]
    if not body.isdigit() or not (last.isdigit() or last == "X"):
        return False
    # validate_resident_id compares with the real today (not the caller's `today`, which may be another day).
    # The day this module was loaded is never later than that, so a date up to it is settled here without
    # asking the clock for every number; a later one goes to the full check.
    inside = birth_date_of_digits(number[6:14], _LOADED_ON)
    if inside is None:
        return False
    if check_char_of_digits(body) != last:
        return False
    if birth_date is not None and birth_date != inside:
        return False
    if gender is not None and str(gender) != ("1" if int(number[16]) % 2 else "2"):
        return False
    return is_known_area(number[:6])


def _divisions(data: dict) -> list[Violation]:
    found = []
    for name in _DIVISION_FIELDS:
        found += _division_warning(data.get(name), name, FIELD_BY_NAME[name].label)
    return found


def _division_warning(code: object, field: str, what: str) -> list[Violation]:
    # Unknown codes may be real but unlisted, so they warn rather than refuse.
    if not isinstance(code, str) or not code or is_known_area(code):
        return []
    message = f"{what}代码{code}不是已知的行政区划代码,请核对"
    return [Violation("division_unknown", message, field=field, severity=WARNING)]


def _contact(data: dict) -> list[Violation]:
    found = _phone(data.get("phone"), "phone", "联系电话")
    postcode = data.get("postcode")
    if isinstance(postcode, str) and postcode and not _POSTCODE.match(postcode):
        found.append(Violation("invalid_postcode", "邮政编码应为6位数字,如030000", field="postcode"))
    email = data.get("email")
    if isinstance(email, str) and email and not _EMAIL.match(email):
        message = f"电子信箱「{email}」格式不正确,应形如name@example.com"
        found.append(Violation("invalid_email", message, field="email"))
    homepage = data.get("homepage")
    if isinstance(homepage, str) and homepage and not _URL.match(homepage):
        message = f"主页地址「{homepage}」格式不正确,应形如https://example.com"
        found.append(Violation("invalid_url", message, field="homepage"))
    return found


def _phone(value: object, field: str, what: str) -> list[Violation]:
    if not isinstance(value, str) or not value:
        return []
    if value.isascii() and value.isdigit() and 7 <= len(value) <= 20:
        return []  # the usual number, settled without the regular expression
    digits = sum(char in "0123456789" for char in value)
    if _PHONE.match(value) and digits >= 7:
        return []
    message = f"{what}「{value}」格式不正确,应为7至20位数字,可含+和-"
    return [Violation("invalid_phone", message, field=field)]


def _enrolment(
    data: dict, school_type: str | None, today: datetime.date, policy: ProvincePolicy
) -> list[Violation]:
    found = _entry_month(data.get("entry_month"), today)
    grade = data.get("grade")
    if not isinstance(grade, int):
        return found
    found += _entry_mode_stage(data.get("entry_mode"), grade, policy)
    if school_type is not None and grade not in policy.grades_for(school_type):
        rule = policy.school_type(school_type)
        first, last = GRADE_LABELS[rule.first_grade], GRADE_LABELS[rule.last_grade]
        message = f"{rule.label}只设{first}至{last}(第九条),没有{GRADE_LABELS[grade]},请核对年级"
        found.append(Violation("grade_not_offered", message, "第九条", "grade"))
    return found


def _entry_month(value: object, today: datetime.date) -> list[Violation]:
    if not isinstance(value, str) or not value:
        return []
    if value > f"{today.year:04d}{today.month:02d}":
        message = f"入学年月{value}晚于当前月份,请核对入学年月"
        return [Violation("entry_month_future", message, field="entry_month")]
    return []


def _entry_mode_stage(mode: object, grade: int, policy: ProvincePolicy) -> list[Violation]:
    compulsory = policy.is_compulsory(grade)
    allowed = codes.ENTRY_MODE_COMPULSORY if compulsory else codes.ENTRY_MODE_SENIOR
    if mode is None or mode in allowed or mode not in codes.ENTRY_MODE:
        return []
    stage = "义务教育阶段" if compulsory else "普通高中"
    options = "、".join(codes.ENTRY_MODE[code] for code in allowed)
    message = f"入学方式「{codes.ENTRY_MODE[mode]}」不适用于{stage},请选择:{options}"
    return [Violation("entry_mode_stage", message, field="entry_mode")]


def _commute(data: dict) -> list[Violation]:
    distance = data.get("commute_distance")
    if distance is not None and distance < 0:
        message = "上下学距离不能为负数,请填写公里数"
        return [Violation("invalid_distance", message, field="commute_distance")]
    return []


def _inclusive(data: dict, school_type: str | None) -> list[Violation]:
    study, disability = data.get("inclusive_study"), data.get("disability_type")
    if study not in codes.INCLUSIVE_DISABILITY or disability not in codes.DISABILITY:
        return []
    if disability in codes.INCLUSIVE_DISABILITY[study]:
        return []
    # A special-education school teaches disabled students in its own classes.
    if study == "0" and disability != "0" and _is_special_school(school_type):
        return []
    message = (
        f"随班就读「{codes.INCLUSIVE_STUDY[study]}」与残疾类型「{codes.DISABILITY[disability]}」不一致,"
        "请核对:非随班就读对应无残疾;视力、听力、智力残疾随班就读对应同类残疾;"
        "其他残疾随班就读对应言语、肢体、精神、多重或其他残疾"
    )
    return [Violation("inclusive_disability_mismatch", message, field="inclusive_study")]


def _is_special_school(school_type: str | None) -> bool:
    return codes.school_type_code(school_type) in codes.SPECIAL_EDUCATION_SCHOOL_TYPES


def _family(members: list[dict]) -> list[Violation]:
    found = _first_member_required(members[0] if members else {})
    for index, member in enumerate(members):
        found += _member(member, f"{FAMILY_KEY}[{index}].")
    return found


_REQUIRED_FAMILY_FIELDS = tuple(spec for spec in FAMILY_FIELDS if spec.required)


def _first_member_required(member: dict) -> list[Violation]:
    found = []
    for spec in _REQUIRED_FAMILY_FIELDS:
        if is_blank(member.get(spec.name)):
            message = f"{family_column(1, spec)}为必填项,请填写第一位家庭成员或监护人的{spec.label}"
            found.append(Violation("required", message, field=f"{FAMILY_KEY}[0].{spec.name}"))
    return found


@functools.lru_cache(maxsize=16)
def _member_columns(prefix: str) -> dict[str, str]:
    """The column names of one member's items (成员1姓名 …), as the messages name them."""
    return {name: _display_name(spec, prefix) for name, spec in FAMILY_FIELD_BY_NAME.items()}


def _member(member: dict, prefix: str) -> list[Violation]:
    column = _member_columns(prefix).__getitem__
    found = _person_name(member.get("name"), prefix + "name", column("name"))
    found += _phone(member.get("phone"), prefix + "phone", column("phone"))
    found += _division_warning(
        member.get("hukou_location"), prefix + "hukou_location", column("hukou_location")
    )
    number = member.get("id_number")
    resident = member.get("id_type") == codes.ID_TYPE_RESIDENT
    if resident and not is_blank(number) and not _resident_id_clean(number):
        # The ID messages start with 身份证件号; name the member's column instead.
        member_label = column("id_number")
        found += [
            dataclasses.replace(v, message=v.message.replace("身份证件号", member_label, 1))
            for v in validate_resident_id(number, field=prefix + "id_number")
        ]
    return found


def _guardian(data: dict) -> list[Violation]:
    if data.get("id_type") != codes.ID_TYPE_NONE:
        return []
    if any(_is_identified_guardian(m) for m in data.get(FAMILY_KEY) or []):
        return []
    message = "身份证件类型为“其他”的学生须至少有一位监护人填写有效的居民身份证号,请补充监护人信息"
    return [Violation("guardian_id_required", message, field=FAMILY_KEY)]


def _is_identified_guardian(member: dict) -> bool:
    return (
        member.get("is_guardian") is True
        and member.get("id_type") == codes.ID_TYPE_RESIDENT
        and is_valid_resident_id(member.get("id_number") or "")
    )


# ---------------------------------------------------------------- edits and imports


GRADE_LOCKED_MESSAGE = (
    "年级不能直接修改:学生在校期间不允许留级(第二十三条)。年级只随每年升级、升学接续、复学或经批准的申请变动;"
    "因病等需停课的,请办理休学、复学申请;如年级登记有误,请报学籍主管部门核实处理")


def locked_fields(*, registered: bool = True, policy: ProvincePolicy | None = None) -> tuple[str, ...]:
    """The controlled items no direct edit may change. Before registration (no number issued) the grade is
    still the school's own entry and may be corrected; after it, only the paths of 第二十三条 move it."""
    controlled = (policy or get_policy()).controlled_fields
    if registered:
        return controlled
    return tuple(n for n in controlled if n not in EDITABLE_BEFORE_REGISTRATION)


def controlled_violation(name: str) -> Violation:
    """The refusal of a direct edit of one controlled item, naming its article and the right path."""
    if CONTROLLED_ARTICLES.get(name) == "第二十三条":
        return Violation("controlled_field", GRADE_LOCKED_MESSAGE, "第二十三条", name)
    label = FIELD_BY_NAME[name].label
    return Violation("controlled_field", f"{label}属于受控信息,须通过学籍信息变更申请办理(第十五条)", "第十五条", name)


def validate_patch(changes: dict, *, registered: bool = True, policy: ProvincePolicy | None = None) -> list[Violation]:
    """Refuse direct edits of controlled fields: they change only by an approved application."""
    locked = locked_fields(registered=registered, policy=policy)
    found = []
    for key in changes:
        spec = FIELD_BY_NAME.get(key) or FIELD_BY_LABEL.get(str(key).strip())
        if spec is not None and spec.name in locked:
            found.append(controlled_violation(spec.name))
    return found


def clean_student(
    raw: dict,
    *,
    keys: str = "name",
    school_type: str | None = None,
    today: datetime.date | None = None,
    policy: ProvincePolicy | None = None,
) -> tuple[dict, list[Violation]]:
    """normalize + validate_student for one import row, each bad field reported once."""
    data, found = normalize(raw, keys=keys)
    unreadable = {v.field for v in found}
    checked = validate_student(data, school_type=school_type, today=today, policy=policy)
    # A value that could not be read is None now; "required" on it would say the same twice.
    found += [v for v in checked if v.field not in unreadable]
    return data, found
