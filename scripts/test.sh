#!/usr/bin/env bash
# Install everything the tests need, then run the whole suite on SQLite and, when reachable, on PostgreSQL.
#   XUEJI_TEST_PG_URL   PostgreSQL to test against (default postgres://postgres@127.0.0.1:5432/postgres;
#                       Django creates and drops its own test_* database there)
#   XUEJI_REQUIRE_PG=1  fail instead of skipping when PostgreSQL is not reachable (CI sets it)
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/bootstrap.sh test

# The browser tests drive Debian's Chromium; install it when we may (root, apt available).
if [ ! -x /usr/bin/chromium ] && command -v apt-get >/dev/null && [ "$(id -u)" = 0 ]; then
  echo "== installing Chromium and CJK fonts for the browser tests"
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-noto-cjk >/dev/null
fi

PG_URL="${XUEJI_TEST_PG_URL:-postgres://postgres@127.0.0.1:5432/postgres}"
pg_ok=0
if .venv/bin/python - "$PG_URL" <<'PY' 2>/dev/null; then pg_ok=1; fi
import sys, psycopg
psycopg.connect(sys.argv[1].replace("postgres://", "postgresql://"), connect_timeout=3).close()
PY

export XUEJI_DATA_DIR="${XUEJI_DATA_DIR:-$(mktemp -d)}"
# One pytest worker per core (pytest-xdist; each worker has its own test database). XUEJI_TEST_WORKERS=0 runs in
# one process, e.g. to debug a test.
WORKERS="${XUEJI_TEST_WORKERS:-auto}"
XDIST=(-n "$WORKERS")
[ "$WORKERS" = 0 ] && XDIST=()
echo "== tests on SQLite"
env -u DATABASE_URL .venv/bin/python -m pytest "${XDIST[@]}" "$@"
if [ "$pg_ok" = 1 ]; then
  echo "== tests on PostgreSQL ($PG_URL)"
  DATABASE_URL="$PG_URL" .venv/bin/python -m pytest "${XDIST[@]}" "$@"
elif [ "${XUEJI_REQUIRE_PG:-0}" = 1 ]; then
  echo "PostgreSQL is required but not reachable at $PG_URL" >&2
  exit 1
else
  echo "== PostgreSQL not reachable at $PG_URL: its run is skipped (set XUEJI_TEST_PG_URL to point at one)"
fi
