"""How many CPU threads a trainer and the map service use, and how their idle threads wait.

Qt-free. The trainer runs in a spawned process beside the window and the map
service, on a machine that may have two cores. PyTorch's default (one intra-op
thread per core, OpenMP threads that spin while they wait for work) is what
made a toy GAN started from the window train at 1.5-3 steps/s against ~35
steps/s alone: with two threads on two shared cores, every parallel region ends
in a barrier that waits for the thread the kernel has just preempted, and the
waiting thread burns its core spinning, which is the core the other one needs.

What was measured (this 2-core shared machine, torch 2.14 with GNU OpenMP; steps/s of a
bare loop of the real model, one fresh process per figure; "loaded": another process
spinning on one core; other sessions' jobs came and went on the same machine, so single
figures vary by 20-50 %, the collapses below did not):

    toy GAN (ring8: G 2-400x4-2, maxout D, batch 100; 1.0 GFLOP a step)
                              quiet        loaded
      1 thread                52-62        17-44
      2 threads, spinning     0.8-91       1.2-8.5     (torch's default)
      2 threads, passive      32-47        41-46
    small VAE (digits 8x8, batch 128; 0.05 GFLOP a step)
      1 thread                567-589      553-609
      2 threads, spinning     6-41         29-52
      2 threads, passive      428-481      233-496
    DCGAN (mnist5k, 10 GFLOP a step): 1 thread 9.7, 2 passive 9.9 (quiet); 7.2 / 8.4 loaded
    conv VAE (mnist5k, 2.7 GFLOP):    1 thread 31.6, 2 passive 20.3 (quiet); 19.7 / 18.4 loaded

Two spinning threads were the fastest only on a machine with nothing else running (toy
GAN 90-99 against 64-68 on one thread, the mnist5k VAE 298-311 against 210-219) and
collapsed 10-100x as soon as anything else ran: the bare GAN fell to 0.8 steps/s while
another session's tests ran beside it. One thread never collapsed. `bench gui` (the real
window, GAN monitor in front) gave the GAN trainer 63.5 steps/s on one thread against 65-68
for the bare loop on one thread: the window itself costs it ~5 %.

`bench gui`, 2026-12-02 (the window also running the toy view and the map service; the same
trainer alone in a worker process, before and after, as the reference for the window's cost):

                                   window open   trainer alone   bare 1 thread   bare 2 spinning
    toy GAN, this rule (1 thread)     39.4          37.1-40.0       40.2-40.7       54.7-56.2
    toy GAN, PyTorch's default        31.5          44.3-56.9       36.5-40.9       53.7-56.5
    VAE on digits, this rule         331           268-331         391-400         481-582

With the window open the one-thread trainer ran as fast as alone (1.02, VAE 1.11): the
window costs it nothing measurable; PyTorch's two spinning threads lost 38 % beside it and
ended 20 % slower than one thread. What one thread gives up is the second core of an idle
machine (0.71 of two spinning threads there, VAE 0.62; the VAE's remaining gap to its
one-thread bare loop, 0.84, is the trainer's own work at each 11-step epoch: test-set
metrics and the timeline's grid). The rules that follow:

- one intra-op thread for a model whose training step is small (under
  SMALL_STEP_FLOPS), and on a machine of two cores for every model: the second core is
  the window's and the map service's, and a thread that loses it stalls the other;
- more threads only for a large step, at most the cores this process may use
  minus one (the window and the map service keep a core), and never more than
  MAX_THREADS (not measured here: this machine has two cores);
- while it trains, the ThreadTuner re-times that count against one thread more and
  keeps the faster (2026-12-04, toy GAN: the trainer alone went from 66 to 91-97
  steps/s on two threads; with the window's GAN monitor in front it measured two
  threads slower and stayed on one, 62 steps/s);
- GOMP_SPINCOUNT=100000 (and KMP_BLOCKTIME=0 for Intel's OpenMP runtime) in the
  trainer's process before torch is imported: a waiting thread spins about 0.1 ms,
  then sleeps, so a second thread cannot starve the first for long (it replaced
  OMP_WAIT_POLICY=PASSIVE, under which two threads never beat one; figures in
  short_spin_env);
- the same count for every BLAS and OpenMP pool in the process (threadpoolctl),
  and OMP_NUM_THREADS for a runtime loaded later (scikit-learn's);
- on an accelerator, one CPU thread: the CPU only launches kernels.

LATENT_EXPLORER_THREADS overrides it: "default" keeps PyTorch's own choice and
changes no environment (the old behaviour, kept for measuring against), a
number fixes the intra-op thread count (the wait policy still passive), and
"auto" (or unset) is the rule above.

The map service (explorer/core/maps/service.py) takes `service_threads()`: its
numba (UMAP) and BLAS threads, one on a machine of up to four cores, since it
runs at idle priority and its threads would only wait on each other there.
"""
from __future__ import annotations

