"""Set-based writes for a committed batch: rows go to the database per table and per chunk, never one save()
per student. PostgreSQL receives them by COPY, SQLite by executemany; both inside the caller's transaction.

Only students need their ids before they are written (family members, enrolments and events point at them);
the ids are taken from the table's sequence, so they are never reused.
"""

from __future__ import annotations

import datetime
import functools
import json
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager, suppress
from decimal import Decimal

from django.db import DEFAULT_DB_ALIAS, DatabaseError, connection, connections, models

SQLITE_CACHE_KIB = 128 * 1024
_ABSENT = object()  # a column the caller left out, as opposed to one given as None


def _json(value) -> str:
    return json.dumps(value, ensure_ascii=False, default=str)


def _iso(value) -> str:
    return value.isoformat()


def _quote(name: str) -> str:
    return connection.ops.quote_name(name)


class Writer:
    """The operations an import needs; make_writer() picks the backend's way of doing them. A writer holds one
    connection object, so a helper thread can write on the importing request's connection and transaction."""

    def __init__(self, conn=None):
        self.conn = conn or connections[DEFAULT_DB_ALIAS]
        self.ops = self.conn.ops

    def value(self, value):
        """A Python value as the backend takes it in a bulk statement."""
        if isinstance(value, datetime.datetime):
            return self.ops.adapt_datetimefield_value(value)
        if isinstance(value, datetime.date):
            return value.isoformat()
        if isinstance(value, Decimal):
            return str(value)
        return value

    def converters(self) -> dict:
        """Conversions by column kind for bulk rows (a JSON column always takes JSON text)."""
        # An import stamps thousands of rows with the same moment: adapt it once.
        moment = functools.lru_cache(maxsize=16)(self.ops.adapt_datetimefield_value)
        return {"json": _json, "datetime": moment, "date": _iso, "decimal": str}

    def update_many(self, sql: str, rows: Sequence[Sequence]) -> None:
        if rows:
            with self.conn.cursor() as cursor:
                cursor.executemany(sql, rows)


class CopyWriter(Writer):
    """PostgreSQL: ids from the sequence in one query, rows through COPY FROM STDIN."""

    def value(self, value):
        # psycopg adapts dates, datetimes, decimals and booleans itself.
        return value

    def converters(self) -> dict:
        return {"json": _json}

    def reserve_ids(self, table: str, n: int) -> list[int]:
        if n == 0:
            return []
        with self.conn.cursor() as cursor:
            cursor.execute("SELECT nextval(pg_get_serial_sequence(%s, 'id')) FROM generate_series(1, %s)",
                           [table, n])
            return [row[0] for row in cursor.fetchall()]

    def insert(self, table: str, columns: Sequence[str], rows: Iterable[Sequence]) -> None:
        sql = f"COPY {_quote(table)} ({', '.join(_quote(c) for c in columns)}) FROM STDIN"
        with self.conn.cursor() as cursor, cursor.cursor.copy(sql) as copy:
            for row in rows:
                copy.write_row(row)


class InsertWriter(Writer):
    """SQLite: executemany. The import's transaction holds the write lock, so MAX(id) cannot move meanwhile."""

    def reserve_ids(self, table: str, n: int) -> list[int]:
        if n == 0:
            return []
        with self.conn.cursor() as cursor:
            cursor.execute(f"SELECT COALESCE(MAX(id), 0) FROM {_quote(table)}")
            top = cursor.fetchone()[0]
            # AUTOINCREMENT remembers ids handed out before; never give one of them again.
            cursor.execute("SELECT seq FROM sqlite_sequence WHERE name = %s", [table])
            found = cursor.fetchone()
        start = max(top, found[0] if found else 0) + 1
        return list(range(start, start + n))

    def insert(self, table: str, columns: Sequence[str], rows: Iterable[Sequence]) -> None:
        sql = (f"INSERT INTO {_quote(table)} ({', '.join(_quote(c) for c in columns)}) "
               f"VALUES ({', '.join(['%s'] * len(columns))})")
        with self.conn.cursor() as cursor:
            cursor.executemany(sql, rows if isinstance(rows, list) else list(rows))


