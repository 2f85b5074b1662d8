"""`xueji serve`: the registry under gunicorn, a production server, with static files collected for WhiteNoise."""

import hashlib
import os
from pathlib import Path

from django.conf import settings
from django.contrib.staticfiles import finders
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.migrations.executor import MigrationExecutor
from gunicorn.app.base import BaseApplication


def default_workers() -> int:
    """gunicorn's rule of thumb, 2 × cores + 1, capped so a big host does not open dozens of DB connections."""
    return min(2 * (os.cpu_count() or 1) + 1, 12)


class XuejiServer(BaseApplication):
    """gunicorn run in-process with xueji.wsgi:application, so `xueji serve` needs no separate config file."""

    def __init__(self, options: dict):
        self.options = options
        super().__init__()

    def load_config(self):
        for key, value in self.options.items():
            # Settings newer than the oldest supported gunicorn are skipped where unknown.
            if key in self.cfg.settings:
                self.cfg.set(key, value)

    def load(self):
        from xueji.wsgi import application

        return application


def gunicorn_options(host: str, port: int, workers: int) -> dict:
    return {
        "bind": f"{host}:{port}",
        "workers": workers,
        # PDF rendering and large imports take seconds; the default 30 s would kill them mid-request.
        "timeout": 120,
        "graceful_timeout": 30,
        "accesslog": "-",
        "errorlog": "-",
        "loglevel": "info",
        "proc_name": "xueji",
        # gunicorn 25+ opens a control socket under ~/.gunicorn; a service needs none, and two instances clash.
        "control_socket_disable": True,
    }


class Command(BaseCommand):
    help = "以 gunicorn 启动学籍系统(生产级服务器;静态文件先收集到 STATIC_ROOT,由 WhiteNoise 提供)"

    def add_arguments(self, parser):
        parser.add_argument("--host", default="127.0.0.1", help="监听地址(默认 %(default)s)")
        parser.add_argument("--port", type=int, default=8000, help="端口(默认 %(default)s)")
        parser.add_argument("--workers", type=int, default=default_workers(), help="工作进程数(默认按CPU核数)")

    def handle(self, *args, host, port, workers, **options):
        if _unapplied_migrations():
            raise CommandError("数据库尚未建立或需要升级:请先运行 xueji migrate(或 xueji demo 载入演示数据)")
        if collect_static():
            self.stdout.write(f"静态文件已收集到 {settings.STATIC_ROOT}")
        # Workers fork from this process: they must not inherit its database connection.
        connections.close_all()
        self.stdout.write(f"学籍系统已启动: http://{host}:{port}/ (Ctrl+C 停止)")
        self.stdout.write(f"工作进程: {workers}")
        self.stdout.flush()
        XuejiServer(gunicorn_options(host, port, workers)).run()


def collect_static() -> bool:
    """collectstatic into STATIC_ROOT for WhiteNoise, unless it already holds this very set of files: compressing
    them (gzip and brotli) takes many seconds, too long to repeat at every restart. True when it ran."""
    stamp_file = Path(f"{settings.STATIC_ROOT}.stamp")
    stamp = _static_fingerprint()
    if Path(settings.STATIC_ROOT).is_dir() and stamp_file.is_file() and stamp_file.read_text() == stamp:
        return False
    call_command("collectstatic", interactive=False, verbosity=0)
    stamp_file.write_text(stamp)
    return True


def _static_fingerprint() -> str:
    """Every source static file by path, size and modification time, and the storage that post-processes them."""
    entries = [settings.STORAGES["staticfiles"]["BACKEND"]]
    for finder in finders.get_finders():
        for path, storage in finder.list([]):
            info = os.stat(storage.path(path))
            entries.append(f"{path}\0{info.st_size}\0{info.st_mtime_ns}")
    return hashlib.sha256("\n".join(sorted(entries)).encode()).hexdigest()


def _unapplied_migrations() -> bool:
    connection = connections[DEFAULT_DB_ALIAS]
    executor = MigrationExecutor(connection)
    return bool(executor.migration_plan(executor.loader.graph.leaf_nodes()))
