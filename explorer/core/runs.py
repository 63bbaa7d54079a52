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

import json
import math
import os
import pickle
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import torch

from models import GenerativeModel, ModelConfig, build_model

from .config import TrainConfig

CONFIG, WEIGHTS, TRAINER, STATE, METRICS, SAMPLES = (
    "config.json", "model.safetensors", "trainer.pt", "state.json", "metrics.jsonl", "samples")
FORMAT_VERSION = 1
_UMASK = os.umask(0)
os.umask(_UMASK)


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


# -- weights and trainer state ------------------------------------------------------

def save_weights(path: Path, model: torch.nn.Module, metadata: dict | None = None) -> None:
    from safetensors.torch import save

    tensors = {k: v.detach().cpu().contiguous() for k, v in model.state_dict().items()}
    meta = {k: str(v) for k, v in (metadata or {}).items()}
    atomic_write_bytes(path, save(tensors, metadata=meta))


def load_weights(path: Path) -> tuple[dict, dict]:
    """(state dict, metadata) from a safetensors file; CheckpointError if unreadable."""
    from safetensors import safe_open

    path = Path(path)
    if not path.exists():
        raise CheckpointError(f"{path}: missing")
    try:
        with safe_open(str(path), framework="pt", device="cpu") as f:
            meta = f.metadata() or {}
            state = {k: f.get_tensor(k) for k in f.keys()}
    except Exception as e:  # safetensors raises its own error types for bad headers
        raise CheckpointError(f"{path}: corrupt or truncated weights file ({_first_line(e)})") from e
    return state, meta


def save_trainer_state(path: Path, state: dict) -> None:
    import io

    buf = io.BytesIO()
    torch.save(state, buf)
    atomic_write_bytes(path, buf.getvalue())


def load_trainer_state(path: Path) -> dict:
    path = Path(path)
    try:
        return torch.load(path, map_location="cpu", weights_only=True)
    except pickle.UnpicklingError as e:
        raise CheckpointError(f"{path}: refused to load: the file asks to run code "
                              f"({_first_line(e)[:120]})") from e
    except Exception as e:
        raise CheckpointError(f"{path}: corrupt or truncated trainer state ({_first_line(e)[:120]})") from e


def _first_line(e: BaseException) -> str:
    text = str(e).strip()
    return text.splitlines()[0] if text else type(e).__name__


# -- config -------------------------------------------------------------------------

def write_config(run_dir: Path, model_cfg: ModelConfig, train_cfg: TrainConfig, extra: dict | None = None):
    atomic_write_json(Path(run_dir) / CONFIG, {
        "format": FORMAT_VERSION, "model": model_cfg.to_dict(), "train": train_cfg.to_dict(),
        **(extra or {})})


def read_config(run_dir: Path) -> tuple[ModelConfig, TrainConfig, dict]:
    path = Path(run_dir) / CONFIG
    if not Path(run_dir).is_dir():
        raise CheckpointError(f"{run_dir}: not a directory")
    if not path.exists():
        raise CheckpointError(f"{run_dir}: not a run directory (no {CONFIG})")
    try:
        raw = json.loads(path.read_text())
        return ModelConfig.from_dict(raw["model"]), TrainConfig.from_dict(raw["train"]), raw
    except (ValueError, KeyError, TypeError) as e:
        raise CheckpointError(f"{path}: unreadable run config ({_first_line(e)})") from e


def read_state(run_dir: Path) -> dict:
    path = Path(run_dir) / STATE
    if not path.exists():
        return {}
    try:
        return json.loads(path.read_text())
    except ValueError as e:
        raise CheckpointError(f"{path}: unreadable ({_first_line(e)})") from e


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


def load_run(run_dir, device: str | torch.device = "cpu") -> LoadedRun:
    """Rebuild the model from config.json and load its weights, in eval mode."""
    run_dir = Path(run_dir)
    model_cfg, train_cfg, _ = read_config(run_dir)
    state_dict, meta = load_weights(run_dir / WEIGHTS)
    model = build_model(model_cfg)
    try:
        model.load_state_dict(state_dict)
    except RuntimeError as e:
        raise CheckpointError(f"{run_dir / WEIGHTS}: weights do not fit the model in {CONFIG} "
                              f"({_first_line(e)[:160]})") from e
    model.to(device).eval()
    state = read_state(run_dir)
    return LoadedRun(run_dir, model, model_cfg, train_cfg, state, int(meta.get("step", state.get("step", 0))))


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


# -- metrics.jsonl ------------------------------------------------------------------

class MetricsLog:
    """Append-only JSON lines; each line is flushed so another process can follow."""

    def __init__(self, path: Path):
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._f = open(self.path, "a", encoding="utf-8")

    def write(self, record: dict) -> None:
        record = clean_for_json({"time": round(time.time(), 3), **record})
        self._f.write(json.dumps(record, default=_json_default) + "\n")
        self._f.flush()

    def sync(self) -> None:
        self._f.flush()
        os.fsync(self._f.fileno())

    def close(self) -> None:
        if not self._f.closed:
            self._f.close()


def read_metrics(path: Path, offset: int = 0) -> tuple[list[dict], int]:
    """Records from byte `offset` on, and the offset to continue from.

    A last line without its newline is being written right now: it is left
    for the next call. Lines that do not parse are skipped.
    """
    path = Path(path)
    if not path.exists():
        return [], offset
    with open(path, "rb") as f:
        f.seek(offset)
        data = f.read()
    end = data.rfind(b"\n") + 1
    records = []
    for line in data[:end].splitlines():
        try:
            records.append(json.loads(line))
        except ValueError:
            continue
    return records, offset + end


def history(records: list[dict]) -> list[dict]:
    """Records as a continuous history: a resume drops what was logged after its checkpoint."""
    out: list[dict] = []
    for r in records:
        if r.get("kind") == "resume":
            out = [o for o in out if o.get("step", 0) <= r["step"]]
        out.append(r)
    return out
