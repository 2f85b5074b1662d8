"""Indexes for the name search at province scale (issue #15 item 2), PostgreSQL only.

- pg_trgm GIN indexes on the name and the former name: they answer `LIKE '王芳%'` (a prefix) and, from three
  characters, `LIKE '%欧阳娜%'` without reading the table; an exact name keeps the (name, gender, birth date) index.
- a B-tree on the given name (`substring(name, 2)`, students.selectors.GIVEN_NAME) with text_pattern_ops: a
  search for 小明 finds 王小明 by a range scan (two characters are too few for a trigram index to narrow).
- a B-tree on the pinyin without spaces, upper case (`replace(upper(name_pinyin), ' ', '')`, the expression
  students.selectors.PINYIN_KEY builds) with text_pattern_ops, so `LIKE 'WANGF%'` is a range scan in any collation.

Built CONCURRENTLY (the migration is not atomic), so a registry in use keeps taking writes while a 5-million-row
table is indexed. SQLite gets nothing: its searches keep working through LIKE, more slowly.
"""

from django.db import migrations

from xueji.core.postgresql import on_postgresql

CREATE = [
    "CREATE EXTENSION IF NOT EXISTS pg_trgm",
    "CREATE INDEX CONCURRENTLY IF NOT EXISTS student_name_trgm ON students_student USING gin (name gin_trgm_ops)",
    "CREATE INDEX CONCURRENTLY IF NOT EXISTS student_former_name_trgm ON students_student "
    "USING gin (former_name gin_trgm_ops)",
    "CREATE INDEX CONCURRENTLY IF NOT EXISTS student_pinyin_key ON students_student "
    "((replace(upper(name_pinyin::text), ' ', '')) text_pattern_ops)",
    "CREATE INDEX CONCURRENTLY IF NOT EXISTS student_given_name ON students_student "
    "((substring(name::text, 2)) text_pattern_ops)",
]
DROP = [
    "DROP INDEX CONCURRENTLY IF EXISTS student_name_trgm",
    "DROP INDEX CONCURRENTLY IF EXISTS student_former_name_trgm",
    "DROP INDEX CONCURRENTLY IF EXISTS student_pinyin_key",
    "DROP INDEX CONCURRENTLY IF EXISTS student_given_name",
]


class Migration(migrations.Migration):
    atomic = False

    dependencies = [
        ("students", "0007_student_tally"),
    ]

    operations = [
        migrations.RunPython(on_postgresql(*CREATE), on_postgresql(*DROP), elidable=False),
    ]
