#!/usr/bin/env bash
# Install, load the Shanxi demo data into SQLite, and serve the registry.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/bootstrap.sh
.venv/bin/xueji demo
exec .venv/bin/xueji serve --host "${HOST:-127.0.0.1}" --port "${PORT:-8000}"
