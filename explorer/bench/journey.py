"""`python main.py bench journey`: a newcomer's path through the real window (offscreen, QTest
clicks and keys), with the longest GUI stall of each step (a 10 ms heartbeat) and, all through
each step, whether every visible panel shows the current run.

open the demo VAE · 20 clicks and a drag on its map · UMAP · a VAE on digits for 2 epochs
from the New Run dialog, and its map · demo-vqvae's Codebook tab and a click on a cell ·
demo-dcgan's GAN monitor · a ring8 GAN and one step in step mode · close while it trains.

tests/qt/test_journey.py walks the same path (`short=True`: no UMAP) with functional
assertions only. Goal (issue 13): no stall over 100 ms; every panel on the current run.
"""
from __future__ import annotations

import argparse
import json
import multiprocessing
import os
import tempfile
import time
from pathlib import Path

HEARTBEAT_MS = 10


class Heartbeat:
    """The largest gap between 10 ms timer ticks since the last `lap`; with `explain`, a
    watchdog thread samples the GUI thread's stack every 10 ms while a tick is over 40 ms late
    (so a stall over 100 ms is seen from its middle, not only its end)."""

    def __init__(self, QtCore, explain: bool = False):
        self.timer = QtCore.QTimer()
        self.timer.setInterval(HEARTBEAT_MS)
        self.timer.timeout.connect(self._tick)
        self.last = time.perf_counter()
        self.worst = 0.0
        self.timer.start()
        self.culprits: dict = {}
        if explain:
            import threading
            self._gui = threading.get_ident()
            threading.Thread(target=self._watch, daemon=True, name="journey-watchdog").start()

    def _watch(self):
        # faulthandler reads the GUI thread's frames without building frame objects (walking
        # them from another thread with sys._current_frames crashed CPython 3.11 here)
        import faulthandler
        import re
        import tempfile
        gui = f"0x{self._gui:016x}"
        with tempfile.TemporaryFile("w+") as f:
            while True:
                time.sleep(0.01)
                if time.perf_counter() - self.last <= 0.04:
                    continue
                f.seek(0)
                f.truncate()
                faulthandler.dump_traceback(file=f, all_threads=True)
                f.seek(0)
                block = f.read().split("\n\n")
                ours = next((b for b in block if gui in b.splitlines()[0]), "") if block else ""
                lines = re.findall(r'File "([^"]+)", line (\d+) in (\w+)', ours)
                mine = [f"{Path(fn).name}:{ln} {name}" for fn, ln, name in lines
                        if ("/explorer/" in fn or "/models/" in fn) and "/explorer/bench/" not in fn and "/explorer/cli/" not in fn][:3]
                # the innermost frame too, when it is a library's (pyqtgraph painting an axis);
                # none at all means Qt's own C++ (layout, painting widgets) under processEvents
                inner = lines[0] if lines else None
                if inner and "/explorer/" not in inner[0] and "/models/" not in inner[0]:
                    mine.insert(0, f"{'/'.join(Path(inner[0]).parts[-2:])}:{inner[1]} {inner[2]}")
                key = " < ".join(mine)
                if not key:   # Qt's own C++, or waiting for the GIL: name the other threads' Python
                    others = []
                    for b in block:
                        if not b.strip() or gui in b.splitlines()[0] or "journey-watchdog" in b:
                            continue
                        frames = re.findall(r'File "([^"]+)", line (\d+) in (\w+)', b)
                        if frames and "threading.py" not in frames[0][0] and "selectors.py" not in frames[0][0] \
                                and "queues.py" not in frames[0][0] and "connection.py" not in frames[0][0]:
                            others.append(f"{'/'.join(Path(frames[0][0]).parts[-2:])}:{frames[0][1]} {frames[0][2]}")
                    key = "Qt (no Python frame under processEvents)" + (
                        f"; running Python: {', '.join(others[:2])}" if others else "")
                self.culprits[key] = self.culprits.get(key, 0) + 10

    def _tick(self):
        now = time.perf_counter()
        self.worst = max(self.worst, now - self.last)
        self.last = now

    def lap(self) -> float:
        worst, self.worst, self.last = self.worst, 0.0, time.perf_counter()
        return worst


def visible_panels(win) -> dict:
    """The panels a user sees now: the front tab of the central views, each dock's front tab."""
    out = {win.views.tabText(win.views.currentIndex()): win.views.currentWidget()}
    for title, dock in win.docks.items():
        if dock.isVisible() and not dock.visibleRegion().isEmpty():
            out[title] = dock.widget()
    return out


def stale_panels(win) -> list[str]:
    """Visible panels whose content is not the current run's (their empty state is fine only
    when no run is shown)."""
    from explorer.qt.session_bindings import shown_run_of

    current = win.session.run_path
    bad = []
    for title, widget in visible_panels(win).items():
        if title == "Runs":
            shown = win.runs_panel.selected_path()
        else:
            shown = shown_run_of(widget)
        if shown != current and not (shown is None and title == "Runs"):
            bad.append(f"{title}: {shown}")
    latent = win.latent_session
    if latent is not None and latent.points is not None and latent.context is not win.session.run:
        bad.append("Latent map: points of another run")
    return bad


