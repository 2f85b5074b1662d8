"""Writes of the registers: the school's own 附件1–2 items (audited in the same transaction), and the 第四十四条 gate a
register with whole ID numbers passes before it is built."""

from __future__ import annotations

import re

from django.db import transaction

from xueji.access import services as access
from xueji.audit import services as audit
from xueji.core.errors import Forbidden, RuleViolation
from xueji.orgs.models import Campus
from xueji.policy.violations import Violation

from . import selectors
from .models import CampusInfo, SchoolInfo, UrbanRural

SCHOOL_FIELDS = ("english_name", "credit_code", "urban_rural", "founded", "postcode", "phone", "fax", "email",
                 "homepage", "principal", "principal_phone", "registrar_leader", "primary_years", "entry_age")
CAMPUS_FIELDS = ("division_code", "urban_rural", "postcode", "head", "phone")
A6 = "第六条"


def check_reason(reason: str | None) -> str:
    """A reveal of whole numbers needs a reason of at least two characters, which the gate records (第四十四条)."""
    reason = (reason or "").strip()
    if reason and len(reason) < 2:
        raise RuleViolation(Violation("reason_required", "查看完整身份证件号须填写查阅事由(至少2个字)(第四十四条)",
                                      "第四十四条", "reason"))
    return reason[:200]


def reveal(user, school, *, what: str, students, fmt: str, reason: str) -> None:
    """Whole numbers on the page are the jurisdiction's daily reading; in a file, the school's own staff's or a
    grant holder's (第四十四条). Registered either way; refused with the article otherwise. Outside a transaction."""
    access.authorize(user, purpose="view" if fmt == "page" else "export", what=what, school=school,
                     students=students, count=len(students))


def note_read(user, school, register: str, *, fmt: str, reason: str, rows: int, full: bool) -> None:
    audit.record(user, "registers.read", obj=school, reason=reason,
                 details={"register": register, "format": fmt, "rows": rows, "full_id": full})


def _field_errors(data: dict, *, campus: bool) -> list[Violation]:
    found = []

    def bad(field, message):
        found.append(Violation(f"bad_{field}", message, A6, field))

    if data.get("urban_rural") and data["urban_rural"] not in UrbanRural.values:
        bad("urban_rural", f"城乡类型“{data['urban_rural']}”不在代码表中,可选:{'、'.join(UrbanRural.values)}(第六条)")
    if data.get("postcode") and not re.fullmatch(r"\d{6}", data["postcode"]):
        bad("postcode", "邮政编码须为6位数字,如 030006(第六条)")
    if not campus:
        if data.get("founded") and not re.fullmatch(r"(19|20)\d{2}(0[1-9]|1[0-2])", data["founded"]):
            bad("founded", "建校年月须写成年月6位数字,如 195609(第六条)")
        if data.get("credit_code") and not re.fullmatch(r"[0-9A-HJ-NPQRTUWXY]{18}", data["credit_code"]):
            bad("credit_code", "统一社会信用代码须为18位数字或大写字母(第六条)")
        if data.get("email") and "@" not in data["email"]:
            bad("email", "电子信箱格式不对,须含 @(第六条)")
        for field, low, high, label in (("primary_years", 5, 6, "小学学制"), ("entry_age", 5, 7, "小学入学年龄")):
            value = data.get(field)
            if value in (None, ""):
                data[field] = None
                continue
            if not str(value).isdigit() or not low <= int(value) <= high:
                bad(field, f"{label}须为{low}至{high}之间的整数(第六条)")
            else:
                data[field] = int(value)
    elif data.get("division_code") and not re.fullmatch(r"\d{6}", data["division_code"]):
        bad("division_code", "校区所在地行政区划须为6位行政区划代码,如 140105(第六条)")
    return found


def _clean(raw: dict, fields: tuple[str, ...], model) -> dict:
    data = {}
    for name in fields:
        if name not in raw:
            continue
        value = raw[name]
        value = "" if value is None else str(value).strip()
        data[name] = value[: model._meta.get_field(name).max_length or 10]
    return data


def save_school_info(user, school_code: str, raw: dict) -> SchoolInfo:
    school = selectors.school_for(user, school_code, action="registers.school_info")
    if not selectors.may_edit(user, school):
        raise Forbidden("学校基本信息由本校学籍管理员或学籍主管部门维护(第六条)")
    data = _clean(raw, SCHOOL_FIELDS, SchoolInfo)
    errors = _field_errors(data, campus=False)
    if errors:
        raise RuleViolation(errors)
    with transaction.atomic():
        info, _created = SchoolInfo.objects.select_for_update().get_or_create(school=school)
        changed = {k: [str(getattr(info, k) or ""), str(v or "")] for k, v in data.items()
                   if str(getattr(info, k) or "") != str(v or "")}
        for name, value in data.items():
            setattr(info, name, value)
        info.updated_by = user
        info.save()
        audit.record(user, "registers.school_info", obj=school, details={"changes": changed})
    return info


def save_campus_info(user, school_code: str, campus_id: int, raw: dict) -> CampusInfo:
    school = selectors.school_for(user, school_code, action="registers.campus_info")
    campus = Campus.objects.filter(pk=campus_id, school=school).first()
    if campus is None:
        from xueji.core.errors import NotFound

        raise NotFound("未找到该校区", actor=user, action="registers.campus_info", object_type="campus",
                       object_id=campus_id)
    if not selectors.may_edit(user, school):
        raise Forbidden("校区基本信息由本校学籍管理员或学籍主管部门维护(第六条)")
    data = _clean(raw, CAMPUS_FIELDS, CampusInfo)
    errors = _field_errors(data, campus=True)
    if errors:
        raise RuleViolation(errors)
    with transaction.atomic():
        info, _created = CampusInfo.objects.select_for_update().get_or_create(campus=campus)
        changed = {k: [str(getattr(info, k) or ""), v] for k, v in data.items() if str(getattr(info, k) or "") != v}
        for name, value in data.items():
            setattr(info, name, value)
        info.updated_by = user
        info.save()
        audit.record(user, "registers.campus_info", object_type="campus", object_id=str(campus.pk),
                     details={"school": school.pk, "changes": changed})
    return info
