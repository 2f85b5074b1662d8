"""`xueji audit verify|checkpoint|seal`: the auditor's check of the audit chain, and its sealer, from a shell."""

import time

from django.core.management.base import BaseCommand, CommandError
from django.db import close_old_connections, connection, transaction

from xueji.audit import chain, services


class Command(BaseCommand):
    help = "核验审计日志的哈希链(verify)、立即签署当前链头检查点(checkpoint),或将新记录封存入链(seal)"

    def add_arguments(self, parser):
        parser.add_argument("what", choices=["verify", "checkpoint", "seal"],
                            help="verify:封存后逐条核验并与已签署的检查点比对;checkpoint:签署当前链头;"
                                 "seal:将已提交的新记录按序封存入链")
        parser.add_argument("--loop", action="store_true",
                            help="seal:持续运行,每隔 --interval 秒封存一次(与应用服务器并行运行一个即可)")
        parser.add_argument("--interval", type=float, default=0.2,
                            help="seal --loop 两次封存之间的秒数(默认 %(default)s)")

    def handle(self, *args, what: str, loop: bool, interval: float, **options):
        if what == "seal":
            return self._seal(loop, interval)
        if what == "checkpoint":
            chain.seal_all()
            with transaction.atomic():
                point = chain.checkpoint()
            if point is None:
                self.stdout.write("自上一个检查点以来没有新的审计记录,无需签署。")
            else:
                self.stdout.write(f"已签署检查点:链序号 {point.seq},记录 {point.event_id}。")
            return
        verdict = services.verify(None)
        for warning in verdict.warnings:
            self.stderr.write(self.style.WARNING(f"注意:{warning}"))
        if not verdict.intact:
            # CommandError exits with status 1 and prints the message on stderr.
            raise CommandError(f"审计链不完整:{verdict.message}。已核验 {verdict.checked} 条记录,请立即上报。")
        waiting = f",另有 {verdict.unsealed} 条新记录待封存" if verdict.unsealed else ""
        self.stdout.write(self.style.SUCCESS(
            f"审计链完整:已核验 {verdict.checked} 条记录,与全部检查点相符,未发现篡改或删除{waiting}。"))

    def _seal(self, loop: bool, interval: float) -> None:
        if interval <= 0:
            raise CommandError("--interval 必须大于 0 秒,例如 --interval 0.2")
        if not loop:
            self.stdout.write(f"已封存 {chain.seal_all()} 条审计记录。")
            return
        self.stdout.write(f"审计封存进程已启动,每 {interval} 秒封存一次(Ctrl+C 停止)。")
        self.stdout.flush()
        try:
            while True:
                # A database restart or a dropped connection must not end the sealer: reconnect and go on.
                close_old_connections()
                try:
                    chain.seal_all()
                except Exception as exc:  # noqa: BLE001 — the loop outlives any one failed batch
                    self.stderr.write(f"封存失败,稍后重试:{exc}")
                    connection.close()
                time.sleep(interval)
        except KeyboardInterrupt:
            self.stdout.write("审计封存进程已停止。")
