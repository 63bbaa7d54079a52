"""Coverage over training, one curve per signal: modes captured, % high-quality and reverse
KL (toy data), or classes covered, label entropy, diversity and near-duplicates (images);
another run's curves dashed beside them, the alert rules' thresholds as dashed lines and
each alert's step as a dotted one. For image GANs, the classifier's label histogram of
generated samples as a class x evaluation heat map."""
from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6 import QtCore, QtWidgets

from explorer.core.gan.alerts import KNN_THRESHOLD

from ...i18n import QT_TR_NOOP, tr
from ...palette import ACCENT, COMPARED_RUN, CONTINUOUS_CMAP, ERROR, PAPER, TEXT_MUTED
from ...widgets import alert_line

COVERAGE_KEYS = {
    "points": (("modes_captured", QT_TR_NOOP("modes captured")),
               ("hq_fraction", QT_TR_NOOP("fraction within 3σ of a mode")),
               ("reverse_kl", QT_TR_NOOP("reverse KL over modes (0: even)"))),
    "image": (("classes_covered", QT_TR_NOOP("classes covered")), ("label_entropy", QT_TR_NOOP("label entropy (nats)")),
              ("diversity_ratio", QT_TR_NOOP("diversity (generated / real)")),
              ("near_duplicates", QT_TR_NOOP("near-duplicate pairs"))),
}   # each title in English: tr() it where it is shown
# every generator's k-NN figures (sample_quality.py), after the kind's own
QUALITY_KEYS = (("precision", QT_TR_NOOP("precision (k-NN, Kynkäänniemi et al.)")),
                ("recall", QT_TR_NOOP("recall (k-NN): falls in a collapse")),
                ("coverage", QT_TR_NOOP("coverage (k-NN, Naeem et al.)")))
COVERAGE_KEYS = {kind: keys + QUALITY_KEYS for kind, keys in COVERAGE_KEYS.items()}
ALERT_SIGNALS = ("modes_captured", "classes_covered", "diversity_ratio", "recall", "coverage")   # the curves alerts watch
PLOT_MIN_HEIGHT = 100   # px a plot needs for its title, ticks and labels to stay readable (the panel's
                        # column scrolls when the plots do not fit; squashed, their tick labels overlapped)


def single_point_ranges(xs, ys) -> tuple | None:
    """(x_lo, x_hi, y_lo, y_hi) for a plot whose points all share one step (pyqtgraph would
    zoom to +-0.4 steps around it): steps from 0 to that step, in whole steps, and values
    from 0 (or the value, if negative) to a little above it. None: let the plot auto-range."""
    xs = np.asarray(xs, np.float64)
    if not len(xs) or np.ptp(xs) > 0:
        return None
    step = float(xs[0])
    x_hi = max(10.0, step * 1.1)           # at least 0..10: integer ticks
    ys = np.asarray(ys, np.float64)
    ys = ys[np.isfinite(ys)]
    y = float(ys.max()) if len(ys) else 1.0
    y_lo = min(0.0, float(ys.min()) if len(ys) else 0.0)
    y_hi = max(1.0, 1.15 * y) if y >= 0 else 0.0
    return min(0.0, step), x_hi, y_lo, y_hi


def set_title(plot, text: str) -> None:
    """A plot's title that does not widen its plot: a pyqtgraph title is as wide as its text, and
    a longer one than the view (e.g. "diversity (generated / real) (not logged)" in a 260 px
    column) pushed the plot's right edge, its last ticks and its threshold label out of view."""
    label = plot.titleLabel
    if not getattr(label, "shrinks", False):
        # LabelItem.updateMin (called at every setText and resize) makes its text width the
        # label's minimum; after it runs, the minimum goes back to 0 and a long title is clipped
        # at the plot's edges instead of widening it
        as_wide_as_text = label.updateMin

        def update_min():
            as_wide_as_text()
            label.setMinimumWidth(0)
            label._sizeHint[QtCore.Qt.SizeHint.MinimumSize] = (0, label._sizeHint[QtCore.Qt.SizeHint.MinimumSize][1])
            label.updateGeometry()

        label.updateMin = update_min
        label.shrinks = True
    plot.setTitle(text, size="9pt")
    label.setToolTip(text)


