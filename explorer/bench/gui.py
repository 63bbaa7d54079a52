"""`python main.py bench gui [--model gan --dataset ring8]`: the trainer's steps/s with the
real window open (offscreen), against a bare PyTorch loop of the same model measured alone
in the same run; the GUI's event-loop stalls, measured by a 10 ms heartbeat timer.

The window is the one `python main.py` opens, map service included (it compiles UMAP
beside the trainer at idle priority); the run is started through MainWindow.start_run, as
the New Run dialog does, and for a GAN the GAN monitor is brought to the front, so the toy
view asks the trainer for fresh weights every 400 ms, as it does for a user watching.

The bare loop is the model built from the same configs, fused Adam as the engine makes
it, index-slice batches: nothing else. It runs in a fresh interpreter with no window and
no trainer beside it, before and after the window (the median of both counts), once with
one thread and once with PyTorch's default threads; the faster is the baseline, so the
ratio is against the best the bare loop did here, not against a slow default.

The same trainer is also run with no window (a worker process, the same spec), before and
after the window: trainer-with-window / trainer-alone is what the window costs it, apart
from the trainer's own per-epoch work, which the bare loop does not do.

LATENT_EXPLORER_THREADS=default (explorer/core/training/threads.py) gives the trainer
PyTorch's own thread choice again, for measuring the old behaviour.
"""
from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HEARTBEAT_MS = 10
TOY_DEFAULT = {"gan": "ring8"}

_BARE = r'''
import json, os, sys, time
import torch
spec = json.loads(sys.argv[1])
if spec["threads"]:
    torch.set_num_threads(spec["threads"])
from explorer.bench.gui import bare_loop
print(json.dumps(bare_loop(spec["model"], spec["dataset"], spec["model_overrides"],
                           spec["train_overrides"], spec["seconds"])))
'''


def bare_loop(model: str, dataset: str, model_overrides: dict, train_overrides: dict,
              seconds: float, warmup: int = 20) -> dict:
    """Steps/s of a plain PyTorch loop of the model the engine would build."""
    import torch

    from explorer.core.data.datasets import load_dataset
    from explorer.core.training.config import make_configs
    from explorer.core.training.devices import make_adam
    from explorer.core.training.estimate import plain_step
    from models import build_model

    data = load_dataset(dataset)
    mc, tc = make_configs(model, data, model_overrides, {**train_overrides, "dataset": data.name})
    torch.manual_seed(tc.seed)
    net = build_model(mc)
    net.train()
    opts = {ph: make_adam(net.phase_parameters(ph), tc.lr_for(ph), (tc.beta1, tc.beta2)) for ph in net.phases}
    x, y = net.prepare_inputs(data.train_x), data.train_y
    B = min(tc.batch_size, len(x))
    g = torch.Generator().manual_seed(tc.seed)
    perm, pos, i = torch.randperm(len(x), generator=g), 0, 0

    def step():
        nonlocal perm, pos, i
        if (pos + 1) * B > len(x):
            perm, pos = torch.randperm(len(x), generator=g), 0
        idx = perm[pos * B:(pos + 1) * B]
        pos += 1
        plain_step(net, opts, (x[idx], y[idx]), i)
        i += 1

    for _ in range(warmup):
        step()
    n, t0 = 0, time.perf_counter()
    while time.perf_counter() - t0 < seconds:
        step()
        n += 1
    return {"steps_per_s": n / (time.perf_counter() - t0), "threads": torch.get_num_threads()}


def bare_alone(spec: dict, threads: int | None) -> dict:
    """bare_loop in a fresh interpreter: no window, no trainer, PyTorch's own environment."""
    root = Path(__file__).resolve().parents[2]
    env = {k: v for k, v in os.environ.items()
           if k not in ("OMP_WAIT_POLICY", "KMP_BLOCKTIME", "OMP_NUM_THREADS", "LATENT_EXPLORER_THREADS")}
    env["PYTHONPATH"] = str(root) + os.pathsep + env.get("PYTHONPATH", "")
    out = subprocess.run([sys.executable, "-c", _BARE, json.dumps({**spec, "threads": threads})],
                         cwd=root, env=env, capture_output=True, text=True, timeout=600)
    if out.returncode:
        raise RuntimeError(f"the bare loop failed: {out.stderr.strip().splitlines()[-1:]}")
    return json.loads(out.stdout.strip().splitlines()[-1])


