"""A fast reader of spreadsheet rows that finds exactly what record.clean_student(raw, keys="label") finds.

A province imports hundreds of thousands of rows each autumn, and the reference reader spends most of its time
on generic work per cell (looking the column up by name, NFKC, regular expressions). RowReader resolves the
header once, then reads the usual cell shapes (a code, its label, eight-digit dates, plain ASCII numbers) with
dictionary look-ups and falls back to the reference reader for every other value, so a row yields the same data
and the same violations, in the same order. The rules themselves (validate_canonical) are shared, not copied.
tests/intake/test_fast_reader.py compares the two on clean and deliberately messy rows.
"""

from __future__ import annotations

import datetime
import math
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal

from xueji.policy import codes
from xueji.policy.fields import (
    FIELD_BY_LABEL,
    GRADE_ALIASES,
    GRADE_LABELS,
    FieldSpec,
    family_column,
    parse_family_column,
)
from xueji.policy.province import ProvincePolicy
from xueji.policy.record import (
    FAMILY_KEY,
    _length_violation,
    _read_value,
    _settle_entry_mode,
    _Unreadable,
    validate_canonical,
)
from xueji.policy.values import is_blank
from xueji.policy.violations import Violation

_MISSING = object()


@dataclass(frozen=True)
class _Column:
    index: int  # position in the row
    spec: FieldSpec
    field: str  # Violation.field: "name" or "family[0].phone"
    prefix: str  # "" or "family[0]."
    what: str  # the Chinese column name used in messages
    fast: Callable[[object], object]  # returns _MISSING when the reference reader must decide


class RowReader:
    """Reads rows of one sheet whose header has been checked (no unknown or repeated columns)."""

    def __init__(
        self,
        header: list[str],
        *,
        school_type: str | None = None,
        today: datetime.date | None = None,
        policy: ProvincePolicy | None = None,
    ):
        self.school_type = school_type
        self.today = today or datetime.date.today()
        self.policy = policy
        self.student: list[_Column] = []
        members: dict[int, list[_Column]] = {}
        for index, raw_label in enumerate(header):
            label = str(raw_label).strip()
            if label in FIELD_BY_LABEL:
                spec = FIELD_BY_LABEL[label]
                self.student.append(_Column(index, spec, spec.name, "", spec.label, _fast_reader(spec)))
            elif (found := parse_family_column(label)) is not None:
                number, spec = found
                prefix = f"{FAMILY_KEY}[{number - 1}]."
                column = _Column(index, spec, prefix + spec.name, prefix, family_column(number, spec),
                                 _fast_reader(spec))
                members.setdefault(number, []).append(column)
        # Member numbers absent from the header still hold their place (成员2 without 成员1 is member 2).
        self.members = ([(_compile(members.get(n, [])), [c.index for c in members.get(n, [])])
                         for n in range(1, max(members) + 1)] if members else None)
        self.read_student = _compile(self.student)
        self.entry_mode_index = next((c.index for c in self.student if c.spec.name == "entry_mode"), None)

    def read(self, row: list) -> tuple[dict, list[Violation]]:
        """(canonical data, violations) of one row, as clean_student would return them."""
        data, found = self.read_student(row)
        if self.entry_mode_index is not None and data.get("entry_mode") == "12":
            _settle_entry_mode(data, {"entry_mode": _cell(row, self.entry_mode_index)})
        if self.members is not None:
            family, member_found = self._read_family(row)
            data[FAMILY_KEY] = family
            found += member_found
        unreadable = {v.field for v in found}
        checked = validate_canonical(data, school_type=self.school_type, today=self.today, policy=self.policy)
        found += [v for v in checked if v.field not in unreadable]
        return data, found

    def _read_family(self, row: list) -> tuple[list[dict], list[Violation]]:
        # Trailing blank members are dropped, as record._read_family does.
        filled = [i for i, (_read, indexes) in enumerate(self.members)
                  if not all(is_blank(_cell(row, index)) for index in indexes)]
        out, found = [], []
        for read, _indexes in self.members[: filled[-1] + 1] if filled else []:
            data, member_found = read(row)
            out.append(data)
            found += member_found
        return out, found


