"""`xueji audit verify` and `xueji audit checkpoint`: the auditor's check of the audit chain from a shell."""

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from xueji.audit import chain, services


class Command(BaseCommand):
    help = "核验审计日志的哈希链(verify),或立即签署当前链头检查点(checkpoint)"

    def add_arguments(self, parser):
        parser.add_argument("what", choices=["verify", "checkpoint"],
                            help="verify:逐条核验并与已签署的检查点比对;checkpoint:签署当前链头")

    def handle(self, *args, what: str, **options):
        if what == "checkpoint":
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
        self.stdout.write(self.style.SUCCESS(
            f"审计链完整:已核验 {verdict.checked} 条记录,与全部检查点相符,未发现篡改或删除。"))
