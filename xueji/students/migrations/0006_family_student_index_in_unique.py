"""FamilyMember.student loses its own index: family_unique_position (student_id, position) starts with the student
and serves every look-up by student, so the second index only cost a bulk import its upkeep.

The index is dropped by name rather than by AlterField, which would rebuild the whole family table (millions of
rows in a province's registry) on SQLite to drop one index."""

import django.db.models.deletion
from django.db import migrations, models

INDEX = "students_familymember_student_id_5132a10f"


class Migration(migrations.Migration):
    dependencies = [
        ("students", "0005_leaner_indexes"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="familymember",
                    name="student",
                    field=models.ForeignKey(db_index=False, on_delete=django.db.models.deletion.PROTECT,
                                            related_name="family", to="students.student"),
                ),
            ],
            database_operations=[
                migrations.RunSQL(
                    f"DROP INDEX IF EXISTS {INDEX}",
                    reverse_sql=f'CREATE INDEX {INDEX} ON "students_familymember" ("student_id")',
                ),
            ],
        ),
    ]
