"""The 毕业生花名册 (附件5, 第六条(六)) of a graduation batch: rows for the page, an .xlsx and a PDF.

ID numbers and G student numbers are masked unless the reader gave a reason, which is recorded (第四十四条).
In the spreadsheet every cell is text (an ID typed as a number loses digits) and never a formula
(xueji.core.spreadsheets).
"""

from django.utils import timezone

from xueji.access import services as access
from xueji.audit import services as audit
from xueji.core.errors import RuleViolation
from xueji.core.masking import mask_id, mask_student_number
from xueji.core.spreadsheets import ALL, xlsx_bytes
from xueji.forms import pdf
from xueji.policy.codes import GENDER
from xueji.policy.violations import Violation

from . import selectors

COLUMNS = ("序号", "姓名", "性别", "出生日期", "身份证件号", "学籍号", "班级", "入学年月", "毕业证书编号", "备注")


def check_reason(reason: str | None) -> str:
    reason = (reason or "").strip()
    if reason and len(reason) < 2:
        raise RuleViolation(Violation("reason_required", "查看完整身份证件号须填写查阅事由(第四十四条)",
                                      "第四十四条", "reason"))
    return reason[:200]


def rows(apps, *, full: bool) -> list[list[str]]:
    out = []
    for i, row in enumerate(selectors.batch_rows(apps), start=1):
        s = row["student"]
        remark = "" if row["status"] == "approved" else row["status_label"]
        out.append([
            str(i), s.name, GENDER.get(s.gender, s.gender), s.birth_date.isoformat(),
            s.id_number if full else mask_id(s.id_number),
            (s.student_number if full else mask_student_number(s.student_number)) or "",
            row["class_name"], s.entry_month or "", row["certificate"], remark,
        ])
    return out


WHAT = "毕业生花名册(附件5)"


def roster(user, batch: str, *, reason: str = "", fmt: str = "page") -> dict:
    """The roster's title, columns and rows; the read is logged, with the reason when numbers were revealed.

    With a reason the roster carries every full ID number of the batch: a release of personal data (第四十四条)
    that the 查阅 gate allows (the school's own staff, daily work) or refuses (anyone else without a live grant),
    writing it into the consultation register either way. Called outside a transaction, as the gate asks."""
    reason = check_reason(reason)
    apps = selectors.find_batch(user, batch, purpose="roster")
    school = apps[0].school
    year = apps[0].payload.get("school_year") or ""
    if reason:
        # Whole numbers are a use of personal data (第四十四条): reading them on the page is the jurisdiction's
        # daily work, taking them away in a file is the school's own or needs a grant; both are registered.
        access.authorize(user, purpose="view" if fmt == "page" else "export", what=f"{WHAT}· {batch}",
                         school=school, students=[a.student for a in apps])
    audit.record(user, "graduation.roster", object_type="graduation_batch", object_id=batch, reason=reason,
                 details={"count": len(apps), "format": fmt, "full_id": bool(reason)})
    return {"title": "毕业生花名册", "school": school, "school_year": year, "batch": batch,
            "columns": COLUMNS, "rows": rows(apps, full=bool(reason)), "full": bool(reason),
            "printed_on": timezone.localdate()}


WIDTHS = (6, 12, 6, 12, 22, 22, 12, 10, 22, 10)


def xlsx(data: dict) -> bytes:
    heading = f"{data['school'].name} {data['school_year']}学年毕业生花名册(附件5)"
    return xlsx_bytes("毕业生花名册", data["columns"], data["rows"], text_columns=ALL, heading=heading,
                      widths=WIDTHS)


def pdf_bytes(data: dict) -> bytes:
    return pdf.render("graduation/roster_print.html", data)