def bare_rates(spec: dict, rates: dict) -> None:
    for name, threads in (("1_thread", 1), ("torch_default", None)):
        r = bare_alone(spec, threads)
        rates.setdefault(name, []).append(r["steps_per_s"])
        rates.setdefault(name + "_threads", [r["threads"]])


def trainer_alone(spec: dict, seconds: float, tmp: Path) -> dict:
    """The same trainer the window starts (a TrainingWorker process, the same WorkerSpec), with
    no window: its own per-epoch work (evaluation, samples, checkpoints) counts here as it
    does with the window, so trainer-with-window / trainer-alone is the window's cost alone."""
    import multiprocessing as mp

    from explorer.core.runs import METRICS, read_metrics
    from explorer.core.training.worker import EXIT, WorkerSpec, worker_main

    tmp.mkdir(parents=True, exist_ok=True)
    run_dir = tmp / "alone"
    ws = WorkerSpec(run_dir=str(run_dir), model=spec["model"], dataset=spec["dataset"],
                    model_overrides=dict(spec["model_overrides"]),
                    train_overrides={**spec["train_overrides"], "steps": 10_000_000})
    ctx = mp.get_context("spawn")
    commands, events = ctx.Queue(), ctx.Queue()
    proc = ctx.Process(target=worker_main, args=(ws, commands, events), daemon=True)
    proc.start()
    metrics, t_end = run_dir / METRICS, None
    start = time.time()
    while time.time() - start < 300:
        try:
            ev = events.get(timeout=0.5)
        except Exception:
            ev = None
        if ev == EXIT:
            break
        logged = metrics.exists() and sum(1 for r in read_metrics(metrics)[0] if r.get("kind") == "step") >= 3
        if t_end is None and logged:
            t_end = time.time() + 2.0 + seconds   # as in window_rate: 2 s to settle, then `seconds`
            t_start = t_end - seconds
        if t_end is not None and time.time() >= t_end:
            break
    commands.put("halt")
    while proc.is_alive():
        try:
            if events.get(timeout=1.0) == EXIT:
                break
        except Exception:
            pass
    proc.join(30)
    records, _ = read_metrics(metrics)
    steps = [(r["time"], r["step"]) for r in records
             if r.get("kind") == "step" and t_end is not None and t_start <= r["time"] <= t_end]
    if len(steps) < 2:
        raise RuntimeError(f"the trainer alone logged {len(steps)} steps")
    (t0, s0), (t1, s1) = steps[0], steps[-1]
    return {"steps_per_s": (s1 - s0) / (t1 - t0), "threads": _thread_decisions(records)}


def _thread_decisions(records: list) -> list:
    """What the trainer's ThreadTuner measured and chose (threads.py), in order."""
    return [{"step": r["step"], "threads": r["threads"], "steps_per_s": r["steps_per_s"]}
            for r in records if r.get("kind") == "threads"]


