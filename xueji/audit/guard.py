"""Database triggers that keep the audit log append-only: no UPDATE or DELETE of an audit row or a checkpoint.

One UPDATE is let through: the sealer's (chain.py), which sets an unsealed row's chain columns (`seq`,
`prev_hash`, `hash`) once, from empty, leaving every other column as it was. A sealed row can no longer change.

They stop the registry's own code and anyone with only its SQL access from quietly editing history; the
checkpoints (chain.py) catch what someone able to drop the triggers does. In production the application's
database role should also not own these tables (README, 生产部署).

On SQLite the DELETE trigger asks the function xueji_audit_sealed(), which every connection of the registry
registers (apps.py): Django's `flush` (used between transactional tests, and by nobody in production) lifts the
seal for its own run; a connection that does not know the function, such as the sqlite3 shell, is refused too.
"""

import contextlib
import contextvars

from django.db import connection as default_connection

TABLES = ("audit_auditevent", "audit_auditcheckpoint")
MESSAGE = "审计日志只能追加,不能修改或删除(第四十四条)"

_unsealed: contextvars.ContextVar[bool] = contextvars.ContextVar("audit_unsealed", default=False)


def sealed() -> int:
    """SQLite function behind the DELETE trigger: 1 unless the seal is lifted in this context."""
    return 0 if _unsealed.get() else 1


@contextlib.contextmanager
def unsealed_for_flush():
    token = _unsealed.set(True)
    try:
        yield
    finally:
        _unsealed.reset(token)


# Every column but the chain's: what the sealer must leave as it found it.
CONTENT = ("id", "at", "actor_id", "actor_username", "org_code", "action", "object_type", "object_id",
           "source_ip", "reason", "outcome", "details")


def _sealing(new: str, old: str, same: str) -> str:
    """SQL condition: this UPDATE only seals the row. `same` is the null-safe equality of the dialect."""
    unchanged = " AND ".join(f"{new}.{c} {same} {old}.{c}" for c in CONTENT)
    return (f"{old}.seq IS NULL AND {old}.prev_hash = '' AND {old}.hash = '' AND {new}.seq IS NOT NULL "
            f"AND {unchanged}")


def _statements(vendor: str, install: bool) -> list[str]:
    events, points = TABLES
    if vendor == "postgresql":
        if not install:
            return [f"DROP TRIGGER IF EXISTS {t}_append_only ON {t}" for t in TABLES]
        return [
            "CREATE OR REPLACE FUNCTION xueji_audit_append_only() RETURNS trigger LANGUAGE plpgsql AS $$ "
            f"BEGIN RAISE EXCEPTION '{MESSAGE}: %', TG_TABLE_NAME USING ERRCODE = 'insufficient_privilege'; END $$",
            "CREATE OR REPLACE FUNCTION xueji_audit_seal_only() RETURNS trigger LANGUAGE plpgsql AS $$ "
            f"BEGIN IF TG_OP = 'UPDATE' AND {_sealing('NEW', 'OLD', 'IS NOT DISTINCT FROM')} THEN RETURN NEW; "
            f"END IF; RAISE EXCEPTION '{MESSAGE}: %', TG_TABLE_NAME USING ERRCODE = 'insufficient_privilege'; "
            "END $$",
            f"CREATE TRIGGER {events}_append_only BEFORE UPDATE OR DELETE ON {events} "
            "FOR EACH ROW EXECUTE FUNCTION xueji_audit_seal_only()",
            f"CREATE TRIGGER {points}_append_only BEFORE UPDATE OR DELETE ON {points} "
            "FOR EACH ROW EXECUTE FUNCTION xueji_audit_append_only()",
        ]
    if vendor == "sqlite":
        if not install:
            return [f"DROP TRIGGER IF EXISTS {t}_{op}" for t in TABLES for op in ("no_update", "no_delete")]
        when = {events: f" WHEN NOT ({_sealing('NEW', 'OLD', 'IS')})", points: ""}
        return [stmt for t in TABLES for stmt in (
            f"CREATE TRIGGER {t}_no_update BEFORE UPDATE ON {t}{when[t]} "
            f"BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END",
            f"CREATE TRIGGER {t}_no_delete BEFORE DELETE ON {t} WHEN xueji_audit_sealed() "
            f"BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END",
        )]
    return []


def install(connection=None) -> None:
    connection = connection or default_connection
    with connection.cursor() as cursor:
        for sql in _statements(connection.vendor, install=True):
            cursor.execute(sql)


def uninstall(connection=None) -> None:
    connection = connection or default_connection
    with connection.cursor() as cursor:
        for sql in _statements(connection.vendor, install=False):
            cursor.execute(sql)


@contextlib.contextmanager
def lifted(connection=None):
    """Drop the triggers for the block and put them back: what an intruder with the tables' owner rights
    could do. Tests use it to tamper with the log and show that verification still finds out."""
    uninstall(connection)
    try:
        yield
    finally:
        install(connection)
