"""`xueji generate --students N`: synthetic students with valid ID numbers, written in bulk for benchmarks."""

from django.core.management.base import BaseCommand, CommandError

from xueji.demo.bulk import generate
from xueji.orgs.models import School


class Command(BaseCommand):
    help = ("批量生成合成学生(身份证号有效、互不重复),用于性能测试;PostgreSQL 上使用 COPY 写入。"
            "整批在一个事务中完成,期间学生相关表被锁定,请在系统空闲时运行")

    def add_arguments(self, parser):
        parser.add_argument("--students", type=int, required=True, help="生成的学生人数")
        parser.add_argument("--school", help="全部放入这所学校(学校标识码);省略时新建合成学校分布到全省各县")
        parser.add_argument("--batch", type=int, default=50_000, help="每批写入并提交的学生数(默认 %(default)s)")
        parser.add_argument("--seed", type=int, help="随机种子(相同种子在同一数据库状态下生成相同数据)")

    def handle(self, *args, students, school, batch, seed, **options):
        if students < 1 or batch < 1:
            raise CommandError("--students 和 --batch 须为正整数")
        if school and not School.objects.filter(code=school).exists():
            raise CommandError(f"学校标识码 {school} 不存在,请先建立学校或省略 --school")
        summary = generate(students, school_code=school, batch=batch, seed=seed, report=self.stdout.write)
        self.stdout.write(self.style.SUCCESS(
            f"完成:{summary['students']:,} 名学生,新建 {summary['schools_created']} 所学校、"
            f"{summary['classes_created']} 个班级,用时 {summary['seconds']} 秒,"
            f"{summary['students_per_second']:,} 名/秒({summary['database']})"
        ))
