"""The explorer window: dockable panels around live loss plots.

Threading (docs/ARCHITECTURE.md): training runs in a worker process (training_worker.py);
the window follows the run's metrics.jsonl on a 10 Hz timer and redraws the
plots on a 20 Hz timer, only when something changed. Heavy imports (torch,
scikit-learn) load in a background thread after the window is on screen.
"""
from __future__ import annotations

import threading
from pathlib import Path

from PySide6 import QtCore, QtGui, QtWidgets

from .latent_docks import build_latent_panels
from explorer.core.places import DEMO_RUN, shipped_runs_dir, user_runs_dir

from .jobs import Jobs
from .panels.loss_panel import LossPanel
from .panels.runs_panel import RunsPanel
from .panels.timeline_panel import TimelinePanel
from .panels.training_panel import TrainingPanel
from .training_worker import TrainingWorker
from .widgets import NotificationBar, placeholder as _placeholder

LATENT_DOCKS = ("Traversal", "Interpolation", "Sampling", "Denoising", "Compare runs", "Rejection sampling")
FOLLOW_MS = 150    # metrics.jsonl is read ~7 times a second
REDRAW_MS = 50     # plots redraw at most 20 times a second


def default_runs_root() -> Path:
    return user_runs_dir()


def preload_heavy_modules() -> None:
    """Everything the panels need that takes seconds to import."""
    import torch
    from threadpoolctl import threadpool_limits

    import explorer.core.training.follow  # noqa: F401
    import explorer.core.maps.projection  # noqa: F401
    import explorer.core.runs  # noqa: F401
    import models  # noqa: F401

    # The window's own torch and BLAS work is small (one decode per click, a PCA); their
    # worker threads would only compete with the trainer for the cores, and OpenBLAS
    # threads stalled for seconds when the other core was busy (a 20x5000x20 product: 150 ms)
    torch.set_num_threads(1)
    threadpool_limits(1)


