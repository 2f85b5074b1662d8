"""Audit throughput (issue 15 items 5 and 7): audited rows per second beside a plain INSERT of the same row.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench .venv/bin/python benchmarks/audit_throughput.py
    … --writers 1,8,32 --seconds 8 --modes plain,deferred,inline --repeat 1

PostgreSQL only (SQLite serialises every writer by design). USE A BENCHMARK DATABASE: it is migrated on first use,
audit rows are added to its log (action "bench.write"; they are sealed and stay, as audit rows do), and a scratch
table bench_audit_plain is created and emptied. The checkpoints it signs go to a temporary file of that database's
own (xueji-bench-anchor-<database>.log in the temporary directory) unless XUEJI_AUDIT_ANCHOR_FILE names one.

For each number of writers (separate processes, each its own connection, one transaction per row) it runs, for
--seconds each:
  plain     the same row inserted through the ORM into bench_audit_plain, a copy of the audit table with the
            same columns and indexes and no trigger: the cost of writing the row at all;
  deferred  `audit.services.record` as the registry runs on PostgreSQL: the row inserted unsealed, a sealing
            attempt after commit (at most every XUEJI_AUDIT_SEAL_AFTER_COMMIT_SECONDS per process), and one
            `xueji audit seal --loop` process beside the writers;
  inline    `record` with XUEJI_AUDIT_SEAL=inline: every writer seals its own row under the head row's lock,
            held through its commit (what the registry did before: one global lock).
and prints rows/s, the share of the plain INSERT's rate, p50/p99 latency of a write and, for deferred, how long
the sealer took after the run to seal the rows still waiting. The goal: deferred ≥ 50 % of plain at 32 writers.
"""

from __future__ import annotations

import argparse
import multiprocessing as mp
import os
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parent.parent
PLAIN = "bench_audit_plain"
_PLAIN = None  # the plain model, made once in the parent and inherited by the forked writers


def _bench_anchor_file() -> str:
    """The checkpoints this run signs go to a file of the benchmark database's own, outside the checkout: the
    checkout's default anchor (var/audit/) belongs to the registry served from it, whose chain check would fail on
    checkpoints of another database. Kept per database name, so repeated runs on one bench database agree."""
    database = urlsplit(os.environ.get("DATABASE_URL", "")).path.strip("/") or "sqlite"
    return str(Path(tempfile.gettempdir()) / f"xueji-bench-anchor-{database}.log")


def setup_django(migrate: bool = False) -> None:
    sys.path.insert(0, str(ROOT))
    os.environ["DJANGO_SETTINGS_MODULE"] = "xueji.settings"
    os.environ.setdefault("XUEJI_AUDIT_ANCHOR_FILE", _bench_anchor_file())
    import django

    django.setup()
    if migrate:
        from django.core.management import call_command

        call_command("migrate", verbosity=0)


def plain_model():
    """An unmanaged model on the scratch table, so the plain INSERT goes through the same ORM path as `record`."""
    from django.db import models

    from xueji.audit.models import AuditEvent

    attrs = {"__module__": __name__, "Meta": type("Meta", (), {"db_table": PLAIN, "managed": False,
                                                               "app_label": "audit"})}
    for f in AuditEvent._meta.concrete_fields:
        if f.name not in ("id", "actor"):
            attrs[f.name] = f.clone()
    attrs["actor_id"] = models.BigIntegerField(null=True)
    return type("BenchPlainRow", (models.Model,), attrs)


def prepare() -> None:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(f"CREATE TABLE IF NOT EXISTS {PLAIN} (LIKE audit_auditevent INCLUDING DEFAULTS "
                       "INCLUDING INDEXES INCLUDING IDENTITY)")
        cursor.execute(f"TRUNCATE {PLAIN}")


def _row(worker: int, n: int) -> dict:
    return {"action": "bench.write", "object_type": "student", "object_id": f"G14010{worker:03d}{n:08d}",
            "reason": "", "details": {"worker": worker, "n": n, "fields": ["name", "address"]}}


def writer(mode: str, worker: int, barrier, seconds: float, results) -> None:
    """One writer process (forked from the set-up parent): once every writer is ready, write rows one
    transaction each for `seconds`; report the count and the latencies."""
    from django.conf import settings
    from django.db import connection, transaction
    from django.utils import timezone

    from xueji.audit import chain
    from xueji.audit.services import record

    settings.XUEJI_AUDIT_SEAL = "inline" if mode == "inline" else "deferred"
    model = _PLAIN if mode == "plain" else None
    connection.ensure_connection()
    latencies, n = [], 0
    barrier.wait()
    end = time.time() + seconds
    while time.time() < end:
        row = _row(worker, n)
        began = time.perf_counter()
        if model is not None:
            with transaction.atomic():
                model.objects.create(at=timezone.now(), actor_id=None, actor_username="bench", org_code="140105",
                                     source_ip="10.0.0.1", outcome="ok", prev_hash="", hash="",
                                     details=chain.normalized(row.pop("details")), **row)
        else:
            with transaction.atomic():
                record(None, row.pop("action"), source_ip="10.0.0.1", **row)
        latencies.append(time.perf_counter() - began)
        n += 1
    results.put((n, latencies))


def sealer(stop, interval: float) -> None:
    """`xueji audit seal --loop`, in short: seal what is waiting until told to stop."""
    from xueji.audit import chain

    while not stop.is_set():
        chain.seal_all()
        time.sleep(interval)


