"""第四十四条: records are consulted or released only with the competent authority's written approval, and every
consultation is registered. The rules of an access application and of a grant's use, as data and small checks."""

from __future__ import annotations

import datetime

from .violations import Violation

A44 = "第四十四条"

# What a grant allows: to read records on screen, or to take them out of the registry (an export, a PDF).
USES = {"view": "屏幕查阅", "export": "导出(名册、表格、含完整证件号的PDF)"}
# An export grant covers reading on screen too: whoever may take the data out may look at it first.
USE_COVERS = {"view": ("view", "export"), "export": ("export",)}

# Who asks. An outside party has no account of its own; an officer files for it and its name is recorded.
REQUESTER_KINDS = {
    "self": "本系统用户本人(工作需要)",
    "researcher": "研究人员",
    "court": "司法机关",
    "department": "其他部门",
    "media": "新闻媒体(经主管部门转交)",
    "other": "其他单位或个人",
}

SCOPE_KINDS = {"students": "指定学生", "school": "一所学校", "division": "一个行政区划"}

# 第六条 makes the school keep its own rosters: its registrar and leader export their own school's records as
# daily work, not as a release (registered all the same). Every other export needs a grant.
DAILY_EXPORT_ROLES = ("registrar", "leader")

OUTCOMES = {"ok": "已查阅/导出", "denied": "已拒绝"}
BASES = {"grant": "经批准", "daily": "日常工作", "none": "无批准"}


def check_request(*, use: str, purpose: str, requester_kind: str, requester_name: str,
                  valid_from: datetime.date | None, valid_until: datetime.date | None,
                  today: datetime.date, max_days: int) -> list[Violation]:
    """The form of an access application: what, why, for whom, for how long (第四十四条)."""
    found = []
    if use not in USES:
        found.append(Violation("access_use", f"请选择用途 use:{'、'.join(f'{k}({v})' for k, v in USES.items())}",
                               A44, "use"))
    if len((purpose or "").strip()) < 4:
        found.append(Violation("access_purpose", f"请写明查阅事由 purpose(至少4个字),书面批准须有事由({A44})",
                               A44, "purpose"))
    if requester_kind not in REQUESTER_KINDS:
        found.append(Violation("access_requester_kind", f"请选择申请方类别 requester_kind:{'、'.join(REQUESTER_KINDS)}",
                               A44, "requester_kind"))
    elif requester_kind != "self" and not (requester_name or "").strip():
        found.append(Violation("access_requester_name", "外部申请须写明申请单位或个人名称 requester_name",
                               A44, "requester_name"))
    found += check_period(valid_from, valid_until, today=today, max_days=max_days)
    return found


def check_period(valid_from, valid_until, *, today: datetime.date, max_days: int) -> list[Violation]:
    if valid_from is None or valid_until is None:
        return [Violation("access_period", "请按YYYY-MM-DD填写批准的起止日期 valid_from、valid_until",
                          A44, "valid_until")]
    if valid_until < valid_from:
        return [Violation("access_period_reversed", "截止日期须不早于开始日期", A44, "valid_until")]
    if valid_until < today:
        return [Violation("access_period_past", "截止日期已过,请重新填写", A44, "valid_until")]
    if (valid_until - valid_from).days + 1 > max_days:
        return [Violation("access_period_too_long", f"查阅批准的期限最长{max_days}天,请缩短期限", A44, "valid_until")]
    return []


def not_granted(what: str) -> Violation:
    """The refusal of a use with no grant that covers it."""
    return Violation("access_not_granted",
                     f"{what}须经学籍主管部门书面批准,您没有覆盖该范围且在有效期内的查阅批准;请先提交查阅申请({A44})",
                     A44, "grant")


def decision_missing() -> Violation:
    return Violation("access_decision_required",
                     f"批准查阅须上传书面批准决定的扫描件(PDF、JPG或PNG)({A44})", A44, "evidence")


def self_approval() -> Violation:
    return Violation("access_self_approval", f"不能审批本人提交的查阅申请,须由主管部门其他人员书面批准({A44})",
                     A44, "step")


def in_period(valid_from: datetime.date, valid_until: datetime.date, revoked: bool, today: datetime.date) -> bool:
    return not revoked and valid_from <= today <= valid_until
