"""metrics.jsonl: append-only, one JSON record a line, followed live by the window."""
from __future__ import annotations

import json
import logging
import os
import time
from pathlib import Path
from explorer.core.said import QT_TR_NOOP, Said

from .files import CheckpointError, clean_for_json, json_default, reason

log = logging.getLogger("explorer")


class MetricsLog:
    """Append-only JSON lines; each line is flushed so another process can follow. A last
    line cut off by a crash is closed with a newline first, so the next record starts on a
    line of its own (the cut line is skipped by readers, with a warning)."""

    def __init__(self, path: Path):
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._f = open(self.path, "ab")
        if self._f.tell() > 0:
            with open(self.path, "rb") as r:
                r.seek(-1, os.SEEK_END)
                if r.read(1) != b"\n":
                    log.warning("%s: its last line was cut off (a crash while writing it); it is kept and skipped",
                                self.path)
                    self._f.write(b"\n")

    def write(self, record: dict) -> None:
        record = clean_for_json({"time": round(time.time(), 3), **record})
        self._f.write((json.dumps(record, default=json_default) + "\n").encode())
        self._f.flush()

    def sync(self) -> None:
        self._f.flush()
        os.fsync(self._f.fileno())

    def close(self) -> None:
        if not self._f.closed:
            self._f.close()


class NullLog:
    """A MetricsLog that writes nothing: the log of a distributed run's ranks other than 0."""

    def write(self, record: dict) -> None:
        pass

    def sync(self) -> None:
        pass

    def close(self) -> None:
        pass


def _valid_record(r) -> bool:
    """A record the program could have written: an object whose kind is text, whose step and
    epoch (where given) are whole numbers >= 0, and whose sample picture is a plain name."""
    if not isinstance(r, dict) or not isinstance(r.get("kind", ""), str):
        return False
    for k in ("step", "epoch"):
        v = r.get(k, 0)
        if isinstance(v, bool) or not isinstance(v, int) or v < 0:
            return False
    if r.get("kind") in ("resume", "checkpoint", "step", "epoch", "eval") and "step" not in r:
        return False
    pic = r.get("samples")
    if pic is not None and (not isinstance(pic, str) or not pic or "/" in pic or "\\" in pic or pic.startswith(".")):
        return False
    return True


def read_metrics(path: Path, offset: int = 0, skipped: list | None = None) -> tuple[list[dict], int]:
    """Records from byte `offset` on, and the offset to continue from.

    A last line without its newline is being written right now: it is left for the next
    call. Lines that are not records (damaged, hand-edited) are skipped; `skipped` collects
    their byte offsets."""
    path = Path(path)
    try:
        with open(path, "rb") as f:
            f.seek(offset)
            data = f.read()
    except FileNotFoundError:
        return [], offset
    except OSError as e:
        raise CheckpointError(Said(QT_TR_NOOP("{path}: cannot read: {reason}"), path=str(path), reason=reason(e))) from e
    end = data.rfind(b"\n") + 1
    records = []
    pos = offset
    for line in data[:end].split(b"\n")[:-1]:
        try:
            r = json.loads(line)
        except ValueError:
            r = None
        if _valid_record(r):
            records.append(r)
        elif line.strip() and skipped is not None:
            skipped.append(pos)
        pos += len(line) + 1
    return records, offset + end


def history(records: list[dict]) -> list[dict]:
    """Records as a continuous history: a resume drops what was logged after its checkpoint."""
    out: list[dict] = []
    for r in records:
        if r.get("kind") == "resume":
            out = [o for o in out if o.get("step", 0) <= r["step"]]
        out.append(r)
    return out


def last_checkpoint_step(records: list[dict]) -> int | None:
    steps = [r["step"] for r in history(records) if r.get("kind") == "checkpoint"]
    return max(steps) if steps else None
