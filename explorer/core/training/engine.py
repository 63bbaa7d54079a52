"""The training engine: a plain generator that yields progress events and takes
commands through send() (pause, resume, stop, set_lr, evaluate, save, step,
restart_codes, set_restarts).

    engine = TrainingEngine.create("checkpoints/vae1", model_cfg, train_cfg)
    events = engine.run()
    event = next(events)
    while not isinstance(event, (Finished, Failed)):
        event = events.send(None)          # or a command, e.g. ("set_lr", 1e-4)

Events carry plain numbers only, never tensors, so they can cross a process
boundary. Throughput: the data sit on the device as one tensor and batches
are index slices of it (no DataLoader, no per-sample transforms), and Adam
uses the fused kernel where this torch has one.
"""
from __future__ import annotations

import logging
import math
import time
from dataclasses import replace
from pathlib import Path

import torch

from models import ADVERSARIAL, GenerativeModel, ModelConfig, build_model

from explorer.core import runs
from explorer.core.errors import first_line
from explorer.core.said import QT_TR_NOOP, Said, english_of
from explorer.core.training.checkpoint import load_initial, restore_checkpoint, save_checkpoint
from explorer.core.training.devices import autocast, check_precision, make_adam, resolve_device
from explorer.core.training.config import TrainConfig, samples_per_step
from explorer.core.gan.alerts import AlertRules, CollapseMonitor, alert_record
from explorer.core.codebook.usage import usage_record
from explorer.core.training.events import (AlertRaised, Checkpointed, CodebookUsage, CodesRestarted, EpochEnd,
                                           Evaluated, Failed, Finished, LrChanged, Notice, Paused, Progress,
                                           Resumed, SamplesSaved, SettingChanged, Started, WeightsSnapshot)
from explorer.core.data.datasets import Dataset, DatasetError, load_dataset
from explorer.core.training.evaluation import Evaluator, codebook_stats
from explorer.core.training.timeline import Timeline
from explorer.core.training import distributed
from explorer.core.training.failures import NonFiniteLoss, RunExists, model_refusal  # noqa: F401  (RunExists: imported from here)

log = logging.getLogger("explorer")
# what a resume may change (the rest of a run's settings are its own)
RESUME_SETTINGS = ("epochs", "steps", "lr", "lr_d", "lr_g", "device", "precision", "log_every", "eval_every",
                   "data_dir")