class MainWindow(QtWidgets.QMainWindow):
    run_opened = QtCore.Signal(object)       # RunContext
    checkpoint_updated = QtCore.Signal(object)
    ready = QtCore.Signal()                  # heavy imports done, first run opened

    def __init__(self, settings: QtCore.QSettings | None = None, runs_root: Path | None = None,
                 backend: str = "process", open_run: str | None = None, restore: bool = True,
                 map_service: bool = True):
        super().__init__()
        self.settings = settings or QtCore.QSettings("LatentExplorer", "Latent Explorer")
        self.runs_root = Path(runs_root or default_runs_root()).resolve()
        self.backend = backend
        self.context = None  # explorer.core.training.run_context.RunContext of the run shown
        self.worker: TrainingWorker | None = None
        self.worker_dir: str | None = None
        self._worker_ended_cleanly = False
        self._worker_state = ""
        self.gan_link = None   # the GAN monitor and its wiring are built after the first paint
        self.is_ready = False
        self.setWindowTitle("Latent Explorer")
        self.setDockNestingEnabled(True)

        self.want_map_service = map_service
        self.map_service = None
        self.latent_session = None
        self.notification = NotificationBar()
        self.loss_panel = LossPanel()
        self.views = QtWidgets.QTabWidget()
        self.views.addTab(self.loss_panel, "Losses")
        self.views.addTab(_placeholder("The latent map appears once the run is loaded."), "Latent map")
        self.views.addTab(_placeholder("The GAN monitor appears once the run is loaded."), "GAN monitor")
        self.views.addTab(_placeholder("The codebook appears once the run is loaded."), "Codebook")
        central = QtWidgets.QWidget()
        lay = QtWidgets.QVBoxLayout(central)
        lay.setContentsMargins(4, 4, 4, 4)
        lay.addWidget(self.notification)
        lay.addWidget(self.views, 1)
        self.setCentralWidget(central)

        self.runs_panel = RunsPanel()
        self.training_panel = TrainingPanel()
        self.timeline_panel = TimelinePanel()
        self.docks: dict[str, QtWidgets.QDockWidget] = {}
        self.add_panel("Runs", self.runs_panel, QtCore.Qt.LeftDockWidgetArea)
        self.add_panel("Training", self.training_panel, QtCore.Qt.LeftDockWidgetArea)
        self.add_panel("Sample timeline", self.timeline_panel, QtCore.Qt.RightDockWidgetArea)
        # latent-space panels: placeholders now (so a saved layout restores them), content once
        # torch has loaded
        for title in LATENT_DOCKS:
            self.add_panel(title, _placeholder(""), QtCore.Qt.RightDockWidgetArea, tabify_with="Sample timeline")
        self.docks["Sample timeline"].raise_()
        self._build_menus()
        self._connect()
        self.status = self.statusBar()
        self.status.showMessage("Loading…")

        self.follow_timer = QtCore.QTimer(self)
        self.follow_timer.setInterval(FOLLOW_MS)
        self.follow_timer.timeout.connect(self.poll_run)
        self.redraw_timer = QtCore.QTimer(self)
        self.redraw_timer.setInterval(REDRAW_MS)
        self.redraw_timer.timeout.connect(self.loss_panel.refresh)

        self.resize(1280, 820)
        self._layout_restored = restore and self._restore_layout()
        self._initial_run = open_run
        self._preload = threading.Thread(target=self._preload_then_signal, daemon=True, name="preload")
        self._preloaded = QtCore.QTimer(self)
        self._preloaded.setInterval(30)
        self._preloaded.timeout.connect(self._check_preload)
        self._preload.start()
        self._preloaded.start()

    # -- layout ------------------------------------------------------------------
    def add_panel(self, title: str, widget: QtWidgets.QWidget, area=QtCore.Qt.RightDockWidgetArea,
                  tabify_with: str | None = None) -> QtWidgets.QDockWidget:
        dock = QtWidgets.QDockWidget(title, self)
        dock.setObjectName(f"dock:{title}")
        dock.setWidget(widget)
        self.addDockWidget(area, dock)
        if tabify_with and tabify_with in self.docks:
            self.tabifyDockWidget(self.docks[tabify_with], dock)
        self.docks[title] = dock
        if hasattr(self, "view_menu"):
            self.view_menu.addAction(dock.toggleViewAction())
        return dock

    def _build_menus(self):
        file = self.menuBar().addMenu("&File")
        for text, slot, key in (("&New run…", self.new_run, QtGui.QKeySequence.New),
                                ("&Open run…", self.open_run_dialog, QtGui.QKeySequence.Open),
                                ("&Duplicate run…", self.duplicate_run, None)):
            act = file.addAction(text)
            act.triggered.connect(slot)
            if key is not None:
                act.setShortcut(key)
        file.addSeparator()
        quit_ = file.addAction("&Quit")
        quit_.setShortcut(QtGui.QKeySequence.Quit)
        quit_.triggered.connect(self.close)
        self.view_menu = self.menuBar().addMenu("&View")
        for dock in self.docks.values():
            self.view_menu.addAction(dock.toggleViewAction())

    def _connect(self):
        rp, tp = self.runs_panel, self.training_panel
        rp.run_selected.connect(self.open_run)
        rp.new_requested.connect(self.new_run)
        rp.open_requested.connect(self.open_run_dialog)
        rp.duplicate_requested.connect(self.duplicate_run)
        tp.continue_requested.connect(self.continue_run)
        tp.pause_requested.connect(lambda: self.send("pause"))
        tp.resume_requested.connect(lambda: self.send("resume"))
        tp.stop_requested.connect(self.stop_training)
        tp.save_requested.connect(lambda: self.send("save"))
        tp.lr_requested.connect(lambda lr: self.send(("set_lr", lr)))
        self.timeline_panel.sample_now.connect(lambda: self.send("sample"))

    def _restore_layout(self) -> bool:
        geo = self.settings.value("geometry")
        state = self.settings.value("windowState")
        if geo is not None:
            self.restoreGeometry(geo)
        return state is not None and self.restoreState(state)

    def showEvent(self, e):
        super().showEvent(e)
        if not self._layout_restored:  # first launch: a sensible split, then the user's own
            self._layout_restored = True
            QtCore.QTimer.singleShot(0, self._default_split)

    def _default_split(self):
        w = self.width()
        self.resizeDocks([self.docks["Runs"], self.docks["Sample timeline"]],
                         [int(w * 0.22), int(w * 0.24)], QtCore.Qt.Horizontal)
        self.resizeDocks([self.docks["Runs"], self.docks["Training"]], [300, 230], QtCore.Qt.Vertical)

    # -- start-up ------------------------------------------------------------------
    def _preload_then_signal(self):
        try:
            preload_heavy_modules()
        except Exception as e:  # shown once the window is up
            self._preload_error = f"{type(e).__name__}: {e}"

    def _check_preload(self):
        if self._preload.is_alive():
            return
        self._preloaded.stop()
        err = getattr(self, "_preload_error", None)
        if err:
            self.notify(f"Could not load the training libraries: {err}", "error")
        else:
            build_latent_panels(self)
        self.refresh_runs()
        target = self._initial_run or self.settings.value("lastRun") or str(shipped_runs_dir() / DEMO_RUN)
        if target and Path(target).is_dir():
            self.open_run(str(target), quiet=self._initial_run is None)
        self.follow_timer.start()
        self.redraw_timer.start()
        self.status.showMessage("Ready", 3000)
        self.is_ready = True
        self.ready.emit()

    # -- runs --------------------------------------------------------------------
    def known_runs(self) -> list[str]:
        from explorer.core.runs import list_runs

        found = [str(p) for root in dict.fromkeys((self.runs_root, shipped_runs_dir().resolve()))
                 for p in list_runs(root)]
        opened = [p for p in (self.settings.value("openedRuns") or []) if Path(p, "config.json").exists()]
        if self.context is not None:
            opened.append(str(self.context.path))
        return list(dict.fromkeys(found + opened))

    def refresh_runs(self) -> None:
        from explorer.core.training.follow import run_summary
        from explorer.core.runs import CheckpointError

        summaries = []
        training = self.worker_dir if self.worker is not None and self.worker.running else None
        for path in self.known_runs():
            try:
                summary = run_summary(path)
            except CheckpointError:
                continue
            if path == training:
                summary["status"] = "training"
            summaries.append(summary)
        self.runs_panel.set_runs(summaries, str(self.context.path) if self.context else None)

    def open_run(self, path: str, quiet: bool = False) -> bool:
        """Make `path` the run the window shows. A bad run gives a message, never a crash."""
        from explorer.core.training.run_context import RunContext
        from explorer.core.runs import CheckpointError

        path = str(Path(path).resolve())
        if self.context is not None and str(self.context.path) == path:
            return True
        try:
            context = RunContext.open(path)
        except (CheckpointError, OSError, ValueError) as e:
            if not quiet:
                self.notify(f"Cannot open {path}: {e}", "error")
            if self.context is not None:
                self.runs_panel.select(str(self.context.path))
            return False
        self.context = context
        opened = [p for p in (self.settings.value("openedRuns") or []) if p != path]
        if not path.startswith(str(self.runs_root)):
            opened.append(path)
        self.settings.setValue("openedRuns", opened[-20:])
        self.settings.setValue("lastRun", path)
        self.loss_panel.set_history(context.history)
        self.timeline_panel.reset()
        self.timeline_panel.set_kind(context.timeline_kind)
        self.timeline_panel.set_entries(context.follower.timeline())
        s = context.summary
        self.training_panel.set_run(s["name"], s["model"], s["dataset"], s["step"], s["epoch"])
        self._update_training_state()
        self.setWindowTitle(f"Latent Explorer — {s['name']}")
        self.refresh_runs()
        self.loss_panel.refresh()
        self.run_opened.emit(context)
        return True

    def poll_run(self) -> None:
        ctx = self.context
        if ctx is None:
            return
        new = ctx.poll()
        if new and getattr(self, "gan_panel", None) is not None:
            self.gan_panel.refresh()
            self.codebook_panel.refresh()
        if new and any(r.get("kind") in ("epoch", "samples", "resume") for r in new):
            self.timeline_panel.set_entries(ctx.follower.timeline())
            self.runs_panel.update_row(str(ctx.path), headline=ctx.headline())
        if ctx.reload_if_checkpoint_changed():
            self.checkpoint_updated.emit(ctx)

    def open_run_dialog(self) -> None:
        dlg = QtWidgets.QFileDialog(self, "Open a run directory", str(self.runs_root))
        dlg.setFileMode(QtWidgets.QFileDialog.Directory)
        dlg.setOption(QtWidgets.QFileDialog.ShowDirsOnly, True)
        dlg.setOption(QtWidgets.QFileDialog.DontUseNativeDialog, True)
        dlg.fileSelected.connect(self.open_run)
        dlg.open()

    def new_run(self, base: dict | None = None) -> None:
        from explorer.core.training.devices import available_devices

        from .panels.new_run_dialog import NewRunDialog
        dlg = NewRunDialog(self.runs_root, available_devices(), self, base=base or None)
        dlg.accepted.connect(lambda: self.start_run(dlg.spec()))
        dlg.open()

    def duplicate_run(self) -> None:
        if self.context is None:
            self.notify("Open or select a run to duplicate first.", "warning")
            return
        from explorer.core.runs import read_config
        mc, tc, _ = read_config(self.context.path)
        self.new_run({"model_cfg": mc, "train_cfg": tc, "name": self.context.path.name})

    # -- training ------------------------------------------------------------------
    def start_run(self, spec) -> bool:
        """Train `spec` (a WorkerSpec) in the background; the window follows its run directory."""
        if self.worker is not None and self.worker.running:
            self.notify("A run is already training; stop it before starting another.", "warning")
            return False
        self.worker_dir = str(Path(spec.run_dir).resolve())
        self._worker_ended_cleanly = False
        self._worker_state = "starting"
        self.worker = TrainingWorker(spec, self.backend, self)
        self.worker.progress.connect(self._on_progress)
        self.worker.event.connect(self._on_event)
        self.worker.exited.connect(self._on_worker_exit)
        self.worker.start()
        self.training_panel.set_state("starting")
        self.training_panel.status.setText("Starting the training process…")
        self.notification.hide()
        return True

    def continue_run(self, more_epochs: int) -> None:
        from explorer.core.runs import read_state
        from explorer.core.training.worker import WorkerSpec

        if self.context is None:
            return
        epoch = int(read_state(self.context.path).get("epoch", 0))
        self.start_run(WorkerSpec(run_dir=str(self.context.path), resume=True,
                                  train_overrides={"epochs": epoch + more_epochs}))

    def send(self, command) -> None:
        if self.worker is not None and self.worker.running:
            self.worker.send(command)

    def stop_training(self) -> None:
        self.send("stop")
        self.training_panel.status.setText("Stopping: saving a checkpoint…")

    def _is_worker_run(self) -> bool:
        return self.context is not None and self.worker_dir == str(self.context.path)

    def _on_progress(self, p) -> None:
        if self._is_worker_run():
            self.training_panel.show_progress(p)
        self.runs_panel.update_row(self.worker_dir, steps=p.step)

    def _on_event(self, ev) -> None:
        from explorer.core.training import events as E

        name = Path(self.worker_dir).name
        if isinstance(ev, E.Started):
            if not self._is_worker_run():
                self.open_run(ev.run_dir)
            self.refresh_runs()
            self._set_worker_state("training")
        elif isinstance(ev, E.Paused):
            self._set_worker_state("paused")
        elif isinstance(ev, E.Resumed):
            self._set_worker_state("training")
        elif isinstance(ev, E.Failed):
            self._worker_ended_cleanly = True
            self.notify(f"{name}: training stopped with an error at {ev.message}", "error")
            self.training_panel.status.setText("Failed: " + ev.message)
        elif isinstance(ev, E.Finished):
            self._worker_ended_cleanly = True
            what = "stopped" if ev.stopped else "finished"
            self.status.showMessage(f"{name}: training {what} at step {ev.step}", 8000)
            self.training_panel.status.setText(f"Training {what} at step {ev.step} (checkpoint saved).")
        elif isinstance(ev, E.EpochEnd) and self._is_worker_run():
            s = self.context.summary
            self.training_panel.set_run(s["name"], s["model"], s["dataset"], ev.step, ev.epoch)
        elif isinstance(ev, E.Checkpointed):
            self.refresh_runs()
        elif isinstance(ev, E.Notice):
            self.notify(f"{name}: {ev.message}", "warning")
        elif isinstance(ev, E.AlertRaised):
            self.notify(f"{name}: {ev.message} (step {ev.step})", "warning")
        elif isinstance(ev, E.WeightsSnapshot):
            self.gan_link.on_weights(ev)
        elif isinstance(ev, E.CodesRestarted):
            if self._is_worker_run():
                self.codebook_panel.on_codes_restarted(ev)
            self.status.showMessage(f"{name}: re-seeded {len(ev.codes)} dead codes at step {ev.step}", 8000)
        elif isinstance(ev, E.SettingChanged):
            state = "on" if ev.value else "off"
            self.status.showMessage(f"{name}: automatic dead-code restarts {state} from step {ev.step}", 8000)
        elif isinstance(ev, E.LrChanged):
            self.training_panel.lr_current.setText(f"now {ev.lr:.3g}")

    def _on_worker_exit(self) -> None:
        if not self._worker_ended_cleanly:
            self.notify(f"The training process for {Path(self.worker_dir).name} ended unexpectedly; "
                        f"the last checkpoint is kept.", "error")
        self.worker = None
        self._update_training_state()
        if getattr(self, "gan_panel", None) is not None:
            self._update_gan_link()
        self.refresh_runs()
        if self.context is not None:
            s = self.context.refresh_summary()
            self.training_panel.set_run(s["name"], s["model"], s["dataset"], s["step"], s["epoch"])

    def _set_worker_state(self, state: str) -> None:
        self._worker_state = state
        self._update_training_state()
        if getattr(self, "gan_panel", None) is not None:
            self._update_gan_link()

    def _update_training_state(self) -> None:
        live = self.worker is not None and self.worker.running and self._is_worker_run()
        self.timeline_panel.sample_button.setEnabled(live and getattr(self, "_worker_state", "") in ("training", "paused"))
        if getattr(self, "codebook_panel", None) is not None:
            self.codebook_panel.set_live(live)
        if self.latent_session is not None:
            training = self.worker is not None and self.worker.running  # any run: it needs the cores
            self.latent_session.set_training(training and getattr(self, "_worker_state", "") in ("starting", "training"))
        if self.context is None:
            self.training_panel.set_state("none")
        elif self.worker is not None and self.worker.running:
            self.training_panel.set_state(getattr(self, "_worker_state", "starting")
                                          if self._is_worker_run() else "other")
        else:
            self.training_panel.set_state("idle")

    def _train_prior(self, opts: dict) -> None:
        """A PixelCNN prior over the codes of the VQ-VAE run shown: a new run beside it."""
        from explorer.core.runs import free_run_name
        from explorer.core.training.worker import WorkerSpec

        if self.context is None:
            return
        name = free_run_name(self.runs_root, f"{self.context.path.name}-pixelcnn")
        self.start_run(WorkerSpec(run_dir=str(self.runs_root / name), model="pixelcnn", vq_run=str(self.context.path),
                                  model_overrides={"pixelcnn_conditional": bool(opts.get("conditional"))},
                                  train_overrides={"epochs": int(opts.get("epochs", 10))}))

    def _update_gan_link(self) -> None:
        if getattr(self, "gan_link", None) is not None:   # the GAN monitor is built after the first paint
            self.gan_link.update()

    def _show_samples_at(self, step: int) -> None:
        """The sample timeline at the entry nearest `step` (the later one of two as near)."""
        entries = self.timeline_panel.entries
        if not entries:
            self.status.showMessage("No samples saved yet: the sample timeline fills at each epoch's end.", 8000)
            return
        i = min(range(len(entries)), key=lambda k: (abs(entries[k].step - step), -entries[k].step))
        self.timeline_panel.select(i)
        dock = self.docks["Sample timeline"]
        dock.show()
        dock.raise_()

    # -- messages and shutdown --------------------------------------------------------
    def notify(self, text: str, level: str = "info") -> None:
        self.notification.show_message(text, level)
        self.status.showMessage(text.splitlines()[0][:200], 10_000)

    def closeEvent(self, e: QtGui.QCloseEvent) -> None:
        if self.worker is not None and self.worker.running:
            self.status.showMessage("Stopping the training run and saving…")
            QtWidgets.QApplication.processEvents()
            self.worker.stop()
        self.follow_timer.stop()
        self.redraw_timer.stop()
        if self.latent_session is not None:
            self.settings.setValue("view", self.views.currentIndex())
            self.latent_session.close()
            other = self.latent_docks["Compare runs"].other
            other.close()
        for jobs in self.findChildren(Jobs):  # the window's, the compare panel's, the GAN panel's
            jobs.shutdown()
        if self.map_service is not None:
            self.map_service.close()
        self.settings.setValue("geometry", self.saveGeometry())
        self.settings.setValue("windowState", self.saveState())
        if self.context is not None:
            self.settings.setValue("lastRun", str(self.context.path))
        self.settings.sync()
        super().closeEvent(e)
