"""The files of a run directory, and writing and reading them safely: every write goes to a
temporary file renamed into place; every read failure names the file and the reason."""
from __future__ import annotations

import json
import logging
import math
import os
import tempfile
import time
from pathlib import Path

from explorer.core.errors import first_line
from explorer.core.said import QT_TR_NOOP, Said


CONFIG, WEIGHTS, TRAINER, STATE, METRICS, SAMPLES, MANIFEST, LOCK = (
    "config.json", "model.safetensors", "trainer.pt", "state.json", "metrics.jsonl", "samples",
    "manifest.json", ".lock")


FORMAT_VERSION = 1      # of config.json


MANIFEST_VERSION = 1


log = logging.getLogger("explorer")


UMASK = os.umask(0)


os.umask(UMASK)


# fault injection for `bench faults`: seconds each durable write waits between writing its
# temporary file and renaming it into place, so a kill -9 can land inside a checkpoint write
_SAVE_DELAY = float(os.environ.get("LATENT_EXPLORER_SAVE_DELAY") or 0)


class CheckpointError(Exception):
    """A run directory or file that cannot be loaded; the message is one line."""


def atomic_write_bytes(path: Path, data: bytes, durable: bool = True) -> None:
    """Write to a temporary file and rename it into place: readers see the old file or
    the new one, never a mixture. `durable` also fsyncs (checkpoints: survive power loss;
    sample images need not pay for it)."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        os.chmod(tmp, 0o666 & ~UMASK)  # mkstemp makes 0600; a run is as readable as any file
        with os.fdopen(fd, "wb") as f:
            f.write(data)
            f.flush()
            if durable:
                os.fsync(f.fileno())
        if durable and _SAVE_DELAY > 0:
            time.sleep(_SAVE_DELAY)
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except FileNotFoundError:
            pass
        raise
    if durable:
        _fsync_dir(path.parent)


def _fsync_dir(d: Path) -> None:
    try:
        fd = os.open(d, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def atomic_write_json(path: Path, obj) -> None:
    atomic_write_bytes(path, (json.dumps(obj, indent=2, default=json_default) + "\n").encode())


def json_default(o):
    if hasattr(o, "tolist"):
        return o.tolist()
    if hasattr(o, "item"):
        return o.item()
    raise TypeError(f"not JSON serialisable: {type(o).__name__}")


def clean_for_json(obj):
    """NaN and infinities become None so every line stays standard JSON."""
    if isinstance(obj, float) and not math.isfinite(obj):
        return None
    if isinstance(obj, dict):
        return {k: clean_for_json(v) for k, v in obj.items()}
    if isinstance(obj, (list, tuple)):
        return [clean_for_json(v) for v in obj]
    return obj


def reason(e: OSError) -> str:
    if isinstance(e, PermissionError):
        return Said(QT_TR_NOOP("permission denied"))
    if isinstance(e, FileNotFoundError):
        return Said(QT_TR_NOOP("missing"))
    if isinstance(e, IsADirectoryError):
        return Said(QT_TR_NOOP("is a directory, not a file"))
    return (e.strerror or first_line(e)).lower()


def read_bytes(path: Path) -> bytes:
    try:
        return Path(path).read_bytes()
    except OSError as e:
        raise CheckpointError(Said(QT_TR_NOOP("{path}: cannot read: {reason}"), path=str(path), reason=reason(e))) from e


def read_json(path: Path):
    data = read_bytes(path)
    try:
        return json.loads(data.decode("utf-8"))
    except UnicodeDecodeError as e:
        raise CheckpointError(Said(QT_TR_NOOP("{path}: damaged: not UTF-8 text"), path=str(path))) from e
    except ValueError as e:
        raise CheckpointError(Said(QT_TR_NOOP("{path}: damaged: not valid JSON ({error})"), path=str(path),
                                   error=first_line(e))) from e


def check_dir(run_dir: Path) -> None:
    try:
        if not run_dir.is_dir():
            raise CheckpointError(Said(QT_TR_NOOP("{path}: not a directory"), path=str(run_dir)) if run_dir.exists()
                                  else Said(QT_TR_NOOP("{path}: no such directory"), path=str(run_dir)))
        os.listdir(run_dir)
    except PermissionError as e:
        raise CheckpointError(Said(QT_TR_NOOP("{path}: cannot read the run directory: permission denied"),
                                   path=str(run_dir))) from e
