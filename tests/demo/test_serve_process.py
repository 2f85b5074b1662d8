"""`xueji demo` then `xueji serve` as real processes on a fresh SQLite: gunicorn answers over HTTP.

Always SQLite in a temporary directory, whatever database the rest of the suite uses, so the run cannot touch it;
static files are collected without compression (tests/demo/serve_settings.py) to keep the test short.
"""

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def fetch(url: str, deadline: float) -> tuple[int, bytes]:
    while True:
        try:
            with urllib.request.urlopen(url, timeout=5) as response:
                return response.status, response.read()
        except OSError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.3)


def test_demo_then_serve_answers_http(tmp_path):
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    env |= {"XUEJI_DATA_DIR": str(tmp_path), "DJANGO_SETTINGS_MODULE": "tests.demo.serve_settings"}
    run = [sys.executable, "-m", "xueji.cli"]
    demo = subprocess.run([*run, "demo"], cwd=ROOT, env=env, capture_output=True, text=True, timeout=180)
    assert demo.returncode == 0, demo.stderr
    assert "xueji-demo-2026" in demo.stdout

    port = free_port()
    server = subprocess.Popen([*run, "serve", "--port", str(port), "--workers", "2"], cwd=ROOT, env=env,
                              stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        deadline = time.monotonic() + 90
        status, body = fetch(f"http://127.0.0.1:{port}/api/v1/openapi.json", deadline)
        assert status == 200 and b'"openapi"' in body
        css = next((tmp_path / "static").rglob("*.css")).relative_to(tmp_path / "static")
        status, _ = fetch(f"http://127.0.0.1:{port}/static/{css.as_posix()}", deadline)
        assert status == 200
    finally:
        server.send_signal(signal.SIGTERM)
        output, _ = server.communicate(timeout=60)
    assert f"学籍系统已启动: http://127.0.0.1:{port}/ (Ctrl+C 停止)" in output
