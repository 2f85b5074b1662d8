"""Audit rows are inserted unsealed and sealed into the chain after their commit (chain.py): the chain columns
may stay empty, an index finds the rows waiting, and the triggers let the sealer set those columns once."""

from django.conf import settings
from django.db import migrations, models


def reinstall(apps, schema_editor):
    from xueji.audit import guard

    guard.uninstall(schema_editor.connection)
    guard.install(schema_editor.connection)


class Migration(migrations.Migration):

    dependencies = [
        ('audit', '0003_audit_tables_append_only'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AlterField(
            model_name='auditevent',
            name='hash',
            field=models.CharField(blank=True, max_length=64),
        ),
        migrations.AddIndex(
            model_name='auditevent',
            index=models.Index(condition=models.Q(('seq__isnull', True)), fields=['id'], name='audit_event_unsealed'),
        ),
        # Unapplied, the new triggers stay: they refuse all that 0003's did and let only the sealing through.
        migrations.RunPython(reinstall, migrations.RunPython.noop),
    ]
