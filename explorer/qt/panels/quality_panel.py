"""The Quality tab: how good a generator's samples are, measured the way the field does, for
every model that generates (VAE, CVAE, a GMM prior, a PixelCNN prior, GANs).

- Its last evaluation's figures: FID, precision, recall, density and coverage (k = 5), in the
  feature space the run measures them in (the dataset classifier's penultimate layer: no
  Inception weights offline), with what a perfect generator scores here (the training split
  against the test split, sample_quality.floor), computed in the background.
- The same figures over training (each evaluation logs them), another run's dashed beside them.
- The samples behind the figures, on request and in the background: generated samples in no
  real image's k-NN ball (precision's failures: what it makes that the data never shows) and
  test images no sample's ball covers (coverage's failures: what it never makes).
"""
from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6 import QtCore, QtWidgets

from ..i18n import QT_TR_NOOP, tr
from ..palette import ACCENT, CLASS_COLOURS, COMPARED_RUN, PAPER, TEXT_FAINT
from ..widgets import ScaledImage, caption, placeholder, placeholder_stack, rgb_pixmap

FIGURES = (("precision", QT_TR_NOOP("precision")), ("recall", QT_TR_NOOP("recall")),
           ("density", QT_TR_NOOP("density")), ("coverage", QT_TR_NOOP("coverage")))
FAILURE_SAMPLES = 1000    # samples and test images compared for the failure grids
SHOWN = 48                # images in each failure grid


def generates(model) -> bool:
    """Whether `model` draws samples of its own (a VQ-VAE needs its prior)."""
    from models import AUTOREGRESSIVE, DISCRETE, GENERATE
    caps = model.capabilities
    return GENERATE in caps and not (DISCRETE in caps and AUTOREGRESSIVE not in caps)


def _failures(model, data) -> dict:
    from explorer.core.data.images import grid
    from explorer.core.training.sample_quality import failures
    f = failures(model, data, FAILURE_SAMPLES, show=SHOWN)
    if f:
        for key in ("unsupported", "uncovered"):
            f[f"{key}_grid"] = grid(f[key], nrow=8) if len(f[key]) else None
    return f


def _floor(data) -> dict:
    from explorer.core.training.sample_quality import floor
    return floor(data, FAILURE_SAMPLES)


