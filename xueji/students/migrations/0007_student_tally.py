"""The student tally (StudentTally) and the triggers that keep it exact in the transaction of every change.

PostgreSQL: three statement-level AFTER triggers with transition tables; each statement, however many rows it
touched (an import's COPY, a rollover's UPDATE of millions), adds its delta with one INSERT … ON CONFLICT DO
UPDATE, in key order so two writers never wait for each other in a circle. SQLite: row-level triggers doing the
same upsert per row. Then one GROUP BY fills the tally from the records there are. The SQL is frozen here, as
a migration's must be; xueji/students/tally.py holds the same flag expressions for `xueji tally verify|rebuild`.
"""

import django.db.models.deletion
from django.db import migrations, models


TALLY = "students_studenttally"
COLUMNS = "school_id, grade, gender, status, students, migrant, left_behind, disabled, inclusive"
FLAGS = (
    "CASE WHEN {p}migrant_child THEN 1 ELSE 0 END",
    "CASE WHEN {p}left_behind IN ('1', '2') THEN 1 ELSE 0 END",
    "CASE WHEN {p}disability_type NOT IN ('', '0') THEN 1 ELSE 0 END",
    "CASE WHEN {p}inclusive_study NOT IN ('', '0') THEN 1 ELSE 0 END",
)
WATCHED = ("school_id", "grade", "gender", "status", "migrant_child", "left_behind", "disability_type",
           "inclusive_study")
ADD = ", ".join(f"{m} = {TALLY}.{m} + excluded.{m}" for m in
                ("students", "migrant", "left_behind", "disabled", "inclusive"))
UPSERT = f"ON CONFLICT (school_id, grade, gender, status) DO UPDATE SET {ADD}"


def _rows(table: str, sign: str) -> str:
    flags = ", ".join(f.format(p="") for f in FLAGS)
    return f"SELECT school_id, grade, gender, status, {sign}1 AS d, {flags} FROM {table}"


def _delta(source: str, having: bool) -> str:
    sums = ", ".join(f"SUM(d * f{i})" for i in range(len(FLAGS)))
    flags = ", ".join(f"f{i}" for i in range(len(FLAGS)))
    keep = "HAVING SUM(d) <> 0 OR " + " OR ".join(f"SUM(d * f{i}) <> 0" for i in range(len(FLAGS))) if having else ""
    return (f"INSERT INTO {TALLY} ({COLUMNS}) SELECT school_id, grade, gender, status, SUM(d), {sums} "
            f"FROM ({source}) AS x (school_id, grade, gender, status, d, {flags}) "
            f"GROUP BY school_id, grade, gender, status {keep} ORDER BY school_id, grade, gender, status {UPSERT};")


POSTGRES_FUNCTION = f"""
CREATE FUNCTION students_tally_delta() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        {_delta(_rows("n", ""), having=False)}
    ELSIF TG_OP = 'DELETE' THEN
        {_delta(_rows("o", "-"), having=False)}
    ELSE
        {_delta(_rows("n", "") + " UNION ALL " + _rows("o", "-"), having=True)}
    END IF;
    RETURN NULL;
END
$$;
"""

POSTGRES_TRIGGERS = [
    "CREATE TRIGGER students_tally_insert AFTER INSERT ON students_student REFERENCING NEW TABLE AS n "
    "FOR EACH STATEMENT EXECUTE FUNCTION students_tally_delta()",
    "CREATE TRIGGER students_tally_update AFTER UPDATE ON students_student "
    "REFERENCING OLD TABLE AS o NEW TABLE AS n FOR EACH STATEMENT EXECUTE FUNCTION students_tally_delta()",
    "CREATE TRIGGER students_tally_delete AFTER DELETE ON students_student REFERENCING OLD TABLE AS o "
    "FOR EACH STATEMENT EXECUTE FUNCTION students_tally_delta()",
]


def _sqlite_upsert(row: str, sign: str) -> str:
    flags = ", ".join(f"{sign}({f.format(p=row + '.')})" for f in FLAGS)
    return (f"INSERT INTO {TALLY} ({COLUMNS}) VALUES ({row}.school_id, {row}.grade, {row}.gender, {row}.status, "
            f"{sign}1, {flags}) {UPSERT};")


SQLITE_TRIGGERS = [
    f"CREATE TRIGGER students_tally_insert AFTER INSERT ON students_student BEGIN "
    f"{_sqlite_upsert('NEW', '')} END",
    f"CREATE TRIGGER students_tally_update AFTER UPDATE OF {', '.join(WATCHED)} ON students_student "
    f"WHEN {' OR '.join(f'OLD.{c} IS NOT NEW.{c}' for c in WATCHED)} BEGIN "
    f"{_sqlite_upsert('OLD', '-')} {_sqlite_upsert('NEW', '')} END",
    f"CREATE TRIGGER students_tally_delete AFTER DELETE ON students_student BEGIN "
    f"{_sqlite_upsert('OLD', '-')} END",
]

FILL = (f"INSERT INTO {TALLY} ({COLUMNS}) SELECT school_id, grade, gender, status, COUNT(*), "
        + ", ".join(f"SUM({f.format(p='')})" for f in FLAGS)
        + " FROM students_student GROUP BY school_id, grade, gender, status")


def install(apps, schema_editor):
    run = schema_editor.execute
    if schema_editor.connection.vendor == "postgresql":
        # Writers wait from here to the migration's commit, so no change falls between the fill and the triggers.
        run("LOCK TABLE students_student IN SHARE ROW EXCLUSIVE MODE")
        run(POSTGRES_FUNCTION)
        for sql in POSTGRES_TRIGGERS:
            run(sql)
    elif schema_editor.connection.vendor == "sqlite":
        for sql in SQLITE_TRIGGERS:
            run(sql)
    else:
        raise NotImplementedError("学生人数汇总的触发器只支持 PostgreSQL 和 SQLite")
    run(FILL)


def uninstall(apps, schema_editor):
    run = schema_editor.execute
    for name in ("insert", "update", "delete"):
        suffix = " ON students_student" if schema_editor.connection.vendor == "postgresql" else ""
        run(f"DROP TRIGGER IF EXISTS students_tally_{name}{suffix}")
    if schema_editor.connection.vendor == "postgresql":
        run("DROP FUNCTION IF EXISTS students_tally_delta()")


class Migration(migrations.Migration):

    dependencies = [
        ('orgs', '0001_initial'),
        ('students', '0006_family_student_index_in_unique'),
    ]

    operations = [
        migrations.CreateModel(
            name='StudentTally',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('grade', models.PositiveSmallIntegerField(verbose_name='年级')),
                ('gender', models.CharField(max_length=1, verbose_name='性别')),
                ('status', models.CharField(max_length=4, verbose_name='学籍状态')),
                ('students', models.IntegerField(default=0, verbose_name='人数')),
                ('migrant', models.IntegerField(default=0, verbose_name='进城务工人员随迁子女')),
                ('left_behind', models.IntegerField(default=0, verbose_name='留守儿童')),
                ('disabled', models.IntegerField(default=0, verbose_name='残疾')),
                ('inclusive', models.IntegerField(default=0, verbose_name='随班就读')),
                ('school', models.ForeignKey(db_index=False, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='orgs.school')),
            ],
            options={
                'verbose_name': '学生人数汇总',
                'verbose_name_plural': '学生人数汇总',
                'constraints': [models.UniqueConstraint(fields=('school', 'grade', 'gender', 'status'), name='student_tally_key')],
            },
        ),
        migrations.RunPython(install, uninstall),
    ]
