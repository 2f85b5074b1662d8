"""`xueji remind`: remind the holder of every overdue step (issue 4, item 2). Run it daily from cron; running it
twice on one day writes nothing new."""

import datetime

from django.core.management.base import BaseCommand, CommandError

from xueji.notices.services import remind_overdue


class Command(BaseCommand):
    help = "为超期未办的审批环节生成提醒(每个环节每位办理人每天一条)"

    def add_arguments(self, parser):
        parser.add_argument("--date", help="按哪一天计算超期,YYYY-MM-DD,默认今天")

    def handle(self, *args, **options):
        today = None
        if options.get("date"):
            try:
                today = datetime.date.fromisoformat(options["date"])
            except ValueError:
                raise CommandError("--date 须为 YYYY-MM-DD 格式的日期") from None
        result = remind_overdue(today)
        self.stdout.write(f"新生成提醒{result['created']}条;今日已提醒过{result['existing']}条;"
                          f"无办理人账号的超期环节{result['without_holder']}个")
