"""Covering name indexes for a province-wide name search (issue #15 item 2), PostgreSQL only.

Across the province a common name (王芳: 4,500 of 5,000,000) is found through three indexes (name, given name,
former name, each by its start) and every match is sorted by school, grade and class to show one page. Through
the trigram and plain indexes each match cost a visit to its row (a bitmap heap scan, 25–35 ms); these indexes
carry the sort columns and the id, so the matches, their count and the page's ids come from the indexes alone
(index-only scans, 8–10 ms; students/name_search.py). The given-name index of 0008 is replaced by its covering
form, which serves its old queries as well. Built CONCURRENTLY, like 0008.
"""

from django.db import migrations

from xueji.core.postgresql import on_postgresql

SORT = "school_id, grade, school_class_id"
CREATE = (
    f"CREATE INDEX CONCURRENTLY IF NOT EXISTS student_name_sorting ON students_student "
    f"(name text_pattern_ops) INCLUDE ({SORT}, id)",
    f"CREATE INDEX CONCURRENTLY IF NOT EXISTS student_given_sorting ON students_student "
    f"(substring(name, 2) text_pattern_ops) INCLUDE ({SORT}, name, id)",
    f"CREATE INDEX CONCURRENTLY IF NOT EXISTS student_former_sorting ON students_student "
    f"(former_name text_pattern_ops) INCLUDE ({SORT}, name, id) WHERE former_name <> ''",
    "DROP INDEX CONCURRENTLY IF EXISTS student_given_name",
    # An expression index has statistics of its own, gathered by ANALYZE only: without them the planner guesses
    # the given name matches a two-hundredth of the table and picks the wrong plan for a county's search.
    "ANALYZE students_student",
)
DROP = (
    "CREATE INDEX CONCURRENTLY IF NOT EXISTS student_given_name ON students_student "
    "(substring(name, 2) text_pattern_ops)",
    "DROP INDEX CONCURRENTLY IF EXISTS student_name_sorting",
    "DROP INDEX CONCURRENTLY IF EXISTS student_given_sorting",
    "DROP INDEX CONCURRENTLY IF EXISTS student_former_sorting",
)


class Migration(migrations.Migration):
    atomic = False

    dependencies = [
        ("students", "0011_orderings_by_key_columns"),
    ]

    operations = [
        migrations.RunPython(on_postgresql(*CREATE), on_postgresql(*DROP), elidable=False),
    ]
