"""How much of the codebook is used: the usage histogram, live while training, with the
per-epoch perplexity and codes-used curves and the dead-code restart controls.

One BarGraphItem with a single brush (the dead codes are marked by a red bar along the
axis, not by per-bar brushes): at K = 8,192 it redraws in a few ms (`python main.py bench
codebook histogram` measures it beside per-bar brushes).
"""
from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6 import QtCore, QtWidgets

from ...i18n import tr
from ...palette import ACCENT, DEAD_CODE, GUIDE, PAPER, SELECTION, TEXT_FAINT, with_alpha


class UsageHistogram(pg.PlotWidget):
    """Codes sorted by use, a bar each; the dead ones under a red bar on the axis."""
    code_clicked = QtCore.Signal(int)

    def __init__(self):
        super().__init__(background=PAPER)
        self.setMouseEnabled(x=True, y=False)
        self.curve = pg.BarGraphItem(x0=np.zeros(0), height=np.zeros(0), width=1.0, pen=None,
                                     brush=pg.mkBrush(with_alpha(ACCENT, 200)))
        self.dead = pg.PlotDataItem(pen=pg.mkPen(DEAD_CODE, width=6))
        self.dead_label = pg.TextItem(color=DEAD_CODE, anchor=(1, 1))
        self.selected = pg.InfiniteLine(angle=90, pen=pg.mkPen(SELECTION, width=2))
        self.selected.hide()
        for item in (self.curve, self.dead, self.dead_label, self.selected):
            self.addItem(item)
        self.setLabel("bottom", tr("codes, most used first"))
        self.order = np.zeros(0, np.int64)   # order[x] = the code drawn at x
        self.counts = np.zeros(0, np.int64)
        self.log = False
        self.partial = False     # the counts are of an epoch under way: dead codes are "unused so far"
        self.scene().sigMouseClicked.connect(self._clicked)

    def set_usage(self, counts, log: bool | None = None, partial: bool = False) -> None:
        if log is not None:
            self.log = log
        self.partial = partial
        c = np.asarray(counts, np.int64).ravel()
        self.counts = c
        self.order = np.argsort(-c, kind="stable")
        ys = c[self.order].astype(np.float64)
        K = len(c)
        used = int((c > 0).sum())
        if self.log:
            ys = np.log10(1 + ys)
        self.setLabel("left", tr("log₁₀(1 + uses)") if self.log else tr("uses"))
        self.curve.setOpts(x0=np.arange(K, dtype=np.float64), height=ys, width=0.9 if K <= 256 else 1.0)
        top = float(ys.max()) if K and ys.max() > 0 else 1.0
        if used < K:
            self.dead.setData([used, K], [0, 0])
            self._dead_text()
            self.dead_label.setPos(K, 0.12 * top)
            self.dead_label.show()
        else:
            self.dead.setData([], [])
            self.dead_label.setText("")    # none of the last run's words stay behind
            self.dead_label.hide()
        self.setXRange(0, max(K, 1), padding=0.01)
        self.setYRange(0, top, padding=0.05)

    def _dead_text(self) -> None:
        K, used = len(self.counts), int((self.counts > 0).sum())
        self.dead_label.setText(tr("{n} unused so far").format(n=K - used) if self.partial
                                else tr("{n} dead").format(n=K - used))

    def retranslate(self) -> None:
        if len(self.counts) and int((self.counts > 0).sum()) < len(self.counts):
            self._dead_text()

    def mark(self, code: int | None) -> None:
        if code is None or not len(self.order):
            self.selected.hide()
            return
        x = int(np.flatnonzero(self.order == code)[0]) if code < len(self.order) else -1
        self.selected.setPos(x + 0.5)
        self.selected.show()

    def _clicked(self, ev) -> None:
        if not len(self.order) or ev.button() != QtCore.Qt.LeftButton:
            return
        p = self.getPlotItem().vb.mapSceneToView(ev.scenePos())
        x = int(np.floor(p.x()))
        if 0 <= x < len(self.order):
            self.code_clicked.emit(int(self.order[x]))


