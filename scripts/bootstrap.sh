#!/usr/bin/env bash
# Creates .venv and installs Xueji into it (with the test extras when asked). Safe to run again.
set -euo pipefail
cd "$(dirname "$0")/.."
extras="${1:-}"
PY="${PYTHON:-python3}"
if [ ! -x .venv/bin/python ]; then
  "$PY" -m venv .venv
fi
stamp=".venv/.installed${extras:+-$extras}"
if [ ! -f "$stamp" ] || [ pyproject.toml -nt "$stamp" ]; then
  .venv/bin/python -m pip install -q --upgrade pip
  if [ -n "$extras" ]; then
    .venv/bin/python -m pip install -q -e ".[$extras]"
  else
    .venv/bin/python -m pip install -q -e .
  fi
  touch "$stamp"
fi

# The printed forms (xueji/forms: PDF through WeasyPrint) need Pango, HarfBuzz's subsetter and CJK fonts from
# Debian: Noto CJK, and HanaMin for the rare Extension B–F characters of some names. Installed when missing and
# we are root; otherwise say so (PDF printing then answers 503 naming the package, the rest works).
pdf_debs="libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-noto-cjk fonts-hanazono"
if command -v dpkg-query >/dev/null; then
  missing=""
  for deb in $pdf_debs; do
    dpkg-query -W -f='${Status}' "$deb" 2>/dev/null | grep -q "ok installed" || missing="$missing $deb"
  done
  if [ -n "$missing" ] && [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    echo "== installing Debian packages for PDF forms:$missing"
    { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $missing >/dev/null; } \
      || echo "== could not install$missing: PDF forms will answer 503 until they are installed" >&2
  elif [ -n "$missing" ]; then
    echo "== PDF forms need Debian packages:$missing (as root: apt-get install$missing); skipped: not root" >&2
  fi
fi
