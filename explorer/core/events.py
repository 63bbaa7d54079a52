"""Events the training engine yields: plain data only (numbers, strings, dicts of
them), so they pickle across a process boundary. No torch import here, so the
window can use them before torch has loaded."""
from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class Started:
    run_dir: str
    step: int
    epoch: int
    total_steps: int
    steps_per_epoch: int
    device: str
    model: str
    dataset: str
    resumed: bool


@dataclass
class Progress:
    step: int
    epoch: int
    total_steps: int
    samples_per_s: float
    eta_s: float
    lr: float
    parts: dict | None = None      # means since the last record; None between records


@dataclass
class EpochEnd:
    step: int
    epoch: int
    metrics: dict
    samples_path: str | None


@dataclass
class Evaluated:
    step: int
    epoch: int
    metrics: dict


@dataclass
class SamplesSaved:
    step: int
    epoch: int
    path: str


@dataclass
class Checkpointed:
    step: int
    epoch: int
    path: str


@dataclass
class Paused:
    step: int


@dataclass
class Resumed:
    step: int


@dataclass
class LrChanged:
    step: int
    lr: float


@dataclass
class Notice:
    step: int
    message: str


@dataclass
class Failed:
    step: int
    message: str
    part: str | None = None
    checkpoint_step: int | None = None


@dataclass
class Finished:
    step: int
    epoch: int
    stopped: bool
    summary: dict = field(default_factory=dict)