class UsageBox(QtWidgets.QGroupBox):
    """The histogram under a line of figures, the restart controls, and the per-epoch curves."""

    def __init__(self):
        super().__init__(tr("Codebook usage"))
        from ...concept_card import ConceptCard

        self._figures = None    # (perplexity, K, used) shown now
        self._record = None     # the usage record they come from (None: counted under the checkpoint)
        self.more_card = None   # () -> more of the card (the panel's: the VQ loss of the run shown)
        self.card = ConceptCard(self._card_text)
        self.heading = QtWidgets.QLabel("")   # not "title": a QGroupBox has title()
        self.heading.setWordWrap(True)
        # three lines kept: with the curves hidden (a prior's run) the layout gave it one, cut off
        self.heading.setMinimumHeight(3 * self.heading.fontMetrics().lineSpacing())
        self.hist = UsageHistogram()
        self.log_scale = QtWidgets.QCheckBox(tr("log scale"))
        self.auto_restart = QtWidgets.QCheckBox(tr("restart dead codes automatically"))
        self.auto_restart.setToolTip(tr("Codes unused for a while are re-seeded from current encoder outputs.\n"
                                     "Changes the training run for the rest of this session; set it for a\n"
                                     "new run in the New run dialog or with train --no-restarts."))
        self.restart_now = QtWidgets.QPushButton(tr("Restart dead codes now"))
        self.restart_now.setToolTip(tr("Re-seed every code unused so far this epoch from current encoder outputs"))
        self.curves = pg.GraphicsLayoutWidget()
        self.curves.setBackground(PAPER)
        self.perplexity_plot = self.curves.addPlot(row=0, col=0, title=tr("perplexity (per epoch)"))
        # one above the other: side by side in this ~300 px column, the second was squeezed to
        # its axis alone (ticks "40 20" beside the first plot, with no title)
        self.used_plot = self.curves.addPlot(row=1, col=0, title=tr("codes used (per epoch)"))
        self.used_plot.setLabel("bottom", tr("step"))
        self.used_plot.setXLink(self.perplexity_plot)
        self.curves.setMinimumHeight(2 * 95)
        self.hist.setMinimumHeight(150)   # the histogram stays the largest plot of the column
        self.perplexity_curve = self.perplexity_plot.plot(pen=pg.mkPen(ACCENT, width=2), symbol="o", symbolSize=4,
                                                          symbolBrush=ACCENT)
        self.used_curve = self.used_plot.plot(pen=pg.mkPen(ACCENT, width=2), symbol="o", symbolSize=4,
                                              symbolBrush=ACCENT)
        self.k_line = pg.InfiniteLine(angle=0, pen=pg.mkPen(GUIDE, style=QtCore.Qt.DashLine),
                                      label="K", labelOpts={"position": 0.05, "color": TEXT_FAINT})
        self.used_plot.addItem(self.k_line)
        for p in (self.perplexity_plot, self.used_plot):
            p.getAxis("left").setWidth(44)
        controls = QtWidgets.QGridLayout()    # two rows: one would hold the tab 500 px wide
        controls.addWidget(self.log_scale, 0, 0)
        controls.addWidget(self.restart_now, 0, 1, QtCore.Qt.AlignRight)
        controls.addWidget(self.card.button, 0, 2)
        controls.addWidget(self.auto_restart, 1, 0, 1, 2)
        ul = QtWidgets.QVBoxLayout(self)
        ul.addWidget(self.heading)
        ul.addWidget(self.card)
        ul.addWidget(self.hist, 3)
        ul.addLayout(controls)
        ul.addWidget(self.curves, 2)

    def draw_curves(self, history, keep_shown: bool, prefix: str = "") -> None:
        """The per-epoch curves from the run's history; hidden while they have no point,
        unless `keep_shown` (a VQ-VAE run, whose first epoch brings them). `prefix` "top_":
        a VQ-VAE-2's top level."""
        any_points = False
        series = {} if history is None else history.epoch_series
        for key, curve in (("perplexity", self.perplexity_curve), ("codes_used", self.used_curve)):
            s = series.get(prefix + key)
            curve.setData(s.x, s.y) if s is not None and len(s) else curve.setData([], [])
            any_points = any_points or (s is not None and len(s) > 0)
        self.curves.setVisible(any_points or keep_shown)

    def show_usage(self, counts: np.ndarray, record: dict | None) -> None:
        """Counts of each code, from a usage record of the run (None: counted over the training
        images under the checkpoint), in the histogram and the line above it."""
        from explorer.core.training.evaluation import perplexity

        partial = record is not None and record["kind"] == "usage"
        self.hist.set_usage(counts, self.log_scale.isChecked(), partial=partial)
        K, used = len(counts), int((counts > 0).sum())
        ppl = perplexity(counts) if counts.sum() else float("nan")
        self._figures, self._record = (ppl, K, used), record
        self.card.refresh()
        self._draw_title()

    def _draw_title(self) -> None:
        """The line of figures above the histogram, from what show_usage kept."""
        if self._figures is None:
            return
        ppl, K, used = self._figures
        record = self._record
        if record is None:
            where = tr("over the training images under this checkpoint")
        elif record["kind"] == "epoch":
            where = tr("over all of epoch {epoch} (step {step:,})").format(epoch=record["epoch"], step=record["step"])
        else:
            where = tr("so far in epoch {epoch} (step {step:,})").format(epoch=record["epoch"] + 1,
                                                                          step=record["step"])
        if record is not None and record["kind"] == "usage":
            dead = tr("{n:,} unused so far").format(n=K - used)
        else:
            dead = tr("{n:,} dead").format(n=K - used)
        self.heading.setText(
            tr("<b>{used:,} of {K:,} codes used</b> ({percent:.0f}%), {dead}, perplexity {ppl:.1f} {where}.").format(
                used=used, K=K, percent=100 * used / K, ppl=ppl, where=where,
                dead=f"<span style='color:{DEAD_CODE}'>{dead}</span>")
            + " " + tr("Perplexity is exp(entropy of use): K if every code were used equally, 1 for a single code."))

    def clear_title(self) -> None:
        self._figures = self._record = None
        self.heading.setText("")

    def retranslate(self) -> None:
        self._draw_title()

    def _card_text(self) -> str:
        from explorer.core.concepts import perplexity_card
        text = perplexity_card(*self._figures) if self._figures else perplexity_card(None, None)
        more = self.more_card() if self.more_card is not None else ""
        return text + ("<br><br>" + more if more else "")

    def set_restartable(self, can: bool) -> None:
        self.restart_now.setEnabled(can)
        self.auto_restart.setEnabled(can)
        self.restart_now.setStatusTip("" if can else tr(" (only while this window trains a VQ-VAE run)"))
