"""Devices a run can train on, and the optimizer it trains with."""
from __future__ import annotations

import torch


def resolve_device(name: str = "auto") -> torch.device:
    if name in (None, "", "auto"):
        if torch.cuda.is_available():
            return torch.device("cuda")
        if getattr(torch.backends, "mps", None) and torch.backends.mps.is_available():
            return torch.device("mps")
        return torch.device("cpu")
    try:
        dev = torch.device(name)
    except RuntimeError as e:
        raise ValueError(f"unknown device {name!r}; available: {', '.join(available_devices())}") from e
    if dev.type == "cuda" and (not torch.cuda.is_available() or (dev.index or 0) >= torch.cuda.device_count()):
        raise ValueError(f"device {name} is not available here; available: {', '.join(available_devices())}")
    if dev.type == "mps" and not (getattr(torch.backends, "mps", None) and torch.backends.mps.is_available()):
        raise ValueError(f"device mps is not available here; available: {', '.join(available_devices())}")
    return dev


def available_devices() -> list[str]:
    devs = ["cpu"]
    if torch.cuda.is_available():
        devs += [f"cuda:{i}" for i in range(torch.cuda.device_count())]
    if getattr(torch.backends, "mps", None) and torch.backends.mps.is_available():
        devs.append("mps")
    return devs


def make_adam(params, lr: float, betas: tuple) -> torch.optim.Optimizer:
    """Fused Adam where the device supports it: one kernel for all parameters."""
    params = list(params)
    try:
        return torch.optim.Adam(params, lr=lr, betas=betas, fused=True)
    except (RuntimeError, TypeError, ValueError):
        return torch.optim.Adam(params, lr=lr, betas=betas)


def check_precision(device: torch.device, precision: str) -> None:
    """bf16 where the device has it (CUDA with bfloat16, and the CPU); else one line."""
    from explorer.core.said import QT_TR_NOOP, Said

    if precision != "bf16":
        return
    if device.type == "cuda" and not torch.cuda.is_bf16_supported():
        raise ValueError(Said(QT_TR_NOOP("this GPU has no bfloat16: train with --precision fp32")))
    if device.type not in ("cuda", "cpu"):
        raise ValueError(Said(QT_TR_NOOP("--precision bf16 is for CUDA and the CPU, not {device}"),
                              device=device.type))


def autocast(device: torch.device, precision: str):
    """Where a loss is computed: in bfloat16 under torch.autocast for --precision bf16 (bf16
    needs no loss scaling; weights, optimizer and evaluation stay float32), else as it is."""
    import contextlib

    if precision != "bf16":
        return contextlib.nullcontext()
    return torch.autocast(device_type=device.type, dtype=torch.bfloat16)
