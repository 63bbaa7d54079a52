"""How long a new run will take on this machine, before it starts (Qt-free).

A calibration builds the run's model exactly as a run would (the same defaults and
overrides, `config.make_configs`), on the run's dataset and device, and times a few real
optimizer steps at the run's batch size, plus one test-set evaluation (what every epoch's
end costs). Nothing is written to disk. The result is cached per model settings, dataset,
batch size and device, so changing only the length of the run is instant:

    cal = calibrate("vae", "digits", {}, {"batch_size": 128})
    est = cal.estimate({"epochs": 10})
    est.text()        # "about 40 s on this machine (cpu)"

It times in the calling process with its torch thread count; a trainer in its own process
may run somewhat faster or slower, so the figure is a rounded "about".
"""
from __future__ import annotations

import math
import threading
import time
from dataclasses import dataclass

from explorer.core.text import tr

# what a calibration may spend timing steps (after one warm-up step), and at most how many
STEP_BUDGET_S = 0.6
MAX_TIMED_STEPS = 12
MIN_TIMED_STEPS = 2


class EstimateError(Exception):
    """The run cannot be estimated (bad settings, missing data): its one line."""


@dataclass(frozen=True)
class Calibration:
    """Measured costs of one model/dataset/batch/device, independent of the run's length."""
    step_s: float             # one optimizer step (all phases) at the run's batch size
    epoch_overhead_s: float   # the evaluation and samples at an epoch's end
    eval_s: float             # one cheap evaluation (GANs, every eval_every steps)
    steps_per_epoch: int
    device: str               # "cpu", "cuda", "mps"
    defaults: dict            # the run's default training settings (length, eval_every)

    def estimate(self, train_overrides: dict | None = None) -> "Estimate":
        """The duration for a length (`epochs` or `steps` in `train_overrides`; the
        model's default length when neither is given)."""
        t = {k: v for k, v in (train_overrides or {}).items() if v is not None}
        steps, epochs = t.get("steps"), t.get("epochs")
        if steps is None and epochs is None:
            steps, epochs = self.defaults.get("steps"), self.defaults.get("epochs")
        if steps is None:
            epochs = int(epochs if epochs is not None else 10)
            steps = epochs * self.steps_per_epoch
        else:
            steps = int(steps)
            epochs = steps // self.steps_per_epoch
        eval_every = t.get("eval_every", self.defaults.get("eval_every", 0)) or 0
        evals = steps // eval_every if eval_every else 0
        # the final evaluation is at least an epoch's end
        seconds = (steps * self.step_s + (epochs + 1) * self.epoch_overhead_s + evals * self.eval_s)
        return Estimate(seconds, self.device, steps)


@dataclass(frozen=True)
class Estimate:
    seconds: float
    device: str
    steps: int

    def text(self) -> str:
        """The New Run dialog's line, in the window's language ("about 40 s on this machine (cpu)")."""
        d = format_duration(self.seconds)
        if math.isfinite(self.seconds) and self.seconds < 5:
            return tr("{duration} on this machine ({device})").format(duration=d, device=self.device)
        return tr("about {duration} on this machine ({device})").format(duration=d, device=self.device)


def plain_step(model, optimizers: dict, batch, i: int) -> None:
    """One optimizer step of each of the model's phases, nothing else (no logging, clipping or
    AMP): what the estimate times, and the bare loop `bench gui` compares the window against."""
    model.begin_step(i)
    for phase in model.phases:
        total, _ = model.loss(batch, phase)
        opt = optimizers[phase]
        opt.zero_grad(set_to_none=True)
        total.backward()
        opt.step()
    model.after_step(i)


