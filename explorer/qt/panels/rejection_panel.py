"""Rejection sampling at sampling time: draw a pool from the generator, keep what passes.

Two filters. The dataset's classifier (any generator of images): a sample is kept when
the classifier labels it with confidence at or above a threshold; the pool is drawn once
and the threshold slider only re-splits the stored confidences, so moving it costs no
model work. A GAN's own discriminator (DRS, Azadi et al. 2019; explorer.core.gan.drs): kept
or rejected at random by how real D finds each candidate, for images and for 2-D toy data.
All model work runs in the window's background jobs.
"""
from __future__ import annotations

import threading

import numpy as np
import pyqtgraph as pg
import torch
from PySide6 import QtCore, QtWidgets

from explorer.core.gan.drs_view import BURN_IN, DRSDraw, draw_drs, side_grids
from models import ADVERSARIAL, CONDITIONAL, GENERATE

from ..palette import ACCENT, DATA_POINTS_LIGHT, ERROR, KEPT, REJECTED
from ..concept_card import ConceptCard
from ..i18n import QT_TR_NOOP, tr
from ..jobs import Progress
from ..widgets import ScaledImage, caption, rgb_pixmap

JOB = "rejection"
SHOWN = 64                 # images per grid
GRID_COLUMNS = 8
DEFAULT_N = 256
DEFAULT_THRESHOLD = 0.80
CLASSIFIER, DRS = "classifier", "drs"


def _title(text: str) -> QtWidgets.QLabel:
    label = QtWidgets.QLabel(text)
    label.setAlignment(QtCore.Qt.AlignCenter)
    label.setWordWrap(True)
    return label


class PointsView(pg.PlotWidget):
    """2-D samples over the training data (grey)."""

    def __init__(self, colour: str, parent=None):
        super().__init__(parent)
        self.setMinimumSize(120, 120)
        self.setAspectLocked(True)
        self.hideButtons()
        self.setMenuEnabled(False)
        self.data_item = pg.ScatterPlotItem(size=6, pen=None, brush=pg.mkBrush(DATA_POINTS_LIGHT))
        self.samples = pg.ScatterPlotItem(size=5, pen=None, brush=pg.mkBrush(colour))
        self.addItem(self.data_item)
        self.addItem(self.samples)

    def show_points(self, data_xy: np.ndarray | None, xy: np.ndarray | None) -> None:
        if data_xy is None:
            self.data_item.setData([], [])
        else:
            self.data_item.setData(data_xy[:, 0], data_xy[:, 1])
        xy = np.zeros((0, 2)) if xy is None else np.asarray(xy)
        self.samples.setData(xy[:, 0], xy[:, 1])