class Journey:
    def __init__(self, app, win, QtCore, QTest, explain: bool = False):
        self.app, self.win, self.QtCore, self.QTest = app, win, QtCore, QTest
        self.beat = Heartbeat(QtCore, explain)
        self.steps: list[dict] = []
        self._stale: list[str] = []
        self._t0 = time.perf_counter()

    def pump(self, seconds: float = 0.0) -> None:
        end = time.perf_counter() + seconds
        while True:
            self.app.processEvents(self.QtCore.QEventLoop.AllEvents, 20)
            self._stale.extend(s for s in stale_panels(self.win) if s not in self._stale)
            if time.perf_counter() >= end:
                return
            time.sleep(0.005)

    def wait(self, cond, timeout: float, what: str) -> bool:
        end = time.perf_counter() + timeout
        while time.perf_counter() < end:
            self.pump()
            if cond():
                return True
        self._missed = what
        return False

    def step(self, name: str, fn) -> dict:
        self.beat.lap()
        self._stale, self._missed = [], None
        t0 = time.perf_counter()
        error = None
        try:
            fn()
        except Exception as e:  # noqa: BLE001 - the journey goes on; the step says why
            error = f"{type(e).__name__}: {e}"
        self.pump(0.3)
        rec = {"step": name, "wall_s": round(time.perf_counter() - t0, 2),
               "longest_stall_ms": round(self.beat.lap() * 1000, 1),
               "panels_on_current_run": not self._stale, "stale": self._stale[:5]}
        if self._missed:
            rec["timed_out_waiting_for"] = self._missed
        if error:
            rec["error"] = error
        if self.beat.culprits:
            top = sorted(self.beat.culprits.items(), key=lambda kv: -kv[1])[:4]
            rec["stalled_in_ms"] = dict(top)
            self.beat.culprits.clear()
        self.steps.append(rec)
        return rec

    # -- the user's actions --------------------------------------------------------------
    def open(self, path) -> None:
        self.win.open_run(str(path))

    def click_map(self, clicks: int = 20) -> None:
        panel = self.win.latent_panel
        self.win.views.setCurrentWidget(panel)
        s = self.win.latent_session
        self.wait(lambda: s.lifter is not None, 120, "the map")
        m = panel.map
        w, h = m.width(), m.height()
        Qt = self.QtCore.Qt
        for i in range(clicks):
            pos = self.QtCore.QPoint(int(w * (0.2 + 0.6 * ((i * 7) % clicks) / clicks)),
                                     int(h * (0.2 + 0.6 * ((i * 3) % clicks) / clicks)))
            self.QTest.mouseClick(m.viewport(), Qt.LeftButton, Qt.NoModifier, pos)
            self.pump(0.05)
        a, b = self.QtCore.QPoint(int(w * 0.3), int(h * 0.5)), self.QtCore.QPoint(int(w * 0.7), int(h * 0.5))
        self.QTest.mousePress(m.viewport(), Qt.LeftButton, Qt.NoModifier, a)
        from PySide6 import QtGui
        for k in range(1, 11):
            p = a + (b - a) * (k / 10)
            ev = QtGui.QMouseEvent(self.QtCore.QEvent.MouseMove, self.QtCore.QPointF(p),
                                   self.QtCore.QPointF(m.viewport().mapToGlobal(p)), Qt.NoButton,
                                   Qt.LeftButton, Qt.NoModifier)
            self.app.sendEvent(m.viewport(), ev)
            self.pump(0.03)
        self.QTest.mouseRelease(m.viewport(), Qt.LeftButton, Qt.NoModifier, b)

    def umap(self) -> None:
        panel, s = self.win.latent_panel, self.win.latent_session
        panel.method.setCurrentIndex(panel.method.findData("umap"))
        self.wait(lambda: s.map is not None and s.map.method == "umap", 240, "the UMAP map")

    def train_from_dialog(self, run_dir: Path) -> None:
        from explorer.qt.panels.new_run_dialog import NewRunDialog

        self.win.new_run()
        self.wait(lambda: self.win.findChild(NewRunDialog) is not None, 10, "the New Run dialog")
        dlg = self.win.findChild(NewRunDialog)
        dlg.model.setCurrentIndex(dlg.model.findData("vae"))
        dlg.dataset.setCurrentIndex(dlg.dataset.findData("digits"))
        dlg.unit.setCurrentIndex(dlg.unit.findText("epochs"))
        dlg.length.setValue(2)
        if hasattr(dlg, "out_dir"):
            dlg.out_dir.setText(str(run_dir))
        elif hasattr(dlg, "name"):
            dlg.name.setText(run_dir.name)
        self.pump(0.1)
        from PySide6 import QtWidgets
        ok = dlg.findChild(QtWidgets.QDialogButtonBox).button(QtWidgets.QDialogButtonBox.Ok)
        self.QTest.mouseClick(ok, self.QtCore.Qt.LeftButton)
        self.wait(lambda: self.win.session.training, 30, "the trainer to start")
        self.wait(lambda: not self.win.session.training, 300, "the run to finish")
        self.win.views.setCurrentWidget(self.win.latent_panel)
        s = self.win.latent_session
        self.trained_mapped = self.wait(
            lambda: s.points is not None and s.context is self.win.session.run and s.lifter is not None
            and self.win.session.run_path == str(run_dir.resolve()), 120, "the new run's map")

    def codebook(self, run) -> None:
        self.open(run)
        cb = self.win.codebook_panel
        self.win.views.setCurrentWidget(cb)
        self.wait(lambda: cb.grids is not None, 180, "the code grids")
        if cb.grids is not None:
            cb.select_cell(0, 0)

    def gan_monitor(self, run) -> None:
        self.open(run)
        self.win.views.setCurrentWidget(self.win.gan_panel)
        self.pump(1.0)

    def ring8_step(self, run_dir: Path) -> None:
        from explorer.core.training.worker import WorkerSpec

        self.win.start_run(WorkerSpec(run_dir=str(run_dir), model="gan", dataset="ring8",
                                      train_overrides={"steps": 20_000, "eval_every": 500}))
        self.win.views.setCurrentWidget(self.win.gan_panel)
        panel = self.win.gan_panel
        self.wait(lambda: self.win.session.view == "training", 60, "the GAN to train")
        self.wait(lambda: panel.step_both.isEnabled(), 60, "step mode")
        self.QTest.mouseClick(panel.step_both, self.QtCore.Qt.LeftButton)
        self.wait(lambda: self.win.session.view == "paused", 60, "the step")

    def close(self) -> dict:
        t0 = time.perf_counter()
        self.win.close()
        said = "Stopping and saving" in self.win.notification.text()
        self.wait(lambda: not self.win.isVisible(), 60, "the window to close")
        closed_after = time.perf_counter() - t0
        # the map service is terminated, not waited for, and reaped by a thread: give it the
        # few milliseconds its exit takes (a condition, not a fixed sleep)
        self.wait(lambda: not multiprocessing.active_children(), 10, "the child processes to exit")
        return {"said_stopping_at_once": said, "closed_after_s": round(closed_after, 2),
                "child_processes_left": len(multiprocessing.active_children())}


