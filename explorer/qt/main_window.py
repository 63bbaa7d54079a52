"""The explorer window: docks the panels and wires them to the session.

What the window shows and what its training worker does live in the Qt-free session
(explorer/core/session.py); each panel observes it (explorer/qt/session_bindings.py, and the
latent panels through explorer/qt/latent_session.py). Threading (docs/ARCHITECTURE.md): training
runs in a worker process (training_worker.py); the window follows the shown run's files on a
timer and redraws the plots on another, only when something changed. Heavy imports (torch,
pyqtgraph's plots, the models) load behind a splash before the window is built (app.py); a
window made without them (a test) loads them in a background thread and finishes after.
"""
from __future__ import annotations

from pathlib import Path

from PySide6 import QtCore, QtGui, QtWidgets

from explorer.core import session as S
from explorer.core.places import DEMO_RUN, shipped_runs_dir, user_runs_dir

from . import i18n
from . import window_actions as actions
from . import window_layout as layout
from .i18n import QT_TR_NOOP, tr
from .jobs import Jobs
from .latent_docks import build_latent_panels, heavy_modules_loaded, preload_heavy_modules
from .panels.loss_panel import LossPanel
from .panels.runs_panel import RunsPanel
from .panels.timeline_panel import TimelinePanel
from .panels.training_panel import TrainingPanel
from .session_bindings import bind_loss_panel, bind_timeline_panel, bind_training_panel
from .training_worker import TrainingWorker
from .widgets import NotificationBar, placeholder as _placeholder

# the docks' English names: their keys in self.docks and in the saved layout (shown translated)
LATENT_DOCKS = (QT_TR_NOOP("Draw"), QT_TR_NOOP("Reparameterise"), QT_TR_NOOP("Traversal"),
                QT_TR_NOOP("Interpolation"), QT_TR_NOOP("Sampling"), QT_TR_NOOP("Denoising"),
                QT_TR_NOOP("Compare runs"), QT_TR_NOOP("Rejection sampling"))
FOLLOW_MS = 150    # the shown run's files are read ~7 times a second
REDRAW_MS = 50     # plots redraw at most 20 times a second
CLOSE_WAIT_S = 30  # closing while training: the trainer is given this long to save


