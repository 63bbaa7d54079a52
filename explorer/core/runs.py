"""Run directories: config, weights, trainer state, metrics and samples.

checkpoints/<run>/
    config.json        everything needed to rebuild the model (JSON: never code)
    model.safetensors  weights and buffers (safetensors: loading runs no code)
    trainer.pt         optimizer state, RNG state, position in the epoch
                       (torch.load(weights_only=True): a pickle that would run code is refused)
    state.json         step, epoch, time of the last checkpoint
    metrics.jsonl      append-only, one JSON object a line
    samples/           epoch_0001.png (images) or epoch_0001.npy (2-D points)

Every write goes to a temporary file that is renamed into place, so a crash
during a save leaves the previous checkpoint loadable.
"""
from __future__ import annotations

import hashlib
import json
import logging
import math
import os
import pickle
import re
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import torch

from models import GenerativeModel, ModelConfig, build_model

from .config import TrainConfig

CONFIG, WEIGHTS, TRAINER, STATE, METRICS, SAMPLES, MANIFEST, LOCK = (
    "config.json", "model.safetensors", "trainer.pt", "state.json", "metrics.jsonl", "samples",
    "manifest.json", ".lock")
FORMAT_VERSION = 1      # of config.json
MANIFEST_VERSION = 1
log = logging.getLogger("explorer")
_UMASK = os.umask(0)
os.umask(_UMASK)
# fault injection for `bench faults`: seconds each durable write waits between writing its
# temporary file and renaming it into place, so a kill -9 can land inside a checkpoint write
_SAVE_DELAY = float(os.environ.get("LATENT_EXPLORER_SAVE_DELAY") or 0)


class CheckpointError(Exception):
    """A run directory or file that cannot be loaded; the message is one line."""


# -- atomic writes -----------------------------------------------------------------