class Table:
    """The rows of one model's table in its column order. What a caller leaves out, or gives as None for a
    NOT NULL column, takes the model's default, so a column added to the model later still gets a value."""

    def __init__(self, model, *, with_id: bool = False):
        fields = [f for f in model._meta.concrete_fields if with_id or not f.primary_key]
        self.name = model._meta.db_table
        self.columns = [f.column for f in fields]
        # (attname, fallback, NOT NULL, kind): kind says how a value is converted for the backend.
        self.plan = [(f.attname, self._fallback(f), not f.null, self._kind(f)) for f in fields]
        self.fields = fields

    @staticmethod
    def _fallback(field):
        if field.has_default():
            return field.get_default()
        if isinstance(field, models.CharField | models.TextField | models.FileField):
            return ""
        return None

    @staticmethod
    def _kind(field) -> str:
        if isinstance(field, models.JSONField):
            return "json"
        if isinstance(field, models.DateTimeField):
            return "datetime"
        if isinstance(field, models.DateField):
            return "date"
        if isinstance(field, models.DecimalField):
            return "decimal"
        return ""

    def rows(self, items: Iterable[dict], writer: Writer) -> list[tuple]:
        build = self._builder(writer)
        return [build(values) for values in items]

    def _builder(self, writer: Writer):
        """One compiled expression per table and writer, instead of a loop over ~80 columns per row (the write
        preparation is per-row Python work): a value, else the fallback for a NOT NULL or left-out column,
        converted for the backend."""
        convert = writer.converters()
        env: dict = {"_A": _ABSENT}
        parts = []
        for i, (name, fallback, not_null, kind) in enumerate(self.plan):
            conv = convert.get(kind)
            env[f"f{i}"] = conv(fallback) if conv is not None and fallback is not None else fallback
            env[f"c{i}"] = conv
            if conv is None and not_null:
                parts.append(f"(x if (x := v.get({name!r})) is not None else f{i})")
            elif conv is None:
                parts.append(f"(f{i} if (x := v.get({name!r}, _A)) is _A else x)")
            elif not_null:
                parts.append(f"(c{i}(x) if (x := v.get({name!r})) is not None else f{i})")
            else:
                parts.append(f"(f{i} if (x := v.get({name!r}, _A)) is _A else None if x is None else c{i}(x))")
        return eval(f"lambda v: ({', '.join(parts)},)", env)  # noqa: S307 - built from the model's own fields

    def insert(self, writer: Writer, items: Iterable[dict]) -> None:
        writer.insert(self.name, self.columns, self.rows(items, writer))

    def insert_select(self, writer: Writer, source: str, expressions: dict[str, str],
                      constants: dict) -> tuple[str, list]:
        """INSERT INTO this table SELECT … FROM `source`: the columns named in `expressions` are SQL over the
        source's columns, the others the same value on every row (given in `constants`, else the default).
        Rows that follow from rows already in the database cost no Python work per row this way."""
        convert = writer.converters()
        cast = writer.conn.vendor == "postgresql"  # a parameter in a SELECT list is text to PostgreSQL
        parts, params = [], []
        for field, (name, fallback, _not_null, kind) in zip(self.fields, self.plan, strict=True):
            if name in expressions:
                parts.append(expressions[name])
                continue
            value = constants.get(name, fallback)
            conv = convert.get(kind)
            params.append(conv(value) if conv is not None and value is not None else value)
            parts.append(f"CAST(%s AS {field.db_type(writer.conn)})" if cast else "%s")
        names = ", ".join(_quote(c) for c in self.columns)
        return f"INSERT INTO {_quote(self.name)} ({names}) SELECT {', '.join(parts)} FROM {source}", params


class _Stage:
    """What both ways of staging a chunk's rows share: the rows to be derived in SQL from the rows put."""

    def __init__(self, writer: Writer):
        self.writer = writer
        self.derived: dict[str, list[tuple[Table, dict, dict]]] = {}

    def derive(self, source: Table, table: Table, expressions: dict[str, str], constants: dict) -> None:
        """Rows of `table` made in SQL from the rows of `source` put since the last move (see insert_select);
        `expressions` refer to the source's columns by name."""
        self.derived.setdefault(source.name, []).append((table, expressions, constants))


