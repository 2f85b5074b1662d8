"""The registers as .xlsx through the registry's one writer (xueji.core.spreadsheets): a heading line, the national
column order, identity and code columns as text, formula-like text kept as text, rows streamed from a temp file.

A register of two tables (附件4: the summary and the list of students in and out; the admission roster: the count
per class and the list) gives one sheet per download: the list by default (附件4's summary written into its
heading line); ?table=summary gives the first table as its own sheet.
"""

from __future__ import annotations

from xueji.core import spreadsheets

CONTENT_TYPE = spreadsheets.XLSX_TYPE


def _heading(doc, table) -> str:
    parts = [f"{doc.title}({doc.register.annex})", f"{doc.school.name}({doc.school.code})"]
    if doc.period:
        parts.append(doc.period)
    if doc.register.slug == "movements" and table is not doc.tables[0]:
        first = doc.tables[0]
        parts.append(",".join(f"{h}{v}" for h, v in zip(first.headers, first.rows[0], strict=True)
                              if h in ("期初人数", "增加合计", "减少合计", "期末人数")))
    parts.append(f"导出日期 {doc.printed_on:%Y-%m-%d}")
    return "· ".join(parts)


def pick(doc, which: str = ""):
    """The table a download carries: the named one (summary), else the register's main list (its last table)."""
    if which == "summary":
        return doc.tables[0]
    named = [t for t in doc.tables if which and t.key == which]
    return named[0] if named else doc.tables[-1]


def response(doc, which: str = ""):
    table = pick(doc, which)
    return spreadsheets.xlsx_response(filename(doc, "xlsx"), table.caption, table.headers, table.rows,
                                      text_columns=table.text_columns, heading=_heading(doc, table))


def workbook(doc, which: str = "") -> bytes:
    table = pick(doc, which)
    return spreadsheets.xlsx_bytes(table.caption, table.headers, table.rows, text_columns=table.text_columns,
                                   heading=_heading(doc, table))


def filename(doc, ext: str) -> str:
    return f"{doc.title}-{doc.school.code}-{doc.printed_on:%Y%m%d}.{ext}"