def atomic_write_bytes(path: Path, data: bytes, durable: bool = True) -> None:
    """Write to a temporary file and rename it into place: readers see the old file or
    the new one, never a mixture. `durable` also fsyncs (checkpoints: survive power loss;
    sample images need not pay for it)."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        os.chmod(tmp, 0o666 & ~_UMASK)  # mkstemp makes 0600; a run is as readable as any file
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
    atomic_write_bytes(path, (json.dumps(obj, indent=2, default=_json_default) + "\n").encode())


def _json_default(o):
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


# -- reading files: every failure names the file and the reason ---------------------

def _reason(e: OSError) -> str:
    if isinstance(e, PermissionError):
        return "permission denied"
    if isinstance(e, FileNotFoundError):
        return "missing"
    if isinstance(e, IsADirectoryError):
        return "is a directory, not a file"
    return (e.strerror or _first_line(e)).lower()


def read_bytes(path: Path) -> bytes:
    try:
        return Path(path).read_bytes()
    except OSError as e:
        raise CheckpointError(f"{path}: cannot read: {_reason(e)}") from e


def read_json(path: Path):
    data = read_bytes(path)
    try:
        return json.loads(data.decode("utf-8"))
    except UnicodeDecodeError as e:
        raise CheckpointError(f"{path}: damaged: not UTF-8 text") from e
    except ValueError as e:
        raise CheckpointError(f"{path}: damaged: not valid JSON ({_first_line(e)})") from e


def _check_dir(run_dir: Path) -> None:
    try:
        if not run_dir.is_dir():
            raise CheckpointError(f"{run_dir}: " + ("not a directory" if run_dir.exists() else "no such directory"))
        os.listdir(run_dir)
    except PermissionError as e:
        raise CheckpointError(f"{run_dir}: cannot read the run directory: permission denied") from e


# -- the manifest: what identifies a run directory, and what its files must hash to ----

RUN_FORMAT = "latent-explorer-run"
SIGNED = (WEIGHTS, TRAINER, STATE)    # files whose size and SHA-256 the manifest records


def file_entry(data: bytes) -> dict:
    return {"size": len(data), "sha256": hashlib.sha256(data).hexdigest()}


def read_manifest(run_dir: Path) -> dict | None:
    """The run's manifest, None for a directory without one (not a run, or a run from an
    older version: `sign` adopts it); CheckpointError if it is there but damaged."""
    path = Path(run_dir) / MANIFEST
    if not path.exists() and not path.is_symlink():
        return None
    m = read_json(path)
    if not isinstance(m, dict) or m.get("format") != RUN_FORMAT:
        raise CheckpointError(f"{path}: damaged: not a {RUN_FORMAT} manifest")
    if not isinstance(m.get("version"), int) or m["version"] > MANIFEST_VERSION:
        raise CheckpointError(f"{path}: format version {m.get('version')!r} is not one this program reads "
                              f"(up to {MANIFEST_VERSION})")
    for key in ("files", "pending"):
        entries = m.get(key, {})
        if not isinstance(entries, dict) or not all(
                isinstance(e, dict) and isinstance(e.get("size"), int) and isinstance(e.get("sha256"), str)
                for e in entries.values()):
            raise CheckpointError(f"{path}: damaged: its {key!r} entries are not name -> size and sha256")
    m.setdefault("files", {})
    return m


def write_manifest(run_dir: Path, files: dict, pending: dict | None = None) -> None:
    m = {"format": RUN_FORMAT, "version": MANIFEST_VERSION, "files": files}
    if pending:
        m["pending"] = pending
    atomic_write_json(Path(run_dir) / MANIFEST, m)


def is_run_dir(path: Path) -> bool:
    """A directory this program made a run in (it has our manifest)."""
    try:
        return read_manifest(path) is not None
    except CheckpointError:
        return False


def verify(path: Path, data: bytes, manifest: dict | None) -> None:
    """CheckpointError unless `data` is what the manifest says `path` holds (either the
    checkpoint it records or the one being written). A run without a manifest is an older
    run: nothing to check against."""
    if manifest is None:
        return
    path = Path(path)
    name = path.name
    wanted = [e for e in (manifest["files"].get(name), manifest.get("pending", {}).get(name)) if e]
    if not wanted:
        raise CheckpointError(f"{path}: not recorded in {MANIFEST}: it was not written with this run's "
                              f"checkpoint ({SIGN_HINT.format(run=path.parent)})")
    got = file_entry(data)
    if any(got == e for e in wanted):
        return
    how = (f"{len(data)} bytes, {wanted[0]['size']} expected (truncated or extended)"
           if all(len(data) != e["size"] for e in wanted) else "same size, different content")
    raise CheckpointError(f"{path}: damaged: its SHA-256 does not match {MANIFEST} ({how}); "
                          f"{SIGN_HINT.format(run=path.parent)}")


SIGN_HINT = "if you changed it on purpose, re-sign the run with `python main.py sign --run {run}`"


def read_verified(path: Path) -> bytes:
    """The bytes of a signed file, checked against the manifest. A checkpoint being written
    while we read can pair the new file with the old manifest for a moment: read again."""
    path = Path(path)
    for attempt in range(3):
        data = read_bytes(path)
        manifest = read_manifest(path.parent)
        try:
            verify(path, data, manifest)
            return data
        except CheckpointError:
            if attempt == 2 or read_manifest(path.parent) == manifest and read_bytes(path) == data:
                raise
    raise AssertionError("unreachable")


def save_checkpoint(run_dir: Path, blobs: dict[str, bytes]) -> None:
    """Write a checkpoint's files so that a kill at any moment leaves a loadable run: the
    manifest first names the new files as pending, then each file is renamed into place,
    then the manifest records them. A reader accepts a file matching either entry."""
    run_dir = Path(run_dir)
    old = read_manifest(run_dir) or {"files": {}}
    new = {name: file_entry(data) for name, data in blobs.items()}
    write_manifest(run_dir, old["files"], pending=new)
    for name, data in blobs.items():
        atomic_write_bytes(run_dir / name, data)
    files = {**old["files"], **new}
    write_manifest(run_dir, {n: e for n, e in files.items() if (run_dir / n).exists()})


def sign_run(run_dir) -> list[str]:
    """Record the current files of a run in its manifest (after a deliberate hand edit, or
    to adopt a run from an older version); the run must load first. The names signed."""
    run_dir = Path(run_dir)
    read_config(run_dir)
    files = {}
    for name in SIGNED:
        if (run_dir / name).exists():
            files[name] = file_entry(read_bytes(run_dir / name))
    if WEIGHTS in files:
        # the weights must load into the model, verified against what is being signed
        _load_checked(run_dir, {"format": RUN_FORMAT, "files": files})
    write_manifest(run_dir, files)
    return sorted(files)


# -- weights and trainer state ------------------------------------------------------

def weights_bytes(model: torch.nn.Module, metadata: dict | None = None) -> bytes:
    from safetensors.torch import save

    tensors = {k: v.detach().cpu().contiguous() for k, v in model.state_dict().items()}
    return save(tensors, metadata={k: str(v) for k, v in (metadata or {}).items()})


def save_weights(path: Path, model: torch.nn.Module, metadata: dict | None = None) -> None:
    """Weights outside a run's checkpoint (a run's checkpoint goes through save_checkpoint)."""
    atomic_write_bytes(path, weights_bytes(model, metadata))


def parse_weights(path: Path, data: bytes) -> tuple[dict, dict]:
    """(state dict, metadata) from a safetensors file's bytes; CheckpointError naming the file
    and what is wrong."""
    from safetensors.torch import load

    if len(data) < 8:
        raise CheckpointError(f"{path}: damaged: {len(data)} bytes, too short for a weights file")
    n = int.from_bytes(data[:8], "little")
    if n > len(data) - 8:
        raise CheckpointError(f"{path}: damaged: truncated ({len(data)} bytes, its header alone "
                              f"claims {n})")
    try:
        header = json.loads(data[8:8 + n])
        meta = header.get("__metadata__") or {}
        state = load(data)
    except Exception as e:  # safetensors raises its own error types for bad headers
        raise CheckpointError(f"{path}: damaged: not a readable safetensors file ({_first_line(e)[:120]})") from e
    if not isinstance(meta, dict):
        raise CheckpointError(f"{path}: damaged: its metadata is not a table")
    for k, t in state.items():
        if t.is_floating_point() and not bool(torch.isfinite(t).all()):
            raise CheckpointError(f"{path}: tensor {k} holds NaN or infinite values: refused")
    return state, meta


def meta_int(path: Path, meta: dict, key: str, default: int | None = 0) -> int:
    v = meta.get(key)
    if v is None and default is not None:
        return default
    try:
        n = int(v)
    except (TypeError, ValueError):
        raise CheckpointError(f"{path}: its metadata {key}={v!r} is not a whole number") from None
    if n < 0:
        raise CheckpointError(f"{path}: its metadata {key}={n} is negative")
    return n


def load_weights(path: Path) -> tuple[dict, dict]:
    """(state dict, metadata) of a run's weights, checked against its manifest."""
    path = Path(path)
    return parse_weights(path, read_verified(path))