def run_cell(mode: str, writers: int, seconds: float) -> dict:
    from django.db import connections

    # Forked children must not share the parent's connection.
    connections.close_all()
    ctx = mp.get_context("fork")
    results, stop, barrier = ctx.Queue(), ctx.Event(), ctx.Barrier(writers)
    helper = None
    if mode == "deferred":
        helper = ctx.Process(target=sealer, args=(stop, 0.2))  # `audit seal --loop`'s default
        helper.start()
    procs = [ctx.Process(target=writer, args=(mode, i, barrier, seconds, results)) for i in range(writers)]
    for p in procs:
        p.start()
    counts, latencies = [], []
    for _ in procs:
        n, lat = results.get()
        counts.append(n)
        latencies.extend(lat)
    for p in procs:
        p.join()
    lag = None
    if helper is not None:
        from xueji.audit import chain

        waited = time.perf_counter()
        while chain.pending() > 0 and time.perf_counter() - waited < 120:
            time.sleep(0.05)
        lag = time.perf_counter() - waited
        stop.set()
        helper.join()
    latencies.sort()
    total = sum(counts)
    return {"mode": mode, "writers": writers, "rows": total, "rate": total / seconds,
            "p50": latencies[len(latencies) // 2] * 1000 if latencies else 0,
            "p99": latencies[int(len(latencies) * 0.99)] * 1000 if latencies else 0, "lag": lag}


def sealing_rate(backlog: int) -> tuple[float, int]:
    """Rows sealed per second from a backlog of `backlog` unsealed rows written at once (set-based), by one
    sealer: how far ahead of the writers it stays. Returns (rows/s, batches)."""
    from django.conf import settings
    from django.db import connection

    from xueji.audit import chain

    chain.seal_all()
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO audit_auditevent (at, actor_username, org_code, action, object_type, object_id, "
            "source_ip, reason, outcome, details, prev_hash, hash) "
            "SELECT now(), 'bench', '140105', 'bench.backlog', 'student', 'G' || n, '10.0.0.1', '', 'ok', "
            "jsonb_build_object('n', n, 'fields', jsonb_build_array('name', 'address')), '', '' "
            "FROM generate_series(1, %s) AS n", [backlog])
    began = time.perf_counter()
    done = chain.seal_all()
    return done / (time.perf_counter() - began), -(-done // settings.XUEJI_AUDIT_SEAL_BATCH)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                     formatter_class=argparse.RawDescriptionHelpFormatter, epilog=__doc__)
    parser.add_argument("--writers", default="1,8,32", help="comma-separated writer counts (default %(default)s)")
    parser.add_argument("--seconds", type=float, default=8.0, help="length of each run (default %(default)s)")
    parser.add_argument("--modes", default="plain,deferred,inline", help="which of plain,deferred,inline")
    parser.add_argument("--repeat", type=int, default=1, help="runs of each cell, the median is kept")
    parser.add_argument("--backlog", type=int, default=20000,
                        help="then seal a backlog of this many rows and print the sealer's rate (0: skip)")
    args = parser.parse_args()
    if not os.environ.get("DATABASE_URL", "").startswith("postgres"):
        parser.error("请用 DATABASE_URL=postgres://… 指向一个基准测试用的 PostgreSQL 数据库(SQLite 本就串行写入)")
    setup_django(migrate=True)
    prepare()
    global _PLAIN
    _PLAIN = plain_model()
    from django.db import connections

    from xueji.audit import chain

    chain.seal_all()
    connections.close_all()
    modes = [m.strip() for m in args.modes.split(",") if m.strip()]
    table = []
    for writers in [int(w) for w in args.writers.split(",")]:
        cells = {}
        for mode in modes:
            runs = [run_cell(mode, writers, args.seconds) for _ in range(args.repeat)]
            cells[mode] = sorted(runs, key=lambda r: r["rate"])[len(runs) // 2]
            connections.close_all()
            r = cells[mode]
            print(f"  {writers:>3} writers  {mode:<9} {r['rate']:>8.0f} rows/s  p50 {r['p50']:6.1f} ms  "
                  f"p99 {r['p99']:7.1f} ms", flush=True)
        table.append(cells)
    print()
    print("| writers | " + " | ".join(f"{m} rows/s" for m in modes) + " | "
          + " | ".join(f"{m} / plain" for m in modes if m != "plain") + " | sealer lag after run |")
    print("|---" * (1 + len(modes) + len([m for m in modes if m != "plain"]) + 1) + "|")
    for cells in table:
        plain = cells.get("plain")
        writers = next(iter(cells.values()))["writers"]
        rates = " | ".join(f"{cells[m]['rate']:,.0f} (p99 {cells[m]['p99']:.0f} ms)" for m in modes)
        shares = " | ".join(f"{cells[m]['rate'] / plain['rate']:.0%}" if plain and plain["rate"] else "–"
                            for m in modes if m != "plain")
        lag = cells.get("deferred", {}).get("lag")
        print(f"| {writers} | {rates} | {shares} | {f'{lag:.2f} s' if lag is not None else '–'} |")
    if args.backlog:
        rate, batches = sealing_rate(args.backlog)
        print(f"\none sealer: {args.backlog:,} waiting rows sealed at {rate:,.0f} rows/s ({batches} batches)")
    verdict = chain.verify()
    print(f"\nchain after the runs: intact={verdict.intact}, checked={verdict.checked}, unsealed={verdict.unsealed}")


if __name__ == "__main__":
    main()
