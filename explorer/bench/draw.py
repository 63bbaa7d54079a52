"""`python main.py bench draw`: from a mouse move on the Draw dock's canvas to the map's
diamond, the posterior's ellipse and the reconstruction updated and painted (issue 14: 16 ms
p95 on the CPU). The real window, offscreen, on demo-vae (a 20-D VAE of mnist5k), with a PCA
map (the exact ellipse) and a UMAP map (the ellipse fitted to samples placed on the map). The
baseline, in the same run: the same moves with the encoding switched off (the stroke and the
paint alone)."""
from __future__ import annotations

import argparse
import json
import os
import tempfile
import time
from pathlib import Path

import numpy as np


def _moves(app, panel, n: int, encode: bool) -> list[float]:
    from PySide6 import QtCore, QtGui, QtWidgets

    canvas = panel.canvas
    canvas.clear()
    if not encode:
        canvas.changed.disconnect()
    size, ox, oy = canvas._cell()
    ih, iw = canvas.pixels.shape
    w, h = size * iw, size * ih   # the image's square on the canvas: every move inside it
    start = QtCore.QPointF(ox + w * 0.3, oy + h * 0.2)
    QtWidgets.QApplication.sendEvent(canvas, QtGui.QMouseEvent(
        QtCore.QEvent.MouseButtonPress, start, canvas.mapToGlobal(start),
        QtCore.Qt.LeftButton, QtCore.Qt.LeftButton, QtCore.Qt.NoModifier))
    out = []
    for k in range(n):
        t = k / max(n - 1, 1)
        pos = QtCore.QPointF(ox + w * (0.5 + 0.3 * np.sin(3 * t)), oy + h * (0.2 + 0.6 * t))
        ev = QtGui.QMouseEvent(QtCore.QEvent.MouseMove, pos, canvas.mapToGlobal(pos), QtCore.Qt.NoButton,
                               QtCore.Qt.LeftButton, QtCore.Qt.NoModifier)
        t0 = time.perf_counter()
        QtWidgets.QApplication.sendEvent(canvas, ev)
        app.processEvents()   # the canvas, the map's items and the reconstruction painted
        out.append((time.perf_counter() - t0) * 1000)
    QtWidgets.QApplication.sendEvent(canvas, QtGui.QMouseEvent(
        QtCore.QEvent.MouseButtonRelease, pos, canvas.mapToGlobal(pos), QtCore.Qt.LeftButton,
        QtCore.Qt.NoButton, QtCore.Qt.NoModifier))
    if not encode:
        canvas.changed.connect(lambda final: panel.encode(final))
    return out


def bench_draw(n: int = 300) -> dict:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6 import QtCore

    from explorer.core.places import shipped_runs_dir
    from explorer.qt.app import load_behind_splash, make_app
    from explorer.qt.main_window import MainWindow
    from explorer.qt.snapshot import wait_until

    app = make_app()
    splash = load_behind_splash(app)
    out = {"benchmark": "draw", "run": "demo-vae", "moves": n}
    with tempfile.TemporaryDirectory() as tmp:
        settings = QtCore.QSettings(str(Path(tmp) / "settings.ini"), QtCore.QSettings.IniFormat)
        win = MainWindow(settings=settings, runs_root=Path(tmp) / "runs", restore=False, map_service=False,
                         open_run=str(shipped_runs_dir() / "demo-vae"))
        win.resize(1366, 768)
        win.show()
        splash.finish(win)
        s = win.latent_session
        wait_until(app, lambda: win.is_ready and s.lifter is not None and not win.jobs.busy(), 120)
        win.views.setCurrentWidget(win.latent_panel)
        win.docks["Draw"].show()
        win.docks["Draw"].raise_()
        panel = win.latent_docks["Draw"]
        for method in ("pca", "umap"):
            win.latent_panel.method.setCurrentIndex(win.latent_panel.method.findData(method))
            if not wait_until(app, lambda: s.map is not None and s.map.method == method and not win.jobs.busy(), 120):
                out[method] = "no map"
                continue
            _moves(app, panel, 20, True)   # warm-up
            base = _moves(app, panel, n, False)
            live = _moves(app, panel, n, True)
            out[method] = {
                "encoded_ms_p50": round(float(np.percentile(live, 50)), 2),
                "encoded_ms_p95": round(float(np.percentile(live, 95)), 2),
                "encoded_ms_max": round(float(np.max(live)), 2),
                "stroke_only_ms_p50": round(float(np.percentile(base, 50)), 2),
                "stroke_only_ms_p95": round(float(np.percentile(base, 95)), 2),
                "ellipse": "exact" if panel.ellipse is not None and panel.ellipse.exact else "fitted to samples",
            }
        win.close()
    return out


def main(argv: list[str]) -> int:
    ap = argparse.ArgumentParser(prog="main.py bench draw", description=__doc__.splitlines()[0])
    ap.add_argument("--moves", type=int, default=300, help="mouse moves measured per map")
    a = ap.parse_args(argv)
    print(json.dumps(bench_draw(a.moves), indent=2))
    return 0