def trainer_bytes(state: dict) -> bytes:
    import io

    buf = io.BytesIO()
    torch.save(state, buf)
    return buf.getvalue()


def save_trainer_state(path: Path, state: dict) -> None:
    atomic_write_bytes(path, trainer_bytes(state))


def load_trainer_state(path: Path) -> dict:
    import io

    path = Path(path)
    data = read_verified(path)
    try:
        state = torch.load(io.BytesIO(data), map_location="cpu", weights_only=True)
    except pickle.UnpicklingError as e:
        raise CheckpointError(f"{path}: refused to load: the file asks to run code "
                              f"({_first_line(e)[:120]})") from e
    except Exception as e:
        raise CheckpointError(f"{path}: damaged: corrupt or truncated trainer state ({_first_line(e)[:120]})") from e
    if not isinstance(state, dict):
        raise CheckpointError(f"{path}: damaged: not a trainer state")
    return state


def _first_line(e: BaseException) -> str:
    text = str(e).strip()
    return text.splitlines()[0] if text else type(e).__name__


# -- config -------------------------------------------------------------------------

def write_config(run_dir: Path, model_cfg: ModelConfig, train_cfg: TrainConfig, extra: dict | None = None):
    atomic_write_json(Path(run_dir) / CONFIG, {
        "format": FORMAT_VERSION, "model": model_cfg.to_dict(), "train": train_cfg.to_dict(),
        **(extra or {})})


