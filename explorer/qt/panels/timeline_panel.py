"""Sample timeline: the run's samples from fixed noise (or reconstructions of fixed
test images) at each epoch, with a slider over the past so a user can watch
samples form, or collapse."""
from __future__ import annotations

import time
from collections import OrderedDict
from pathlib import Path

import numpy as np
import pyqtgraph as pg
from PySide6 import QtCore, QtGui, QtWidgets

from ..i18n import QT_TR_NOOP, tr
from ..palette import ACCENT, PAPER, with_alpha
from ..widgets import LiveLabel, ScaledImage, caption

FOLLOW_HZ = 2.0
PIXMAP_CACHE = 64

HELP = {
    "generated": QT_TR_NOOP("Samples from the same fixed noise at every epoch."),
    "conditional": QT_TR_NOOP("One row per class, one column per fixed noise vector."),
    "recon": QT_TR_NOOP("Fixed test images (odd rows) above their reconstructions (even rows)."),
    "points": QT_TR_NOOP("2,500 samples from fixed noise (2-D data)."),
}


class TimelinePanel(QtWidgets.QWidget):
    sample_now = QtCore.Signal()

    def __init__(self, parent=None):
        super().__init__(parent)
        self.entries: list = []
        self._pending: list | None = None   # newer entries, waiting for the next follow tick
        # the last pictures shown, for dragging the slider back and forth (bounded: a long run
        # has thousands of epochs)
        self._pixmaps: OrderedDict[Path, QtGui.QPixmap] = OrderedDict()
        self.follow_latest = True
        # following a run whose epochs take a fraction of a second: the newest picture is shown
        # at most FOLLOW_HZ times a second (each is a PNG read, decoded and scaled)
        self._last_follow_show = 0.0
        self._follow_timer = QtCore.QTimer(self)
        self._follow_timer.setSingleShot(True)
        self._follow_timer.timeout.connect(self._follow_now)

        self.caption = caption(tr("No samples yet."))
        self.image = ScaledImage(tr("Samples appear here after each epoch."))
        self.scatter_view = pg.PlotWidget(background=PAPER)
        self.scatter_view.setAspectLocked(True)
        self.scatter = pg.ScatterPlotItem(size=3, pen=None, brush=pg.mkBrush(with_alpha(ACCENT, 90)))
        self.scatter_view.addItem(self.scatter)
        self.stack = QtWidgets.QStackedWidget()
        self.stack.addWidget(self.image)
        self.stack.addWidget(self.scatter_view)

        self.slider = QtWidgets.QSlider(QtCore.Qt.Horizontal)
        self.slider.setEnabled(False)
        self.slider.setToolTip(tr("Drag through past epochs"))
        self.position = LiveLabel("–")   # changes with each new epoch while following
        self.position.setMinimumWidth(150)
        self.sample_button = QtWidgets.QPushButton(tr("Sample now"))
        self.sample_button.setToolTip(tr("Render the timeline from the current weights (while training)"))
        self.sample_button.setEnabled(False)
        self.sample_button.clicked.connect(self.sample_now)

        self.slider.setMinimumWidth(100)
        self.setMinimumWidth(260)
        row = QtWidgets.QHBoxLayout()
        row.addWidget(self.position, 1)
        row.addWidget(self.sample_button)
        lay = QtWidgets.QVBoxLayout(self)
        lay.setContentsMargins(4, 4, 4, 4)
        lay.addWidget(self.caption)
        lay.addWidget(self.stack, 1)
        lay.addWidget(self.slider)
        lay.addLayout(row)
        self.slider.valueChanged.connect(self._show)
        self.slider.sliderPressed.connect(lambda: setattr(self, "follow_latest", False))

    def set_kind(self, kind: str) -> None:
        self.caption.setText(tr(HELP[kind]) if kind in HELP else "")

    def set_entries(self, entries: list) -> None:
        """Entries in step order; stays on the newest unless the user moved the slider back.
        While following the newest, the entries, the slider and the picture move together, at
        most FOLLOW_HZ times a second."""
        known = self._pending if self._pending is not None else self.entries
        if len(entries) == len(known) and entries[-1:] == known[-1:]:
            return   # each new picture is the newest (thinning and resumes come with one): nothing new
        at_end = self.follow_latest or self.slider.value() >= len(self.entries) - 1
        if not at_end:   # the user is looking at a past picture: stay on it (or the nearest left)
            shown = self.entries[self.slider.value()] if self.entries else None
            self.entries = list(entries)
            if shown is None or not self.entries:
                self._sync_slider()
            else:
                i = min(range(len(self.entries)), key=lambda k: abs(self.entries[k].step - shown.step))
                self._sync_slider(i)
                if self.entries[i].path == shown.path:
                    self._set_position(i)   # the same picture: only "(i/N)" moved
                else:
                    self._show(i)
            return
        self.follow_latest = True
        self._pending = list(entries)
        wait = self._last_follow_show + 1.0 / FOLLOW_HZ - time.monotonic()
        if wait > 0:
            if not self._follow_timer.isActive():
                self._follow_timer.start(int(wait * 1000) + 1)
            return
        self._follow_now()

    def reset(self) -> None:
        """Another run: no entries, following the newest, the next picture shown at once."""
        self.entries, self._pending = [], None
        self.follow_latest = True
        self._last_follow_show = 0.0
        self._follow_timer.stop()
        self._sync_slider(0)
        self._show(0)   # no entries: the empty picture, not the last run's

    def select(self, i: int) -> None:
        """Show entry i and stay there (no longer following the newest)."""
        self.follow_latest = False
        self._follow_timer.stop()
        if self._pending is not None:
            self.entries, self._pending = self._pending, None
        self._sync_slider(i)
        self._show(self.slider.value())

    def _follow_now(self) -> None:
        self._last_follow_show = time.monotonic()
        pending, self._pending = self._pending, None
        if pending is not None:
            self.entries = pending
        self._sync_slider(len(self.entries) - 1 if self.follow_latest else None)
        self._show(self.slider.value())

    def _sync_slider(self, index: int | None = None) -> None:
        """The slider's range to the entries (and its position to `index`), without showing."""
        with QtCore.QSignalBlocker(self.slider):
            self.slider.setRange(0, max(0, len(self.entries) - 1))
            if index is not None:
                self.slider.setValue(index)
        self.slider.setEnabled(len(self.entries) > 1)

    def _show(self, i: int) -> None:
        if not self.entries:
            self.position.setText("–")
            self.image.set_pixmap(None)
            self.scatter.setData([], [])
            return
        i = max(0, min(i, len(self.entries) - 1))
        self.follow_latest = i == len(self.entries) - 1
        e = self.entries[i]
        self._set_position(i)
        if e.path.suffix == ".npy":
            pts = np.load(e.path)
            self.stack.setCurrentWidget(self.scatter_view)
            self.scatter.setData(pts[:, 0], pts[:, 1])
        else:
            pix = self._pixmaps.get(e.path)
            if pix is None:
                pix = QtGui.QPixmap(str(e.path))
                self._pixmaps[e.path] = pix
                while len(self._pixmaps) > PIXMAP_CACHE:
                    self._pixmaps.popitem(last=False)
            else:
                self._pixmaps.move_to_end(e.path)
            self.stack.setCurrentWidget(self.image)
            self.image.set_pixmap(pix)

    def _set_position(self, i: int) -> None:
        e, n = self.entries[i], len(self.entries)
        if e.path.stem.startswith("epoch"):
            self.position.set_render(lambda: tr("epoch {epoch} · step {step}  ({index}/{count})").format(
                epoch=e.epoch, step=e.step, index=i + 1, count=n))
        else:
            self.position.set_render(lambda: tr("on demand · step {step}  ({index}/{count})").format(
                step=e.step, index=i + 1, count=n))

    @property
    def current_index(self) -> int:
        return self.slider.value()
