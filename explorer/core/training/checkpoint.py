"""An engine's checkpoint: saving it, and restoring it on resume (docs/ARCHITECTURE.md,
"Run directories"). Functions of the engine (`self`), kept apart from the training loop."""
from __future__ import annotations

import json
import logging
import time

import torch

from explorer.core import runs
from explorer.core.errors import first_line

log = logging.getLogger("explorer")


def save_checkpoint(self) -> None:
    """Write the engine's checkpoint into its run (runs.save_checkpoint: safe at any kill)."""
    meta = {"step": self.step, "epoch": self.epoch}
    trainer = {"step": self.step, "epoch": self.epoch, "pos": self.pos,
               "perm": None if self.perm is None else self.perm.cpu(),
               "perm_gen": self.perm_gen.get_state(), "rng": torch.get_rng_state()}
    if not self.cfg.slim:
        trainer["optimizers"] = {ph: o.state_dict() for ph, o in self.optimizers.items()}
    if self.config_pending:   # a resume's new settings go with the checkpoint that used them
        self._write_config()
    # trainer state first, weights second: the weights' step is the checkpoint's step,
    # and a trainer file from another step is not used on resume
    runs.save_checkpoint(self.run_dir, {
        runs.TRAINER: runs.trainer_bytes(trainer),
        runs.WEIGHTS: runs.weights_bytes(self.model, meta),
        runs.STATE: (json.dumps({**meta, "time": time.time()}, indent=2) + "\n").encode()})
    self.log.write({"kind": "checkpoint", "step": self.step, "epoch": self.epoch})
    self.log.sync()
    self.checkpoint_step = self.step
    self.last_save = time.monotonic()


def load_initial(self, state: dict) -> None:
    """Replace the fresh weights `state` names (a state dict, possibly partial)."""
    own = self.model.state_dict()
    unknown = sorted(set(state) - set(own))
    if unknown:
        raise ValueError(f"initial weights name {len(unknown)} tensors this model lacks, e.g. {unknown[0]}")
    for k, v in state.items():
        if tuple(v.shape) != tuple(own[k].shape):
            raise ValueError(f"initial weight {k} has shape {tuple(v.shape)}, the model {tuple(own[k].shape)}")
    self.model.load_state_dict(state, strict=False)


def restore_checkpoint(self) -> list[dict]:
    """Load the checkpoint to continue from; the run's records. Refuses weights whose step
    lies below a checkpoint the run already logged (resuming there would write over its
    later samples), and a damaged trainer state unless a fresh optimizer is asked for."""
    path = self.run_dir / runs.WEIGHTS
    state, meta = runs.load_weights(path)
    runs.fit_weights(path, self.model, state)
    self.step = runs.meta_int(path, meta, "step")
    self.epoch = runs.meta_int(path, meta, "epoch")
    skipped: list = []
    records, _ = runs.read_metrics(self.run_dir / runs.METRICS, skipped=skipped)
    if skipped:
        log.warning("%s: skipped %d line(s) that are not records (damaged or edited by hand)",
                    self.run_dir / runs.METRICS, len(skipped))
    logged = runs.last_checkpoint_step(records)
    if logged is not None and self.step < logged:
        raise runs.CheckpointError(f"{path}: holds step {self.step}, but {runs.METRICS} logs a checkpoint at "
                                   f"step {logged}: these weights are not the run's last checkpoint")
    later = [r for r in runs.history(records) if r.get("kind") == "step" and r["step"] > self.step]
    if later:
        log.warning("%s: %d steps logged after the checkpoint at step %d were not saved; training "
                    "continues from step %d", self.run_dir, later[-1]["step"] - self.step, self.step, self.step)
    self.checkpoint_step = self.step
    tpath = self.run_dir / runs.TRAINER
    trainer: dict = {}
    try:
        trainer = runs.load_trainer_state(tpath) if tpath.exists() else {}
    except runs.CheckpointError as e:
        if not self.fresh_optimizer:
            raise runs.CheckpointError(f"{e}; the weights at step {self.step} are fine: resume with "
                                       f"--fresh-optimizer to continue from them with a new optimizer") from e
        log.warning("%s; continuing from the weights at step %d with a fresh optimizer", e, self.step)
    if trainer and trainer.get("step") != self.step:
        log.warning("%s is from step %s, the weights from step %d (a save was interrupted): continuing "
                    "with a fresh optimizer", tpath, trainer.get("step"), self.step)
        trainer = {}
    elif not tpath.exists() and not self.cfg.slim:
        log.warning("%s: no trainer state; continuing from the weights with a fresh optimizer", self.run_dir)
    try:
        for ph, sd in (trainer.get("optimizers") or {}).items():
            if ph in self.optimizers:
                self.optimizers[ph].load_state_dict(sd)
                for g in self.optimizers[ph].param_groups:  # settings given now win
                    g["lr"] = self.cfg.lr_for(ph)
        if trainer:
            self.pos = int(trainer["pos"])
            self.perm = None if trainer["perm"] is None else trainer["perm"].to(self.device)
            self.perm_gen.set_state(trainer["perm_gen"])
            torch.set_rng_state(trainer["rng"])
    except (KeyError, TypeError, ValueError, RuntimeError) as e:
        raise runs.CheckpointError(f"{tpath}: damaged: its contents do not fit this run "
                                   f"({first_line(e, 120)}); resume with --fresh-optimizer to "
                                   f"continue from the weights") from e
    if self.perm is not None and (len(self.perm) != len(self.x) or not 0 <= self.pos <= self.steps_per_epoch):
        self.perm, self.pos = None, 0   # a different dataset size: a new epoch order
    return records