def read_config(run_dir: Path) -> tuple[ModelConfig, TrainConfig, dict]:
    """The run's settings, every value checked against its type and range before anything
    is built: CheckpointError naming the file and the field."""
    run_dir = Path(run_dir)
    _check_dir(run_dir)
    path = run_dir / CONFIG
    if not path.exists():
        raise CheckpointError(f"{run_dir}: not a run directory (no {CONFIG})")
    raw = read_json(path)
    if not isinstance(raw, dict) or not isinstance(raw.get("model"), dict) or not isinstance(raw.get("train"), dict):
        raise CheckpointError(f"{path}: damaged: expected an object with 'model' and 'train' settings")
    try:
        return ModelConfig.from_dict(raw["model"]), TrainConfig.from_dict(raw["train"]), raw
    except (ValueError, KeyError, TypeError) as e:
        raise CheckpointError(f"{path}: {_first_line(e)}") from e


def read_state(run_dir: Path) -> dict:
    """state.json (step, epoch, time of the last checkpoint): informative only, so a damaged
    one is reported and ignored, never a reason to refuse a run."""
    path = Path(run_dir) / STATE
    if not path.exists():
        return {}
    try:
        state = json.loads(read_verified(path).decode("utf-8"))
        if not isinstance(state, dict):
            raise ValueError("not an object")
        return state
    except (CheckpointError, ValueError, UnicodeDecodeError) as e:
        log.warning("%s", str(e) if isinstance(e, CheckpointError) else f"{path}: damaged ({_first_line(e)}); ignored")
        return {}


# -- loading a run for evaluation, sampling and the GUI ----------------------------

@dataclass
class LoadedRun:
    path: Path
    model: GenerativeModel
    model_cfg: ModelConfig
    train_cfg: TrainConfig
    state: dict            # state.json
    step: int

    @property
    def name(self) -> str:
        return self.path.name


def fit_weights(path: Path, model: torch.nn.Module, state_dict: dict) -> None:
    """Load `state_dict` into `model`, refusing tensors of another dtype or shape by name
    (load_state_dict would silently cast an int32 file into float weights)."""
    own = model.state_dict()
    for k, t in state_dict.items():
        if k in own and t.dtype != own[k].dtype:
            raise CheckpointError(f"{path}: tensor {k} is {str(t.dtype).replace('torch.', '')}, the model "
                                  f"expects {str(own[k].dtype).replace('torch.', '')}")
    try:
        model.load_state_dict(state_dict)
    except RuntimeError as e:
        raise CheckpointError(f"{path}: weights do not fit the model in {CONFIG} "
                              f"({_first_line(e)[:160]})") from e


def _load_checked(run_dir: Path, manifest: dict | None):
    model_cfg, train_cfg, _ = read_config(run_dir)
    check_model_fits(model_cfg, run_dir / CONFIG)
    path = run_dir / WEIGHTS
    data = read_bytes(path)
    verify(path, data, manifest)
    state_dict, meta = parse_weights(path, data)
    model = build_model(model_cfg)
    fit_weights(path, model, state_dict)
    return model, model_cfg, train_cfg, meta


def load_run(run_dir, device: str | torch.device = "cpu") -> LoadedRun:
    """Rebuild the model from config.json and load its verified weights, in eval mode."""
    run_dir = Path(run_dir)
    _check_dir(run_dir)
    clean_stale_temps(run_dir)
    for attempt in range(3):  # a checkpoint written meanwhile: its new manifest, then read again
        manifest = read_manifest(run_dir)
        try:
            model, model_cfg, train_cfg, meta = _load_checked(run_dir, manifest)
            break
        except CheckpointError:
            if attempt == 2 or read_manifest(run_dir) == manifest:
                raise
    model.to(device).eval()
    state = read_state(run_dir)
    return LoadedRun(run_dir, model, model_cfg, train_cfg, state, meta_int(run_dir / WEIGHTS, meta, "step"))