class MainWindow(QtWidgets.QMainWindow):
    ready = QtCore.Signal()                  # heavy imports done, first run opened

    def __init__(self, settings: QtCore.QSettings | None = None, runs_root: Path | None = None,
                 backend: str = "process", open_run: str | None = None, restore: bool = True,
                 map_service: bool = True):
        super().__init__()
        self.settings = settings or QtCore.QSettings("LatentExplorer", "Latent Explorer")
        self.runs_root = Path(runs_root or user_runs_dir()).resolve()
        self.backend = backend
        self.session = S.Session()
        self.gan_link = self.latent_session = self.map_service = None   # built after the first paint
        self.is_ready = self.closing = False
        self.want_map_service = map_service
        self.setWindowTitle("Latent Explorer")
        self.setDockNestingEnabled(True)

        self.notification = NotificationBar()
        self.loss_panel = LossPanel()
        self.views = QtWidgets.QTabWidget()
        self.views.addTab(self.loss_panel, tr("Losses"))
        for name, note in ((tr("Latent map"), tr("The latent map appears once the run is loaded.")),
                           (tr("GAN monitor"), tr("The GAN monitor appears once the run is loaded.")),
                           (tr("Codebook"), tr("The codebook appears once the run is loaded.")),
                           (tr("Quality"), tr("Sample quality appears once the run is loaded."))):
            self.views.addTab(_placeholder(note), name)
        central = QtWidgets.QWidget()
        lay = QtWidgets.QVBoxLayout(central)
        lay.setContentsMargins(4, 4, 4, 4)
        lay.addWidget(self.notification)
        lay.addWidget(self.views, 1)
        self.setCentralWidget(central)

        self.runs_panel, self.training_panel, self.timeline_panel = RunsPanel(), TrainingPanel(), TimelinePanel()
        self.docks: dict[str, QtWidgets.QDockWidget] = {}
        layout.add_panel(self, QT_TR_NOOP("Runs"), self.runs_panel, QtCore.Qt.LeftDockWidgetArea)
        layout.add_panel(self, QT_TR_NOOP("Training"), self.training_panel, QtCore.Qt.LeftDockWidgetArea)
        layout.add_panel(self, QT_TR_NOOP("Sample timeline"), self.timeline_panel, QtCore.Qt.RightDockWidgetArea)
        for title in LATENT_DOCKS:   # placeholders now (a saved layout restores them), content once torch loads
            layout.add_panel(self, title, _placeholder(""), QtCore.Qt.RightDockWidgetArea, tabify_with="Sample timeline")
        self.docks["Sample timeline"].raise_()
        layout.build_menus(self)
        self.language_actions[i18n.language()].setChecked(True)
        self._wire()
        self.status = self.statusBar()
        self.status.showMessage(tr("Loading…"))

        self.follow_timer = QtCore.QTimer(self)
        self.follow_timer.setInterval(FOLLOW_MS)
        self.follow_timer.timeout.connect(self.session.poll)
        self.redraw_timer = QtCore.QTimer(self)
        self.redraw_timer.setInterval(REDRAW_MS)
        self.redraw_timer.timeout.connect(self.loss_panel.refresh)

        self.resize(*layout.DEFAULT_SIZE)
        self._layout_restored = restore and layout.restore_layout(self)
        self._initial_run = open_run
        # python main.py loads them behind a splash (app.py), so the window is built whole
        # before it is shown. Anything else that makes a window (tests, snapshot, benches) loads
        # them here, on this thread. A background thread starved: each file an import reads
        # gives up the GIL, and a GUI thread waiting in QTest.qWait (C++, the GIL held) gave
        # it back only every 20 ms, so loading scikit-learn took over a minute in a test.
        if not heavy_modules_loaded():
            try:
                preload_heavy_modules()
            except Exception as e:  # shown once the window is up
                self._preload_error = f"{type(e).__name__}: {e}"
        self._finish_start()

    def _wire(self) -> None:
        s, rp = self.session, self.runs_panel
        bind_training_panel(self.training_panel, s)
        bind_timeline_panel(self.timeline_panel, s)
        bind_loss_panel(self.loss_panel, s)
        rp.run_selected.connect(self.open_run)
        rp.new_requested.connect(self.new_run)
        rp.open_requested.connect(lambda: actions.open_run_dialog(self))
        rp.duplicate_requested.connect(lambda: actions.duplicate_run(self))
        self.training_panel.continue_requested.connect(
            lambda n: s.run is not None and self.start_run(s.continue_spec(n)))
        s.on(S.RUN, self._run_shown)
        s.on(S.RUNS, self.refresh_runs)
        s.on(S.MESSAGE, self.notify)
        s.on(S.PROGRESS, lambda p: rp.update_row(s.worker_dir, steps=p.step))
        s.on(S.RECORDS, lambda ctx, records: any(r.get("kind") in ("epoch", "eval") for r in records)
             and rp.update_row(str(ctx.path), headline=ctx.headline()))
        s.on(S.STATE, lambda view: self.closing and not s.training and QtCore.QTimer.singleShot(0, self.close))

    @property
    def context(self):
        return self.session.run

    @property
    def worker(self) -> TrainingWorker | None:
        return self.session.worker

    def showEvent(self, e):
        super().showEvent(e)
        QtCore.QTimer.singleShot(0, lambda: layout.readable_tabs(self))
        if not self._layout_restored:  # first launch: a sensible split, then the user's own
            self._layout_restored = True
            QtCore.QTimer.singleShot(0, lambda: layout.default_split(self))

    # -- start-up ------------------------------------------------------------------
    def _finish_start(self):
        err = getattr(self, "_preload_error", None)
        if err:
            self.notify(tr("Could not load the training libraries: {error}").format(error=err), "error")
        else:
            build_latent_panels(self)
        self.refresh_runs()
        target = self._initial_run or self.settings.value("lastRun") or str(shipped_runs_dir() / DEMO_RUN)
        if target and Path(target).is_dir():
            self.open_run(str(target), quiet=self._initial_run is None)
        self.follow_timer.start()
        self.redraw_timer.start()
        self.status.showMessage(tr("Ready"), 3000)
        self.is_ready = True
        QtCore.QTimer.singleShot(0, self.ready.emit)   # after __init__ when built whole: listeners connect first

    # -- runs --------------------------------------------------------------------
    def known_runs(self) -> list[str]:
        from explorer.core.runs import list_runs

        found = [str(p) for root in dict.fromkeys((self.runs_root, shipped_runs_dir().resolve()))
                 for p in list_runs(root)]
        opened = [p for p in (self.settings.value("openedRuns") or []) if Path(p, "config.json").exists()]
        if self.session.run is not None:
            opened.append(self.session.run_path)
        return list(dict.fromkeys(found + opened))

    def refresh_runs(self) -> None:
        self.runs_panel.set_runs(self.session.run_summaries(self.known_runs()), self.session.run_path)

    def open_run(self, path: str, quiet: bool = False) -> bool:
        """Make `path` the run the window shows. A bad run gives a message, never a crash."""
        from explorer.core.runs import CheckpointError

        try:
            self.session.open(path)
        except (CheckpointError, OSError, ValueError) as e:
            if not quiet:
                self.notify(tr("Cannot open {path}: {reason}").format(path=path, reason=e), "error")
            if self.session.run is not None:
                self.runs_panel.select(self.session.run_path)
            return False
        return True

    def _run_shown(self, ctx) -> None:
        if ctx is None:
            return
        path = str(ctx.path)
        opened = [p for p in (self.settings.value("openedRuns") or []) if p != path]
        if not path.startswith(str(self.runs_root)):
            opened.append(path)
        self.settings.setValue("openedRuns", opened[-20:])
        self.settings.setValue("lastRun", path)
        self.setWindowTitle(f"Latent Explorer — {ctx.summary['name']}")
        self.refresh_runs()

    def new_run(self, base: dict | None = None) -> None:
        actions.new_run(self, base)

    # -- training ------------------------------------------------------------------
    def start_run(self, spec) -> bool:
        """Train `spec` (a WorkerSpec) in the background; the window follows its run directory."""
        if self.session.training:
            self.notify(tr("A run is already training; stop it before starting another."), "warning")
            return False
        worker = TrainingWorker(spec, self.backend, self)
        worker.progress.connect(self.session.on_progress)
        worker.event.connect(self.session.on_event)
        worker.exited.connect(lambda: self.session.on_exit(worker))
        self.session.start(spec, worker)
        worker.start()
        self.notification.hide()
        return True

    def stop_training(self) -> None:
        self.session.stop()

    def _train_prior(self, opts: dict) -> None:
        if self.session.run is not None:
            self.start_run(self.session.prior_spec(self.runs_root, opts))

    # -- language ------------------------------------------------------------------------
    def retranslate(self) -> None:
        """After a language switch (i18n.retranslate): the status line's message and the title."""
        msg = self.status.currentMessage()
        if msg:
            self.status.showMessage(tr(i18n.source_of(msg)), 5000)
        self.refresh_runs()   # the runs' headlines are worded when the list is filled

    # -- messages and shutdown --------------------------------------------------------
    def notify(self, text: str, level: str = "info") -> None:
        if level != "info":
            self.notification.show_message(text, level)
        self.status.showMessage(text.splitlines()[0][:200], 10_000)

    def closeEvent(self, e: QtGui.QCloseEvent) -> None:
        """Closing while training: "Stopping and saving…" at once; the trainer saves at the step
        it reached (the final evaluation is left for the next opening) and the window closes
        as soon as it is gone (the STATE observer in _wire), or after CLOSE_WAIT_S."""
        if self.session.training:
            if not self.closing:
                self.closing = True
                self.notification.show_message(tr("Stopping and saving… the window closes once the "
                                                  "checkpoint is written."), "info")
                self.status.showMessage(tr("Stopping and saving…"))
                self.centralWidget().setEnabled(False)
                self.session.halt()
                QtCore.QTimer.singleShot(CLOSE_WAIT_S * 1000, self._give_up_waiting)
            e.ignore()
            return
        self.follow_timer.stop()
        self.redraw_timer.stop()
        if self.latent_session is not None:
            self.settings.setValue("view", self.views.currentIndex())
            self.latent_session.close()
            self.latent_docks["Compare runs"].other.close()
        for jobs in self.findChildren(Jobs):  # the window's, the compare panel's, the GAN panel's
            jobs.shutdown(wait=False)
        if self.map_service is not None:
            self.map_service.close(wait=False)
        self.settings.setValue("geometry", self.saveGeometry())
        self.settings.setValue("windowState", self.saveState())
        if self.session.run is not None:
            self.settings.setValue("lastRun", self.session.run_path)
        self.settings.sync()
        super().closeEvent(e)

    def _give_up_waiting(self) -> None:
        if self.session.training:   # the trainer did not answer: end it (its last checkpoint stays)
            self.session.worker.stop(timeout=2)