class Staging(_Stage):
    """SQLite: rows go first into unindexed temporary copies of their tables (cheap, in the importing thread);
    one INSERT … SELECT per table then moves them (the index work), as single statements during which SQLite
    works without holding Python's GIL, so it overlaps the checking of the next rows."""

    def __init__(self, writer: Writer):
        super().__init__(writer)
        self.made: set[str] = set()
        self.filled: list[Table] = []

    def put(self, table: Table, items: Iterable[dict]) -> None:
        rows = table.rows(items, self.writer)
        if not rows:
            return
        stage = f"intake_stage_{table.name}"
        if table.name not in self.made:
            names = ", ".join(_quote(c) for c in table.columns)
            with self.writer.conn.cursor() as cursor:
                cursor.execute(f"DROP TABLE IF EXISTS {stage}")
                cursor.execute(f"CREATE TEMPORARY TABLE {stage} AS SELECT {names} FROM {_quote(table.name)} "
                               "WHERE 1 = 0")
            self.made.add(table.name)
        self.writer.insert(stage, table.columns, rows)
        self.filled.append(table)

    def moves(self) -> list[tuple[str, list]]:
        """The statements that move what was put since the last call, in the order it was put."""
        statements = []
        for table in self.filled:
            names = ", ".join(_quote(c) for c in table.columns)
            stage = f"intake_stage_{table.name}"
            statements.append((f"INSERT INTO {_quote(table.name)} ({names}) SELECT {names} FROM {stage}", []))
            for derived, expressions, constants in self.derived.pop(table.name, []):
                statements.append(derived.insert_select(self.writer, stage, expressions, constants))
            statements.append((f"DELETE FROM {stage}", []))
        self.filled, self.derived = [], {}
        return statements

    def run(self, statements: list[tuple[str, list]]) -> None:
        with self.writer.conn.cursor() as cursor:
            for sql, params in statements:
                cursor.execute(sql, params)

    def drop(self) -> None:
        with suppress(DatabaseError), self.writer.conn.cursor() as cursor:
            for name in self.made:
                cursor.execute(f"DROP TABLE IF EXISTS intake_stage_{name}")
        self.made = set()


class CopyStaging(_Stage):
    """PostgreSQL: the importing thread only builds the rows; the write thread COPYs them straight into their
    tables. psycopg formats a row in C and the server parses, checks and indexes it in its own process, so a
    detour through temporary tables would only add work on both sides."""

    def __init__(self, writer: Writer):
        super().__init__(writer)
        self.filled: list[tuple[Table, list[tuple]]] = []

    def put(self, table: Table, items: Iterable[dict]) -> None:
        rows = table.rows(items, self.writer)
        if rows:
            self.filled.append((table, rows))

    def moves(self) -> list:
        """COPYs, each followed by the inserts derived from the rows it brings (read back by primary key)."""
        moves: list = []
        for table, rows in self.filled:
            moves.append((table, rows))
            derived = self.derived.pop(table.name, [])
            if derived:
                ids = [row[table.columns.index("id")] for row in rows]
                source = f"{_quote(table.name)} WHERE {_quote('id')} = ANY(%s)"
                for target, expressions, constants in derived:
                    sql, params = target.insert_select(self.writer, source, expressions, constants)
                    moves.append((sql, [*params, ids]))
        self.filled, self.derived = [], {}
        return moves

    def run(self, moves: list) -> None:
        for first, second in moves:
            if isinstance(first, Table):
                self.writer.insert(first.name, first.columns, second)
            else:
                with self.writer.conn.cursor() as cursor:
                    cursor.execute(first, second)

    def drop(self) -> None:
        self.filled, self.derived = [], {}


def make_staging(writer: Writer) -> Staging | CopyStaging:
    return CopyStaging(writer) if isinstance(writer, CopyWriter) else Staging(writer)


@contextmanager
def bulk_session() -> Iterator[None]:
    """Settings for one bulk write, restored afterwards.

    SQLite keeps 2 MB of pages by default; a bulk write into a registry of a million students touches every
    index at random, so the connection gets a larger page cache while it lasts.
    PostgreSQL checks Django's foreign keys (DEFERRABLE INITIALLY DEFERRED) at COMMIT, one by one after the
    import has finished; checked as each COPY runs instead, they are done by the server while Python reads the
    next rows. The constraints are the same, only the moment of the check moves."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        try:
            yield
        finally:
            with suppress(DatabaseError), connection.cursor() as cursor:
                cursor.execute("SET CONSTRAINTS ALL DEFERRED")
        return
    if connection.vendor != "sqlite":
        yield
        return
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA cache_size")
        before = cursor.fetchone()[0]
        cursor.execute(f"PRAGMA cache_size = -{SQLITE_CACHE_KIB}")
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute(f"PRAGMA cache_size = {int(before)}")


def make_writer(conn=None) -> Writer:
    conn = conn or connections[DEFAULT_DB_ALIAS]
    return CopyWriter(conn) if conn.vendor == "postgresql" else InsertWriter(conn)
