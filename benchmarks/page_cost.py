"""What one page costs in the server's own process, one request at a time (issue #15: the load goals depend on it).

At 8 clients on two cores a page's p99 is several times its in-process cost, and its share of the log-in page's
throughput is about the ratio of their costs; so this is where a slow page is found and its fix checked.

    DATABASE_URL=postgres://…/scale .venv/bin/python benchmarks/page_cost.py [--n 20] [--only 档案]
    … --profile 档案 [--sort tottime] [--top 60]     # cProfile of one scenario

It uses the scenarios, accounts and sessions of benchmarks/load.py (through Django's test client, so no HTTP
or server process is measured), and prints per scenario: ms per request (median and fastest), the median's time
in SQL, and the number of queries.
"""

from __future__ import annotations

import argparse
import cProfile
import pstats
import statistics
import time

import load


def _client(cookie: str | None):
    from django.test import Client

    client = Client(HTTP_HOST="127.0.0.1")
    if cookie:
        name, _, value = cookie.partition("=")
        client.cookies[name] = value
    return client


def measure(client, paths: list[str], n: int) -> tuple[float, float, float, float]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    for path in paths[:3]:  # warm the templates and caches, as a long-running worker has them
        client.get(path)
    times, sql, queries = [], [], []
    for i in range(n):
        path = paths[i % len(paths)]
        with CaptureQueriesContext(connection) as captured:
            started = time.perf_counter()
            response = client.get(path)
            times.append(time.perf_counter() - started)
        if response.status_code != 200:
            raise SystemExit(f"{path}: {response.status_code}")
        sql.append(sum(float(q["time"]) for q in captured.captured_queries))
        queries.append(len(captured.captured_queries))
    # The fastest request as well as the median: on a shared machine the median moves by a third between runs,
    # the minimum much less, so a change is judged by both.
    return (statistics.median(times) * 1000, min(times) * 1000, statistics.median(sql) * 1000,
            statistics.median(queries))


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--n", type=int, default=20, help="requests per scenario (default %(default)s)")
    parser.add_argument("--only", default="", help="only the scenarios whose title contains this")
    parser.add_argument("--profile", default="", help="cProfile the scenario whose title contains this")
    parser.add_argument("--sort", default="cumulative", help="cProfile order: cumulative or tottime")
    parser.add_argument("--top", type=int, default=50)
    parser.add_argument("--names", default="王芳,张伟")
    args = parser.parse_args(argv)
    load.setup_django()
    ctx = load.prepare(False, sessions=1)
    try:
        cases = load.scenarios(ctx, args.names.split(",")) + [("登录页", ["/login/"], None)]
        print(f"{'场景':<16}{'ms/次':>8}{'最快':>8}{'SQL ms':>8}{'查询数':>6}")
        for title, paths, cookies in cases:
            if args.only and args.only not in title:
                continue
            client = _client(cookies[0] if cookies else None)
            if args.profile and args.profile in title:
                measure(client, paths, 3)
                profiler = cProfile.Profile()
                profiler.enable()
                measure(client, paths, args.n)
                profiler.disable()
                pstats.Stats(profiler).sort_stats(args.sort).print_stats(args.top)
            total, fastest, sql, queries = measure(client, paths, args.n)
            print(f"{title:<16}{total:>8.1f}{fastest:>8.1f}{sql:>8.1f}{queries:>6.0f}")
    finally:
        load.cleanup(ctx["history_added"])


if __name__ == "__main__":
    main()