class TimingAdam:
    """Adam's arithmetic (moments, bias correction, the update) on torch's foreach ops, for the
    estimate alone. Not torch.optim: making any torch.optim optimizer imports torch._dynamo,
    two seconds of an import that holds the GIL in long stretches, and the estimate runs in a
    thread of the window, which froze for 0.2-0.4 s at a time while it did. What a step costs
    is what the estimate wants; training itself uses torch.optim.Adam (devices.make_adam)."""

    def __init__(self, params, lr: float, betas: tuple, eps: float = 1e-8):
        import torch
        self.params = [p for p in params if p.requires_grad]
        self.lr, (self.b1, self.b2), self.eps, self.t = lr, betas, eps, 0
        self.m = [torch.zeros_like(p) for p in self.params]
        self.v = [torch.zeros_like(p) for p in self.params]

    def zero_grad(self, set_to_none: bool = True) -> None:
        for p in self.params:
            p.grad = None

    def step(self) -> None:
        import torch
        with torch.no_grad():
            live = [i for i, p in enumerate(self.params) if p.grad is not None]
            if not live:
                return
            self.t += 1
            ps, gs = [self.params[i] for i in live], [self.params[i].grad for i in live]
            ms, vs = [self.m[i] for i in live], [self.v[i] for i in live]
            torch._foreach_lerp_(ms, gs, 1 - self.b1)
            torch._foreach_mul_(vs, self.b2)
            torch._foreach_addcmul_(vs, gs, gs, 1 - self.b2)
            denom = torch._foreach_sqrt(vs)
            torch._foreach_div_(denom, math.sqrt(1 - self.b2 ** self.t))
            torch._foreach_add_(denom, self.eps)
            torch._foreach_addcdiv_(ps, ms, denom, -self.lr / (1 - self.b1 ** self.t))


def format_duration(seconds: float) -> str:
    """A rounded duration: "under 5 s", "40 s", "2 min", "1 h 20 min", "3 days"."""
    if not math.isfinite(seconds):
        return tr("an unknown time")
    if seconds < 5:
        return tr("under 5 s")
    if seconds < 60:
        return tr("{s} s").format(s=int(round(seconds / 5.0) * 5))
    minutes = seconds / 60
    if minutes < 10:
        m = round(minutes * 2) / 2
        return tr("{min:g} min").format(min=m)
    if minutes < 60:
        return tr("{min} min").format(min=int(round(minutes)))
    hours = minutes / 60
    if hours < 48:
        h, m = divmod(int(round(minutes / 10) * 10), 60)
        return tr("{h} h").format(h=h) if m == 0 else tr("{h} h {min} min").format(h=h, min=m)
    return tr("{days} days").format(days=int(round(hours / 24)))


_cache: dict = {}
_lock = threading.Lock()

# settings that change a run's length, not the cost of one of its steps
_LENGTH = ("epochs", "steps", "eval_every", "log_every", "seed", "lr", "lr_d", "lr_g")


def cache_key(model: str, dataset: str, model_overrides: dict, train_overrides: dict) -> tuple:
    mo = tuple(sorted((k, repr(v)) for k, v in (model_overrides or {}).items()))
    to = tuple(sorted((k, repr(v)) for k, v in (train_overrides or {}).items() if k not in _LENGTH))
    return (model, dataset, mo, to)


def cached(model: str, dataset: str, model_overrides: dict | None = None,
           train_overrides: dict | None = None) -> Calibration | None:
    """The calibration already measured for these settings in this process, or None."""
    with _lock:
        return _cache.get(cache_key(model, dataset, model_overrides or {}, train_overrides or {}))


def calibrate(model: str, dataset: str, model_overrides: dict | None = None,
              train_overrides: dict | None = None, use_cache: bool = True,
              cancelled=lambda: False) -> Calibration:
    """Time real steps of the run these settings make (see the module's doc). Raises
    EstimateError with one line when the run could not start (bad settings, no data).
    `cancelled()` is polled between steps; a cancelled calibration raises EstimateError."""
    model_overrides, train_overrides = dict(model_overrides or {}), dict(train_overrides or {})
    key = cache_key(model, dataset, model_overrides, train_overrides)
    if use_cache:
        with _lock:
            if key in _cache:
                return _cache[key]
    try:
        cal = _measure(model, dataset, model_overrides, train_overrides, cancelled)
    except EstimateError:
        raise
    except Exception as e:  # a run with these settings would fail the same way
        from explorer.core.errors import first_line
        raise EstimateError(first_line(e)) from None
    with _lock:
        _cache[key] = cal
    return cal


def estimate(model: str, dataset: str, model_overrides: dict | None = None,
             train_overrides: dict | None = None, **kw) -> Estimate:
    """calibrate(...).estimate(train_overrides)."""
    return calibrate(model, dataset, model_overrides, train_overrides, **kw).estimate(train_overrides)


