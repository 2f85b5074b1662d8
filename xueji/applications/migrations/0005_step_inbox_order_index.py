"""The inbox's index carries its order (due date, application, step), so a page is read off it; the new index
 is built before the old one goes."""

from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('applications', '0004_orderings_by_key_columns'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddIndex(
            model_name='step',
            index=models.Index(fields=['org_code', 'role', 'status', 'due_date', 'application', 'id'], name='step_inbox_order'),
        ),
        migrations.RemoveIndex(
            model_name='step',
            name='application_org_cod_af98a3_idx',
        ),
    ]