class CoverageCurves(pg.GraphicsLayoutWidget):
    def __init__(self):
        super().__init__()
        self.setBackground(PAPER)
        self.kind = None
        self.curves: dict = {}       # key -> (plot, this run's curve, the compared run's, alert marks)
        self.thresholds: dict = {}   # key -> the alert threshold's line
        self.notes: dict = {}        # key -> what its title adds: "", "undefined" or "not logged"
        self._alerts: list = []      # (step, message) pairs marked
        # both kinds' plots are made once, with the panel (building four cost ~0.1-0.2 s on the
        # GUI thread at every switch between a toy GAN and an image GAN); build() swaps them
        self._sets = {kind: self._make(kind) for kind in COVERAGE_KEYS}

    def _make(self, kind: str) -> tuple:
        layout = pg.GraphicsLayout()
        curves, thresholds = {}, {}
        keys = COVERAGE_KEYS[kind]
        for i, (key, title) in enumerate(keys):
            plot = layout.addPlot(row=i, col=0)
            set_title(plot, tr(title))
            plot.setLabel("bottom", tr("step")) if i == len(keys) - 1 else None
            plot.getAxis("left").setWidth(44)
            plot.setMenuEnabled(False)
            plot.pinned = False    # its range set by single_point_ranges, not by auto-range
            ours = plot.plot(pen=pg.mkPen(ACCENT, width=2), symbol="o", symbolSize=4, symbolBrush=ACCENT)
            theirs = plot.plot(pen=pg.mkPen(COMPARED_RUN, width=1.5, style=QtCore.Qt.DashLine))
            curves[key] = (plot, ours, theirs, [])
            if key in ALERT_SIGNALS:
                line = pg.InfiniteLine(angle=0, pen=pg.mkPen(ERROR, width=1, style=QtCore.Qt.DashLine),
                                       label=tr("alert threshold"), labelOpts={"position": 0.98, "color": ERROR,
                                                                           "anchors": [(1, 0), (1, 0)]})
                line.setVisible(False)
                plot.addItem(line, ignoreBounds=True)
                thresholds[key] = line
        return layout, curves, thresholds

    def build(self, kind: str) -> None:
        """The plots for each signal of `kind` ("points" or "image"), emptied."""
        if kind != self.kind:
            layout, self.curves, self.thresholds = self._sets[kind]
            self.setCentralItem(layout)
            self.kind = kind
            self.setMinimumHeight(len(COVERAGE_KEYS[kind]) * PLOT_MIN_HEIGHT)
        self._empty()

    def _title(self, key: str) -> str:
        """A plot's title in the window's language, with what `self.notes` adds to it."""
        title = tr(dict(COVERAGE_KEYS[self.kind])[key])
        note = self.notes.get(key, "")
        if note == "undefined":      # e.g. reverse KL while no sample lands near a mode
            return tr("{title} (undefined so far)").format(title=title)
        if note == "not logged":     # an older run may log some of the signals only
            return tr("{title} (not logged)").format(title=title)
        return title

    def _empty(self) -> None:
        self.notes, self._alerts = {}, []
        for key, (plot, ours, theirs, marks) in self.curves.items():
            ours.setData([], [])
            theirs.setData([], [])
            while marks:
                plot.removeItem(marks.pop())
            set_title(plot, self._title(key))
            self._unpin(plot)
        for line in self.thresholds.values():
            line.setVisible(False)

    @staticmethod
    def _unpin(plot) -> None:
        if plot.pinned:
            plot.pinned = False
            plot.enableAutoRange()

    def _fit(self, plot, ours, theirs) -> None:
        """One step's worth of points: a range that means something (see single_point_ranges)."""
        xs, ys = [], []
        for curve in (ours, theirs):
            x, y = curve.getData()
            if x is not None and len(x):
                xs.append(x)
                ys.append(y)
        r = single_point_ranges(np.concatenate(xs), np.concatenate(ys)) if xs else None
        if r is None:
            self._unpin(plot)
            return
        plot.pinned = True
        plot.setXRange(r[0], r[1], padding=0.02)
        plot.setYRange(r[2], r[3], padding=0.02)

    def draw(self, history, compared=None, undefined: set = frozenset()) -> None:
        """The run's curves from its LossHistory, `compared` another run's; `undefined`: keys
        the run logs as null so far (their plot says so rather than "not logged")."""
        titles = dict(COVERAGE_KEYS[self.kind])
        for key, (plot, ours, theirs, marks) in self.curves.items():
            s = history.epoch_series.get(key)
            ours.setData(s.x, s.y) if s is not None and len(s) else ours.setData([], [])
            if key in history.epoch_series or not any(k in history.epoch_series for k in titles):
                self.notes[key] = ""
            elif key in undefined:
                self.notes[key] = "undefined"
            else:
                self.notes[key] = "not logged"
            title = self._title(key)
            if plot.titleLabel.text != title:
                set_title(plot, title)
            other = compared.epoch_series.get(key) if compared else None
            theirs.setData(other.x, other.y) if other is not None and len(other) else theirs.setData([], [])
            self._fit(plot, ours, theirs)

    def place_thresholds(self, train_cfg, model_cfg, last: dict) -> None:
        """Where the run's alert rules draw the line (alerts.py: below it for a sustained stretch)."""
        tc = train_cfg
        at = {"modes_captured": tc.alert_coverage * last["n_modes"] if "n_modes" in last else None,
              "classes_covered": tc.alert_coverage * model_cfg.n_classes if model_cfg.n_classes else None,
              "diversity_ratio": tc.alert_diversity, "recall": KNN_THRESHOLD, "coverage": KNN_THRESHOLD}
        counts = {"modes_captured": last.get("n_modes"), "classes_covered": model_cfg.n_classes}
        for key, line in self.thresholds.items():
            if at.get(key) is not None:
                line.setValue(at[key])
                line.setVisible(True)
            if counts.get(key):   # a count out of n: the whole range, so the threshold sits where it means
                self.curves[key][0].setYRange(0, counts[key], padding=0.08)

    def mark_alerts(self, alerts) -> None:
        """A dotted line at each alert's step on every plot; `alerts`: (step, message) pairs."""
        self._alerts = list(alerts)
        for plot, _, _, marks in self.curves.values():
            while marks:
                plot.removeItem(marks.pop())
            for step, message in alerts:
                line = pg.InfiniteLine(pos=step, angle=90, pen=pg.mkPen(ERROR, width=1.5, style=QtCore.Qt.DotLine))
                line.setToolTip(alert_line(step, message))
                plot.addItem(line, ignoreBounds=True)
                marks.append(line)


    def retranslate(self) -> None:
        """Titles, threshold labels and alert tips (not a widget's texts) in the language now installed."""
        for _, curves, thresholds in self._sets.values():   # the hidden kind's too: it is off the scene
            for line in thresholds.values():
                line.label.setFormat(tr("alert threshold"))
                line.label.setText(tr("alert threshold"))   # setFormat redraws a shown label only
            list(curves.values())[-1][0].setLabel("bottom", tr("step"))
        if self.kind is None:
            return
        for key, (plot, _, _, marks) in self.curves.items():
            set_title(plot, self._title(key))
            for line, (step, message) in zip(marks, self._alerts):
                line.setToolTip(alert_line(step, message))


