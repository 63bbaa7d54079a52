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
class SettingChanged:
    """A live setting changed by a command (e.g. automatic dead-code restarts)."""
    step: int
    name: str
    value: object


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


@dataclass
class AlertRaised:
    step: int                      # the evaluation at which the alert fired
    message: str
    signal: str                    # "mode_coverage" | "class_coverage" | "diversity" | "recall" | "coverage"
    value: float
    threshold: float
    since_step: int                # first evaluation of the stretch below the threshold


@dataclass
class CodebookUsage:
    """Every usage_every steps (discrete models): code use so far this epoch."""
    step: int
    epoch: int
    usage: list                    # uses of each code, in index order
    codes_used: int
    dead_codes: int
    perplexity: float              # exp(entropy) of those uses: K for uniform use, 1 for one code
    restarts: int                  # codes re-seeded since the run began


@dataclass
class CodesRestarted:
    """The "restart_codes" command's answer: the codes unused this epoch, re-seeded."""
    step: int
    epoch: int
    codes: list                    # their indices
    restarts: int                  # codes re-seeded since the run began


@dataclass
class WeightsSnapshot:
    """The "weights" command's answer: a copy of the model's state for the window's
    live views (numpy arrays, detached CPU copies: never a live tensor)."""
    step: int
    epoch: int
    state: dict                    # name -> numpy array, as model.state_dict()