def _cell(row: list, index: int) -> object:
    return row[index] if index < len(row) else None


def _read_slowly(column: _Column, value: object, found: list[Violation]) -> object:
    """One non-blank cell the compiled reader could not settle: the fast reader, else the reference reader."""
    result = column.fast(value)
    if result is _MISSING:
        try:
            result = _read_value(column.spec, value, column.what)
        except _Unreadable as problem:
            found.append(Violation(problem.code, problem.message, field=column.field))
            return None
    limit = column.spec.max_length
    if limit and result.__class__ is str and len(result) > limit:
        found += _length_violation(column.spec, result, column.field, column.prefix)
    return result


def _compile(columns: list[_Column]) -> Callable[[list], tuple[dict, list[Violation]]]:
    """A reader of these columns as one straight-line function, written once per sheet.

    A large import reads some sixty cells per row; a loop over the columns spends most of its time on the loop
    itself (unpacking each column's plan, calling its reader). The function written here does, for each column
    in turn: a blank cell is None; the usual case in line (a text cell stripped, a code or label looked up in its
    table, else the column's fast reader); every other value goes to _read_slowly, which is the per-cell reading
    the loop used to do. So it returns the same data, in the same key order, with the same violations in the
    same order (tests/intake/test_fast_reader.py)."""
    env: dict = {"_M": _MISSING, "_slow": _read_slowly, "_too_long": _length_violation}
    width = max((c.index for c in columns), default=-1) + 1
    lines = ["def read(row):",
             f"    if len(row) < {width}:",
             f"        row = [*row, *([None] * ({width} - len(row)))]",
             "    d = {}",
             "    found = []"]
    for k, column in enumerate(columns):
        env[f"c{k}"] = column
        name = repr(column.spec.name)
        lines += [f"    v = row[{column.index}]",
                  "    if v is None or v == '':",
                  f"        d[{name}] = None"]
        usual = _usual_case(column, k, env)
        if usual is not None:
            lines += [f"    elif {usual}:", f"        d[{name}] = r"]
            if column.spec.max_length:
                lines += [f"        if r.__class__ is str and len(r) > {column.spec.max_length}:",
                          f"            found += _too_long(c{k}.spec, r, c{k}.field, c{k}.prefix)"]
        lines += ["    else:", f"        d[{name}] = _slow(c{k}, v, found)"]
    lines.append("    return d, found")
    exec("\n".join(lines), env)  # noqa: S102 - written from the header's own columns, no cell text
    return env["read"]


def _usual_case(column: _Column, k: int, env: dict) -> str | None:
    """The condition that settles column k's usual non-blank cell into r, or None when it has none."""
    fast = column.fast
    if fast is _never:
        return None
    if getattr(fast, "strips", False):
        return "v.__class__ is str and (r := v.strip())"
    table = getattr(fast, "table", None)
    if table is not None:
        env[f"t{k}"] = table
        return f"v.__class__ is str and (r := t{k}.get(v, _M)) is not _M"
    env[f"f{k}"] = fast
    return f"(r := f{k}(v)) is not _M"


# ---------------------------------------------------------------- readers of the usual cell shapes


def _plain_ascii(text: str) -> bool:
    """Text that NFKC, whitespace removal and strip would leave unchanged."""
    return text.isascii() and text.isprintable() and " " not in text


def _whole_number_text(value: object) -> str | None:
    # Spreadsheets give 1.0 for 1; bool is an int but means something else.
    if type(value) is float and not math.isnan(value) and value.is_integer() and abs(value) < 1e15:
        return str(int(value))
    if type(value) is int:
        return str(value)
    return None


def _text(spec: FieldSpec) -> Callable[[object], object]:
    def read(value: object) -> object:
        if type(value) is str:
            text = value.strip()
            return text if text else _MISSING  # whitespace only is blank: the reference says None
        return _MISSING

    read.strips = True  # what _compile writes in line: a text cell, stripped
    return read


