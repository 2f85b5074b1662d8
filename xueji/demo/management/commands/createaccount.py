"""`xueji createaccount`: the first account of a new installation, made from the shell.

Every later account is created from the level above in the web pages (no self sign-up); this command is how the
province's first officer gets in. It goes through accounts.services.create_account, so the same checks apply
and the audit log records the creation (with no acting user: the shell is not an account).
"""

import getpass

from django.core.management.base import BaseCommand, CommandError

from xueji.accounts.models import Role, User
from xueji.accounts.services import create_account
from xueji.core.errors import ServiceError
from xueji.orgs.models import Division, School

SHELL = "(命令行)"


class Command(BaseCommand):
    help = "从命令行建立账号(用于新系统的第一个省级账号),例如: xueji createaccount sx --role province --org 140000"

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--role", required=True, choices=Role.values, help="角色")
        parser.add_argument("--org", required=True, help="所属单位:6位行政区划代码,或学校账号的10位学校标识码")
        parser.add_argument("--password", help="密码(省略时提示输入)")
        parser.add_argument("--display-name", default="", help="姓名")

    def handle(self, *args, username, role, org, password, display_name, **options):
        division, school = _resolve_org(org)
        password = password or _prompt_password()
        # An unsaved superuser stands for the shell: create_account lets it place an account anywhere, and the
        # audit row names no account as the actor.
        shell = User(username=SHELL, is_superuser=True)
        try:
            user = create_account(shell, username=username, password=password, role=role, division=division,
                                  school=school, display_name=display_name)
        except ServiceError as exc:
            raise CommandError(_messages(exc)) from exc
        self.stdout.write(self.style.SUCCESS(f"已建立账号 {user.username}({Role(role).label},{user.org})"))


def _resolve_org(code: str):
    school = School.objects.filter(code=code).first()
    if school is not None:
        return None, school
    division = Division.objects.filter(code=code).first()
    if division is None:
        raise CommandError(f"单位代码 {code} 不存在:请填写已有的6位行政区划代码或10位学校标识码(可先运行 xueji migrate)")
    return division, None


def _prompt_password() -> str:
    first = getpass.getpass("密码: ")
    if first != getpass.getpass("再次输入密码: "):
        raise CommandError("两次输入的密码不一致")
    return first


def _messages(exc: ServiceError) -> str:
    return exc.message
