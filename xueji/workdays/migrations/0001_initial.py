import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


def seed_calendar(apps, schema_editor):
    from xueji.workdays.seed import seed

    seed(apps)


class Migration(migrations.Migration):
    initial = True

    dependencies = [migrations.swappable_dependency(settings.AUTH_USER_MODEL)]

    operations = [
        migrations.CreateModel(
            name="CalendarYear",
            fields=[
                ("year", models.PositiveSmallIntegerField(primary_key=True, serialize=False, verbose_name="年份")),
                ("source", models.CharField(max_length=40, verbose_name="来源")),
                ("updated_at", models.DateTimeField(auto_now=True, verbose_name="更新时间")),
            ],
            options={"verbose_name": "已公布节假日安排的年份", "verbose_name_plural": "已公布节假日安排的年份",
                     "ordering": ["year"]},
        ),
        migrations.CreateModel(
            name="CalendarDay",
            fields=[
                ("date", models.DateField(primary_key=True, serialize=False, verbose_name="日期")),
                ("is_workday", models.BooleanField(verbose_name="是否工作日")),
                ("name", models.CharField(blank=True, max_length=40, verbose_name="说明")),
                ("updated_by", models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT,
                                                 related_name="+", to=settings.AUTH_USER_MODEL, verbose_name="修改人")),
            ],
            options={"verbose_name": "节假日或调休日", "verbose_name_plural": "节假日与调休日", "ordering": ["date"]},
        ),
        migrations.RunPython(seed_calendar, migrations.RunPython.noop),
    ]