def check_model_fits(model_cfg: ModelConfig, source) -> int:
    """Count the model's parameters without allocating them (on torch's meta device) and
    refuse settings whose weights and optimizer state would not fit in memory; the count."""
    with torch.device("meta"):
        model = build_model(model_cfg)
    n = sum(p.numel() for p in model.parameters()) + sum(b.numel() for b in model.buffers())
    need = n * 4 * 4   # float32 weights, gradients and Adam's two moments
    avail = available_memory_bytes()
    if avail is not None and need > avail:
        raise CheckpointError(f"{source}: these settings make a model of {n:,} parameters, which needs about "
                              f"{need / 2**30:,.1f} GiB to train; this machine has {avail / 2**30:,.1f} GiB "
                              f"available")
    return n


def available_memory_bytes() -> int | None:
    try:
        with open("/proc/meminfo") as f:
            for line in f:
                if line.startswith("MemAvailable:"):
                    return int(line.split()[1]) * 1024
    except (OSError, ValueError, IndexError):
        pass
    return None


def free_run_name(root, stem: str, numbered: bool = False) -> str:
    """The first name not taken under `root`: stem, stem-2, stem-3, ... or, `numbered`,
    stem-1, stem-2, ..."""
    root = Path(root)
    i = 1
    name = f"{stem}-1" if numbered else stem
    while (root / name).exists():
        i += 1
        name = f"{stem}-{i}"
    return name


def has_checkpoint(run_dir: Path) -> bool:
    return (Path(run_dir) / WEIGHTS).exists()


# -- what the program may write, delete or clean up -----------------------------------

class RunDirRefused(CheckpointError):
    """An output directory the program will not write into or delete."""


def _protected(p: Path) -> str | None:
    """Why `p` (resolved) may never be a run directory, or None."""
    home = Path(os.path.expanduser("~")).resolve()
    cwd = Path.cwd().resolve()
    if p == Path(p.anchor):
        return "the root of the file system"
    if p == home or p in home.parents:
        return "your home directory" if p == home else "a folder holding your home directory"
    if p == cwd or p in cwd.parents:
        return "the working directory" if p == cwd else "a folder holding the working directory"
    return None


def prepare_run_dir(out, overwrite: bool = False) -> Path:
    """Check that a new run may be made in `out`, clearing an old run there when `overwrite`.
    Refuses (one line) an empty path, /, the home or working directory, a file, a name that is
    not UTF-8, a non-empty directory that is not a run, and a run without --overwrite. With
    --overwrite only the files the program wrote into the run are deleted."""
    text = os.fspath(out) if out is not None else ""
    if not str(text).strip():
        raise RunDirRefused("--out is empty: name a directory for the run")
    path = Path(text).expanduser()
    try:
        str(path).encode("utf-8")
    except UnicodeEncodeError:
        raise RunDirRefused(f"{os.fsencode(path)!r}: the name holds bytes that are not UTF-8; choose another --out") from None
    resolved = path.resolve()
    why = _protected(resolved)
    if why:
        raise RunDirRefused(f"{path}: refusing to make a run in {why}; choose a new directory for --out")
    if path.is_symlink() and not path.exists():
        raise RunDirRefused(f"{path}: a link to nothing; choose another --out")
    if not path.exists():
        return path
    if not path.is_dir():
        raise RunDirRefused(f"{path}: is a file, not a directory; choose another --out")
    try:
        entries = os.listdir(path)
    except PermissionError:
        raise RunDirRefused(f"{path}: cannot read the directory: permission denied") from None
    if not entries:
        return path
    if not is_run_dir(path):
        legacy = (path / CONFIG).exists() and (path / WEIGHTS).exists()
        raise RunDirRefused(
            f"{path}: holds a run without {MANIFEST} (from an older version): adopt it with "
            f"`python main.py sign --run {path}` first, or choose another --out" if legacy else
            f"{path}: not empty and not a run directory; nothing was written: choose a new or empty --out")
    if not overwrite:
        from .engine import RunExists
        raise RunExists(f"{path} already holds a run; pass --resume to continue it, --overwrite to replace "
                        f"it, or choose another --out")
    with RunLock(path):
        kept = remove_run_files(path)
    if kept:
        log.warning("%s: kept %d file(s) latent explorer did not write, e.g. %s", path, len(kept), kept[0])
    return path


