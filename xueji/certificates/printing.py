"""Printed certificates (PDF): 毕业证书, 结业证书 and 肄业证书 (附件11, with the 存根 the school keeps) and the
学历证明书 (附件12, with its 存根). One certificate or a school's whole year in one document, rendered by
xueji.forms.pdf (WeasyPrint with the subset CJK fonts, every glyph checked against the fonts first)."""

from __future__ import annotations

import datetime
from collections.abc import Iterable

from xueji.forms import pdf
from xueji.policy.fields import GRADE_LABELS
from xueji.policy.province import STAGE_LABELS

from .models import Certificate

GENDER = {"1": "男", "2": "女"}
# The wording of each kind (第三十四、三十七、三十八条); 附件11 and 附件12 carry a stub the school keeps.
TITLES = {"毕业": "毕业证书", "结业": "结业证书", "肄业": "肄业证书", "学历证明": "学历证明书"}
ANNEX = {"结业": "附件11", "肄业": "附件11", "学历证明": "附件12"}


def _cn(day: datetime.date | None) -> str:
    return f"{day.year}年{day.month}月{day.day}日" if day else ""


def _month(day: datetime.date | None) -> str:
    return f"{day.year}年{day.month}月" if day else ""


def _stay(certificate: Certificate) -> tuple[datetime.date | None, datetime.date | None, int | None]:
    """(entered, left, last grade) of the student's stay at the issuing school; the enrolments were prefetched."""
    stays = [e for e in certificate.student.enrolments.all() if e.school_id == certificate.school_id]
    if not stays:
        return None, None, None
    return min(e.started_on for e in stays), max((e.ended_on for e in stays if e.ended_on), default=None), \
        max(stays, key=lambda e: e.started_on).grade


def _statement(certificate: Certificate, entered, left, grade) -> str:
    stage = STAGE_LABELS.get(certificate.stage, "")
    since = f"于{_month(entered)}至{_month(left or certificate.issued_on)}" if entered else ""
    if certificate.kind == "毕业":
        return f"{since}在本校{stage}学习,学习期满,成绩合格,准予毕业。"
    if certificate.kind == "结业":
        return f"{since}在本校{stage}学习,学习期满,未达到毕业要求,准予结业。"
    if certificate.kind == "肄业":
        return f"{since}在本校{stage}{GRADE_LABELS.get(grade, '')}学习,未学完规定年限离校,准予肄业。"
    original = certificate.proves
    return (f"{since}在本校{stage}学习,{_month(original.issued_on)}{original.kind},"
            f"原{TITLES[original.kind]}编号{original.number}。原证书遗失,按规定不予补发,特此证明。")


def sheet(certificate: Certificate) -> dict:
    student = certificate.student
    entered, left, grade = _stay(certificate)
    authority = None
    if certificate.sealed_on:
        from .permissions import authority_of

        authority = authority_of(certificate).name
    return {
        "kind": certificate.kind, "title": TITLES[certificate.kind], "annex": ANNEX.get(certificate.kind, ""),
        "stub": certificate.kind in ANNEX, "number": certificate.number, "name": student.name,
        "gender": GENDER.get(student.gender, ""), "birth": _cn(student.birth_date),
        "school": certificate.school.name, "stage": STAGE_LABELS.get(certificate.stage, ""),
        "statement": _statement(certificate, entered, left, grade), "issued_on": _cn(certificate.issued_on),
        "sealed_on": _cn(certificate.sealed_on), "authority": authority, "reason": certificate.reason,
        "proves": certificate.proves.number if certificate.proves_id else "",
        "issued_by": str(certificate.issued_by),
    }


def render(certificates: Iterable[Certificate], *, subtitle: str) -> bytes:
    sheets = [sheet(c) for c in certificates]
    return pdf.render("certificates/print.html", {"title": "证书", "subtitle": subtitle, "sheets": sheets})


def prefetched(qs):
    return qs.select_related("student", "school", "school__county", "school__city", "proves", "issued_by") \
        .prefetch_related("student__enrolments")
