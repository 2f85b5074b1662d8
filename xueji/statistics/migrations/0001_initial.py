"""ChangeTally and the triggers on applications_application that keep it exact in the deciding transaction.

A row contributes when the application is decided (status other than pending, decided_at set) and names a
school; an in-registry transfer also counts at its sending school (payload "from_school", side "out"). Each
statement adds its delta the way the student tally's triggers do (students 0007): PostgreSQL statement triggers
with transition tables and one INSERT … ON CONFLICT; SQLite row triggers. Months and the deadline check use
Beijing time (UTC+8, no daylight saving). Then one GROUP BY fills the table from the applications there are.
"""

import django.db.models.deletion
from django.db import migrations, models


TALLY = "statistics_changetally"
COLUMNS = "school_id, type, month, outcome, side, decided, on_time, late"
UPSERT = ("ON CONFLICT (school_id, type, month, outcome, side) DO UPDATE SET "
          + ", ".join(f"{m} = {TALLY}.{m} + excluded.{m}" for m in ("decided", "on_time", "late")))
DECIDED = "status <> 'pending' AND decided_at IS NOT NULL"


def _pg_rows(table: str, sign: str) -> str:
    local = "(decided_at AT TIME ZONE 'Asia/Shanghai')"
    measures = (f"{sign}1, CASE WHEN due_date IS NOT NULL AND {local}::date <= due_date THEN {sign}1 ELSE 0 END, "
                f"CASE WHEN due_date IS NOT NULL AND {local}::date > due_date THEN {sign}1 ELSE 0 END")
    month = f"to_char({local}, 'YYYY-MM')"
    sending = "NULLIF(payload ->> 'from_school', '')"
    return (f"SELECT school_id, type, {month}, status, '', {measures} FROM {table} "
            f"WHERE {DECIDED} AND school_id IS NOT NULL "
            f"UNION ALL SELECT {sending}, type, {month}, status, 'out', {measures} FROM {table} "
            f"WHERE {DECIDED} AND type = 'transfer' AND {sending} IS NOT NULL")


def _pg_delta(source: str) -> str:
    return (f"INSERT INTO {TALLY} ({COLUMNS}) SELECT s, t, m, o, side, SUM(d), SUM(met), SUM(missed) "
            f"FROM ({source}) AS x (s, t, m, o, side, d, met, missed) GROUP BY s, t, m, o, side "
            f"HAVING SUM(d) <> 0 OR SUM(met) <> 0 OR SUM(missed) <> 0 ORDER BY s, t, m, o, side {UPSERT};")


POSTGRES_FUNCTION = f"""
CREATE FUNCTION statistics_change_delta() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        {_pg_delta(_pg_rows("n", ""))}
    ELSIF TG_OP = 'DELETE' THEN
        {_pg_delta(_pg_rows("o", "-"))}
    ELSE
        {_pg_delta(_pg_rows("n", "") + " UNION ALL " + _pg_rows("o", "-"))}
    END IF;
    RETURN NULL;
END
$$;
"""

POSTGRES_TRIGGERS = [
    "CREATE TRIGGER statistics_change_insert AFTER INSERT ON applications_application "
    "REFERENCING NEW TABLE AS n FOR EACH STATEMENT EXECUTE FUNCTION statistics_change_delta()",
    "CREATE TRIGGER statistics_change_update AFTER UPDATE ON applications_application "
    "REFERENCING OLD TABLE AS o NEW TABLE AS n FOR EACH STATEMENT EXECUTE FUNCTION statistics_change_delta()",
    "CREATE TRIGGER statistics_change_delete AFTER DELETE ON applications_application "
    "REFERENCING OLD TABLE AS o FOR EACH STATEMENT EXECUTE FUNCTION statistics_change_delta()",
]


def _sqlite_parts(row: str, sign: str) -> tuple[str, str, str, str]:
    """(measures, month, decided, sending) over the row `row` ("NEW.", "OLD." or "" for the table itself)."""
    local = f"{row}decided_at, '+8 hours'"
    measures = (f"{sign}1, CASE WHEN {row}due_date IS NOT NULL AND date({local}) <= {row}due_date "
                f"THEN {sign}1 ELSE 0 END, CASE WHEN {row}due_date IS NOT NULL AND date({local}) > {row}due_date "
                f"THEN {sign}1 ELSE 0 END")
    return (measures, f"strftime('%Y-%m', {local})", f"{row}status <> 'pending' AND {row}decided_at IS NOT NULL",
            f"NULLIF(json_extract({row}payload, '$.from_school'), '')")


def _sqlite_upserts(row: str, sign: str) -> str:
    measures, month, decided, sending = _sqlite_parts(row + ".", sign)
    return (f"INSERT INTO {TALLY} ({COLUMNS}) SELECT {row}.school_id, {row}.type, {month}, {row}.status, '', "
            f"{measures} WHERE {decided} AND {row}.school_id IS NOT NULL {UPSERT}; "
            f"INSERT INTO {TALLY} ({COLUMNS}) SELECT {sending}, {row}.type, {month}, {row}.status, 'out', "
            f"{measures} WHERE {decided} AND {row}.type = 'transfer' AND {sending} IS NOT NULL {UPSERT};")


