"""Training controls: continue, pause, resume, stop, save now, the live learning
rate, and a progress bar with epoch, step, samples/s and time left."""
from __future__ import annotations

import math

from PySide6 import QtCore, QtGui, QtWidgets

from ..i18n import QT_TR_NOOP, source_of, tr
from ..palette import TEXT_MUTED
from ..widgets import LiveLabel, format_duration, format_rate


CONTINUE_TIP = QT_TR_NOOP("Resume this run from its last checkpoint and train for more epochs")


class TrainingPanel(QtWidgets.QWidget):
    continue_requested = QtCore.Signal(int)   # epochs to add
    pause_requested = QtCore.Signal()
    resume_requested = QtCore.Signal()
    stop_requested = QtCore.Signal()
    save_requested = QtCore.Signal()
    lr_requested = QtCore.Signal(float)

    def __init__(self, parent=None):
        super().__init__(parent)
        self.title = QtWidgets.QLabel(tr("No run open"))
        f = self.title.font()
        f.setBold(True)
        self.title.setFont(f)
        self.subtitle = LiveLabel("", colour=TEXT_MUTED)   # steps and epochs so far: changes each epoch

        self.more_epochs = QtWidgets.QSpinBox()
        self.more_epochs.setRange(1, 10_000)
        self.more_epochs.setValue(5)
        self.more_epochs.setSuffix(tr(" more epochs"))
        self.more_epochs.setToolTip(tr("How much longer to train when continuing"))
        self.continue_button = QtWidgets.QPushButton(tr("Continue"))
        self.continue_button.setToolTip(tr(CONTINUE_TIP))
        self.pause_button = QtWidgets.QPushButton(tr("Pause"))
        self.resume_button = QtWidgets.QPushButton(tr("Resume"))
        self.stop_button = QtWidgets.QPushButton(tr("Stop"))
        self.stop_button.setToolTip(tr("Stop after the current step; a checkpoint is saved"))
        self.save_button = QtWidgets.QPushButton(tr("Save now"))
        self.save_button.setToolTip(tr("Write a checkpoint now"))

        self.lr = QtWidgets.QLineEdit()
        self.lr.setPlaceholderText(tr("e.g. 1e-4"))
        self.lr.setMaximumWidth(90)
        self.lr.setValidator(QtGui.QDoubleValidator(0.0, 1e9, 12, self.lr))
        self.lr_button = QtWidgets.QPushButton(tr("Set"))
        self.lr_button.setToolTip(tr("Change the learning rate of the running optimizer(s) now"))
        self.lr_current = QtWidgets.QLabel("")
        self._lr_now: float | None = None   # the rate shown in lr_current
        self.lr_current.setStyleSheet(f"color: {TEXT_MUTED};")

        self.progress = QtWidgets.QProgressBar()
        self.progress.setRange(0, 1)
        self.progress.setValue(0)
        self.progress.setTextVisible(True)
        self.status = LiveLabel("", lines=2)           # progress, several times a second

        row0 = QtWidgets.QHBoxLayout()
        row0.addWidget(self.continue_button)
        row0.addWidget(QtWidgets.QLabel(tr("for")))
        row0.addWidget(self.more_epochs)
        row0.addStretch(1)
        row1 = QtWidgets.QHBoxLayout()
        for w in (self.pause_button, self.resume_button, self.stop_button, self.save_button):
            row1.addWidget(w)
        row1.addStretch(1)
        row2 = QtWidgets.QHBoxLayout()
        row2.addWidget(QtWidgets.QLabel(tr("Learning rate")))
        row2.addWidget(self.lr)
        row2.addWidget(self.lr_button)
        row2.addWidget(self.lr_current)
        row2.addStretch(1)
        lay = QtWidgets.QVBoxLayout(self)
        lay.setContentsMargins(6, 4, 6, 4)
        lay.addWidget(self.title)
        lay.addWidget(self.subtitle)
        lay.addLayout(row0)
        lay.addLayout(row1)
        lay.addLayout(row2)
        lay.addWidget(self.progress)
        lay.addWidget(self.status)
        lay.addStretch(1)

        self.continue_button.clicked.connect(lambda: self.continue_requested.emit(self.more_epochs.value()))
        self.pause_button.clicked.connect(self.pause_requested)
        self.resume_button.clicked.connect(self.resume_requested)
        self.stop_button.clicked.connect(self.stop_requested)
        self.save_button.clicked.connect(self.save_requested)
        self.lr_button.clicked.connect(self._emit_lr)
        self.lr.returnPressed.connect(self._emit_lr)
        self.set_state("none")

    def _emit_lr(self):
        try:
            value = float(self.lr.text())
        except ValueError:
            self.status.setText(tr("Learning rate: type a positive number such as 1e-4"))
            return
        self.lr_requested.emit(value)

    def set_run(self, name: str, model: str, dataset: str, step: int, epoch: int) -> None:
        self.title.setText(name)
        self.subtitle.set_render(lambda: tr("{model} on {dataset} · {step} steps, {epoch} epochs so far").format(
            model=model, dataset=dataset, step=step, epoch=epoch))

    def set_lr_now(self, lr: float | None) -> None:
        """The learning rate the run trains with now (None: none shown)."""
        self._lr_now = lr
        self.lr_current.setText("" if lr is None else tr("now {lr:.3g}").format(lr=lr))

    def retranslate(self) -> None:
        """The texts holding numbers in the language now installed (the live labels redraw
        their own)."""
        self.set_lr_now(self._lr_now)
        self.progress.setFormat(tr(source_of(self.progress.format())))

    def set_state(self, state: str) -> None:
        """"none" (no run), "idle", "starting", "training", "paused" or "other" (another run trains)."""
        self.state = state
        live = state in ("training", "paused")
        self.continue_button.setEnabled(state == "idle")
        self.more_epochs.setEnabled(state == "idle")
        self.pause_button.setEnabled(state == "training")
        self.resume_button.setEnabled(state == "paused")
        self.stop_button.setEnabled(live or state == "starting")
        self.save_button.setEnabled(live)
        self.lr_button.setEnabled(live)
        self.lr.setEnabled(live)
        self.continue_button.setToolTip(tr("Another run is training; stop it first") if state == "other"
                                        else tr(CONTINUE_TIP))
        if state == "paused":
            self.progress.setFormat(tr("paused · %p%"))
        elif state in ("idle", "none", "other"):
            self.progress.setRange(0, 1)
            self.progress.setValue(0)
            self.progress.setFormat(tr("not training"))

    def show_progress(self, p) -> None:
        self.progress.setRange(0, max(1, p.total_steps))
        self.progress.setValue(min(p.step, p.total_steps))
        self.progress.setFormat("%p%")
        epoch = p.epoch + 1 if p.step < p.total_steps else p.epoch
        self.status.set_render(lambda: tr("epoch {epoch} · step {step}/{total} · {rate} · {left} left").format(
            epoch=epoch, step=p.step, total=p.total_steps, rate=format_rate(p.samples_per_s),
            left=format_duration(p.eta_s)))
        if p.lr and math.isfinite(p.lr):
            self.set_lr_now(p.lr)
