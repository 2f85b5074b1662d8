"""`xueji tally verify|rebuild`: compare the student tally with a direct count of the records, or rebuild it."""

from django.core.management.base import BaseCommand, CommandError

from xueji.students import tally


class Command(BaseCommand):
    help = "核对(verify)或按学籍记录重建(rebuild)学生人数汇总表;核对不一致时以非零状态退出"

    def add_arguments(self, parser):
        parser.add_argument("what", choices=["verify", "rebuild"],
                            help="verify:与逐条计数比对;rebuild:锁定学生表,按逐条计数重建汇总")

    def handle(self, *args, what: str, **options):
        if what == "rebuild":
            rows = tally.rebuild()
            self.stdout.write(self.style.SUCCESS(f"已重建学生人数汇总:{rows} 行。"))
            return
        differences = tally.verify()
        for key, have, want in differences[:20]:
            self.stderr.write(f"学校 {key[0]} 年级 {key[1]} 性别 {key[2]} 状态 {key[3]}:汇总 {have},实际 {want}")
        if differences:
            raise CommandError(f"学生人数汇总与学籍记录不一致:{len(differences)} 组。"
                               f"请运行 xueji tally rebuild 并上报。")
        self.stdout.write(self.style.SUCCESS("学生人数汇总与学籍记录逐条计数一致。"))
