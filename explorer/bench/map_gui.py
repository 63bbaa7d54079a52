"""`python main.py bench map`: the latent map's numbers, as one JSON object.

Core numbers come from explorer.bench.map (PCA and UMAP times,
trustworthiness, lift latency). Here, with the real window offscreen:
- click-to-decode latency on a 5,000-point UMAP map, from the mouse event to
  the decoded image repainted, p50/p95 over many clicks;
- frame times at 70,000 points, PointMap against a plain pyqtgraph
  ScatterPlotItem with per-point brushes, in the same run: pan, zoom and recolour.
"""
from __future__ import annotations

import os
import statistics
import tempfile
import time
from pathlib import Path

import numpy as np


def _pct(values, q):
    return round(float(np.percentile(np.asarray(values) * 1000, q)), 2)


def click_latency(run_dir, n_clicks: int = 200, seed: int = 0) -> dict:
    from PySide6 import QtCore
    from PySide6.QtTest import QTest

    from explorer.core.maps.projection import project

    from explorer.qt.app import make_app
    from explorer.qt.main_window import MainWindow
    from explorer.qt.snapshot import wait_until

    app = make_app()
    with tempfile.TemporaryDirectory() as tmp:
        settings = QtCore.QSettings(str(Path(tmp) / "s.ini"), QtCore.QSettings.IniFormat)
        win = MainWindow(settings=settings, restore=False, map_service=False, open_run=str(run_dir))
        win.resize(1400, 900)
        win.show()
        wait_until(app, lambda: win.is_ready, 120)
        win.views.setCurrentIndex(1)
        s = win.latent_session
        wait_until(app, lambda: s.map is not None and not win.jobs.busy(), 120)
        umap_map = project(s.points.vectors, "umap", {"seed": seed})   # warm: compiled by the core bench
        s._install(umap_map, s.map)
        wait_until(app, lambda: s.map.method == "umap", 30)
        panel, m = win.latent_panel, win.latent_panel.map
        app.processEvents()
        (x0, x1), (y0, y1) = m.vb.viewRange()
        rng = np.random.default_rng(seed)
        times = []
        for i in range(n_clicks):
            x, y = rng.uniform(x0, x1), rng.uniform(y0, y1)
            pos = m.map_to_widget(x, y)
            before = panel.decoded.last
            t = time.perf_counter()
            QTest.mouseClick(m.viewport(), QtCore.Qt.LeftButton, QtCore.Qt.NoModifier, pos)
            panel.decoded.image.repaint()   # the decoded image on screen, not just queued
            times.append(time.perf_counter() - t)
            assert panel.decoded.last is not before
        n_points = len(s.points.vectors)
        win.close()
    return {"click_to_decode_ms_p50": _pct(times, 50), "click_to_decode_ms_p95": _pct(times, 95),
            "click_to_decode_ms_max": round(max(times) * 1000, 2), "clicks": n_clicks,
            "map": "umap", "map_points": n_points}


def frame_ms(app, widget, action, k: int) -> float:
    """The median time of `action(i)` then a repaint, over k frames (bench map, bench points)."""
    widget.repaint()
    app.processEvents()
    ts = []
    for i in range(k):
        t = time.perf_counter()
        action(i)
        app.processEvents()
        widget.repaint()
        ts.append(time.perf_counter() - t)
    return statistics.median(ts) * 1000


def frame_times(n: int = 70_000, seed: int = 0, reps: int = 20) -> dict:
    import pyqtgraph as pg

    from explorer.qt.app import make_app
    from explorer.qt.palette import category_colours
    from explorer.qt.point_map import PointMap

    app = make_app()
    rng = np.random.default_rng(seed)
    centres = rng.uniform(-10, 10, (10, 2))
    labels = rng.integers(0, 10, n)
    xy = (centres[labels] + rng.standard_normal((n, 2))).astype(np.float32)
    pal = category_colours(10)

    def frame(widget, action, k):
        return frame_ms(app, widget, action, k)

    ours = PointMap()
    ours.resize(900, 700)
    ours.show()
    ours.set_points(xy, pal[labels])
    app.processEvents()
    ovb = ours.vb
    res = {"points": n, "data": "synthetic, 10 Gaussian clusters", "view_px": [900, 700]}
    res["pointmap_pan_ms"] = round(frame(ours, lambda i: ovb.translateBy(x=0.3 * (1 if i % 2 else -1)), reps), 2)
    res["pointmap_zoom_ms"] = round(frame(ours, lambda i: ovb.scaleBy((0.9, 0.9) if i % 2 else (1 / 0.9, 1 / 0.9)),
                                          reps), 2)
    res["pointmap_recolour_ms"] = round(frame(ours, lambda i: ours.set_colors(pal[(labels + i) % 10]), reps), 2)
    res["pointmap_rerender_after_pan_ms"] = round(frame(ours, lambda i: ours.render(), reps), 2)
    ours.close()

    plain = pg.PlotWidget()
    plain.resize(900, 700)
    plain.show()
    brushes = [pg.mkBrush(*pal[v]) for v in labels]
    item = pg.ScatterPlotItem(x=xy[:, 0], y=xy[:, 1], size=4, pen=None, brush=brushes)
    plain.addItem(item)
    app.processEvents()
    pvb = plain.getViewBox()
    k = max(3, reps // 4)
    res["scatter_pan_ms"] = round(frame(plain, lambda i: pvb.translateBy(x=0.3 * (1 if i % 2 else -1)), k), 2)
    res["scatter_zoom_ms"] = round(frame(plain, lambda i: pvb.scaleBy((0.9, 0.9) if i % 2 else (1 / 0.9, 1 / 0.9)),
                                         k), 2)
    res["scatter_recolour_ms"] = round(frame(plain, lambda i: item.setBrush(
        [pg.mkBrush(*pal[(v + i) % 10]) for v in labels]), 3), 2)
    plain.close()
    for what in ("pan", "zoom", "recolour"):
        res[f"speedup_{what}"] = round(res[f"scatter_{what}_ms"] / res[f"pointmap_{what}_ms"], 1)
    return res


def bench_map_all(run_dir=None, with_service: bool = False) -> dict:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from explorer.bench.map import bench_map, train_vae

    with tempfile.TemporaryDirectory(prefix="bench-map-") as tmp:
        if run_dir is None:
            run_dir = train_vae(Path(tmp) / "vae")
        out = {"benchmark": "map", **bench_map(run_dir, with_service=with_service)}
        out.update(click_latency(run_dir))
    out.update(frame_times())
    return out