def _sqlite_fill() -> str:
    measures, month, decided, sending = _sqlite_parts("", "")
    d, met, missed = (f"{e} AS {name}" for e, name in zip(measures.split(", CASE"), ("d", "met", "missed"),
                                                           strict=True))
    met, missed = "CASE" + met, "CASE" + missed
    rows = (f"SELECT school_id AS s, type AS t, {month} AS m, status AS o, '' AS side, {d}, {met}, {missed} "
            f"FROM applications_application "
            f"WHERE {decided} AND school_id IS NOT NULL UNION ALL "
            f"SELECT {sending}, type, {month}, status, 'out', {measures} FROM applications_application "
            f"WHERE {decided} AND type = 'transfer' AND {sending} IS NOT NULL")
    return (f"INSERT INTO {TALLY} ({COLUMNS}) SELECT s, t, m, o, side, SUM(d), SUM(met), SUM(missed) "
            f"FROM ({rows}) GROUP BY s, t, m, o, side")


WATCHED = ("school_id", "type", "status", "decided_at", "due_date", "payload")
SQLITE_TRIGGERS = [
    "CREATE TRIGGER statistics_change_insert AFTER INSERT ON applications_application BEGIN "
    f"{_sqlite_upserts('NEW', '')} END",
    f"CREATE TRIGGER statistics_change_update AFTER UPDATE OF {', '.join(WATCHED)} ON applications_application "
    f"WHEN {' OR '.join(f'OLD.{c} IS NOT NEW.{c}' for c in WATCHED)} BEGIN "
    f"{_sqlite_upserts('OLD', '-')} {_sqlite_upserts('NEW', '')} END",
    # As the student tally's: a flush of a test database must leave the tally empty, not negative.
    "CREATE TRIGGER statistics_change_delete AFTER DELETE ON applications_application "
    f"WHEN EXISTS (SELECT 1 FROM {TALLY}) BEGIN {_sqlite_upserts('OLD', '-')} END",
]


def install(apps, schema_editor):
    def run(sql):
        schema_editor.execute(sql, None)  # no parameters: a % in the SQL stays itself

    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        # Deciders wait from here to the migration's commit, so no decision falls between the fill and the triggers.
        run("LOCK TABLE applications_application IN SHARE ROW EXCLUSIVE MODE")
        run(POSTGRES_FUNCTION)
        for sql in POSTGRES_TRIGGERS:
            run(sql)
        run(f"INSERT INTO {TALLY} ({COLUMNS}) SELECT s, t, m, o, side, SUM(d), SUM(met), SUM(missed) "
            f"FROM ({_pg_rows('applications_application', '')}) AS x (s, t, m, o, side, d, met, missed) "
            f"GROUP BY s, t, m, o, side")
    elif vendor == "sqlite":
        for sql in SQLITE_TRIGGERS:
            run(sql)
        run(_sqlite_fill())
    else:
        raise NotImplementedError("学籍异动汇总的触发器只支持 PostgreSQL 和 SQLite")


def uninstall(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    for name in ("insert", "update", "delete"):
        suffix = " ON applications_application" if vendor == "postgresql" else ""
        schema_editor.execute(f"DROP TRIGGER IF EXISTS statistics_change_{name}{suffix}")
    if vendor == "postgresql":
        schema_editor.execute("DROP FUNCTION IF EXISTS statistics_change_delta()")


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ('orgs', '0001_initial'),
        ('applications', '0003_scoped_applications'),
    ]

    operations = [
        migrations.CreateModel(
            name='ChangeTally',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('type', models.CharField(max_length=30, verbose_name='申请类型')),
                ('month', models.CharField(max_length=7, verbose_name='办结月份')),
                ('outcome', models.CharField(max_length=10, verbose_name='办结结果')),
                ('side', models.CharField(blank=True, choices=[('', '发起学校'), ('out', '转出学校')], default='', max_length=3, verbose_name='计入学校')),
                ('decided', models.IntegerField(default=0, verbose_name='件数')),
                ('on_time', models.IntegerField(default=0, verbose_name='期限内办结')),
                ('late', models.IntegerField(default=0, verbose_name='超期办结')),
                ('school', models.ForeignKey(db_constraint=False, db_index=False, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='orgs.school')),
            ],
            options={
                'verbose_name': '学籍异动汇总',
                'verbose_name_plural': '学籍异动汇总',
                'constraints': [models.UniqueConstraint(fields=('school', 'type', 'month', 'outcome', 'side'), name='change_tally_key')],
            },
        ),
        migrations.RunPython(install, uninstall),
    ]