def _sync(device) -> None:
    import torch
    if device.type == "cuda":
        torch.cuda.synchronize(device)
    elif device.type == "mps":
        torch.mps.synchronize()


def _measure(model_name: str, dataset: str, model_overrides: dict, train_overrides: dict, cancelled) -> Calibration:
    import torch

    from models import ADVERSARIAL, GENERATE, PRIOR_NAMES, build_model

    from explorer.core import runs
    from explorer.core.data.datasets import load_dataset
    from explorer.core.training.config import defaults_for, make_configs, samples_per_step
    from explorer.core.training.devices import resolve_device
    from explorer.core.training.evaluation import Evaluator, generated
    from explorer.core.training.timeline import Timeline

    if model_name in PRIOR_NAMES:
        raise EstimateError(tr("a {model} prior is estimated from its VQ-VAE run, not a dataset").format(model=model_name))
    t = {k: v for k, v in train_overrides.items() if v is not None}
    data = load_dataset(dataset, t.get("data_dir"), bool(t.get("download")), t.get("image_size") or 28)
    mc, tc = make_configs(model_name, data, model_overrides, {**t, "dataset": data.name})
    runs.check_model_fits(mc, "these settings")
    _, default_train = defaults_for(model_name, data)
    device = resolve_device(tc.device)

    gen = torch.Generator().manual_seed(tc.seed)
    # no torch.manual_seed: the global generator is the caller's (the window's); the
    # initial weights do not change what a step costs
    model = build_model(mc).to(device)
    model.train()
    optimizers = {ph: TimingAdam(model.phase_parameters(ph), tc.lr_for(ph), (tc.beta1, tc.beta2))
                  for ph in model.phases}
    n = len(data.train_x)
    batch_size = min(samples_per_step(mc, tc), n)
    steps_per_epoch = max(1, n // batch_size)
    # only the batches the timing needs go to the device
    need = min(n, batch_size * (MAX_TIMED_STEPS + 1))
    idx = torch.randperm(n, generator=gen)[:need]
    x = model.prepare_inputs(data.train_x[idx].to(device))
    y = data.train_y[idx].to(device)

    def one_step(i: int) -> None:
        lo = (i * batch_size) % max(need - batch_size + 1, 1)
        plain_step(model, optimizers, (x[lo:lo + batch_size], y[lo:lo + batch_size]), i)

    one_step(0)   # warm-up: allocations, kernel selection
    _sync(device)
    timed, t0 = 0, time.perf_counter()
    while timed < MAX_TIMED_STEPS and (timed < MIN_TIMED_STEPS or time.perf_counter() - t0 < STEP_BUDGET_S):
        if cancelled():
            raise EstimateError("cancelled")
        one_step(timed + 1)
        timed += 1
    _sync(device)
    step_s = (time.perf_counter() - t0) / timed

    # an epoch's end: test-set metrics and the timeline grid. An image GAN's metrics need
    # a classifier (trained once and cached); its cost here is the generation alone.
    if cancelled():
        raise EstimateError("cancelled")
    adversarial = ADVERSARIAL in model.capabilities
    evaluator = Evaluator(data, tc.n_eval_samples, tc.iwae_k)
    t0 = time.perf_counter()
    model.eval()
    try:
        with torch.no_grad():
            if adversarial and data.kind == "image":
                if GENERATE in model.capabilities:
                    generated(model, min(tc.n_eval_samples, 1000))
            else:
                evaluator.epoch(model)
            _sync(device)
            eval_s = time.perf_counter() - t0
            timeline = Timeline(model, data, tc.seed)
            t1 = time.perf_counter()
            timeline.render(model)
            _sync(device)
            render_s = time.perf_counter() - t1
    finally:
        model.train()
    cheap_s = eval_s if adversarial else 0.0
    return Calibration(step_s=step_s, epoch_overhead_s=eval_s + render_s, eval_s=cheap_s,
                       steps_per_epoch=steps_per_epoch, device=device.type,
                       defaults={"epochs": default_train.get("epochs"), "steps": default_train.get("steps"),
                                 "eval_every": tc.eval_every})


def clear_cache() -> None:
    with _lock:
        _cache.clear()