class TrainingEngine:
    """Owns one run directory; `run()` is the generator that trains it."""

    def __init__(self, run_dir: Path, model_cfg: ModelConfig, train_cfg: TrainConfig,
                 resume: bool, data: Dataset | None = None, init_weights: dict | None = None,
                 fresh_optimizer: bool = False):
        self.run_dir = Path(run_dir)
        self.fresh_optimizer = fresh_optimizer
        self.lock = runs.RunLock(self.run_dir)
        self.config_pending = True   # a resume writes its settings with its first checkpoint
        self.skip_final_eval = False
        self.model_cfg, self.cfg, self.resume = model_cfg, train_cfg, resume
        self._data = data
        self.init_weights = init_weights
        self.step = self.epoch = self.pos = 0
        self.tuner = None   # a threads.ThreadTuner, given by threads.setup_trainer in a trainer's own process
        self.checkpoint_step: int | None = None
        self.last_save = -math.inf
        self.paused = self.stop_requested = False
        self.pending_steps: list[tuple] = []
        self.queued: list = []   # events a command produced beyond the one it returns
        # several processes (torchrun): rank 0 alone writes the run (explorer/core/training/distributed.py)
        self.group = distributed.active()
        self.writes = self.group is None or self.group.writes

    # -- construction --------------------------------------------------------------
    @classmethod
    def create(cls, run_dir, model_cfg: ModelConfig, train_cfg: TrainConfig,
               data: Dataset | None = None, overwrite: bool = False,
               init_weights: dict | None = None) -> "TrainingEngine":
        """A new run; `init_weights` (a state dict, possibly partial) replaces the fresh weights
        it names, e.g. the frozen VQ-VAE inside a PixelCNN prior."""
        model_cfg.validate()
        train_cfg.validate()
        # settings that cannot make a model fail here, before any file is written or deleted
        runs.check_model_fits(model_cfg, "these settings")
        build_model(model_cfg)
        AlertRules.from_config(train_cfg)
        group = distributed.active()
        distributed.check_batch(samples_per_step(model_cfg, train_cfg), model_cfg, group)
        if group is None or group.writes:   # the other ranks of a distributed run write nothing
            run_dir = runs.prepare_run_dir(run_dir, overwrite)
        return cls(run_dir, model_cfg, train_cfg, resume=False, data=data, init_weights=init_weights)

    @classmethod
    def open(cls, run_dir, data: Dataset | None = None, fresh_optimizer: bool = False,
             **train_overrides) -> "TrainingEngine":
        """Continue a run; overrides (e.g. steps=, epochs=, lr=; RESUME_SETTINGS) change its
        settings. `fresh_optimizer` resumes from the weights alone when trainer.pt is damaged."""
        model_cfg, train_cfg, _ = runs.read_config(run_dir)
        given = {k: v for k, v in train_overrides.items() if v is not None}
        other = sorted(set(given) - set(RESUME_SETTINGS))
        if other:
            raise ValueError(Said(QT_TR_NOOP("a resume keeps the run's own {setting}; it can change only "
                                             "{settings}"), setting=other[0], settings=", ".join(RESUME_SETTINGS)))
        if "steps" in given and "epochs" not in given:
            given["epochs"] = None
        if "epochs" in given and "steps" not in given:
            given["steps"] = None
        train_cfg = replace(train_cfg, **given)
        train_cfg.validate()
        distributed.check_batch(samples_per_step(model_cfg, train_cfg), model_cfg, distributed.active())
        if not runs.has_checkpoint(run_dir):
            raise runs.CheckpointError(Said(QT_TR_NOOP("{path}: no checkpoint to resume from ({file} missing)"),
                                            path=str(run_dir), file=runs.WEIGHTS))
        return cls(Path(run_dir), model_cfg, train_cfg, resume=True, data=data, fresh_optimizer=fresh_optimizer)

    # -- the generator -------------------------------------------------------------
    def run(self):
        """Yields events; a command can be sent in at every yield. Never raises for a
        failed run: it yields Failed (keeping the last good checkpoint) and ends."""
        self.log: runs.MetricsLog | None = None
        try:
            try:
                yield from self._setup()
            except (runs.CheckpointError, DatasetError) as e:   # bad input: its one line, nothing changed
                yield self._fail_start(e.args[0] if len(e.args) == 1 and isinstance(e.args[0], Said) else str(e))
                return
            yield from self._train()
        except NonFiniteLoss as e:
            yield self._fail(first_line(e), e.part)
        except Exception as e:  # any error ends this run, not the program
            if isinstance(e, torch.cuda.OutOfMemoryError) and torch.cuda.is_available():
                torch.cuda.empty_cache()
            if self.group is not None and distributed.lost_peer(e):
                yield self._fail(Said(QT_TR_NOOP("another training process stopped or lost its connection "
                                                 "({error})"), error=first_line(e, 160)), None)
                return
            yield self._fail(Said(QT_TR_NOOP("{kind}: {error}"), kind=type(e).__name__, error=first_line(e)), None)
        finally:
            if self.log is not None:
                self.log.close()
            self.lock.release()

    # A failure's message is a Said (explorer/core/said.py): English here and in the run's
    # metrics.jsonl, said again in the window's language where it is shown.
    def _fail_start(self, message: str) -> Failed:
        if self.log is not None:
            self.log.write({"kind": "error", "step": self.step, "epoch": self.epoch, "message": english_of(message)})
        if self.resume:
            full = Said(QT_TR_NOOP("{error} (the run is unchanged)"), error=message)
        else:
            full = Said(QT_TR_NOOP("{error} (nothing was trained)"), error=message)
        return Failed(self.step, full, None, None)

    def _fail(self, message: str, part: str | None) -> Failed:
        if self.checkpoint_step is not None:
            full = Said(QT_TR_NOOP("step {step}: {error}; last good checkpoint: step {checkpoint}"),
                        step=self.step, error=message, checkpoint=self.checkpoint_step)
        elif self.resume:
            full = Said(QT_TR_NOOP("step {step}: {error}; the run's checkpoint is unchanged"),
                        step=self.step, error=message)
        else:
            full = Said(QT_TR_NOOP("step {step}: {error}; no checkpoint was written"), step=self.step, error=message)
        if self.log is not None:
            self.log.write({"kind": "error", "step": self.step, "epoch": self.epoch,
                            "message": full.english(), "part": part})
        return Failed(self.step, full, part, self.checkpoint_step)

    def _setup(self):
        cfg = self.cfg
        if self.writes:
            self.run_dir.mkdir(parents=True, exist_ok=True)
            self.lock.acquire()   # one trainer per run; readers leave its temporary files alone
            runs.check_no_links(self.run_dir)
            runs.clean_stale_temps(self.run_dir, locked=True)
        self.device = resolve_device(self.group.device(cfg.device) if self.group else cfg.device)
        check_precision(self.device, cfg.precision)
        self.data = self._data or load_dataset(cfg.dataset, cfg.data_dir, cfg.download, cfg.image_size)
        if tuple(self.data.shape) != tuple(self.model_cfg.data_shape):
            raise ValueError(Said(QT_TR_NOOP("dataset {dataset} has shape {shape}, the model expects {expected}"),
                                  dataset=cfg.dataset, shape=str(self.data.shape),
                                  expected=str(tuple(self.model_cfg.data_shape))))
        torch.manual_seed(cfg.seed)
        self.model: GenerativeModel = build_model(self.model_cfg).to(self.device)
        self.model.train()
        betas = (cfg.beta1, cfg.beta2)
        self.optimizers = {ph: make_adam(self.model.phase_parameters(ph), cfg.lr_for(ph), betas)
                           for ph in self.model.phases}
        self.perm_gen = torch.Generator().manual_seed(cfg.seed)
        # the data live on the device; a batch is an index slice (no DataLoader)
        self.x = self.data.train_x.to(self.device)
        self.y = self.data.train_y.to(self.device)
        self.batch_size = min(samples_per_step(self.model_cfg, cfg), len(self.x))   # samples a step (all ranks')
        distributed.check_batch(self.batch_size, self.model_cfg, self.group)
        self.steps_per_epoch = max(1, len(self.x) // self.batch_size)
        self.perm = None
        self.timeline = Timeline(self.model, self.data, cfg.seed)
        fixed = (self.timeline.z, self.timeline.y) if self.timeline.generated and not self.timeline.points else None
        self.evaluator = Evaluator(self.data, cfg.n_eval_samples, cfg.iwae_k, fixed_noise=fixed) \
            if self.writes else None   # rank 0 alone evaluates
        self.monitor = CollapseMonitor(AlertRules.from_config(cfg))
        self.grad_norms = ADVERSARIAL in self.model.capabilities
        if self.resume:   # every rank reads the checkpoint: the optimizers' state must agree
            records = self._restore()
            self.monitor.replay([r for r in runs.history(records) if r.get("step", 0) <= self.step])
        else:
            if self.init_weights:
                self._load_initial(self.init_weights)
            if self.writes:
                self._write_config()
                runs.write_manifest(self.run_dir, {})   # the directory is a run from now on
        self.x = self.model.prepare_inputs(self.x)  # once, with the weights in place (a prior's codes)
        if self.group is not None:   # the same data and run on every machine
            distributed.check_same_run(self.group, [len(self.x), len(self.data.test_x), self.step, self.total_steps,
                                                    self.pos], self.data, self.device)
            self.group.barrier()   # the others have read the run before rank 0 writes to it
        self.ddp = distributed.wrap(self.model, self.group)   # DDP: rank 0's weights, to every rank
        self.log = runs.MetricsLog(self.run_dir / runs.METRICS) if self.writes else runs.NullLog()
        where = {"processes": self.group.world, "backend": self.group.backend} if self.group else {}
        self.log.write({"kind": "resume" if self.resume else "start", "step": self.step,
                        "epoch": self.epoch, "model": self.model_cfg.model, "dataset": cfg.dataset,
                        "device": str(self.device), **where})
        yield Started(str(self.run_dir), self.step, self.epoch, self.total_steps, self.steps_per_epoch,
                      str(self.device), self.model_cfg.model, cfg.dataset, self.resume)

    @property
    def total_steps(self) -> int:
        if self.cfg.steps is not None:
            return int(self.cfg.steps)
        return int(self.cfg.epochs if self.cfg.epochs is not None else 10) * self.steps_per_epoch

    def _train(self):
        model, phases = self.model, self.model.phases
        acc: dict = {}
        epoch_acc: dict = {}
        norms: dict = {}
        n_acc = n_epoch = 0
        t_window, s_window = time.perf_counter(), self.step
        rate = 0.0
        while self.step < self.total_steps and not self.stop_requested:
            if self.perm is None or self.pos >= self.steps_per_epoch:
                self.perm = torch.randperm(len(self.x), generator=self.perm_gen).to(self.device)
                self.pos = 0
            idx = self.perm[self.pos * self.batch_size:(self.pos + 1) * self.batch_size]
            idx = distributed.shard(idx, self.group)   # this rank's part of the global batch
            batch = (self.x[idx], self.y[idx])
            only = self.pending_steps.pop(0) if self.pending_steps else None
            t_step = time.perf_counter()
            # gradient norms only on the steps that are logged: a sample, not a mean
            recording = self.grad_norms and ((self.step + 1) % self.cfg.log_every == 0
                                             or self.step + 1 == self.total_steps)
            model.begin_step(self.step)
            if self.group is not None:   # its noise: this part of the global batch's
                model.batch_part = (self.group.rank * len(idx), self.batch_size)
            for phase in phases:
                if only is not None and phase not in only:
                    continue
                with autocast(self.device, self.cfg.precision):
                    total, parts = model.loss(batch, phase) if self.ddp is None else self.ddp(batch, phase)
                if not torch.isfinite(total):  # a sync point; cheap next to a step on the CPU
                    bad = next((k for k, v in parts.items() if not torch.isfinite(v)), "total")
                    raise NonFiniteLoss(self.step, bad, float(parts.get(bad, total).detach()))
                opt = self.optimizers[phase]
                opt.zero_grad(set_to_none=True)
                total.backward()
                if recording:
                    norms[f"grad_norm_{phase}"] = torch.nn.utils.get_total_norm(
                        [p.grad for p in self.model.phase_parameters(phase) if p.grad is not None])
                opt.step()
                for k, v in parts.items():
                    v = v.detach()
                    acc[k] = acc[k] + v if k in acc else v
            model.batch_part = None
            model.after_step(self.step)
            if self.tuner is not None and (decision := self.tuner.record(time.perf_counter() - t_step)) and self.writes:
                self.log.write({"kind": "threads", "step": self.step + 1, **decision})   # steps done, as "step" records count
            self.step += 1
            self.pos += 1
            n_acc += 1
            record = None
            if self.step % self.cfg.log_every == 0 or self.step == self.total_steps:
                now = time.perf_counter()
                rate = (self.step - s_window) * self.batch_size / max(now - t_window, 1e-9)
                t_window, s_window = now, self.step
                record = {k: float(v) / n_acc for k, v in acc.items()}
                if self.group is not None:   # the global batch's mean, as one process would log it
                    record = self.group.mean(record, self.device)
                for k, v in record.items():
                    epoch_acc[k] = epoch_acc.get(k, 0.0) + v * n_acc
                n_epoch += n_acc
                acc, n_acc = {}, 0
                record.update({k: float(v) for k, v in norms.items()})
                norms = {}
                self.log.write({"kind": "step", "step": self.step, "epoch": self.epoch, **record,
                                "lr": self.lr, "samples_per_s": round(rate, 1)})
            eta = (self.total_steps - self.step) * self.batch_size / rate if rate > 0 else math.nan
            cmd = yield Progress(self.step, self.epoch, self.total_steps, rate, eta, self.lr, record)
            yield from self._obey(cmd)
            if only is not None and not self.pending_steps:
                self.paused = True
                yield from self._obey(None)
            if (self.writes and self.cfg.eval_every and self.step % self.cfg.eval_every == 0
                    and self.pos < self.steps_per_epoch):
                metrics = self.evaluator.cheap(model)
                if metrics:
                    self.log.write({"kind": "eval", "step": self.step, "epoch": self.epoch, **metrics})
                    yield from self._obey((yield Evaluated(self.step, self.epoch, metrics)))
                    yield from self._alerts(metrics)
            if self.cfg.usage_every and self.step % self.cfg.usage_every == 0 and self.pos < self.steps_per_epoch:
                yield from self._usage()
            if self.pos >= self.steps_per_epoch:
                self.epoch += 1
                train_means = {f"train_{k}": v / max(n_epoch, 1) for k, v in epoch_acc.items()}
                epoch_acc, n_epoch = {}, 0
                yield from self._end_epoch(train_means)
            if self.group is not None:
                # a stop on any rank (Ctrl-C, SIGTERM; a command answering any event of this
                # step, rank 0's evaluations included) stops every rank after this step
                self.stop_requested = self.group.any(self.stop_requested, self.device)
        yield from self._finish()

    def _end_epoch(self, train_means: dict):
        if not self.writes:   # rank 0 evaluates, draws and saves the epoch
            if self.model.code_usage() is not None:
                self.model.reset_code_usage()
            return
        metrics = {**train_means, **self.evaluator.epoch(self.model)}
        usage = self.model.code_usage()
        if usage is not None:
            metrics.update(codebook_stats(usage.cpu().numpy()))
            if "top" in self.model.code_usage_levels():   # VQ-VAE-2: the top level's, prefixed
                top = self.model.code_usage_levels()["top"].cpu().numpy()
                metrics.update({f"top_{k}": v for k, v in codebook_stats(top).items()})
            metrics["restarts"] = self.model.code_restarts
            self.model.reset_code_usage()
        path = self.timeline.save(self.model, self.run_dir / runs.SAMPLES, self.epoch)
        dropped = self.timeline.thin(self.run_dir / runs.SAMPLES, self.epoch)   # bounded on disk
        self.log.write({"kind": "epoch", "step": self.step, "epoch": self.epoch, **metrics,
                        "samples": path.name, **({"dropped": dropped} if dropped else {})})
        due = time.monotonic() - self.last_save >= self.cfg.checkpoint_every_s
        if due:
            self._save()
        yield from self._obey((yield EpochEnd(self.step, self.epoch, metrics, str(path))))
        yield from self._alerts(metrics)
        if due:
            yield from self._obey((yield Checkpointed(self.step, self.epoch, str(self.run_dir))))

    def _usage(self):
        """Code use so far this epoch, for a live histogram: logged compactly, sent in full."""
        usage = self.model.code_usage()
        if usage is None or not self.writes:
            return
        counts = usage.cpu().numpy()
        record = usage_record(counts, self.model.code_restarts)
        levels = self.model.code_usage_levels()
        if "top" in levels:   # VQ-VAE-2: the top level's line first; the bottom's is the unmarked one
            self.log.write({"kind": "usage", "step": self.step, "epoch": self.epoch, "level": "top",
                            **usage_record(levels["top"].cpu().numpy(), self.model.code_restarts)})
        self.log.write({"kind": "usage", "step": self.step, "epoch": self.epoch, **record})
        event = CodebookUsage(self.step, self.epoch, counts.astype(int).tolist(), record["codes_used"],
                              record["dead_codes"], record["perplexity"], record["restarts"])
        yield from self._obey((yield event))

    def _finish(self):
        stopped = self.step < self.total_steps
        if not self.writes:   # the other ranks are done: rank 0 evaluates and saves
            yield Finished(self.step, self.epoch, stopped, {})
            return
        if self.skip_final_eval:   # halted (Ctrl-C, a window closing): save now, evaluate later
            metrics = {}
        else:
            metrics = self.evaluator.epoch(self.model, full=True)
            self.log.write({"kind": "eval", "step": self.step, "epoch": self.epoch, "final": True, **metrics})
            for alert in self._check_alerts(metrics):
                yield alert
        self._save()
        self.log.write({"kind": "end", "step": self.step, "epoch": self.epoch, "stopped": stopped})
        yield Finished(self.step, self.epoch, stopped, metrics)

    def _check_alerts(self, metrics: dict) -> list[AlertRaised]:
        """The collapse monitor on one evaluation: its alerts, logged."""
        alerts = self.monitor.update(self.step, metrics)
        for a in alerts:
            self.log.write({**alert_record(a), "epoch": self.epoch})
        return alerts

    def _alerts(self, metrics: dict):
        for alert in self._check_alerts(metrics):
            yield from self._obey((yield alert))

    # -- commands ------------------------------------------------------------------
    def _obey(self, cmd):
        """Apply a command; yield what it produced, and Paused while paused."""
        event = self._apply(cmd)
        while event is not None or (self.paused and not self.stop_requested):
            was_paused = self.paused
            cmd = yield event if event is not None else Paused(self.step)
            event = self._apply(cmd)
            if event is None and was_paused and not self.paused and not self.pending_steps:
                event = Resumed(self.step)

    def _apply(self, cmd):
        """One command; returns the event it produced, if any. A bad command is
        reported as a Notice and changes nothing: it never ends the run."""
        if cmd is None:
            return self.queued.pop(0) if self.queued else None
        try:
            return self._command(cmd)
        except (ValueError, TypeError, IndexError) as e:
            message = e.args[0] if len(e.args) == 1 and isinstance(e.args[0], Said) else str(e)
            self.log.write({"kind": "notice", "step": self.step, "message": english_of(message)})
            return Notice(self.step, message)

    def _command(self, cmd):
        name, *args = (cmd,) if isinstance(cmd, str) else tuple(cmd)
        if name == "pause":
            self.paused = True
        elif name == "resume":
            self.paused = False
        elif name in ("stop", "halt"):   # halt: save at once, without the final evaluation
            self.stop_requested = True
            self.paused = False
            self.skip_final_eval = self.skip_final_eval or name == "halt"
        elif name == "set_lr":
            lr = float(args[0])
            if not (lr > 0 and math.isfinite(lr)):
                raise ValueError(Said(QT_TR_NOOP("learning rate must be positive, got {value}"), value=str(args[0])))
            phases = tuple(args[1:]) or self.model.phases
            for ph in phases:
                if ph not in self.optimizers:
                    raise ValueError(Said(QT_TR_NOOP("no phase {phase}; this model has {phases}"), phase=repr(ph),
                                          phases=", ".join(self.model.phases)))
            for ph in phases:
                for g in self.optimizers[ph].param_groups:
                    g["lr"] = lr
            self.log.write({"kind": "lr", "step": self.step, "lr": lr, "phases": list(phases)})
            return LrChanged(self.step, lr)
        elif name == "evaluate":
            metrics = self.evaluator.epoch(self.model, full=True)
            self.log.write({"kind": "eval", "step": self.step, "epoch": self.epoch, **metrics})
            self.queued += self._check_alerts(metrics)
            return Evaluated(self.step, self.epoch, metrics)
        elif name == "weights":  # a copy for the window's live views: numpy arrays, never live tensors
            state = {k: v.detach().cpu().numpy().copy() for k, v in self.model.state_dict().items()}
            return WeightsSnapshot(self.step, self.epoch, state)
        elif name == "save":
            self._save()
            return Checkpointed(self.step, self.epoch, str(self.run_dir))
        elif name == "sample":  # the timeline on demand, between epochs
            path = self.timeline.save(self.model, self.run_dir / runs.SAMPLES, self.epoch, step=self.step)
            self.log.write({"kind": "samples", "step": self.step, "epoch": self.epoch, "samples": path.name})
            return SamplesSaved(self.step, self.epoch, str(path))
        elif name == "restart_codes":  # re-seed the codes unused so far this epoch, now
            try:
                codes = self.model.restart_codes().cpu().tolist()
            except ValueError as e:   # models/ has no translations: its refusal said here
                raise ValueError(model_refusal(e)) from e
            self.log.write({"kind": "restart", "step": self.step, "epoch": self.epoch, "codes": len(codes)})
            return CodesRestarted(self.step, self.epoch, codes, self.model.code_restarts)
        elif name == "set_restarts":  # automatic dead-code restarts on or off, for the rest of this session
            if self.model.code_usage() is None or not hasattr(self.model.cfg, "restarts"):
                raise ValueError(Said(QT_TR_NOOP("{model} has no codebook: dead-code restarts do not apply"),
                                      model=self.model.cfg.model))
            on = bool(args[0]) if args else True
            self.model.cfg.restarts = on
            self.log.write({"kind": "setting", "step": self.step, "restarts": on})
            return SettingChanged(self.step, "restarts", on)
        elif name == "step":  # step mode: one step of the named phases, then pause again
            which = args[0] if args else "all"
            only = tuple(self.model.phases) if which in ("all", "both") else (which,)
            unknown = set(only) - set(self.model.phases)
            if unknown:
                raise ValueError(Said(QT_TR_NOOP("no phase {phase}; this model has {phases}"),
                                      phase=", ".join(sorted(unknown)), phases=", ".join(self.model.phases)))
            self.pending_steps.append(only)
            self.paused = False
        else:
            raise ValueError(Said(QT_TR_NOOP("unknown command {command}"), command=repr(name)))
        return None

    @property
    def lr(self) -> float:
        return float(next(iter(self.optimizers.values())).param_groups[0]["lr"])

    # -- checkpoints ---------------------------------------------------------------
    _save = save_checkpoint
    _load_initial = load_initial
    _restore = restore_checkpoint

    def _write_config(self) -> None:
        runs.write_config(self.run_dir, self.model_cfg, self.cfg, {"dataset": self.data.describe()})
        self.config_pending = False