def window_rate(spec: dict, seconds: float, backend: str, view: str, tmp: Path) -> dict:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    import numpy as np
    from PySide6 import QtCore

    from explorer.core.runs import METRICS, read_metrics
    from explorer.core.training.worker import WorkerSpec
    from explorer.qt.app import make_app
    from explorer.qt.main_window import MainWindow
    from explorer.qt.snapshot import wait_until

    app = make_app()
    from explorer.qt.app import load_behind_splash
    splash = load_behind_splash(app)   # as `python main.py` starts
    settings = QtCore.QSettings(str(tmp / "settings.ini"), QtCore.QSettings.IniFormat)
    win = MainWindow(settings=settings, runs_root=tmp / "runs", backend=backend, restore=False)
    win.show()
    splash.finish(win)
    wait_until(app, lambda: win.is_ready, 180)
    run_dir = tmp / "runs" / "bench"
    ws = WorkerSpec(run_dir=str(run_dir), model=spec["model"], dataset=spec["dataset"],
                    model_overrides=dict(spec["model_overrides"]),
                    train_overrides={**spec["train_overrides"], "steps": 10_000_000})
    if not win.start_run(ws):
        raise RuntimeError("the window did not start the run")
    metrics = run_dir / METRICS

    def steps_logged() -> int:
        if not metrics.exists():
            return 0
        return sum(1 for r in read_metrics(metrics)[0] if r.get("kind") == "step")

    wait_until(app, lambda: steps_logged() >= 3 and win.session.run is not None
               and str(win.session.run.path) == str(run_dir.resolve()), 180)   # past start-up, run shown
    panel = {"gan": getattr(win, "gan_panel", None), "losses": win.loss_panel,
             "map": getattr(win, "latent_panel", None)}[view]
    if panel is not None:
        win.views.setCurrentWidget(panel)
    front = win.views.tabText(win.views.currentIndex())
    ticks: list[float] = []
    heartbeat = QtCore.QTimer()
    heartbeat.setTimerType(QtCore.Qt.PreciseTimer)
    heartbeat.setInterval(HEARTBEAT_MS)
    heartbeat.timeout.connect(lambda: ticks.append(time.perf_counter()))
    settle = QtCore.QEventLoop()   # the toy view's first draw, the panel's first refresh
    QtCore.QTimer.singleShot(2000, settle.quit)
    settle.exec()
    t_start, cpu0 = time.time(), time.process_time()
    heartbeat.start()
    loop = QtCore.QEventLoop()  # the real event loop, as in app.exec(), for `seconds`
    QtCore.QTimer.singleShot(int(seconds * 1000), loop.quit)
    loop.exec()
    heartbeat.stop()
    t_end = time.time()
    gui_cpu = (time.process_time() - cpu0) / (t_end - t_start)
    win.stop_training()
    wait_until(app, lambda: not win.session.training, 120)
    win.close()
    app.processEvents()
    records, _ = read_metrics(metrics)
    steps = [(r["time"], r["step"]) for r in records if r.get("kind") == "step" and t_start <= r["time"] <= t_end]
    if len(steps) < 2:
        raise RuntimeError(f"the trainer logged {len(steps)} steps in {seconds:.0f} s")
    (t0, s0), (t1, s1) = steps[0], steps[-1]
    gaps = np.diff(np.array(ticks)) * 1000.0
    stall = np.maximum(gaps - HEARTBEAT_MS, 0.0)
    return {"steps_per_s": (s1 - s0) / (t1 - t0), "front_tab": front, "threads": _thread_decisions(records),
            "stall_ms_p99": round(float(np.percentile(stall, 99)), 2) if len(stall) else None,
            "stall_ms_max": round(float(stall.max()), 2) if len(stall) else None,
            "gui_process_cpu_fraction": round(gui_cpu, 3)}


