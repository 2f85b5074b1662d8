"""A name index that starts with the school (issue #15 item 2: search within the user's jurisdiction first),
PostgreSQL only.

A county officer's search for a common name (王芳: 4,500 in a province of 5,000,000) went through the province-wide
trigram index and read every match's row before dropping the other counties' (60–110 ms). With (school, name) in
text_pattern_ops and the officer's school codes named in the query (StudentPolicy.visible_in_schools), each school's
stretch of the index is one short range scan (3 ms). Built CONCURRENTLY, like 0008.
"""

from django.db import migrations

from xueji.core.postgresql import on_postgresql

CREATE = ("CREATE INDEX CONCURRENTLY IF NOT EXISTS student_school_name_prefix ON students_student "
          "(school_id, name text_pattern_ops)")
DROP = "DROP INDEX CONCURRENTLY IF EXISTS student_school_name_prefix"


class Migration(migrations.Migration):
    atomic = False

    dependencies = [
        ("students", "0009_statusevent_school_at_index"),
    ]

    operations = [
        migrations.RunPython(on_postgresql(CREATE), on_postgresql(DROP), elidable=False),
    ]