def _lookup(table: dict[str, object]) -> Callable[[object], object]:
    def read(value: object) -> object:
        if type(value) is str:
            return table.get(value, _MISSING)
        key = _whole_number_text(value)
        return table.get(key, _MISSING) if key is not None else _MISSING

    read.table = table  # what _compile writes in line: a text cell looked up
    return read


def _code_table(spec: FieldSpec) -> dict[str, object]:
    """Every spelling of a code the reference accepts without normalising: the code, lower case, the code
    without its leading zeros, the label and the label without its bracketed note."""
    candidates: set[str] = set()
    for code, label in spec.table.items():
        candidates |= {code, code.lower(), label, codes._PAREN.sub("", label)}
        if code.isascii() and code.isdigit():
            candidates.add(str(int(code)))
    # Each key is answered by to_code itself, so the look-up cannot disagree with it.
    found = {text: codes.to_code(spec.table, text) for text in candidates}
    return {text: code for text, code in found.items() if code is not None}


def _date(value: object) -> object:
    if type(value) is str and len(value) == 8 and value.isascii() and value.isdigit():
        try:
            return datetime.date(int(value[:4]), int(value[4:6]), int(value[6:]))
        except ValueError:
            return _MISSING
    return _MISSING


def _year_month(value: object) -> object:
    if type(value) is str and len(value) == 6 and value.isascii() and value.isdigit():
        year, month = int(value[:4]), int(value[4:])
        if 1 <= month <= 12 and year >= 1900:
            return value
    return _MISSING


def _division(value: object) -> object:
    if type(value) is str and value.isascii() and value.isdigit():
        if len(value) == 6:
            return value
        if len(value) == 12:
            return value[:6]
    return _MISSING


def _ascii_text(value: object) -> object:
    # ascii_text() of text that needs no normalising, unless it looks like "12.0".
    if type(value) is str and _plain_ascii(value) and not value.endswith(".0"):
        return value
    return _MISSING


def _postcode(value: object) -> object:
    return _ascii_text(value)


def _bool_table() -> dict[str, object]:
    table: dict[str, object] = {"是": True, "否": False}
    for text in ("1", "TRUE", "YES", "Y", "T", "true", "True", "yes", "Yes", "y", "t"):
        table[text] = True
    for text in ("0", "FALSE", "NO", "N", "F", "false", "False", "no", "No", "n", "f"):
        table[text] = False
    return table


def _grade_table() -> dict[str, object]:
    table: dict[str, object] = {str(n): n for n in range(1, 13)}
    table |= {label: n for n, label in GRADE_LABELS.items()}
    return table | dict(GRADE_ALIASES)


def _id(value: object) -> object:
    # An 18-character number typed as text; anything else (numbers above all) goes to the reference reader,
    # which reports an ID a spreadsheet turned into a number.
    if type(value) is not str or len(value) != 18 or not value.isascii():
        return _MISSING
    body, last = value[:17], value[17]
    if not body.isdigit() or not (last.isdigit() or last in "Xx"):
        return _MISSING
    return body + last.upper()


def _decimal(value: object) -> object:
    # Digits with at most one point between digits, as text: parse_decimal's Decimal of it ("12.0" excepted,
    # which ascii_text makes "12").
    if type(value) is str and value.isascii() and not value.endswith(".0"):
        whole, point, fraction = value.partition(".")
        if whole.isdigit() and (fraction.isdigit() if point else True):
            return Decimal(value)
    return _MISSING


def _never(value: object) -> object:
    return _MISSING


_BOOL = _bool_table()
_GRADE = _grade_table()


def _fast_reader(spec: FieldSpec) -> Callable[[object], object]:
    kind = spec.kind
    if kind in ("text", "email", "url", "class"):
        return _text(spec)
    if kind == "code":
        return _lookup(_code_table(spec))
    if kind == "bool":
        return _lookup(_BOOL)
    if kind == "grade":
        return _lookup(_GRADE)
    return {
        "date": _date,
        "yearmonth": _year_month,
        "division": _division,
        "phone": _ascii_text,
        "postcode": _postcode,
        "id": _id,
        "decimal": _decimal,
    }.get(kind, _never)