def bench_gui(seconds: float = 30.0, backend: str = "process", model: str = "vae", dataset: str | None = None,
              bare_seconds: float = 6.0, view: str | None = None, startup: bool = False) -> dict:
    from explorer.core.training import threads

    dataset = dataset or TOY_DEFAULT.get(model, "digits")
    view = view or ("gan" if model in ("gan", "dcgan", "cgan") else "losses")
    spec = {"model": model, "dataset": dataset, "model_overrides": {},
            "train_overrides": {"device": "cpu", "seed": 0}, "seconds": bare_seconds}
    rates: dict = {}
    bare_rates(spec, rates)             # before the window
    with tempfile.TemporaryDirectory() as tmp:
        alone_runs = [trainer_alone(spec, seconds / 2, Path(tmp) / "a")]
        win = window_rate(spec, seconds, backend, view, Path(tmp))
        alone_runs.append(trainer_alone(spec, seconds / 2, Path(tmp) / "b"))
    alone = [r["steps_per_s"] for r in alone_runs]
    bare_rates(spec, rates)             # and after it
    best = max(("1_thread", "torch_default"), key=lambda k: statistics.median(rates[k]))
    bare = statistics.median(rates[best])
    out = {
        "benchmark": "gui", "model": model, "dataset": dataset, "backend": backend, "seconds": seconds,
        "front_tab": win["front_tab"],
        "threads_mode": threads.mode(),
        "bare_steps_per_s": round(bare, 2),
        "bare_baseline": f"{best} ({rates[best + '_threads'][0]} threads), median of before and after",
        "bare_steps_per_s_1_thread": [round(v, 2) for v in rates["1_thread"]],
        "bare_steps_per_s_torch_default": [round(v, 2) for v in rates["torch_default"]],
        "torch_default_threads": rates["torch_default_threads"][0],
        "trainer_steps_per_s_window_open": round(win["steps_per_s"], 2),
        "ratio_trainer_to_bare": round(win["steps_per_s"] / bare, 3),
        "ratio_trainer_to_bare_1_thread": round(win["steps_per_s"] / statistics.median(rates["1_thread"]), 3),
        "trainer_alone_steps_per_s": [round(v, 2) for v in alone],
        "ratio_window_open_to_trainer_alone": round(win["steps_per_s"] / statistics.median(alone), 3),
        "thread_choices_window_open": win["threads"],
        "thread_choices_trainer_alone": [r["threads"] for r in alone_runs],
        "stall_ms_p99": win["stall_ms_p99"], "stall_ms_max": win["stall_ms_max"],
        "gui_process_cpu_fraction": win["gui_process_cpu_fraction"],
        "machine_cores": threads.usable_cores(),
    }
    if startup:
        out.update(startup_times())
    return out


def startup_times(repeats: int = 3) -> dict:
    """Seconds from `python main.py` starting to the window on screen, and to the run loaded."""
    root = Path(__file__).resolve().parents[2]
    vis, ready = [], []
    for _ in range(repeats):
        with tempfile.TemporaryDirectory() as home:
            env = {**os.environ, "LATENT_EXPLORER_STARTUP_PROBE": "1", "LATENT_EXPLORER_T0": str(time.time()),
                   "XDG_CONFIG_HOME": home, "QT_QPA_PLATFORM": os.environ.get("QT_QPA_PLATFORM", "offscreen")}
            out = subprocess.run([sys.executable, "main.py"], cwd=root, env=env, capture_output=True,
                                 text=True, timeout=120).stdout
        for line in out.splitlines():
            key, _, value = line.partition(" ")
            if key == "visible_after_s":
                vis.append(float(value))
            elif key == "ready_after_s":
                ready.append(float(value))
    return {"window_visible_s": round(statistics.median(vis), 3) if vis else None,
            "run_loaded_s": round(statistics.median(ready), 3) if ready else None}


def main(argv: list[str]) -> int:
    p = argparse.ArgumentParser(prog="main.py bench gui", description=__doc__.split("\n\n")[0])
    p.add_argument("--model", default="vae", help="model to train (default vae)")
    p.add_argument("--dataset", default=None, help="dataset (default: ring8 for gan, digits otherwise)")
    p.add_argument("--seconds", type=float, default=30.0, help="seconds of training measured with the window open")
    p.add_argument("--bare-seconds", type=float, default=6.0, help="seconds of each bare-loop measurement")
    p.add_argument("--backend", choices=["process", "thread"], default="process", help="where the trainer runs")
    p.add_argument("--view", choices=["gan", "losses", "map"], default=None,
                   help="the tab in front (default: the GAN monitor for a GAN, the losses otherwise)")
    p.add_argument("--startup", action="store_true", help="also time the window's start-up")
    a = p.parse_args(argv)
    print(json.dumps(bench_gui(a.seconds, a.backend, a.model, a.dataset, a.bare_seconds, a.view, a.startup),
                     indent=2))
    return 0