def run_journey(short: bool = False, tmp: Path | None = None, explain: bool = False) -> dict:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6 import QtCore
    from PySide6.QtTest import QTest

    from explorer.core.places import shipped_runs_dir
    from explorer.qt.app import make_app
    from explorer.qt.main_window import MainWindow

    app = make_app()
    own = tmp is None
    tmpdir = tempfile.TemporaryDirectory() if own else None
    tmp = Path(tmpdir.name) if own else Path(tmp)
    try:
        settings = QtCore.QSettings(str(tmp / "settings.ini"), QtCore.QSettings.IniFormat)
        from explorer.qt.app import load_behind_splash
        splash = load_behind_splash(app)   # as `python main.py` starts: heavy imports behind a splash
        win = MainWindow(settings=settings, runs_root=tmp / "runs", restore=False)
        win.resize(1366, 768)
        win.show()
        splash.finish(win)
        app.processEvents()   # its first paint: from here on the window is on screen, and counted
        j = Journey(app, win, QtCore, QTest, explain)
        demos = shipped_runs_dir()
        j.step("start and open the demo VAE", lambda: j.wait(lambda: win.is_ready, 120, "the window"))
        j.step("20 clicks and a drag on the map", j.click_map)
        if not short:
            j.step("switch to UMAP", j.umap)
        j.step("train a VAE on digits for 2 epochs from the dialog", lambda: j.train_from_dialog(tmp / "runs" / "my-vae"))
        j.step("demo-vqvae: Codebook tab, click a cell", lambda: j.codebook(demos / "demo-vqvae"))
        j.step("demo-dcgan: GAN monitor", lambda: j.gan_monitor(demos / "demo-dcgan"))
        j.step("ring8 GAN: step mode", lambda: j.ring8_step(tmp / "runs" / "my-gan"))
        closing = {}
        j.step("close while training", lambda: closing.update(j.close()))
        steps = j.steps
        return {"steps": steps, "close": closing,
                "worst_stall_ms": max(s["longest_stall_ms"] for s in steps),
                "steps_over_100ms": [s["step"] for s in steps if s["longest_stall_ms"] > 100],
                "every_panel_on_current_run": all(s["panels_on_current_run"] for s in steps),
                "window": {"min_width": win.minimumSizeHint().width(), "min_height": win.minimumSizeHint().height()},
                "trained_run_mapped_in_the_window": getattr(j, "trained_mapped", False)}
    finally:
        if own:
            tmpdir.cleanup()


def main(argv: list[str]) -> int:
    ap = argparse.ArgumentParser(prog="main.py bench journey", description=__doc__.splitlines()[0])
    ap.add_argument("--short", action="store_true", help="skip the UMAP step (its first use compiles for a minute)")
    ap.add_argument("--explain", action="store_true",
                    help="sample the GUI thread's stack during stalls and name where they were")
    args = ap.parse_args(argv)
    print(json.dumps(run_journey(short=args.short, explain=args.explain), indent=2))
    return 0
