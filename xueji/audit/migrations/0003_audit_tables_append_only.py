"""Triggers refusing UPDATE and DELETE of audit rows and checkpoints (guard.py), on PostgreSQL and SQLite."""

from django.db import migrations


def install(apps, schema_editor):
    from xueji.audit import guard

    guard.install(schema_editor.connection)


def uninstall(apps, schema_editor):
    from xueji.audit import guard

    guard.uninstall(schema_editor.connection)


class Migration(migrations.Migration):

    dependencies = [
        ("audit", "0002_chain_covers_every_column_and_checkpoints"),
    ]

    operations = [
        migrations.RunPython(install, uninstall),
    ]
