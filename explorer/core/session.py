"""The window's session, without Qt: which run is shown, the training worker's state, the
GAN monitor's step protocol, the follow of the shown run's files, and the events panels observe.

In the spirit of napari's viewer model under its Qt layer: the window (explorer/qt/main_window.py)
only docks panels and wires them here; each panel subscribes with `session.on(EVENT, fn)` and
refills itself from what the session says, so nothing from a previous run stays on screen.
Everything runs on the caller's thread (the GUI thread in the window, the test in tests).

The worker is anything with `send(command)` and `running` (explorer/qt/training_worker.py in
the window, a fake in tests); its events are handed to `on_progress`, `on_event`, `on_exit`.

State machine of the worker (WorkerState):

    IDLE/FAILED --start--> STARTING --Started--> TRAINING <--Resumed/resume-- PAUSED
    TRAINING --Paused--> PAUSED --step--> STEPPING --(step drawn, or Paused)--> PAUSED
    any live state --stop/halt--> STOPPING;  Failed --> FAILED;  worker gone --> IDLE
    (a worker gone without Finished or Failed --> FAILED: "ended unexpectedly")
"""
from __future__ import annotations

import enum
from collections import defaultdict
from pathlib import Path

from explorer.core.errors import first_line
from explorer.core.said import QT_TR_NOOP, Said, text_of
from explorer.core.text import tr
from explorer.core.training import events as E
from explorer.core.training.weight_requests import WeightRequests

# what a session emits; each callback gets the arguments named
RUN = "run"                # (context or None): a new run is shown; refill or show an empty state
STATE = "state"            # (view): the worker's state as the shown run sees it (Session.view)
PROGRESS = "progress"      # (Progress): the newest progress of the worker's run (any run)
RECORDS = "records"        # (context, records): new metrics.jsonl records of the shown run
CHECKPOINT = "checkpoint"  # (context, first): the shown run's weights were reloaded
MESSAGE = "message"        # (text, level): level "info" (status line), "warning", "error"; the
                           # text is in the window's language (explorer/core/text.py)
RUNS = "runs"              # (): the list of runs, or a run's status in it, changed
WEIGHTS = "weights"        # (WeightsSnapshot, why): the trainer's weights; why: "view", "before", "after"
# and the engine event's class name ("WeightsSnapshot", "CodesRestarted", "LrChanged", ...)
# with the event, for the worker's run


class WorkerState(str, enum.Enum):
    IDLE = "idle"
    STARTING = "starting"
    TRAINING = "training"
    PAUSED = "paused"
    STEPPING = "stepping"
    STOPPING = "stopping"
    FAILED = "failed"


LIVE = (WorkerState.STARTING, WorkerState.TRAINING, WorkerState.PAUSED, WorkerState.STEPPING,
        WorkerState.STOPPING)


def _open_context(path):
    from explorer.core.training.run_context import RunContext
    return RunContext.open(path)


