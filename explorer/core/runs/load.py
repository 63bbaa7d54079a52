"""Reading a run's settings and loading its model for evaluation, sampling and the window."""
from __future__ import annotations

import json
import logging
from dataclasses import dataclass
from pathlib import Path

import torch

from explorer.core.errors import first_line
from explorer.core.said import QT_TR_NOOP, Said
from explorer.core.training.config import TrainConfig
from models import GenerativeModel, ModelConfig, build_model

from .files import CONFIG, FORMAT_VERSION, STATE, WEIGHTS, CheckpointError, atomic_write_json, check_dir, read_bytes, read_json
from .manifest import read_manifest, read_verified, verify
from .protect import clean_stale_temps
from .weights import check_model_fits, fit_weights, meta_int, parse_weights

log = logging.getLogger("explorer")


def write_config(run_dir: Path, model_cfg: ModelConfig, train_cfg: TrainConfig, extra: dict | None = None):
    atomic_write_json(Path(run_dir) / CONFIG, {
        "format": FORMAT_VERSION, "model": model_cfg.to_dict(), "train": train_cfg.to_dict(),
        **(extra or {})})


def read_config(run_dir: Path) -> tuple[ModelConfig, TrainConfig, dict]:
    """The run's settings, every value checked against its type and range before anything
    is built: CheckpointError naming the file and the field."""
    run_dir = Path(run_dir)
    check_dir(run_dir)
    path = run_dir / CONFIG
    if not path.exists():
        raise CheckpointError(Said(QT_TR_NOOP("{path}: not a run directory (no {file})"), path=str(run_dir), file=CONFIG))
    raw = read_json(path)
    if not isinstance(raw, dict) or not isinstance(raw.get("model"), dict) or not isinstance(raw.get("train"), dict):
        raise CheckpointError(Said(QT_TR_NOOP("{path}: damaged: expected an object with 'model' and 'train' settings"),
                                   path=str(path)))
    try:
        return ModelConfig.from_dict(raw["model"]), TrainConfig.from_dict(raw["train"]), raw
    except (ValueError, KeyError, TypeError) as e:
        raise CheckpointError(Said(QT_TR_NOOP("{path}: {error}"), path=str(path), error=first_line(e))) from e


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
        for k in ("step", "epoch"):
            v = state.get(k, 0)
            if isinstance(v, bool) or not isinstance(v, int) or v < 0:
                raise ValueError(f"its {k} is {v!r}, not a whole number >= 0")
        return state
    except (CheckpointError, ValueError, UnicodeDecodeError) as e:
        log.warning("%s", str(e) if isinstance(e, CheckpointError) else f"{path}: damaged ({first_line(e)}); ignored")
        return {}


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
    check_dir(run_dir)
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


def list_runs(root) -> list[Path]:
    """The run directories directly under `root`, by name; unreadable entries are left out."""
    found = []
    try:
        entries = sorted(Path(root).iterdir())
    except OSError:
        return []
    for p in entries:
        try:
            if (p / CONFIG).is_file():
                found.append(p)
        except OSError:
            continue
    return found


def load_run_data(run: LoadedRun, data_dir=None):
    """The dataset a run was trained on, checked against its model: a config.json whose
    dataset does not fit the model (edited by hand) is refused in one line."""
    from explorer.core.data.datasets import load_dataset

    tc = run.train_cfg
    data = load_dataset(tc.dataset, data_dir or tc.data_dir, False, tc.image_size)
    if tuple(data.shape) != tuple(run.model_cfg.data_shape):
        raise CheckpointError(Said(QT_TR_NOOP("{path}: train.dataset {dataset} has samples of shape {shape}, but the "
                                              "model in it takes {expected}"), path=str(run.path / CONFIG),
                                   dataset=tc.dataset, shape=str(tuple(data.shape)),
                                   expected=str(tuple(run.model_cfg.data_shape))))
    return data
