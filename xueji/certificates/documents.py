"""The certificates as files: PDF of one certificate or of a school's year, and the register as .xlsx.
Each is a read through the selectors (jurisdiction, NotFound logged) and leaves an audit row once produced."""

from __future__ import annotations

from xueji.audit import services as audit
from xueji.core.errors import RuleViolation
from xueji.core.masking import mask_student_number
from xueji.core.spreadsheets import ALL, xlsx_bytes
from xueji.forms.selectors import Printout
from xueji.policy.violations import Violation

from . import printing, selectors
from .models import Certificate

REGISTER_COLUMNS = ("证书编号", "种类", "学段", "学年", "学籍号(掩码)", "姓名", "发证日期", "验印日期", "所证明的证书", "存根已归档")


def one(user, number: str) -> Printout:
    certificate = selectors.find_certificate(user, number, action="certificate.print")
    certificate = printing.prefetched(Certificate.objects.filter(pk=certificate.pk)).get()
    content = printing.render([certificate], subtitle=f"{certificate.student.name} · {certificate.number}")
    audit.record(user, "certificate.print", obj=certificate, details={"number": certificate.number})
    return Printout(f"{certificate.get_kind_display()}-{certificate.number}.pdf", content, 1)


def batch(user, school_code: str, year: int, kind: str | None = None) -> Printout:
    """Every certificate of the school and school year (of one kind if given), in number order, one PDF."""
    school = selectors.find_school(user, school_code, action="certificate.print_batch")
    rows = list(printing.prefetched(selectors.school_register(school, year=year, kind=kind)))
    if not rows:
        raise RuleViolation(Violation(code="no_certificates", field="year",
                                      message=f"{school.name}{year}学年没有可打印的证书"))
    content = printing.render(rows, subtitle=f"{school.name} · {year}学年")
    selectors.log_register(user, school, "certificate.print_batch", len(rows), year)
    return Printout(f"证书-{school.pk}-{year}.pdf", content, len(rows))


def register_rows(rows) -> list[list[str]]:
    return [[c.number, c.get_kind_display(), c.get_stage_display(), f"{c.school_year}", mask_student_number(c.student.student_number) or "",
             c.student.name, c.issued_on.isoformat(), c.sealed_on.isoformat() if c.sealed_on else "",
             c.proves.number if c.proves_id else "", "是" if c.stub_archived else "否"] for c in rows]


def register_xlsx(user, school_code: str, year: int | None = None) -> tuple[str, bytes]:
    """The school's certificate register (stubs) as a spreadsheet; every cell is text (numbers keep their zeros)."""
    school = selectors.find_school(user, school_code, action="certificate.export")
    rows = list(selectors.school_register(school, year=year))
    heading = f"{school.name} {year}学年" if year else f"{school.name} 全部学年"
    content = xlsx_bytes("证书存根登记", REGISTER_COLUMNS, register_rows(rows), text_columns=ALL, heading=heading)
    selectors.log_register(user, school, "certificate.export", len(rows), year)
    suffix = f"-{year}" if year else ""
    return f"证书存根登记-{school.pk}{suffix}.xlsx", content