import os
import sys

ENV = "LATENT_EXPLORER_THREADS"
SMALL_STEP_FLOPS = 5e9     # a training step below this many floating-point operations: one thread
MAX_THREADS = 8


def mode() -> str:
    """'default', 'auto' or a thread count as a string, from LATENT_EXPLORER_THREADS."""
    value = os.environ.get(ENV, "").strip().lower()
    if value in ("", "auto"):
        return "auto"
    if value == "default":
        return "default"
    try:
        n = int(value)
    except ValueError:
        return "auto"
    return str(n) if n >= 1 else "auto"


def usable_cores() -> int:
    """The cores this process may run on (its affinity mask), not the machine's count."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except (AttributeError, OSError):
        return max(1, os.cpu_count() or 1)


def quiet_wait_env() -> dict:
    """The environment that makes idle OpenMP threads sleep instead of spin."""
    return {"OMP_WAIT_POLICY": "PASSIVE", "KMP_BLOCKTIME": "0"}


def short_spin_env() -> dict:
    """The trainer's: an idle OpenMP thread spins for GOMP_SPINCOUNT iterations (about
    0.1 ms), then sleeps. Measured on the toy GAN with two threads (steps/s, one thread
    69-72 throughout): quiet 98 (spinning without end 101, passive 40); beside a process
    busy 30 % of a core 71 (77, 38); beside a busy core 13.5 (15, 50). Passive waits cost
    a wake-up per parallel region, which is why two passive threads lost to one even on an
    idle machine; the ThreadTuner below takes one thread wherever two lose."""
    return {"GOMP_SPINCOUNT": "100000", "KMP_BLOCKTIME": "0"}


def prepare_process(environ=None) -> bool:
    """Call first thing in a spawned trainer process, before torch (or numpy, numba,
    scikit-learn) is imported: sets the short-spin wait policy unless the user set one
    (OMP_WAIT_POLICY or GOMP_SPINCOUNT) or LATENT_EXPLORER_THREADS=default. True when it
    was set in time to take effect (an OpenMP runtime reads it once, when it is loaded)."""
    environ = os.environ if environ is None else environ
    if mode() == "default":
        return False
    if "OMP_WAIT_POLICY" not in environ:
        for key, value in short_spin_env().items():
            environ.setdefault(key, value)
    return "torch" not in sys.modules


def threads_for(step_flops: float | None, device: str = "cpu", cores: int | None = None) -> int:
    """Intra-op threads for a training step of `step_flops` operations on `device`."""
    if str(device).split(":")[0] not in ("cpu", "auto", ""):
        return 1
    if cores is None:   # the processes of a distributed run (torchrun) on this machine share its cores
        try:
            share = max(1, int(os.environ.get("LOCAL_WORLD_SIZE", "1")))
        except ValueError:
            share = 1
        cores = max(1, usable_cores() // share)
    if step_flops is None or step_flops < SMALL_STEP_FLOPS:
        return 1
    return max(1, min(cores - 1, MAX_THREADS))


def step_flops(model_cfg, batch_size: int) -> float | None:
    """Floating-point operations of one training step (every phase, forward and backward),
    counted on the meta device, so no memory is allocated and nothing is computed. None
    when the model cannot be traced there; the caller then takes the small-model rule."""
    try:
        import torch
        from torch.utils.flop_counter import FlopCounterMode

        from models import build_model
    except ImportError:
        return None
    # the meta device first; a model that reads a value back (a VQ-VAE's codebook
    # restarts call .item()) is counted on a small real batch instead, scaled up
    for device, n in (("meta", batch_size), ("cpu", min(batch_size, 8))):
        try:
            with torch.device(device):
                model = build_model(model_cfg)
                model.train()
                x = torch.rand((n, *model_cfg.data_shape))
                y = torch.zeros(n, dtype=torch.long)
                x = model.prepare_inputs(x)
                counter = FlopCounterMode(display=False)
                with counter:
                    for phase in model.phases:
                        total, _ = model.loss((x, y), phase)
                        total.backward()
            return float(counter.get_total_flops()) * batch_size / n
        except Exception:
            continue
    return None


def choose(model_cfg=None, batch_size: int = 128, device: str = "cpu", requested: int | None = None) -> int | None:
    """The trainer's intra-op thread count; None under LATENT_EXPLORER_THREADS=default
    (leave PyTorch's choice) unless `requested` names one."""
    m = mode()
    if requested:
        return int(requested)
    if m == "default":
        return None
    if m != "auto":
        return int(m)
    flops = step_flops(model_cfg, batch_size) if model_cfg is not None else None
    return threads_for(flops, device)


def apply(n: int | None) -> dict:
    """Use `n` threads for torch's intra-op pool and for every BLAS / OpenMP pool loaded in
    this process (one inter-op thread: eager training has no use for more). Returns what
    was set, for a log line or a test."""
    import torch

    if n is None:
        return {"torch_threads": torch.get_num_threads(), "mode": "default"}
    torch.set_num_threads(n)
    try:
        torch.set_num_interop_threads(1)
    except RuntimeError:   # only allowed before any inter-op work; keep what it is
        pass
    os.environ["OMP_NUM_THREADS"] = str(n)   # a runtime loaded later reads it
    limited = limit_pools(n)
    return {"torch_threads": torch.get_num_threads(), "pools": limited,
            "wait_policy": os.environ.get("OMP_WAIT_POLICY", "default")}


def limit_pools(n: int, user_api: str | None = None) -> int:
    """threadpoolctl limits for the loaded BLAS and OpenMP libraries; how many it found."""
    try:
        import numpy  # noqa: F401  (its BLAS must be loaded to be limited)
        from threadpoolctl import threadpool_info, threadpool_limits
    except ImportError:
        return 0
    threadpool_limits(limits=n, user_api=user_api)
    return len([p for p in threadpool_info() if user_api is None or p.get("user_api") == user_api])


def setup_trainer(engine, requested: int | None = None) -> dict:
    """Choose and apply the thread count for a built TrainingEngine (not yet started), and
    give it a ThreadTuner (engine.tuner) where one more thread may be worth trying."""
    try:
        from explorer.core.training.devices import resolve_device

        device = resolve_device(getattr(engine.cfg, "device", "auto")).type
        from explorer.core.training.config import samples_per_step
        mc = getattr(engine, "model_cfg", None)
        batch = samples_per_step(mc, engine.cfg) if mc is not None else int(getattr(engine.cfg, "batch_size", 128) or 128)
        n = choose(mc, batch, device, requested)
        info = {**apply(n), "chosen": n}
        tuner = tuner_for(n, device, requested)
        if tuner is not None:
            engine.tuner = tuner
            info["tuned_between"] = tuner.counts
        return info
    except Exception as e:   # never a reason not to train: PyTorch's own choice stays
        return {"error": f"{type(e).__name__}: {e}"}


def tuner_for(n: int | None, device: str, requested: int | None = None, cores: int | None = None):
    """A ThreadTuner between `n` threads and one more, or None: not for a count the user
    fixed, PyTorch's own choice, an accelerator, a distributed run (its ranks share the
    cores and wait on each other every step), or a process with one core."""
    cores = usable_cores() if cores is None else cores
    if requested or n is None or mode() != "auto" or str(device).split(":")[0] != "cpu" or cores < 2:
        return None
    try:
        if int(os.environ.get("WORLD_SIZE", "1")) > 1:
            return None
    except ValueError:
        return None
    return ThreadTuner(n, min(n + 1, cores))


class ThreadTuner:
    """Re-times the trainer's thread count while it trains, because which is faster depends
    on what else runs on the machine, and that changes (the window brought to the front,
    a map being fitted, another program): the toy GAN ran 98 steps/s on two threads and
    70 on one on an idle 2-core machine, but 58 on two against 64 on one beside the
    window's GAN monitor, and 13 against 71 beside a busy core.

    `record(seconds)` after every training step, with that step's own time (so the
    evaluation and checkpoints between steps never count). It measures PROBE_S of steps
    on the current count, then PROBE_S on the other, keeps the other only when it was at
    least GAIN faster, and waits HOLD_S of training before trying again, twice as long
    after each probe that lost (up to MAX_HOLD_S), so a loaded machine pays for a probe
    rarely. Qt-free; `apply` is torch.set_num_threads unless a test passes its own."""

    PROBE_S = 1.0
    MIN_STEPS = 5
    SETTLE_STEPS = 3        # steps after a switch (or at the start) that are not counted
    GAIN = 1.08
    HOLD_S = 20.0
    MAX_HOLD_S = 320.0

    def __init__(self, current: int, other: int, apply=None):
        self.current, self.other = int(current), int(other)
        self.counts = sorted({self.current, self.other})
        if apply is None:
            import torch
            apply = torch.set_num_threads
        self._apply = apply
        self.hold = self.HOLD_S
        self.decisions: list[dict] = []   # what each probe measured, for the log
        self._begin("base", settle=self.SETTLE_STEPS)

    def _begin(self, phase: str, settle: int = 0):
        self.phase, self._settle, self._n, self._t = phase, settle, 0, 0.0

    @property
    def active(self) -> bool:
        return self.current != self.other

    def record(self, seconds: float) -> dict | None:
        """One training step took `seconds`. Returns the decision when a probe ends."""
        if not self.active:
            return None
        if self._settle:
            self._settle -= 1
            return None
        self._n += 1
        self._t += max(float(seconds), 0.0)
        if self.phase == "hold":
            if self._t >= self.hold:
                self._begin("base")
            return None
        if self._n < self.MIN_STEPS or self._t < self.PROBE_S:
            return None
        rate = self._n / max(self._t, 1e-9)
        if self.phase == "base":
            self._base_rate = rate
            self._apply(self.other)
            self._begin("probe", settle=self.SETTLE_STEPS)
            return None
        switched = rate >= self.GAIN * self._base_rate
        decision = {"threads": self.other if switched else self.current, "tried": self.other,
                    "steps_per_s": {str(self.current): round(self._base_rate, 2), str(self.other): round(rate, 2)}}
        if switched:
            self.current, self.other = self.other, self.current
            self.hold = self.HOLD_S
        else:
            self._apply(self.current)
            self.hold = min(self.hold * 2, self.MAX_HOLD_S)
        self.decisions.append(decision)
        self._begin("hold", settle=self.SETTLE_STEPS if not switched else 0)
        return decision


def service_threads(cores: int | None = None) -> int:
    """The map service's numba and BLAS threads: it runs at idle priority beside a trainer
    and the window, so one thread up to four cores, then half of the rest."""
    cores = usable_cores() if cores is None else cores
    return 1 if cores <= 4 else max(1, (cores - 2) // 2)


def prepare_service(environ=None) -> int:
    """Before the map service imports numba or scikit-learn: numba's thread count, the passive
    wait policy, and OMP_NUM_THREADS for t-SNE's OpenMP loops. Returns the thread count.
    Under LATENT_EXPLORER_THREADS=default only NUMBA_NUM_THREADS=1 (the earlier behaviour)."""
    environ = os.environ if environ is None else environ
    if mode() == "default":
        environ.setdefault("NUMBA_NUM_THREADS", "1")
        return 1
    n = service_threads()
    environ.setdefault("NUMBA_NUM_THREADS", str(n))
    environ.setdefault("OMP_NUM_THREADS", str(n))
    for key, value in quiet_wait_env().items():
        environ.setdefault(key, value)
    return n