class Session:
    def __init__(self, open_context=_open_context):
        self._open_context = open_context
        self.run = None                  # RunContext of the run shown, or None
        self.worker = None               # the worker of this window's training run, or None
        self.worker_dir: str | None = None
        self.state = WorkerState.IDLE
        self._failure = ""               # the last failure of the worker's run (see `failure`)
        self.worker_step: int | None = None   # the newest step the worker reported
        self.requests = WeightRequests()
        self._ended = False              # the worker said Finished or Failed
        self._observers: dict[str, list] = defaultdict(list)

    @property
    def failure(self) -> str:
        """The last failure of the worker's run, in the window's language now (the trainer's
        line is said again: explorer/core/said.py); "" when none."""
        return text_of(self._failure)

    @failure.setter
    def failure(self, line) -> None:
        self._failure = line

    # -- observing ---------------------------------------------------------------------
    def on(self, name: str, fn) -> None:
        self._observers[name].append(fn)

    def emit(self, name: str, *args) -> None:
        for fn in list(self._observers.get(name, ())):
            fn(*args)

    def say(self, text: str, level: str = "info") -> None:
        self.emit(MESSAGE, text, level)

    # -- the run shown -------------------------------------------------------------------
    @property
    def run_path(self) -> str | None:
        return None if self.run is None else str(self.run.path)

    def open(self, path):
        """Show the run at `path`. Raises CheckpointError, OSError or ValueError (one line) if
        it is not a usable run; the run shown stays as it was."""
        path = str(Path(path).resolve())
        if self.run_path == path:
            return self.run
        context = self._open_context(path)
        self.run = context
        self.requests.paused_fresh = False   # a new view: it needs weights even if paused
        self.emit(RUN, context)
        self.emit(STATE, self.view)
        return context

    def close_run(self) -> None:
        if self.run is not None:
            self.run = None
            self.emit(RUN, None)
            self.emit(STATE, self.view)

    def poll(self) -> None:
        """Follow the shown run's files: new records, then a new checkpoint (drawn at once when
        it is the run's first)."""
        ctx = self.run
        if ctx is None:
            return
        new = ctx.poll()
        if new:
            self.emit(RECORDS, ctx, new)
        first = ctx.loaded is None
        if ctx.reload_if_checkpoint_changed() and ctx is self.run:
            self.emit(CHECKPOINT, ctx, first)

    def summary(self) -> dict | None:
        """The shown run's summary, with the step the worker reached when it trains it (its
        state.json holds only the last checkpoint's)."""
        if self.run is None:
            return None
        s = dict(self.run.summary)
        if self.trains_shown and self.worker_step is not None:
            s["step"] = max(int(s.get("step") or 0), self.worker_step)
        return s

    # -- the worker ----------------------------------------------------------------------
    @property
    def training(self) -> bool:
        """A worker of this window is alive (whatever run it trains)."""
        return self.worker is not None and self.worker.running

    @property
    def trains_shown(self) -> bool:
        return self.training and self.run is not None and self.worker_dir == self.run_path

    @property
    def view(self) -> str:
        """The state as the shown run's panels see it: "none" (no run), "other" (another run
        trains), or a WorkerState value; a run whose training failed reads "failed"."""
        if self.run is None:
            return "none"
        if self.worker_dir == self.run_path and (self.training or self.state == WorkerState.FAILED):
            return self.state.value
        return "other" if self.training else "idle"

    def steps_of(self, path: str, step: int) -> int:
        if path == self.worker_dir and self.training and self.worker_step is not None:
            return max(step, self.worker_step)
        return step

    def start(self, spec, worker) -> bool:
        """Hand the session a worker for `spec` (not started yet). False, with a message, when
        one already trains."""
        if self.training:
            self.say(tr("A run is already training; stop it before starting another."), "warning")
            return False
        self.worker, self.worker_dir = worker, str(Path(spec.run_dir).resolve())
        self.worker_step, self.failure, self._ended = None, "", False
        self._set(WorkerState.STARTING)
        return True

    def send(self, command) -> bool:
        if not self.training:
            return False
        name = command if isinstance(command, str) else command[0]
        if name in ("stop", "halt") and self.state in LIVE:
            self._set(WorkerState.STOPPING)
        self.worker.send(command)
        return True

    def stop(self) -> None:
        """Stop after the current step: a checkpoint and the final evaluation."""
        if self.send("stop"):
            self.say(tr("Stopping: saving a checkpoint…"))

    def halt(self) -> bool:
        """Stop now, saving a checkpoint; the final evaluation is left for later."""
        return self.send("halt")

    def _set(self, state: WorkerState) -> None:
        if state != self.state:
            self.state = state
        self.emit(STATE, self.view)

    def on_progress(self, p) -> None:
        self.worker_step = p.step
        self.emit(PROGRESS, p)

    def on_event(self, ev) -> None:
        name = Path(self.worker_dir or "").name
        handler = getattr(self, f"_on_{type(ev).__name__}", None)
        if handler is not None:
            handler(ev, name)
        if isinstance(ev, E.WeightsSnapshot):
            why = self.weights_answer(ev)
            if why != "again":
                self.emit(WEIGHTS, ev, why)
        if getattr(ev, "step", None) is not None and not isinstance(ev, E.Failed):
            self.worker_step = max(self.worker_step or 0, int(ev.step))
        self.emit(type(ev).__name__, ev)

    def on_exit(self, worker=None) -> None:
        """The worker is gone. `worker`: which one (the exit of an earlier worker, arriving after
        a new one started, changes nothing)."""
        if worker is not None and worker is not self.worker:
            return
        if not self._ended:
            self.failure = Said(QT_TR_NOOP("the training process ended unexpectedly; the last checkpoint is kept"))
            self.say(tr("{run}: the training process ended unexpectedly; the last checkpoint is kept.").format(
                run=Path(self.worker_dir or '').name), "error")
            self.state = WorkerState.FAILED
        elif self.state != WorkerState.FAILED:
            self.state = WorkerState.IDLE
        self.worker = None
        if self.run is not None and self.run_path == self.worker_dir:
            self.run.refresh_summary()
        self.emit(STATE, self.view)
        self.emit(RUNS)

    # the engine's events (on_event dispatches on the class name)
    def _on_Started(self, ev, name) -> None:
        if self.run_path != str(Path(ev.run_dir).resolve()):
            try:
                self.open(ev.run_dir)
            except Exception as e:   # noqa: BLE001 - the run trains; the window says why it cannot show it
                self.say(tr("Cannot show {path}: {reason}").format(path=ev.run_dir, reason=text_of(first_line(e))),
                         "error")
        self._set(WorkerState.TRAINING)
        self.emit(RUNS)

    def _on_Paused(self, ev, name) -> None:
        if self.state == WorkerState.STEPPING and self.requests.stepping_in_flight(self.worker):
            return   # the weights just after the step are still to come
        if self.state != WorkerState.STOPPING:
            self._set(WorkerState.PAUSED)

    def _on_Resumed(self, ev, name) -> None:
        if self.state != WorkerState.STOPPING:
            self._set(WorkerState.TRAINING)

    def _on_Failed(self, ev, name) -> None:
        self._ended = True
        self.failure = ev.message
        self._set(WorkerState.FAILED)
        self.say(tr("{run}: training stopped with an error at {message}").format(run=name, message=text_of(ev.message)),
                 "error")

    def _on_Finished(self, ev, name) -> None:
        self._ended = True
        if ev.stopped:
            self.say(tr("{run}: training stopped at step {step} (checkpoint saved).").format(run=name, step=ev.step))
        else:
            self.say(tr("{run}: training finished at step {step} (checkpoint saved).").format(run=name, step=ev.step))

    def _on_Checkpointed(self, ev, name) -> None:
        self.emit(RUNS)

    def _on_Notice(self, ev, name) -> None:
        self.say(tr("{run}: {message}").format(run=name, message=text_of(ev.message)), "warning")

    def _on_AlertRaised(self, ev, name) -> None:
        self.say(tr("{run}: {message} (step {step})").format(run=name, message=text_of(ev.message), step=ev.step),
                 "warning")

    def _on_CodesRestarted(self, ev, name) -> None:
        self.say(tr("{run}: re-seeded {n} dead codes at step {step}").format(run=name, n=len(ev.codes), step=ev.step))

    def _on_SettingChanged(self, ev, name) -> None:
        if ev.value:
            self.say(tr("{run}: automatic dead-code restarts on from step {step}").format(run=name, step=ev.step))
        else:
            self.say(tr("{run}: automatic dead-code restarts off from step {step}").format(run=name, step=ev.step))

    # -- the GAN monitor's step protocol (explorer/core/training/weight_requests.py) -------
    def want_view_weights(self) -> bool:
        """Ask the trainer of the shown run for its weights for the toy view (one at a time)."""
        if not self.trains_shown:
            return False
        if self.requests.want_view(self.worker, self.state == WorkerState.PAUSED):
            return self.send("weights")
        return False

    def can_step(self) -> bool:
        return (self.trains_shown and self.state in (WorkerState.TRAINING, WorkerState.PAUSED)
                and not self.requests.stepping_in_flight(self.worker))

    def step(self, which: str, with_weights: bool) -> bool:
        """One step of D ("d"), G ("g") or both ("all"), then pause; with_weights: the weights
        just before and just after it are asked for too."""
        if not self.can_step():
            return False
        if with_weights:
            self.requests.begin_step(self.worker, which)
            self.send("weights")
        self._set(WorkerState.STEPPING)
        self.send(("step", which))
        if with_weights:
            self.send("weights")
        return True

    def weights_answer(self, ev) -> str:
        """What a WeightsSnapshot is for: "view", "before", "after" (the step is over: the
        state is PAUSED again), or "again" (asked anew: draw nothing)."""
        why = self.requests.answer(self.worker, ev.step, self.state == WorkerState.PAUSED)
        if why == "again":
            self.send("weights")
        elif why == "after" and self.state == WorkerState.STEPPING:
            self._set(WorkerState.PAUSED)
        return why

    # -- new runs from the shown one -----------------------------------------------------
    def continue_spec(self, more_epochs: int):
        from explorer.core.runs import read_state
        from explorer.core.training.worker import WorkerSpec

        epoch = int(read_state(self.run.path).get("epoch", 0))
        return WorkerSpec(run_dir=self.run_path, resume=True, train_overrides={"epochs": epoch + more_epochs})

    def prior_spec(self, runs_root: Path, opts: dict):
        """A PixelCNN prior over the codes of the VQ-VAE run shown: a new run beside it."""
        from explorer.core.runs import free_run_name
        from explorer.core.training.worker import WorkerSpec

        over = {"pixelcnn_conditional": bool(opts.get("conditional"))}
        vq_run, suffix = self.run_path, "pixelcnn"
        mc = self.run.model_cfg
        if mc is not None and mc.model == "vqvae2":      # a VQ-VAE-2's priors: the top level first
            over["prior_level"], suffix = "top", "top-prior"
        elif mc is not None and mc.model == "pixelcnn" and mc.prior_level == "top":
            # from a top-level prior's run: the bottom level's, drawing its top codes from this one
            over.update(prior_level="bottom", top_prior_run=self.run_path, pixelcnn_conditional=mc.pixelcnn_conditional)
            vq_run, suffix = mc.vq_run, "bottom-prior"
        name = free_run_name(runs_root, f"{Path(vq_run).name}-{suffix}")
        return WorkerSpec(run_dir=str(Path(runs_root) / name), model="pixelcnn", vq_run=vq_run,
                          model_overrides=over, train_overrides={"epochs": int(opts.get("epochs", 10))})

    def variant_spec(self, runs_root: Path, over: dict):
        """The shown run's settings with `over` ({"model": {...}, "train": {...}}) applied: a
        new run (the GAN monitor's mitigations)."""
        from explorer.core.runs import free_run_name, read_config
        from explorer.core.training.worker import WorkerSpec

        mc, tc, _ = read_config(self.run.path)
        model_over = {k: v for k, v in mc.to_dict().items()
                      if k not in ("model", "data_shape", "n_classes", "data_kind")}
        model_over.update(over.get("model", {}))
        train_over = {k: v for k, v in tc.to_dict().items() if k != "dataset"}
        train_over.update(over.get("train", {}))
        suffix = f"pack{model_over['pack']}" if "pack" in model_over else "variant"
        name = free_run_name(runs_root, f"{self.run.path.name}-{suffix}")
        return WorkerSpec(run_dir=str(Path(runs_root) / name), model=mc.model, dataset=tc.dataset,
                          model_overrides=model_over, train_overrides=train_over)

    # -- the list of runs ------------------------------------------------------------------
    def run_summaries(self, paths) -> list[dict]:
        """Summaries of `paths` for the run list, skipping what is not a run; the worker's run
        says "training" and its step the worker's."""
        from explorer.core.runs import CheckpointError
        from explorer.core.training.follow import run_summary

        out = []
        for path in paths:
            try:
                s = run_summary(path)
            except (CheckpointError, OSError, ValueError):
                continue
            if self.training and str(Path(path).resolve()) == self.worker_dir:
                s["status"] = "training"
                s["step"] = self.steps_of(self.worker_dir, int(s.get("step") or 0))
            out.append(s)
        return out
