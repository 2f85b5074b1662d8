"""`xueji serve`: the registry under gunicorn, a production server, with static files collected for WhiteNoise.

Sized for the work (default_threads): on PostgreSQL several single-threaded processes per core, enough to fill
the database waits; on SQLite fewer processes, each with threads. Django gives each thread its own database
connection (kept CONN_MAX_AGE seconds, checked before reuse), so workers × threads is the number of connections
one server opens. On PostgreSQL the server also starts one audit sealer (`xueji audit seal --loop`)
unless told not to (--no-sealer, for the second and further servers of a cluster; docs/deployment.md).
"""

import hashlib
import os
import subprocess
import sys
from pathlib import Path

from django.conf import settings
from django.contrib.staticfiles import finders
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.migrations.executor import MigrationExecutor
from gunicorn.app.base import BaseApplication


def _postgresql() -> bool:
    return connections[DEFAULT_DB_ALIAS].vendor == "postgresql"


def default_workers() -> int:
    """Processes: on PostgreSQL 4 × cores + 1 single-threaded ones (at most 24, each one database connection);
    on SQLite gunicorn's 2 × cores + 1 (at most 12), each with threads (default_threads)."""
    cores = os.cpu_count() or 1
    return min(4 * cores + 1, 24) if _postgresql() else min(2 * cores + 1, 12)


def default_threads() -> int:
    """Threads per worker: 1 on PostgreSQL (gunicorn's sync workers), 4 on SQLite (whose one writer would only
    make more processes queue).

    A page spends about a third of its time waiting for PostgreSQL and the rest in Python. Measured at
    5,000,000 students (benchmarks/load.py, 8 clients on two cores, same machine state): 5 workers × 2 threads
    gave p99 248–519 ms, 9 single-threaded workers 190–318 ms at the same or higher pages/s. Two threads of one
    process take turns on its interpreter lock, so a page that met a busy neighbour waited for it; separate
    processes share the cores fairly, and the extra processes fill the database waits. Sync workers do not keep
    connections alive: each request goes to whichever process is free, where a kept-alive connection stayed on
    its process behind another client's page (gthread with one thread: p99 up to 556 ms). Behind nginx, which
    keeps its own connections to the clients, nothing is lost."""
    return 1 if _postgresql() else 4


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


def ready_worker(worker=None) -> None:
    """Run in each worker once it has loaded the registry (gunicorn's post_worker_init).

    The URL table and every template are built now, not on the first pages a user waits for; then the
    start-up objects (Django, the URL table, the compiled templates: some 400,000) are moved out of the garbage
    collector's sight (gc.freeze), and the youngest generation is collected less often. A full collection walked
    them all, 150 ms with the GIL held, at random moments under load: the slowest pages of benchmarks/load.py."""
    import gc

    from django.template import TemplateDoesNotExist, TemplateSyntaxError, engines
    from django.urls import get_resolver

    get_resolver().url_patterns  # noqa: B018 (builds the URL table)
    engine = engines["django"].engine
    for loader in engine.template_loaders:
        for directory in loader.get_dirs() if hasattr(loader, "get_dirs") else ():
            for path in Path(directory).rglob("*.html"):
                try:
                    engine.get_template(str(path.relative_to(directory)))
                except (TemplateDoesNotExist, TemplateSyntaxError):
                    continue
    gc.collect()
    gc.freeze()
    gc.set_threshold(10_000, 10, 10)


def gunicorn_options(host: str, port: int, workers: int, threads: int = 1) -> dict:
    return {
        "bind": f"{host}:{port}",
        "workers": workers,
        # Threads share a worker's memory; a thread waiting on the database leaves the GIL to the others.
        "worker_class": "gthread" if threads > 1 else "sync",
        "threads": threads,
        # Behind a reverse proxy a kept-alive connection saves a handshake per page; gthread holds it cheaply.
        "keepalive": 5,
        # PDF rendering and large imports take seconds; the default 30 s would kill them mid-request.
        "timeout": 120,
        "graceful_timeout": 30,
        "accesslog": "-",
        "errorlog": "-",
        "loglevel": "info",
        "proc_name": "xueji",
        # gunicorn 25+ opens a control socket under ~/.gunicorn; a service needs none, and two instances clash.
        "control_socket_disable": True,
        "post_worker_init": ready_worker,
    }


class Command(BaseCommand):
    help = "以 gunicorn 启动学籍系统(生产级服务器;静态文件先收集到 STATIC_ROOT,由 WhiteNoise 提供)"

    def add_arguments(self, parser):
        parser.add_argument("--host", default="127.0.0.1", help="监听地址(默认 %(default)s)")
        parser.add_argument("--port", type=int, default=8000, help="端口(默认 %(default)s)")
        parser.add_argument("--workers", type=int, default=default_workers(),
                            help="工作进程数(默认 PostgreSQL 4×CPU核数+1,最多 24;SQLite 2×CPU核数+1,最多 12)")
        parser.add_argument("--threads", type=int, default=None,
                            help="每个工作进程的线程数(默认 PostgreSQL 1、SQLite 4;1 为单线程进程)")
        parser.add_argument("--no-sealer", dest="sealer", action="store_false",
                            help="不随服务器启动审计封存进程(同一数据库的多台应用服务器只需一台启动它)")

    def handle(self, *args, host, port, workers, threads, sealer, **options):
        threads = default_threads() if threads is None else threads
        if workers < 1 or threads < 1:
            raise CommandError("--workers 和 --threads 至少为 1,例如 --workers 5 --threads 8")
        if _unapplied_migrations():
            raise CommandError("数据库尚未建立或需要升级:请先运行 xueji migrate(或 xueji demo 载入演示数据)")
        if collect_static():
            self.stdout.write(f"静态文件已收集到 {settings.STATIC_ROOT}")
        # Workers fork from this process: they must not inherit its database connection.
        connections.close_all()
        helper = start_sealer() if sealer and needs_sealer() else None
        if helper is not None and "XUEJI_AUDIT_SEAL_AFTER_COMMIT_SECONDS" not in os.environ:
            # The sealer seals every 0.2 s: a page need not try after its commit (a worker that won the lock
            # hashed a whole batch while its user waited, the slowest pages under load). The workers fork
            # from this process and keep this setting.
            settings.XUEJI_AUDIT_SEAL_AFTER_COMMIT_SECONDS = -1
        self.stdout.write(f"学籍系统已启动: http://{host}:{port}/ (Ctrl+C 停止)")
        self.stdout.write(f"工作进程: {workers} × 线程 {threads}(最多 {workers * threads} 个数据库连接)")
        if helper is not None:
            self.stdout.write("审计封存进程已启动(xueji audit seal --loop)")
        self.stdout.flush()
        try:
            XuejiServer(gunicorn_options(host, port, workers, threads)).run()
        finally:
            if helper is not None:
                helper.terminate()
                helper.wait(timeout=10)


def needs_sealer() -> bool:
    """Only where audit rows wait to be sealed after their commit (PostgreSQL by default; chain.py)."""
    from xueji.audit.chain import sealed_inline

    return not sealed_inline()


def start_sealer() -> subprocess.Popen:
    """`xueji audit seal --loop` beside the server, ended with it."""
    return subprocess.Popen([sys.executable, "-m", "xueji.cli", "audit", "seal", "--loop"])


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
