"""Live loss plots, one per group of loss parts, drawn from the parts' names alone.

Redraws only when the history changed, at most as often as the window's redraw
timer fires (20 Hz), and never more often than keeps painting under PAINT_BUDGET
of a core: painting is what a live plot costs the trainer on a 2-core machine
(bench gui: 14 ms a frame for two plots; at 10 frames a second the trainer fell
to 0.75x of the bare loop, with no redraws it ran at 1.0x). Raw values are drawn
faint, the EMA-smoothed curve solid (as TensorBoard does); the test-set value of
a part, where the run logs one (test_recon, ...), is drawn as dots.
"""
from __future__ import annotations

import time

import numpy as np
import pyqtgraph as pg
from PySide6 import QtCore, QtWidgets

from explorer.core.training.loss_history import LossHistory, ema

from ..i18n import QT_TR_NOOP, tr
from ..palette import ERROR, LOSS_COLOURS, LOSS_FALLBACK, PAPER, TEXT_FAINT, with_alpha
from ..widgets import alert_line

LABELS = {
    "loss": QT_TR_NOOP("loss"), "recon": QT_TR_NOOP("reconstruction"), "kl": QT_TR_NOOP("KL divergence"),
    "d_loss": QT_TR_NOOP("D loss"), "g_loss": QT_TR_NOOP("G loss"),
    "d_real": QT_TR_NOOP("mean D(x)"), "d_fake": QT_TR_NOOP("mean D(G(z))"),
    "commit": QT_TR_NOOP("commitment"), "codebook": QT_TR_NOOP("codebook"),
    "grad_norm_d": QT_TR_NOOP("gradient norm of D"), "grad_norm_g": QT_TR_NOOP("gradient norm of G"),
    "bits_per_code": QT_TR_NOOP("bits per code"),
}
# the titles of the plots that hold several parts (loss_history.PLOT_GROUPS)
GROUP_TITLES = {
    "losses": QT_TR_NOOP("losses"), "D outputs": QT_TR_NOOP("D outputs"),
    "gradient norms": QT_TR_NOOP("gradient norms"), "VQ losses": QT_TR_NOOP("VQ losses"),
}


def label(name: str) -> str:
    """A loss part's name as the plots show it."""
    return tr(LABELS[name]) if name in LABELS else name


FAINT_ALPHA = 70         # the raw (unsmoothed) values, under the smoothed curve
PAINT_BUDGET = 0.04      # fraction of one core the plots may spend painting
MAX_RATE_HZ = 20


class TimedCanvas(pg.GraphicsLayoutWidget):
    """Measures its own paint time, so the panel can stay within its budget."""

    def __init__(self):
        super().__init__()
        self.last_paint_s = 0.0
        self.paints = 0

    def paintEvent(self, ev):
        t = time.perf_counter()
        super().paintEvent(ev)
        self.last_paint_s = time.perf_counter() - t
        self.paints += 1


def colour(name: str, i: int = 0) -> str:
    return LOSS_COLOURS.get(name, LOSS_FALLBACK[i % len(LOSS_FALLBACK)])


