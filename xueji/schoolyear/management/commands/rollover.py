"""`xueji rollover YEAR` opens school year YEAR (2027 = 2027–28) and runs its promotion to the end in this
process, resuming where an interrupted run stopped; `xueji rollover verify YEAR` checks its digest."""

from django.core.management.base import BaseCommand, CommandError

from xueji.accounts.models import User
from xueji.core.errors import ServiceError
from xueji.schoolyear import services


class Command(BaseCommand):
    help = "开启新学年的全省升级(第十六条),或核验某学年的升级记录"

    def add_arguments(self, parser):
        parser.add_argument("words", nargs="+", metavar="[verify] 年份", help="如 2027(2027–2028学年)")
        parser.add_argument("--user", help="以哪个省级账号的名义执行(默认:第一个在用的省级账号)")
        parser.add_argument("--chunk", type=int, help="每批处理的学生编号数(默认 50000)")

    def handle(self, *args, words, user, chunk, **options):
        verify = words[0] == "verify"
        rest = words[1:] if verify else words
        if len(rest) != 1 or not rest[0].isdigit():
            raise CommandError("用法: xueji rollover 2027 | xueji rollover verify 2027")
        year, actor = int(rest[0]), self._actor(user)
        try:
            if verify:
                return self._verify(actor, year)
            job = services.open_year(actor, year, chunk_size=chunk)
            self.stdout.write(f"{job}:共 {job.total} 名在籍及休学学生,开始执行……")
            job = services.run(job.pk)
        except ServiceError as exc:
            raise CommandError(exc.message) from None
        if job.is_running:
            raise CommandError(f"{job}正由另一进程执行(已处理 {job.done}/{job.total}),请稍后再查看")
        counts = services.counts(job)
        self.stdout.write(self.style.SUCCESS(
            f"{job}已完成:升级 {counts['promoted']} 人,休学保留 {counts['kept_suspended']} 人,暂缓 "
            f"{counts['kept_pending']} 人,毕业年级 {counts['final_grade']} 人,其他 {counts['not_promoted_other']} 人,"
            f"班级 {counts['classes_moved']} 个;校验值 {job.digest}"))

    def _verify(self, actor, year: int) -> None:
        result = services.verify(actor, year)
        if not result["intact"]:
            raise CommandError(f"核验未通过:审计日志中的校验值 {result['recorded']},按升级记录重新计算为 {result['computed']}")
        self.stdout.write(self.style.SUCCESS(f"核验通过:{result['promotions']} 条升级记录,校验值 {result['computed']}"))

    def _actor(self, username: str | None) -> User:
        users = User.objects.filter(role="province", is_active=True).order_by("id")
        actor = users.filter(username=username).first() if username else users.first()
        if actor is None:
            raise CommandError("没有可用的省级账号:请用 --user 指定,或先用 xueji createaccount 建立")
        return actor
