"""`xueji demo`: migrate, load the Shanxi demo data once, and print where to log in."""

import os

from django.core.management import call_command
from django.core.management.base import BaseCommand

from xueji.demo import loader


def default_address() -> str:
    # `make demo` passes HOST and PORT on to `xueji serve`; say the address the server will really have.
    return f"http://{os.environ.get('HOST', '127.0.0.1')}:{os.environ.get('PORT', '8000')}/"


class Command(BaseCommand):
    help = "建立数据库表并载入山西省演示数据(重复运行不会重复载入),然后列出演示账号"

    def add_arguments(self, parser):
        parser.add_argument("--address", default=default_address(), help="提示打开的网址(默认 %(default)s)")

    def handle(self, *args, address, verbosity, **options):
        call_command("migrate", interactive=False, verbosity=max(0, verbosity - 1))
        counts = loader.load()
        if counts is None:
            self.stdout.write("演示数据已存在,未重复载入。")
        else:
            self.stdout.write(self.style.SUCCESS(
                f"已载入演示数据:{counts['schools']} 所学校、{counts['classes']} 个班级、"
                f"{counts['students'] + counts['imported']} 名学生(在籍 {counts['enrolled']},"
                f"待注册 {counts['pending'] + counts['imported']},其中 {counts['imported']} 名由批量导入建档)、"
                f"{counts['accounts']} 个账号;待审批的注册申请 {counts['registrations_filed']} 件,"
                f"待县级认定的疑似重复 {counts['suspected_duplicates']} 条。"
            ))
        self.print_logins(address)

    def print_logins(self, address: str) -> None:
        rows = [("用户名", "角色", "单位"), *loader.login_table()]
        widths = [max(_width(row[i]) for row in rows) for i in range(3)]
        self.stdout.write(f"\n运行 `xueji serve` 后在浏览器打开 {address}\n")
        for index, row in enumerate(rows):
            self.stdout.write("  ".join(_pad(cell, widths[i]) for i, cell in enumerate(row)).rstrip())
            if index == 0:
                self.stdout.write("  ".join("-" * w for w in widths))
        self.stdout.write(f"\n所有演示账号的密码均为: {loader.DEMO_PASSWORD} (仅限演示数据,切勿用于生产环境)")


def _width(text: str) -> int:
    # CJK characters take two columns in a terminal.
    return sum(2 if ord(ch) > 0x2E80 else 1 for ch in text)


def _pad(text: str, width: int) -> str:
    return text + " " * (width - _width(text))