class QualityPanel(QtWidgets.QWidget):
    def __init__(self, parent=None):
        super().__init__(parent)
        from ..jobs import Jobs

        self.jobs = Jobs(self)
        self.context = None
        self.shown_run = None
        self.compare_history = None
        self.floor: dict = {}
        self._floors: dict = {}   # dataset -> its floor (training split against test split)
        self._kind = None
        self._runs, self._listed = (), False
        self.failures: dict = {}
        self._drawn = None
        self.placeholder = placeholder(tr("Open a run that generates samples (a VAE, a GAN, a VQ-VAE's prior) "
                                          "to see how good they are."))
        content = QtWidgets.QWidget()
        lay = QtWidgets.QVBoxLayout(content)
        lay.setContentsMargins(4, 4, 4, 4)
        self.summary = QtWidgets.QLabel("")
        self.summary.setWordWrap(True)
        self.summary.setTextFormat(QtCore.Qt.RichText)
        lay.addWidget(self.summary)
        row = QtWidgets.QHBoxLayout()
        row.addWidget(QtWidgets.QLabel(tr("Compare with")))
        self.compare = QtWidgets.QComboBox()
        self.compare.setToolTip(tr("Another run on the same data, its curves dashed beside this one's"))
        self.compare.currentIndexChanged.connect(self._compare_chosen)
        row.addWidget(self.compare, 1)
        lay.addLayout(row)
        self.plots = pg.GraphicsLayoutWidget()
        self.plots.setBackground(PAPER)
        self.plots.setMinimumHeight(220)
        self.fid_plot = self.plots.addPlot(row=0, col=0)
        self.knn_plot = self.plots.addPlot(row=0, col=1)
        self.curves: dict = {}
        for plot, keys in ((self.fid_plot, (("fid", QT_TR_NOOP("FID")),)), (self.knn_plot, FIGURES)):
            plot.setMenuEnabled(False)
            plot.setLabel("bottom", tr("step"))
            plot.getAxis("left").setWidth(40)
            legend = plot.addLegend(offset=(-4, 4)) if plot is self.knn_plot else None
            for i, (key, name) in enumerate(keys):
                c = ACCENT if key == "fid" else CLASS_COLOURS[i]
                ours = plot.plot(pen=pg.mkPen(c, width=2), symbol="o", symbolSize=4, symbolBrush=c, name=tr(name))
                theirs = plot.plot(pen=pg.mkPen(c if key != "fid" else COMPARED_RUN, width=1.2,
                                                style=QtCore.Qt.DashLine))
                self.curves[key] = (ours, theirs)
            if legend is not None:
                legend.setLabelTextColor(TEXT_FAINT)
        lay.addWidget(self.plots, 1)

        box = QtWidgets.QGroupBox(tr("Where the samples fail"))
        bl = QtWidgets.QGridLayout(box)
        self.failures_button = QtWidgets.QPushButton(tr("Measure now and show the failures"))
        self.failures_button.clicked.connect(self.find_failures)
        self.failures_status = caption("")
        bl.addWidget(self.failures_button, 0, 0)
        bl.addWidget(self.failures_status, 0, 1)
        self.unsupported_title, self.uncovered_title = caption(""), caption("")
        self.unsupported = ScaledImage(tr("Samples no test image is near"))
        self.uncovered = ScaledImage(tr("Test images no sample is near"))
        for col, (title, image) in enumerate(((self.unsupported_title, self.unsupported),
                                              (self.uncovered_title, self.uncovered))):
            bl.addWidget(title, 1, col)
            bl.addWidget(image, 2, col)
        bl.setColumnStretch(0, 1)
        bl.setColumnStretch(1, 1)
        bl.setRowStretch(2, 1)
        lay.addWidget(box, 1)
        self.stack = placeholder_stack(self.placeholder, content)
        outer = QtWidgets.QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.addWidget(self.stack)
        self._title_plots()

    def _title_plots(self) -> None:
        """The texts made with numbers or for pyqtgraph, worded again at a change of language."""
        self.failures_button.setToolTip(tr("Draw {n:,} samples from this checkpoint and compare them with as many "
                                           "test images (in the background)").format(n=FAILURE_SAMPLES))
        self.fid_plot.setTitle(tr("FID (lower is better)"), size="9pt")
        self.knn_plot.setTitle(tr("k-NN figures (1 = as the data)"), size="9pt")

    def retranslate(self) -> None:
        """The texts that hold numbers, made again in the language now installed."""
        self._title_plots()
        if self.context is not None:
            self.summary.setText(self._summary_text())
        self._show_failures()

    # -- the run ------------------------------------------------------------------------------
    def set_context(self, context, runs=()) -> None:
        """`runs`: (path, label) of other runs on the same data that could be compared, or a
        function giving them: called when the tab is shown (it reads every run's files), not
        at each change of run behind another tab."""
        self.context = context
        self.shown_run = None if context is None else str(context.path)
        self._kind = None if context is None else context.model_cfg.data_kind   # read once: from the run's file
        self.compare_history = None
        self.floor, self.failures, self._drawn = {}, {}, None
        for name in ("floor", "failures"):
            self.jobs.cancel(name)
        self.failures_button.setEnabled(True)   # a job cancelled here never reports
        self._show_failures()
        self._runs, self._listed = runs, False
        with QtCore.QSignalBlocker(self.compare):
            self.compare.clear()
            self.compare.addItem(tr("(none)"), None)
        if self.isVisible():
            self._list_runs()
        self.stack.setCurrentIndex(0)
        self.refresh(force=True)

    def _show_content(self) -> None:
        """The figures' page, once the run is one whose samples are measured (a new run: at its
        first checkpoint), and the data's own figures computed for it in the background."""
        self.stack.setCurrentIndex(1)
        context = self.context
        dataset = context.summary.get("dataset")
        if dataset in self._floors:   # the same for every run on the data
            self.floor = self._floors[dataset]
        elif self.data_kind == "image" and not self.floor and not self.jobs.busy("floor"):
            self.jobs.submit("floor", lambda ctx=context: _floor(ctx.data()),
                             lambda f, ctx=context: self._floor_ready(ctx, f),
                             lambda message, ctx=context: self._floor_ready(ctx, {"error": message}))

    def _list_runs(self) -> None:
        if self._listed or self.context is None:
            return
        self._listed = True
        runs = self._runs() if callable(self._runs) else self._runs
        with QtCore.QSignalBlocker(self.compare):
            for path, label in runs:
                if path != str(self.context.path):
                    self.compare.addItem(label, path)

    def showEvent(self, e):
        super().showEvent(e)
        self._list_runs()
        self.refresh(force=True)

    @property
    def data_kind(self) -> str | None:
        return self._kind

    @property
    def applies(self) -> bool:
        """A run whose samples are measured: it logs the figures, or its model generates."""
        ctx = self.context
        if ctx is None:
            return False
        if "fid" in ctx.history.epoch_series or "precision" in ctx.history.epoch_series:
            return True
        return ctx.loaded is not None and generates(ctx.loaded.model)

    def _floor_ready(self, ctx, floor: dict) -> None:
        if "error" not in floor:
            self._floors[ctx.summary.get("dataset")] = floor
        if ctx is self.context:
            self.floor = floor
            self.refresh(force=True)

    def _compare_chosen(self) -> None:
        from explorer.core.training.follow import RunFollower
        from explorer.core.training.loss_history import LossHistory

        path = self.compare.currentData()
        self.compare_history = None
        if path:
            self.compare_history = LossHistory()
            self.compare_history.add(RunFollower(path).poll())
        self.refresh(force=True)

    # -- drawing ------------------------------------------------------------------------------
    def refresh(self, force: bool = False) -> None:
        ctx = self.context
        if ctx is None:
            self.summary.setText("")
            return
        if self.stack.currentIndex() == 0 and self.applies:
            self._show_content()
        if not force and not self.isVisible():
            return
        key = (ctx.history.version, id(self.compare_history), bool(self.floor))
        if key == self._drawn and not force:
            return
        self._drawn = key
        logged = any(h is not None and len(h.epoch_series.get(k, ())) for h in (ctx.history, self.compare_history)
                     for k in self.curves)
        self.plots.setVisible(logged)
        for k, (ours, theirs) in self.curves.items():
            for curve, h in ((ours, ctx.history), (theirs, self.compare_history)):
                s = None if h is None else h.epoch_series.get(k)
                if s is None or not len(s):
                    curve.setData([], [])
                else:
                    curve.setData(s.x, s.y)
        self.summary.setText(self._summary_text())

    def _summary_text(self) -> str:
        m, series = self.context.last_metrics, self.context.history.epoch_series
        measured = series.get("precision") or series.get("fid")
        if not measured or not len(measured):
            text = tr("This run has logged no sample quality (runs trained before it was measured, or no "
                      "evaluation yet: each epoch's end, or every few hundred steps for a GAN, measures it). "
                      "<i>Measure now</i> measures this checkpoint.")
        else:
            where = (tr("in the {name} classifier's features") if self.data_kind == "image"
                     else tr("in the {name} coordinates")).format(name=self.context.summary.get("dataset", ""))
            figures = ", ".join(f"{tr(name)} <b>{m[k]:.2f}</b>" for k, name in FIGURES
                                if isinstance(m.get(k), (int, float)))
            fid = f"{m['fid']:.1f}" if isinstance(m.get("fid"), (int, float)) else "–"
            text = tr("Last evaluation (step {step:,}), {where}: FID <b>{fid}</b>, {figures}.").format(
                step=int(measured.x[-1]), where=where, fid=fid, figures=figures)
        if self.floor.get("error"):
            text += "<br>" + tr("The data's own figures could not be measured: {reason}").format(
                reason=self.floor["error"])
        elif self.floor:
            f = self.floor
            text += "<br>" + tr("The data against itself (training split vs test split): FID {fid:.1f}, "
                                "precision {p:.2f}, recall {r:.2f}, density {d:.2f}, coverage {c:.2f}. "
                                "A collapsing generator keeps its precision and loses recall and coverage.").format(
                fid=f["fid"], p=f["precision"], r=f["recall"], d=f["density"], c=f["coverage"])
        return text

    # -- failures -----------------------------------------------------------------------------
    def find_failures(self) -> None:
        ctx = self.context
        if ctx is None or ctx.loaded is None or not generates(ctx.loaded.model):
            self.failures_status.setText(tr("This run has no checkpoint that generates yet."))
            return
        if self.data_kind != "image":
            self.failures_status.setText(tr("2-D data: the GAN monitor's toy view shows every sample on the plane."))
            return
        self.failures_button.setEnabled(False)
        self.failures_status.setText(tr("Comparing {n:,} samples with {n:,} test images…").format(n=FAILURE_SAMPLES))
        model = ctx.loaded.model
        self.jobs.submit("failures", lambda: _failures(model, ctx.data()),
                         lambda f, c=ctx: self._failures_ready(c, f), self._failures_failed)

    def _failures_failed(self, message: str) -> None:
        self.failures_button.setEnabled(True)
        self.failures_status.setText(tr("Failed: {reason}").format(reason=message))

    def _failures_ready(self, ctx, f: dict) -> None:
        self.failures_button.setEnabled(True)
        if ctx is not self.context:
            return
        self.failures = f
        self._show_failures()

    def _show_failures(self) -> None:
        f = self.failures
        if not f:
            self.failures_status.setText("")
            self.unsupported_title.setText("")
            self.uncovered_title.setText("")
            self.unsupported.set_pixmap(None)
            self.uncovered.set_pixmap(None)
            return
        self.failures_status.setText(tr("Now, {n:,} samples against {n:,} test images: FID {fid:.1f}, precision "
                                        "{p:.2f}, recall {r:.2f}, density {d:.2f}, coverage {c:.2f}.").format(
            n=f["n"], fid=f["fid"], p=f["precision"], r=f["recall"], d=f["density"], c=f["coverage"]))
        self.unsupported_title.setText(tr("Made, never seen: {k:,} of {n:,} samples are in no test image's "
                                          "k-NN ball (precision's failures)").format(k=f["n_unsupported"], n=f["n"]))
        self.uncovered_title.setText(tr("Never made: {k:,} of {n:,} test images have no sample in their "
                                        "k-NN ball (coverage's failures)").format(k=f["n_uncovered"], n=f["n"]))
        for image, key, empty in ((self.unsupported, "unsupported_grid", tr("Every sample is near a test image.")),
                                  (self.uncovered, "uncovered_grid", tr("Every test image has a sample near it."))):
            g = f.get(key)
            if g is None:
                image.setText(empty)
            else:
                image.set_pixmap(rgb_pixmap(np.ascontiguousarray(g)))