class LossPanel(QtWidgets.QWidget):
    def __init__(self, parent=None):
        super().__init__(parent)
        self.history: LossHistory | None = None
        self._drawn = None
        self._layout_key = None
        self.plots: dict[str, pg.PlotItem] = {}
        self.curves: dict[str, tuple] = {}
        self._stamps: dict[str, tuple] = {}
        self._alert_marks: dict = {}
        self.steps_per_epoch = 0

        bar = QtWidgets.QHBoxLayout()
        bar.addWidget(QtWidgets.QLabel(tr("Smoothing")))
        self.smoothing = QtWidgets.QSlider(QtCore.Qt.Horizontal)
        self.smoothing.setRange(0, 99)
        self.smoothing.setValue(60)
        self.smoothing.setMinimumWidth(120)
        self.smoothing.setMaximumWidth(180)
        self.smoothing.setToolTip(tr("Exponential moving average of the raw values (0 = none, 0.99 = heavy)"))
        self.smoothing_label = QtWidgets.QLabel()
        bar.addWidget(self.smoothing)
        bar.addWidget(self.smoothing_label)
        bar.addSpacing(12)
        self.log_scale = QtWidgets.QCheckBox(tr("Log scale"))
        bar.addWidget(self.log_scale)
        bar.addSpacing(12)
        bar.addWidget(QtWidgets.QLabel(tr("x axis")))
        self.x_axis = QtWidgets.QComboBox()
        self.x_axis.addItem(tr("step"), "step")
        self.x_axis.addItem(tr("epoch"), "epoch")
        bar.addWidget(self.x_axis)
        bar.addStretch(1)
        self.empty = QtWidgets.QLabel(tr("No losses yet: start a run, or open one."))
        self.empty.setStyleSheet(f"color: {TEXT_FAINT};")
        self.empty.setWordWrap(True)

        self.canvas = TimedCanvas()
        self._last_draw = 0.0
        self.canvas.setBackground(PAPER)
        lay = QtWidgets.QVBoxLayout(self)
        lay.setContentsMargins(4, 4, 4, 4)
        lay.addLayout(bar)
        lay.addWidget(self.empty)
        lay.addWidget(self.canvas, 1)
        for w in (self.smoothing, ):
            w.valueChanged.connect(self._settings_changed)
        self.log_scale.toggled.connect(self._settings_changed)
        self.x_axis.currentIndexChanged.connect(self._settings_changed)
        self._settings_changed()

    # -- data --------------------------------------------------------------------
    def showEvent(self, e):
        super().showEvent(e)
        self.refresh(force=True)   # before the first paint: no frame of an earlier run's curves

    def set_history(self, history: LossHistory | None) -> None:
        self.history = history
        self._drawn = None
        self._layout_key = None
        self._stamps = {}

    def retranslate(self) -> None:
        """Titles and the x axis are worded at each redraw and the legends are plain labels
        (i18n's walk translates them); the alert marks' tips are made again. (Not a rebuild of
        the plots: deleted while the walk's new labels were still laying out, a legend's anchor
        fired on its deleted view box.)"""
        for plot in self.plots.values():
            for line in self._alert_marks.pop(id(plot), []):
                plot.removeItem(line)
        self._drawn = None
        if self.history is not None:
            self.refresh(force=True)

    def _settings_changed(self, *_):
        self.smoothing_label.setText(f"{self.alpha:.2f}")
        self._drawn = None
        if self.history is not None:
            self.refresh(force=True)

    @property
    def alpha(self) -> float:
        return self.smoothing.value() / 100.0

    def point_count(self, name: str) -> int:
        return len(self.history.series[name]) if self.history and name in self.history.series else 0

    # -- drawing -------------------------------------------------------------------
    def refresh(self, force: bool = False) -> bool:
        """Redraw if anything changed since the last call and the paint budget allows;
        returns whether it drew."""
        if not force and not self.isVisible():
            return False   # another tab is in front: drawn when it comes back (the next tick)
        h = self.history
        key = None if h is None else (h.version, self.alpha, self.log_scale.isChecked(), self.x_axis.currentIndex())
        if key == self._drawn:
            return False
        now = time.monotonic()
        settings_changed = self._drawn is None or key is None or self._drawn[1:] != key[1:]
        interval = max(1.0 / MAX_RATE_HZ, self.canvas.last_paint_s / PAINT_BUDGET)
        if not (force or settings_changed) and now - self._last_draw < interval:
            return False
        self._last_draw = now
        self._drawn = key
        groups = h.groups() if h is not None else []
        self.empty.setVisible(not groups)
        layout_key = tuple((t, tuple(n)) for t, n in groups)
        if layout_key != self._layout_key:
            self._build(groups)
            self._layout_key = layout_key
        if h is None:
            return True
        self.steps_per_epoch = self._infer_steps_per_epoch()
        log = self.log_scale.isChecked()
        view = (self.alpha, log, self.x_axis.currentIndex(), self.steps_per_epoch)
        for title, names in groups:
            plot = self.plots[title]
            positive = True
            changed = False
            for name in names:
                raw, smooth, test = self.curves[name]
                s = h.series[name]
                t = h.epoch_series.get(f"test_{name}")
                stamp = (len(s), s.stride, len(t) if t is not None else 0, view)
                if log:
                    positive &= bool(len(s)) and bool(np.all(s.y > 0))
                if self._stamps.get(name) == stamp:
                    continue  # nothing new for this curve: leave it (and its repaint) alone
                self._stamps[name] = stamp
                changed = True
                x, y = self._x(s.x), s.y
                raw.setData(x, y)
                smooth.setData(x, ema(y, self.alpha) if self.alpha > 0 else y)
                if t is not None and len(t):
                    test.setData(self._x(t.x), t.y)
                else:
                    test.setData([], [])
            use_log = log and positive
            if plot.getAxis("left").logMode != use_log:
                plot.setLogMode(y=use_log)
                changed = True
            if changed:
                self._fit(plot, names, use_log)
            text = self._title(title, names) + ("" if use_log or not log else tr(" (linear: values ≤ 0)"))
            if plot.titleLabel.text != text:  # setHtml is not free: only when it changes
                plot.setTitle(text, size="9pt")
            if plot.getAxis("bottom").labelText != self.x_axis.currentText():
                plot.setLabel("bottom", self.x_axis.currentText())
            self._mark_alerts(plot)
            # settle the view's transform now; left to the paint, it schedules a second paint
            plot.getViewBox().prepareForPaint()
        return True

    def _mark_alerts(self, plot) -> None:
        """A red line at each collapse alert's step."""
        marks = self._alert_marks.setdefault(id(plot), [])
        alerts = self.history.alerts
        if len(marks) == len(alerts) and self.x_axis.currentData() == "step":
            return
        for line in marks:
            plot.removeItem(line)
        marks.clear()
        for step, message in alerts:
            line = pg.InfiniteLine(pos=float(self._x(np.array([step]))[0]), angle=90,
                                   pen=pg.mkPen(ERROR, width=1.5, style=QtCore.Qt.DotLine))
            line.setToolTip(alert_line(step, message))
            plot.addItem(line, ignoreBounds=True)
            marks.append(line)

    def _fit(self, plot, names, log: bool) -> None:
        """Set the view range ourselves, in the same pass as the data: pyqtgraph's deferred
        auto-range would repaint the plot a second time."""
        xs, ys = [], []
        for name in names:
            s = self.history.series[name]
            if len(s):
                xs += [s.x[0], s.x[-1]]
                y = s.y[np.isfinite(s.y)]
                if log:
                    y = np.log10(y[y > 0])
                if len(y):
                    ys += [float(y.min()), float(y.max())]
            t = self.history.epoch_series.get(f"test_{name}")
            if t is not None and len(t):
                yt = t.y[np.isfinite(t.y)]
                if log:
                    yt = np.log10(yt[yt > 0])
                if len(yt):
                    ys += [float(yt.min()), float(yt.max())]
        if not xs or not ys:
            return
        x0, x1 = self._x(np.array([min(xs), max(xs)]))
        y0, y1 = min(ys), max(ys)
        if x1 == x0:
            x1 = x0 + 1
        if y1 == y0:
            y0, y1 = y0 - 0.5, y1 + 0.5
        # sticky ranges: the axes change (and re-render their ticks) only when the data
        # leave the view or fill too little of it; x keeps 25% of headroom to grow into
        (cx0, cx1), (cy0, cy1) = plot.getViewBox().viewRange()
        pad = 0.04 * (y1 - y0)
        new_x = (x0, x0 + 1.25 * (x1 - x0)) if (x1 > cx1 or x0 < cx0 or x1 < cx0 + 0.5 * (cx1 - cx0)) else None
        new_y = (y0 - pad, y1 + pad) if (y0 < cy0 or y1 > cy1 or (y1 - y0) < 0.6 * (cy1 - cy0)) else None
        if new_x or new_y:
            plot.setRange(xRange=new_x or (cx0, cx1), yRange=new_y or (cy0, cy1), padding=0)

    def _x(self, steps: np.ndarray) -> np.ndarray:
        if self.x_axis.currentData() == "epoch" and self.steps_per_epoch:
            return steps / self.steps_per_epoch
        return steps

    def _infer_steps_per_epoch(self) -> float:
        es = self.history.epoch_series
        for s in es.values():
            if len(s) and s.epoch[0] > 0:
                return s.x[0] / s.epoch[0]
        return 0.0

    def _title(self, title: str, names: list[str]) -> str:
        text = label(names[0]) if len(names) == 1 else (tr(GROUP_TITLES[title]) if title in GROUP_TITLES else title)
        if any(f"test_{n}" in self.history.epoch_series for n in names):
            text += "  " + tr("<span style='color:{colour}'>(line: training, dots: test set)</span>").format(
                colour=TEXT_FAINT)
        return text

    def _build(self, groups) -> None:
        self.canvas.clear()
        self.plots, self.curves, self._stamps, self._alert_marks = {}, {}, {}, {}
        cols = 1 if len(groups) <= 2 else 2
        for i, (title, names) in enumerate(groups):
            plot = self.canvas.addPlot(row=i // cols, col=i % cols)
            plot.disableAutoRange()
            # no grid: pyqtgraph draws it through each axis's QPicture, which was ~15% of a
            # core at 10 redraws a second (bench gui); the axes' ticks remain
            plot.getAxis("left").setWidth(56)  # fixed: a tick label that grows would relayout and repaint
            plot.setClipToView(True)
            plot.setDownsampling(auto=True, mode="peak")
            if len(names) > 1:
                plot.addLegend(offset=(-10, 10), labelTextSize="8pt")
            for j, name in enumerate(names):
                c = colour(name, j)
                raw = plot.plot(pen=pg.mkPen(with_alpha(c, FAINT_ALPHA), width=1))
                smooth = plot.plot(pen=pg.mkPen(c, width=2), name=label(name))
                test = plot.plot(pen=pg.mkPen(c, width=1, style=QtCore.Qt.DashLine), symbol="o",
                                 symbolSize=5, symbolBrush=c, symbolPen=None)
                self.curves[name] = (raw, smooth, test)
            self.plots[title] = plot
