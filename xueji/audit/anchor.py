"""The external anchor: every signed checkpoint is also appended, as one JSON line, to a file outside the database
(XUEJI_AUDIT_ANCHOR_FILE). Whoever owns the tables can drop the guard triggers and delete the newest rows together
with their checkpoints; the lines already written to this file (best shipped at once to another host or WORM
storage) still name the head that was signed, so `verify` sees the truncation or the rewrite.

The line is written after the checkpoint's transaction commits (a rolled-back checkpoint never reaches the file),
with O_APPEND and fsync. A failure to write never breaks the user's action: it is logged, and the next
verification reports the file as missing or behind.
"""

import json
import logging
import os
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.utils.dateparse import parse_datetime

log = logging.getLogger(__name__)


def path() -> Path:
    return Path(settings.XUEJI_AUDIT_ANCHOR_FILE)


def line(point) -> str:
    return json.dumps({"seq": point.seq, "event_id": point.event_id, "hash": point.hash,
                       "at": point.at.isoformat(), "signature": point.signature}, sort_keys=True) + "\n"


def write(point) -> bool:
    """Append one checkpoint line now; False (and a warning in the log) when the file cannot be written."""
    target = path()
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(target, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o640)
        try:
            os.write(fd, line(point).encode())
            os.fsync(fd)
        finally:
            os.close(fd)
    except OSError as exc:
        log.warning("审计检查点未能写入外部锚定文件 %s(链序号 %s):%s", target, point.seq, exc)
        return False
    return True


def write_on_commit(point) -> None:
    transaction.on_commit(lambda: write(point))


@dataclass
class Anchored:
    seq: int
    event_id: int
    hash: str
    at: object
    signature: str
    lineno: int


def read() -> tuple[list[Anchored] | None, list[str]]:
    """(the file's checkpoints, or None when there is no file; problems worth a warning). A line that cannot be
    parsed is returned as a checkpoint with an empty signature, so that verification refuses it."""
    target = path()
    try:
        text = target.read_text(encoding="utf-8")
    except FileNotFoundError:
        return None, []
    except OSError as exc:
        return None, [f"外部锚定文件 {target} 无法读取:{exc}"]
    points = []
    for lineno, raw in enumerate(text.splitlines(), start=1):
        if not raw.strip():
            continue
        try:
            data = json.loads(raw)
            at = parse_datetime(data["at"])
            if at is None:
                raise ValueError("at")
            points.append(Anchored(int(data["seq"]), int(data["event_id"]), str(data["hash"]), at,
                                   str(data["signature"]), lineno))
        except (ValueError, KeyError, TypeError):
            points.append(Anchored(0, 0, "", None, "", lineno))
    return points, []
