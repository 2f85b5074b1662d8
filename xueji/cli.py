"""The `xueji` console command: Django's management commands under the project's own name.

`xueji demo`, `xueji serve`, `xueji generate` and `xueji createaccount` live in the xueji.demo app; every other
word (`xueji migrate`, `xueji test`, `xueji shell`…) is passed to Django unchanged.
"""

import os
import sys

USAGE = """用法: xueji <命令> [选项]

  demo                         建立数据库并载入山西省演示数据,列出演示账号
  serve [--host H] [--port P]  启动学籍系统(gunicorn)
  generate --students N        批量生成合成学生(性能测试用)
  createaccount 用户名 --role province --org 140000
                               从命令行建立第一个账号
  remind [--date YYYY-MM-DD]   向超期环节的办理人发送提醒(可每日定时运行)
  rollover 年份 | rollover verify 年份
                               开启(或继续)新学年的全省升级 | 核验升级记录的校验值
  accounts seal-dormant        封存连续90天未使用的账号(可每日定时运行);accounts reopen|reset-totp 用户名
  audit verify | checkpoint    核验审计链(发现篡改时以非零状态退出)| 立即签署链头检查点
  tally verify | rebuild       核对学生人数汇总表与学籍记录 | 按学籍记录重建汇总
  migrate | shell | check …    其余命令原样交给 Django(xueji help 列出全部)
"""


def main(argv: list[str] | None = None) -> None:
    """Entry point of the console script; `argv` excludes the program name (tests pass it directly)."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "xueji.settings")
    args = list(sys.argv[1:] if argv is None else argv)
    if not args or args[0] in ("-h", "--help"):
        sys.stdout.write(USAGE)
        return
    from django.core.management import execute_from_command_line

    execute_from_command_line(["xueji", *args])


if __name__ == "__main__":
    main()
