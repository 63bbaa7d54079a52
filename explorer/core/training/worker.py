"""The training worker: drives a TrainingEngine and talks to the GUI through two queues.

Qt-free, so it runs in a spawned process (see explorer/qt/training_worker.py for
why a process and not a thread). Progress events are coalesced to at most one
every `min_interval` seconds; every other event is forwarded at once. Loss
records are not sent at all: the GUI follows metrics.jsonl, the same way it
follows a run that another process is writing.
"""
from __future__ import annotations

import os
import queue
import time
import multiprocessing as mp
from dataclasses import dataclass, field

from explorer.core.errors import first_line
from explorer.core.training import threads

EXIT = "exit"   # the last item a worker puts on its event queue


@dataclass
class WorkerSpec:
    run_dir: str
    resume: bool = False
    model: str | None = None            # new runs: model name, dataset and overrides
    dataset: str | None = None
    model_overrides: dict = field(default_factory=dict)
    train_overrides: dict = field(default_factory=dict)
    torch_threads: int | None = None
    vq_run: str | None = None           # model "pixelcnn": the VQ-VAE run whose codes it models
    overwrite: bool = False             # replace a run in run_dir (only the files the program wrote)
    fresh_optimizer: bool = False       # resume from the weights alone (a damaged trainer.pt)


def make_engine(spec: WorkerSpec):
    """The one way an engine is built, for the command line and the window alike: a new
    run, a resume (which may change only RESUME_SETTINGS), or a PixelCNN prior."""
    from explorer.core.data.datasets import load_dataset
    from explorer.core.training.config import make_configs
    from explorer.core.training.engine import RESUME_SETTINGS, TrainingEngine

    t = {k: v for k, v in spec.train_overrides.items() if v is not None}
    if spec.resume:
        return TrainingEngine.open(spec.run_dir, fresh_optimizer=spec.fresh_optimizer,
                                   **{k: v for k, v in t.items() if k in RESUME_SETTINGS})
    if spec.model == "pixelcnn":
        from explorer.core.training.prior_runs import create_prior_engine
        if not spec.vq_run:
            raise ValueError("a PixelCNN prior needs the VQ-VAE run it models")
        return create_prior_engine(spec.vq_run, spec.run_dir, spec.model_overrides, t, overwrite=spec.overwrite)
    data = load_dataset(spec.dataset, t.get("data_dir"), bool(t.get("download")), t.get("image_size") or 28)
    mc, tc = make_configs(spec.model, data, spec.model_overrides, {**t, "dataset": data.name})
    return TrainingEngine.create(spec.run_dir, mc, tc, data=data, overwrite=spec.overwrite)


def _parent_alive(ppid: int) -> bool:
    return os.getppid() == ppid


def worker_main(spec: WorkerSpec, commands, events, min_interval: float = 0.25,
                check_parent: bool = True) -> None:
    """Run until the engine finishes, fails or is stopped; then put EXIT."""
    # in its own (spawned) process: idle OpenMP threads sleep, set before torch is imported;
    # in a thread of the window the process's thread settings are the window's
    own_process = mp.parent_process() is not None
    if own_process:
        threads.prepare_process()
    from explorer.core.training.engine import Failed, Paused, Progress

    ppid = os.getppid()
    try:
        if spec.torch_threads and not own_process:
            import torch
            torch.set_num_threads(spec.torch_threads)
        try:
            engine = make_engine(spec)
        except Exception as e:  # bad settings, missing data, corrupt run: one line back
            msg = first_line(e)
            events.put(Failed(0, msg))
            return
        if own_process:   # the thread count by the model's size (threads.py has the figures)
            threads.setup_trainer(engine, spec.torch_threads)
        gen = engine.run()
        last_sent = last_check = 0.0
        held = None  # the newest Progress not yet sent
        ev = next(gen)
        while True:
            now = time.monotonic()
            if isinstance(ev, Progress):
                if now - last_sent >= min_interval:
                    events.put(ev)
                    last_sent, held = now, None
                else:
                    held = ev
            else:
                if held is not None:
                    events.put(held)
                    held = None
                events.put(ev)
            cmd = None
            if isinstance(ev, Paused):
                cmd = _wait_for_command(commands, ppid if check_parent else None)
            elif now - last_check >= 0.02 or not isinstance(ev, Progress):
                last_check = now
                try:
                    cmd = commands.get_nowait()
                except queue.Empty:
                    if check_parent and not _parent_alive(ppid):
                        cmd = "halt"  # the window is gone: save and finish
            try:
                ev = gen.send(cmd)
            except StopIteration:
                break
        if held is not None:
            events.put(held)
    finally:
        events.put(EXIT)


def _wait_for_command(commands, ppid: int | None):
    """Block while paused (no spinning), but notice a vanished parent."""
    while True:
        try:
            return commands.get(timeout=0.5)
        except queue.Empty:
            if ppid is not None and not _parent_alive(ppid):
                return "halt"
