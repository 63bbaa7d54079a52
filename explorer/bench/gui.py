"""`python main.py bench gui`: training throughput with the window open and live
plots, against the bare loop measured in the same run; the GUI's event-loop
stalls, measured by a 10 ms heartbeat timer; and how soon the window is on screen.
"""
from __future__ import annotations

import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

HEARTBEAT_MS = 10


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


def bench_gui(seconds: float = 20.0, backend: str = "process", startup: bool = True) -> dict:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6 import QtCore

    from explorer.bench.train import run_bare
    from explorer.core.data.datasets import load_dataset
    from explorer.core.runs import METRICS, read_metrics
    from explorer.core.training.worker import WorkerSpec

    from explorer.qt.app import make_app
    from explorer.qt.main_window import MainWindow
    from explorer.qt.snapshot import wait_until

    data = load_dataset("mnist5k")
    x = data.train_x.reshape(-1, 784).contiguous()
    bare = [run_bare(x, 10, seed, fused=False)[0] for seed in range(3)]  # and again after the window

    app = make_app()
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        settings = QtCore.QSettings(str(tmp / "settings.ini"), QtCore.QSettings.IniFormat)
        win = MainWindow(settings=settings, runs_root=tmp / "runs", backend=backend, restore=False)
        win.resize(1400, 900)
        win.show()
        wait_until(app, lambda: win.is_ready, 120)
        win.views.setCurrentWidget(win.loss_panel)   # the live plots in front: that is what is measured
        spec = WorkerSpec(run_dir=str(tmp / "runs" / "bench"), model="vae", dataset="mnist5k",
                          torch_threads=int(os.environ.get("BENCH_WORKER_THREADS", "0")) or None,
                          model_overrides={"hidden": (400,), "latent_dim": 20, "arch": "mlp"},
                          train_overrides={"epochs": 100_000, "batch_size": 128, "lr": 1e-3, "device": "cpu"})
        ticks: list[float] = []
        heartbeat = QtCore.QTimer()
        heartbeat.setTimerType(QtCore.Qt.PreciseTimer)
        heartbeat.setInterval(HEARTBEAT_MS)
        heartbeat.timeout.connect(lambda: ticks.append(time.perf_counter()))
        redraws = [0]
        original = win.loss_panel.refresh

        def counted():
            drew = original()
            redraws[0] += bool(drew)
            return drew

        win.redraw_timer.timeout.disconnect()
        win.redraw_timer.timeout.connect(counted)
        if os.environ.get("BENCH_NO_PLOTS"):
            win.redraw_timer.stop()
        win.start_run(spec)
        wait_until(app, lambda: win.loss_panel.point_count("recon") >= 5, 120)  # past start-up
        t_start = time.time()
        cpu0 = time.process_time()
        redraws[0] = 0
        heartbeat.start()
        loop = QtCore.QEventLoop()  # the real event loop, as in app.exec(), for `seconds`
        QtCore.QTimer.singleShot(int(seconds * 1000), loop.quit)
        loop.exec()
        heartbeat.stop()
        t_end = time.time()
        gui_cpu = (time.process_time() - cpu0) / (t_end - t_start)
        points = win.loss_panel.point_count("recon")
        win.stop_training()
        wait_until(app, lambda: win.worker is None, 120)
        records, _ = read_metrics(Path(spec.run_dir) / METRICS)
        win.close()
    bare += [run_bare(x, 10, seed, fused=False)[0] for seed in range(3)]
    steps = [(r["time"], r["step"]) for r in records if r.get("kind") == "step" and t_start <= r["time"] <= t_end]
    (t0, s0), (t1, s1) = steps[0], steps[-1]
    trainer = (s1 - s0) * 128 / (t1 - t0)
    gaps = np.diff(np.array(ticks)) * 1000.0
    stall = np.maximum(gaps - HEARTBEAT_MS, 0.0)
    bare_sps = statistics.median(bare)
    out = {
        "benchmark": "gui", "backend": backend, "seconds": seconds,
        "model": "vae 784-400-20 (BCE), Adam 1e-3, batch 128, mnist5k",
        "bare_samples_per_s": round(bare_sps, 1),
        "bare_samples_per_s_min_max": [round(min(bare), 1), round(max(bare), 1)],
        "trainer_samples_per_s_window_open": round(trainer, 1),
        "ratio_trainer_to_bare": round(trainer / bare_sps, 3),
        "stall_ms_p50": round(float(np.percentile(stall, 50)), 2),
        "stall_ms_p99": round(float(np.percentile(stall, 99)), 2),
        "stall_ms_max": round(float(stall.max()), 2),
        "heartbeats": int(len(ticks)),
        "plot_redraws_per_s": round(redraws[0] / seconds, 1),
        "gui_process_cpu_fraction": round(gui_cpu, 3),
        "points_per_curve_at_end": points,
    }
    if startup:
        out.update(startup_times())
    return out