_OWN_FILES = (CONFIG, WEIGHTS, TRAINER, STATE, METRICS, MANIFEST)
_OWN_PATTERNS = {SAMPLES: re.compile(r"(epoch_\d{4,}|step_\d{7,})(_\d+)?\.(png|npy)"),
                 "maps": re.compile(r"step\d+-[a-z]+-[0-9a-f]{10}\.npz")}
_TEMP = re.compile(r"\..+\.[A-Za-z0-9_]{8}\.tmp")


def remove_run_files(run_dir: Path) -> list[str]:
    """Delete the files the program writes into a run (by name, never recursively); the
    names of the others, which stay."""
    run_dir = Path(run_dir)
    kept = []
    for name in sorted(os.listdir(run_dir)):
        p = run_dir / name
        if name in _OWN_FILES or _TEMP.fullmatch(name):
            if p.is_file() or p.is_symlink():
                p.unlink()
                continue
        elif name in _OWN_PATTERNS and p.is_dir() and not p.is_symlink():
            for sub in sorted(os.listdir(p)):
                q = p / sub
                if (_OWN_PATTERNS[name].fullmatch(sub) or _TEMP.fullmatch(sub)) and (q.is_file() or q.is_symlink()):
                    q.unlink()
                else:
                    kept.append(f"{name}/{sub}")
            try:
                p.rmdir()
            except OSError:
                pass
            continue
        elif name == LOCK:
            continue
        kept.append(name)
    return kept


def clean_stale_temps(run_dir: Path, locked: bool = False) -> list[str]:
    """Remove the temporary files a killed save left behind, unless a trainer holds the run
    (its save may be writing one right now; `locked`: the caller is that trainer). The names
    removed."""
    run_dir = Path(run_dir)
    try:
        names = [(run_dir, n) for n in os.listdir(run_dir) if _TEMP.fullmatch(n)]
        if (run_dir / SAMPLES).is_dir():
            names += [(run_dir / SAMPLES, n) for n in os.listdir(run_dir / SAMPLES) if _TEMP.fullmatch(n)]
    except OSError:
        return []
    if not names or (not locked and RunLock.held(run_dir)):
        return []
    gone = []
    for d, n in names:
        try:
            (d / n).unlink()
            gone.append(n)
        except OSError:
            pass
    if gone:
        log.warning("%s: removed %d temporary file(s) left by an interrupted save, e.g. %s", run_dir, len(gone), gone[0])
    return gone


class RunLock:
    """An exclusive lock on a run while a process trains it (flock on run/.lock): a second
    trainer is refused, and no reader cleans up files a live save is writing."""

    def __init__(self, run_dir: Path):
        self.path = Path(run_dir) / LOCK
        self.fd: int | None = None

    def acquire(self) -> "RunLock":
        import fcntl

        self.path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o666 & ~_UMASK)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            os.close(fd)
            raise CheckpointError(f"{self.path.parent}: another process is training this run right now; "
                                  f"stop it first, or choose another --out") from None
        self.fd = fd
        return self

    def release(self) -> None:
        if self.fd is not None:
            os.close(self.fd)
            self.fd = None

    __enter__ = acquire

    def __exit__(self, *exc):
        self.release()

    @staticmethod
    def held(run_dir: Path) -> bool:
        import fcntl

        try:
            fd = os.open(Path(run_dir) / LOCK, os.O_RDONLY)
        except OSError:
            return False
        try:
            fcntl.flock(fd, fcntl.LOCK_SH | fcntl.LOCK_NB)
            return False
        except OSError:
            return True
        finally:
            os.close(fd)


# -- metrics.jsonl ------------------------------------------------------------------

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
        self._f.write((json.dumps(record, default=_json_default) + "\n").encode())
        self._f.flush()

    def sync(self) -> None:
        self._f.flush()
        os.fsync(self._f.fileno())

    def close(self) -> None:
        if not self._f.closed:
            self._f.close()


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
        raise CheckpointError(f"{path}: cannot read: {_reason(e)}") from e
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
