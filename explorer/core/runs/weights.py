"""Weights (safetensors: loading runs no code) and trainer state (torch.load with
weights_only: a pickle that would run code is refused), checked before use."""
from __future__ import annotations

import io
import json
import pickle
import warnings
from pathlib import Path

import torch

from explorer.core.errors import first_line
from explorer.core.memory import check_fits
from explorer.core.said import QT_TR_NOOP, Said
from models import ModelConfig, build_model

from .files import CONFIG, CheckpointError, atomic_write_bytes
from .manifest import read_verified


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
        raise CheckpointError(Said(QT_TR_NOOP("{path}: damaged: {n} bytes, too short for a weights file"),
                                   path=str(path), n=len(data)))
    n = int.from_bytes(data[:8], "little")
    if n > len(data) - 8:
        raise CheckpointError(Said(QT_TR_NOOP("{path}: damaged: truncated ({size} bytes, its header alone claims {n})"),
                                   path=str(path), size=len(data), n=n))
    try:
        header = json.loads(data[8:8 + n])
        meta = header.get("__metadata__") or {}
        state = load(data)
    except Exception as e:  # safetensors raises its own error types for bad headers
        raise CheckpointError(Said(QT_TR_NOOP("{path}: damaged: not a readable safetensors file ({error})"),
                                   path=str(path), error=first_line(e)[:120])) from e
    if not isinstance(meta, dict):
        raise CheckpointError(Said(QT_TR_NOOP("{path}: damaged: its metadata is not a table"), path=str(path)))
    for k, t in state.items():
        if t.is_floating_point() and not bool(torch.isfinite(t).all()):
            raise CheckpointError(Said(QT_TR_NOOP("{path}: tensor {name} holds NaN or infinite values: refused"),
                                       path=str(path), name=k))
    return state, meta


def meta_int(path: Path, meta: dict, key: str, default: int | None = 0) -> int:
    v = meta.get(key)
    if v is None and default is not None:
        return default
    try:
        n = int(v)
    except (TypeError, ValueError):
        raise CheckpointError(Said(QT_TR_NOOP("{path}: its metadata {key}={value} is not a whole number"),
                                   path=str(path), key=key, value=repr(v))) from None
    if n < 0:
        raise CheckpointError(Said(QT_TR_NOOP("{path}: its metadata {key}={value} is negative"), path=str(path),
                                   key=key, value=n))
    return n


def load_weights(path: Path) -> tuple[dict, dict]:
    """(state dict, metadata) of a run's weights, checked against its manifest."""
    path = Path(path)
    return parse_weights(path, read_verified(path))


def trainer_bytes(state: dict) -> bytes:
    buf = io.BytesIO()
    torch.save(state, buf)
    return buf.getvalue()


def save_trainer_state(path: Path, state: dict) -> None:
    atomic_write_bytes(path, trainer_bytes(state))


def load_trainer_state(path: Path) -> dict:
    path = Path(path)
    data = read_verified(path)
    try:
        with warnings.catch_warnings():   # torch's own warnings about a refused pickle: our one line says it
            warnings.simplefilter("ignore")
            state = torch.load(io.BytesIO(data), map_location="cpu", weights_only=True)
    except pickle.UnpicklingError as e:
        raise CheckpointError(Said(QT_TR_NOOP("{path}: refused to load: the file asks to run code ({error})"),
                                   path=str(path), error=first_line(e)[:120])) from e
    except Exception as e:
        raise CheckpointError(Said(QT_TR_NOOP("{path}: damaged: corrupt or truncated trainer state ({error})"),
                                   path=str(path), error=first_line(e)[:120])) from e
    if not isinstance(state, dict):
        raise CheckpointError(Said(QT_TR_NOOP("{path}: damaged: not a trainer state"), path=str(path)))
    return state


def fit_weights(path: Path, model: torch.nn.Module, state_dict: dict) -> None:
    """Load `state_dict` into `model`, refusing tensors of another dtype or shape by name
    (load_state_dict would silently cast an int32 file into float weights)."""
    own = model.state_dict()
    for k, t in state_dict.items():
        if k in own and t.dtype != own[k].dtype:
            raise CheckpointError(Said(QT_TR_NOOP("{path}: tensor {name} is {dtype}, the model expects {expected}"),
                                       path=str(path), name=k, dtype=str(t.dtype).replace('torch.', ''),
                                       expected=str(own[k].dtype).replace('torch.', '')))
    try:
        model.load_state_dict(state_dict)
    except RuntimeError as e:
        raise CheckpointError(Said(QT_TR_NOOP("{path}: weights do not fit the model in {file} ({error})"),
                                   path=str(path), file=CONFIG, error=first_line(e)[:160])) from e


def check_model_fits(model_cfg: ModelConfig, source) -> int:
    """Count the model's parameters without allocating them (on torch's meta device) and
    refuse settings whose weights and optimizer state would not fit in memory; the count."""
    with torch.device("meta"):
        model = build_model(model_cfg)
    n = sum(p.numel() for p in model.parameters()) + sum(b.numel() for b in model.buffers())
    # float32 weights, gradients and Adam's two moments
    check_fits(n * 4 * 4, f"{source}: these settings make a model of {n:,} parameters, which to train",
               CheckpointError)
    return n
