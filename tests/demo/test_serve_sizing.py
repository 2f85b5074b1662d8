"""`xueji serve` sizes itself for database-bound work: gthread workers with several threads each, and on
PostgreSQL an audit sealer beside the server unless --no-sealer (issue 15 item 6)."""

import pytest

from xueji import cli
from xueji.demo.management.commands import serve


@pytest.fixture
def started(db, monkeypatch, settings, tmp_path):
    settings.STATIC_ROOT = tmp_path / "static"
    settings.STORAGES = {**settings.STORAGES,
                         "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}
    options, sealers = {}, []
    monkeypatch.setattr(serve.XuejiServer, "run", lambda self: options.update(self.options))
    monkeypatch.setattr(serve, "start_sealer", lambda: sealers.append(FakeSealer()) or sealers[-1])
    return options, sealers


class FakeSealer:
    ended = False

    def terminate(self):
        self.ended = True

    def wait(self, timeout=None):
        return 0


def test_workers_run_threads(started, capsys):
    options, _ = started
    cli.main(["serve", "--port", "8124", "--workers", "3", "--threads", "6"])
    assert (options["worker_class"], options["workers"], options["threads"]) == ("gthread", 3, 6)
    assert "工作进程: 3 × 线程 6(最多 18 个数据库连接)" in capsys.readouterr().out


def test_one_thread_means_plain_sync_workers():
    assert serve.gunicorn_options("127.0.0.1", 8000, 2, 1)["worker_class"] == "sync"


def test_the_default_threads_fit_the_database(db):
    assert serve.default_threads() == (1 if serve.connections["default"].vendor == "postgresql" else 4)


def test_the_default_workers_fill_the_cores_and_stay_bounded(db, monkeypatch):
    postgresql = serve.connections["default"].vendor == "postgresql"
    for cores, expected in ((2, (9, 5)), (8, (24, 12)), (64, (24, 12)), (None, (5, 3))):
        monkeypatch.setattr(serve.os, "cpu_count", lambda cores=cores: cores)
        assert serve.default_workers() == expected[0 if postgresql else 1], cores


def test_a_sealer_runs_beside_the_server_where_rows_wait_for_one(started, settings):
    options, sealers = started
    settings.XUEJI_AUDIT_SEAL = "deferred"
    cli.main(["serve", "--port", "8125"])
    assert len(sealers) == 1 and sealers[0].ended  # ended with the server
    cli.main(["serve", "--port", "8125", "--no-sealer"])
    assert len(sealers) == 1
    settings.XUEJI_AUDIT_SEAL = "inline"
    cli.main(["serve", "--port", "8125"])
    assert len(sealers) == 1


def test_zero_threads_is_refused_in_chinese(started, capsys):
    with pytest.raises(SystemExit):
        cli.main(["serve", "--threads", "0"])
    assert "--workers 和 --threads 至少为 1" in capsys.readouterr().err
    assert not started[0]


def test_each_worker_builds_its_templates_and_freezes_its_start_up_objects():
    import gc

    from django.template import engines

    assert serve.gunicorn_options("127.0.0.1", 8000, 3, 8)["post_worker_init"] is serve.ready_worker
    try:
        serve.ready_worker(None)
        assert gc.get_freeze_count() > 10_000  # the start-up objects are out of the collector's walk
        assert gc.get_threshold()[0] == 10_000
        cache = engines["django"].engine.template_loaders[0].get_template_cache
        assert any(key.startswith("students/detail.html") for key in cache)  # compiled before any page
    finally:
        gc.unfreeze()
        gc.set_threshold(700, 10, 10)
