"""A generated record as one row of the admission template, as a registrar types it: the template's columns in
order, 是/否 for yes and no, dates as YYYYMMDD, codes as they are, blanks as None. The demo's autumn import and the
import benchmark both write their files from it."""

from __future__ import annotations

import datetime

from xueji.policy.fields import FAMILY_FIELDS, STUDENT_FIELDS

# Photos come separately and classes are formed after admission (第十三条): a school's file leaves both blank.
LEFT_BLANK = frozenset({"photo", "school_class"})


def template_row(record: dict) -> list[str | None]:
    """The cells of template_columns() for `record` (a Synth.student record) and its first two family members."""
    cells = [None if spec.name in LEFT_BLANK else _cell(record.get(spec.name)) for spec in STUDENT_FIELDS]
    for member in record["family"][:2]:
        cells += [_cell(member.get(spec.name)) for spec in FAMILY_FIELDS]
    return cells


def _cell(value) -> str | None:
    if value is True:
        return "是"
    if value is False:
        return "否"
    if value is None or value == "":
        return None
    if isinstance(value, datetime.date):
        return f"{value:%Y%m%d}"
    return str(value)