class RejectionPanel(QtWidgets.QWidget):
    def __init__(self, session, parent=None):
        super().__init__(parent)
        self.session = session
        self.pool = None            # rejection.SamplePool (classifier)
        self.split = None           # its split at the slider's threshold
        self.drs = None             # DRSDraw
        self.drawn_step = None
        self._context = None
        self._classifier = None
        self._data_xy = None
        self._kind = ""             # the run's data kind: "image" or "points"
        self._conditional = False
        self._had_model = False
        self._said = None           # (English source, values) of the acceptance line, or None
        self._failure = None        # the message of a draw that failed

        self.message = caption("")
        self.method = QtWidgets.QComboBox()
        self.method.setToolTip(tr("What decides which samples are kept"))
        self.n = QtWidgets.QSpinBox()
        self.n.setRange(16, 20_000)
        self.n.setSingleStep(64)
        self.n.setValue(DEFAULT_N)
        self.n.setPrefix("N = ")
        self.seed = QtWidgets.QSpinBox()
        self.seed.setRange(0, 10_000)
        self.seed.setPrefix(tr("seed "))
        self.draw = QtWidgets.QPushButton(tr("Draw {n} samples").format(n=DEFAULT_N))
        self.percentile = QtWidgets.QDoubleSpinBox()
        self.percentile.setRange(0.0, 99.0)
        self.percentile.setDecimals(0)
        self.percentile.setSingleStep(5)
        self.percentile.setValue(80.0)
        self.percentile.setPrefix(tr("γ percentile "))
        self.percentile.setToolTip(tr("DRS shifts each batch's scores by their percentile γ: "
                                      "higher keeps fewer, more realistic samples"))
        self.match = QtWidgets.QCheckBox(tr("label must be the class asked for"))
        self.match.setToolTip(tr("Conditional models: also reject a sample the classifier gives another label"))
        self.slider = QtWidgets.QSlider(QtCore.Qt.Horizontal)
        self.slider.setRange(0, 100)
        self.slider.setValue(int(round(100 * DEFAULT_THRESHOLD)))
        self.slider_label = QtWidgets.QLabel(f"{DEFAULT_THRESHOLD:.2f}")
        self.slider_label.setMinimumWidth(32)
        self.acceptance = QtWidgets.QLabel("")
        self.acceptance.setWordWrap(True)
        self.acceptance.setStyleSheet("font-weight: bold;")
        self.curve = pg.PlotWidget()
        self.curve.setFixedHeight(120)
        self.curve.setMenuEnabled(False)
        self.curve.hideButtons()
        self.curve.setMouseEnabled(False, False)
        self.curve.setLabel("bottom", tr("confidence threshold"))
        self.curve.setLabel("left", tr("kept"))
        self.curve.setXRange(0, 1, padding=0.02)
        self.curve.setYRange(0, 1, padding=0.05)
        self.curve.getAxis("left").setTicks([[(0, "0%"), (0.5, "50%"), (1, "100%")]])
        self.curve_line = self.curve.plot(pen=pg.mkPen(ACCENT, width=2))
        self.curve_marker = pg.InfiniteLine(pos=DEFAULT_THRESHOLD, angle=90, pen=pg.mkPen(ERROR, width=1.5))
        self.curve.addItem(self.curve_marker)

        self.kept_title, self.rejected_title = _title(tr("kept")), _title(tr("rejected"))
        self.kept_title.setStyleSheet(f"color: {KEPT}; font-weight: bold;")
        self.rejected_title.setStyleSheet(f"color: {REJECTED}; font-weight: bold;")
        self.kept_grid, self.rejected_grid = ScaledImage(""), ScaledImage("")
        for g in (self.kept_grid, self.rejected_grid):
            g.setAlignment(QtCore.Qt.AlignTop | QtCore.Qt.AlignHCenter)
        self.kept_points, self.rejected_points = PointsView(KEPT), PointsView(REJECTED)
        self.rejected_points.setXLink(self.kept_points)
        self.rejected_points.setYLink(self.kept_points)
        self.views = QtWidgets.QStackedWidget()
        for kept, rejected in ((self.kept_grid, self.rejected_grid), (self.kept_points, self.rejected_points)):
            page = QtWidgets.QWidget()
            row = QtWidgets.QHBoxLayout(page)
            row.setContentsMargins(0, 0, 0, 0)
            row.addWidget(kept)
            row.addWidget(rejected)
            self.views.addWidget(page)

        # two controls a row: in one row they held the dock (and the window) 500-600 px wide
        controls = QtWidgets.QGridLayout()
        for i, w in enumerate((self.method, self.draw, self.n, self.seed, self.percentile)):
            controls.addWidget(w, i // 2, i % 2)
        self.threshold_row = QtWidgets.QWidget()
        threshold = QtWidgets.QGridLayout(self.threshold_row)
        threshold.setContentsMargins(0, 0, 0, 0)
        threshold.addWidget(QtWidgets.QLabel(tr("Keep confidence ≥")), 0, 0)
        threshold.addWidget(self.slider, 0, 1)
        threshold.addWidget(self.slider_label, 0, 2)
        threshold.setColumnStretch(1, 1)
        threshold.addWidget(self.match, 1, 0, 1, 3)
        titles = QtWidgets.QHBoxLayout()
        titles.addWidget(self.kept_title, 1)
        titles.addWidget(self.rejected_title, 1)
        lay = QtWidgets.QVBoxLayout(self)
        lay.setContentsMargins(4, 4, 4, 4)
        lay.addWidget(self.message)
        lay.addLayout(controls)
        lay.addWidget(self.threshold_row)
        self.card = ConceptCard(self._card_text)
        self.card.place(lay, self.acceptance)
        lay.addWidget(self.curve)
        self.caption = caption("")
        lay.addWidget(self.caption)
        lay.addLayout(titles)
        lay.addWidget(self.views, 1)

        self.method.currentIndexChanged.connect(self._method_changed)
        self.n.valueChanged.connect(self._n_changed)
        self.draw.clicked.connect(self.draw_samples)
        self.slider.valueChanged.connect(self._threshold_changed)
        self.match.toggled.connect(self.resplit)
        session.points_changed.connect(self._maybe_reset)
        self._reset()

    # -- the run -------------------------------------------------------------------
    @property
    def threshold(self) -> float:
        return self.slider.value() / 100.0

    def _maybe_reset(self) -> None:
        """New points: a new run, or its first checkpoint, resets; a newer checkpoint keeps the pool."""
        if self.session.context is not self._context or (self.session.model is not None) != self._had_model:
            self._reset()

    def _reset(self) -> None:
        """A new run: drop the pool and offer what this model can do."""
        s = self.session
        s.jobs.cancel(JOB)
        self._context = s.context
        self._had_model = s.model is not None
        self._kind = self._read_data_kind()
        self.pool = self.split = self.drs = self.drawn_step = None
        self._classifier = self._data_xy = None
        with QtCore.QSignalBlocker(self.method):
            self.method.clear()
            model = s.model
            if model is not None and GENERATE in model.capabilities:
                self.method.addItem(tr("classifier confidence"), CLASSIFIER)
                if ADVERSARIAL in model.capabilities:
                    self.method.addItem(tr("discriminator (DRS)"), DRS)
                    if self._kind == "points":
                        self.method.setCurrentIndex(1)   # no classifier for 2-D data
        self.method.setVisible(self.method.count() > 1)
        self._conditional = model is not None and CONDITIONAL in model.capabilities
        self.match.setVisible(self._conditional)
        self._method_changed()

    def _read_data_kind(self) -> str:
        from explorer.core.runs import CheckpointError

        if self.session.context is None:
            return ""
        try:
            return self.session.context.model_cfg.data_kind
        except (CheckpointError, OSError, ValueError):   # the run directory went from under us
            return ""

    def _dataset_name(self) -> str:
        loaded = self.session.context.loaded
        return loaded.train_cfg.dataset if loaded is not None else tr("this dataset")

    def _why_not(self) -> str | None:
        """One line when the chosen method cannot work on this run, else None."""
        s = self.session
        if s.context is None:
            return tr("Open a run to rejection-sample from it.")
        model = s.model
        if model is None:
            return tr("No checkpoint yet: rejection sampling works once the run has saved one.")
        if GENERATE not in model.capabilities:
            return tr("{model} cannot generate new samples (it has no prior), so there is nothing to "
                      "reject: open a VAE, GAN, VQ-VAE or PixelCNN run.").format(model=model.cfg.model)
        if self.method.currentData() == CLASSIFIER and self._kind != "image":
            return (tr("No classifier for {dataset}: it holds 2-D points, not images.").format(
                        dataset=self._dataset_name()) + " "
                    + (tr("Use the discriminator (DRS) instead.") if self.method.count() > 1 else
                       tr("Classifier rejection sampling needs an image dataset (mnist5k, digits, shapes).")))
        return None

    def _method_changed(self) -> None:
        self.session.jobs.cancel(JOB)
        method = self.method.currentData()
        is_classifier = method != DRS
        self.threshold_row.setVisible(is_classifier)
        self.curve.setVisible(is_classifier)
        self.percentile.setVisible(method == DRS)
        self.pool = self.split = self.drs = None
        self._n_changed()
        self.draw.setEnabled(self._why_not() is None)
        self._explain()
        points = self._kind == "points"
        self.views.setCurrentIndex(1 if points else 0)
        self._caption()
        self._show()

    def _caption(self) -> None:
        if self._kind == "points":
            self.caption.setText(tr("Grey: the training data. A sample is of high quality within 3 standard "
                                    "deviations of a mode's centre; a mode is captured when one lands there."))
        else:
            self.caption.setText(tr("Each side shows up to {n} of its samples, in the order they were drawn.")
                                 .format(n=SHOWN))

    def _explain(self) -> None:
        self._failure = None
        why = self._why_not()
        if why is not None:
            self.message.setText(why)
        elif self.method.currentData() != DRS:
            self.message.setText(tr("Draw N samples; the {dataset} classifier labels each one. "
                                    "Samples it labels with confidence at or above the threshold are kept: "
                                    "blurry or ambiguous ones fall below it.").format(dataset=self._dataset_name()))
        else:
            self.message.setText(tr("Discriminator rejection sampling (Azadi et al. 2019): D scores each candidate, "
                                    "and it is kept with a probability that grows with how real D finds it. "
                                    "Candidates are drawn in batches until N are kept; a higher γ percentile "
                                    "keeps fewer, more realistic ones."))

    def _n_changed(self) -> None:
        n = self.n.value()
        self.draw.setText(tr("Keep {n} samples").format(n=n) if self.method.currentData() == DRS
                          else tr("Draw {n} samples").format(n=n))

    # -- drawing (background) ----------------------------------------------------------
    def draw_samples(self) -> None:
        why = self._why_not()
        if why is not None:
            self._failure = None
            self.message.setText(why)
            return
        s = self.session
        model, context, n, seed = s.model, s.context, self.n.value(), self.seed.value()
        step = context.loaded.step
        self.draw.setEnabled(False)
        counted = Progress()   # (done, total), written by the job's thread
        if self.method.currentData() == DRS:
            pct = self.percentile.value()
            cancel = threading.Event()          # set when the run changes or a newer draw starts
            self._say(QT_TR_NOOP("drawing… (DRS scores a burn-in of {burn_in:,} candidates first, "
                                 "then keeps {n})"), burn_in=BURN_IN, n=n)

            def work():
                data = context.data()
                return draw_drs(model, n, data, pct, seed, SHOWN, cancel), None
        else:
            self._say(QT_TR_NOOP("drawing… {done} of {total}"), done=0, total=n)
            cancel = threading.Event()
            known = self._classifier

            def work():
                from explorer.core.sampling.rejection import classifier_for, draw_pool
                clf = known or classifier_for(context.data(), model.device)
                pool = draw_pool(model, n, clf, seed=seed, cancel=cancel,
                                 progress=lambda done, total: counted.set((done, total)))
                return pool, clf
        s.jobs.submit(JOB, work, lambda result: self._drawn(context, step, result),
                      lambda msg: self._failed(context, msg), cancel=cancel,
                      progress=counted, on_progress=self._show_progress)

    def _show_progress(self, counts: tuple) -> None:
        done, total = counts
        self._say(QT_TR_NOOP("drawing… {done} of {total}"), done=done, total=total)

    def _drawn(self, context, step, result) -> None:
        if context is not self._context:
            return
        self.draw.setEnabled(True)
        self.drawn_step = step
        self._explain()
        if isinstance(result[0], DRSDraw):
            self.drs, self.pool = result[0], None
        else:
            self.pool, self._classifier = result
            self.drs = None
        if self._kind == "points" and self._data_xy is None:
            self._data_xy = context.data().train_x[:3000].numpy()
        self.resplit()

    def _failed(self, context, message: str) -> None:
        if context is not self._context:
            return
        self.draw.setEnabled(self._why_not() is None)
        self._say(None)
        self._failure = message
        self.message.setText(tr("Could not draw samples: {message}").format(message=message))

    # -- showing -----------------------------------------------------------------------
    def _say(self, source: str | None, **values) -> None:
        """The acceptance line while drawing: `source` (a QT_TR_NOOP-marked text, None for
        none) formatted with `values`, kept to be said again in another language."""
        self._said = None if source is None else (source, values)
        self.acceptance.setText("" if source is None else tr(source).format(**values))

    def retranslate(self) -> None:
        """The formatted texts again, in the language now installed."""
        self._n_changed()
        self._caption()
        if self._failure is not None:
            self.message.setText(tr("Could not draw samples: {message}").format(message=self._failure))
        else:
            self._explain()
        if self._said is not None:
            self._say(self._said[0], **self._said[1])
        self._show()     # the titles, and the grids' placeholders (painted, not a label's text)

    def _threshold_changed(self) -> None:
        self.slider_label.setText(f"{self.threshold:.2f}")
        self.curve_marker.setValue(self.threshold)
        self.resplit()

    def resplit(self) -> None:
        """Re-split the stored pool at the slider's threshold: no model work."""
        if self.pool is not None:
            self.split = self.pool.split(self.threshold, self._conditional and self.match.isChecked())
        self._show()

    def _stale_note(self) -> str:
        loaded = self.session.context.loaded if self.session.context is not None else None
        if self.drawn_step is not None and loaded is not None and loaded.step != self.drawn_step:
            return tr(" (drawn at step {drawn}; the run is at step {now}: draw again)").format(
                drawn=self.drawn_step, now=loaded.step)
        return ""

    def _show(self) -> None:
        if self.pool is not None and self.split is not None:
            self._show_classifier()
        elif self.drs is not None:
            self._show_drs()
        else:
            if not self.session.jobs.busy(JOB):
                self._say(None)
            self.curve_line.setData([], [])
            self.kept_title.setText(tr("kept"))
            self.rejected_title.setText(tr("rejected"))
            for grid in (self.kept_grid, self.rejected_grid):
                grid.placeholder = tr("Samples appear here after drawing.") if self._why_not() is None else ""
                grid.set_pixmap(None)
            for view in (self.kept_points, self.rejected_points):
                view.show_points(None, None)

    def _card_text(self) -> str:
        from explorer.core.concepts import rejection_card

        numbers = getattr(self, "_card_numbers", None)
        if numbers is None:
            return rejection_card(method="drs" if self.method.currentData() == "drs" else "classifier")
        kept, total, threshold, method = numbers
        return rejection_card(kept, total, threshold, method)

    def _show_classifier(self) -> None:
        sp, t = self.split, self.threshold
        n = len(self.pool)
        self.acceptance.setText(tr("acceptance rate {rate:.0%} ({kept} of {n} kept)").format(
            rate=sp.acceptance_rate, kept=len(sp.kept), n=n) + self._stale_note())
        self._said = None
        self._card_numbers = (len(sp.kept), n, t, "classifier")
        self.card.refresh()
        ts = np.linspace(0, 1, 101)
        self.curve_line.setData(ts, self.pool.acceptance(ts))
        if self._conditional and self.match.isChecked():
            kept = tr("kept (confidence ≥ {threshold:.2f} and the class asked for): {n}")
        else:
            kept = tr("kept (confidence ≥ {threshold:.2f}): {n}")
        self.kept_title.setText(kept.format(threshold=t, n=len(sp.kept)))
        self.rejected_title.setText(tr("rejected: {n}").format(n=len(sp.rejected)))
        x = self.pool.samples
        self._show_sides(x[sp.kept], x[sp.rejected], tr("none kept: lower the threshold"), tr("none rejected"))

    def _show_drs(self) -> None:
        d = self.drs
        text = tr("acceptance rate {rate:.0%} ({accepted} of {proposed} candidates accepted; "
                  "γ at the {percentile:.0f}th percentile)").format(
            rate=d.acceptance_rate, accepted=d.accepted, proposed=d.proposed, percentile=d.percentile)
        if d.kept_modes is not None:
            k, a = d.kept_modes, d.all_modes
            text += "\n" + tr("kept: {kept_hq:.0%} high quality, {kept_modes} of {n_modes} modes · all candidates: "
                              "{all_hq:.0%} high quality, {all_modes} of {all_n_modes} modes").format(
                kept_hq=k['hq_fraction'], kept_modes=k['modes_captured'], n_modes=k['n_modes'],
                all_hq=a['hq_fraction'], all_modes=a['modes_captured'], all_n_modes=a['n_modes'])
        self.acceptance.setText(text + self._stale_note())
        self._said = None
        self._card_numbers = (d.accepted, d.proposed, None, "drs")
        self.card.refresh()
        self.kept_title.setText(tr("kept by the discriminator: the first {n} accepted").format(n=len(d.kept)))
        total = d.proposed - d.accepted
        if len(d.rejected) >= total:
            self.rejected_title.setText(tr("rejected: {n:,}").format(n=total))
        else:
            self.rejected_title.setText(tr("rejected: {n:,} (the first {shown:,} shown)").format(
                n=total, shown=len(d.rejected)))
        self._show_sides(d.kept, d.rejected, tr("none kept"), tr("none rejected"))

    def _show_sides(self, kept: torch.Tensor, rejected: torch.Tensor, kept_empty: str, rejected_empty: str) -> None:
        if self._kind == "points":
            self.kept_points.show_points(self._data_xy, kept.numpy())
            self.rejected_points.show_points(self._data_xy, rejected.numpy())
            return
        grids = side_grids(kept, rejected, SHOWN, GRID_COLUMNS)   # the same height: a sample is the same size
        for view, arr, empty in zip((self.kept_grid, self.rejected_grid), grids, (kept_empty, rejected_empty)):
            view.placeholder = empty
            view.set_pixmap(None if arr is None else rgb_pixmap(arr))
