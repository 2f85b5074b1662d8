"""`xueji accounts seal-dormant | reopen USER | reset-totp USER`: the account chores run from the shell.

seal-dormant is meant for a nightly timer (log-in also seals lazily). reopen and reset-totp are for the province's
own accounts, which have no level above to do it in the pages; the audit row names no account as the actor.
"""

from django.core.management.base import BaseCommand, CommandError

from xueji.accounts.dormancy import reopen_sealed_from_shell, seal_dormant
from xueji.accounts.totp import reset_totp
from xueji.core.errors import ServiceError


class Command(BaseCommand):
    help = "账号维护:seal-dormant 封存长期未用的账号;reopen 用户名 启封;reset-totp 用户名 重置动态口令"

    def add_arguments(self, parser):
        parser.add_argument("action", choices=["seal-dormant", "reopen", "reset-totp"])
        parser.add_argument("username", nargs="?")

    def handle(self, *args, action, username, **options):
        if action == "seal-dormant":
            sealed = seal_dormant()
            self.stdout.write(f"已封存 {len(sealed)} 个长期未使用的账号" + (":" + "、".join(sealed[:50]) if sealed else ""))
            return
        if not username:
            raise CommandError("请给出用户名")
        try:
            if action == "reopen":
                reopen_sealed_from_shell(username)
                self.stdout.write(f"账号“{username}”已启封")
            else:
                reset_totp(None, username)
                self.stdout.write(f"已重置账号“{username}”的动态口令")
        except ServiceError as exc:
            raise CommandError(exc.message) from exc