class LabelsHeatmap(QtWidgets.QWidget):
    """The classifier's labels of each evaluation's generated samples, class x evaluation."""

    def __init__(self):
        super().__init__()
        self.plot = pg.PlotWidget(background=PAPER)
        set_title(self.plot.getPlotItem(), tr("classifier's labels of generated samples"))
        self.img = pg.ImageItem(axisOrder="row-major")
        self.img.setLookupTable(pg.colormap.get(CONTINUOUS_CMAP).getLookupTable(nPts=256))
        self.plot.addItem(self.img)
        self.plot.setLabel("left", tr("class"))
        self.plot.setLabel("bottom", tr("evaluation"))
        lb = QtWidgets.QVBoxLayout(self)
        lb.setContentsMargins(0, 0, 0, 0)
        lb.addWidget(self.plot, 1)
        caption = QtWidgets.QLabel(tr("One column per evaluation; the brighter a cell, the larger the share of "
                                      "generated samples the classifier labels as that class. A collapsing "
                                      "G piles onto a few rows."))
        caption.setWordWrap(True)
        caption.setStyleSheet(f"color: {TEXT_MUTED};")
        lb.addWidget(caption)

    def retranslate(self) -> None:
        set_title(self.plot.getPlotItem(), tr("classifier's labels of generated samples"))   # and its tip

    def draw(self, records) -> None:
        """From the run's metrics records (those of evaluations that logged a label histogram)."""
        hists = [r["label_hist"] for r in records
                 if r.get("kind") in ("epoch", "eval") and isinstance(r.get("label_hist"), list)]
        if not hists:
            return
        m = np.array(hists, np.float32).T          # class x evaluation
        m = m / np.maximum(m.sum(0, keepdims=True), 1)
        self.img.setImage(m, levels=(0, max(0.2, float(m.max()))))
        self.img.setRect(QtCore.QRectF(0, -0.5, m.shape[1], m.shape[0]))
