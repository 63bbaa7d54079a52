"""The reparameterisation trick, for the selected sample or your drawing: mu and sigma of
q(z|x) per latent dimension (ordered by KL), N samples z = mu + sigma * eps drawn as a cloud
on the map, and their decodings as a strip; Resample draws new eps. For a plain autoencoder
the same view shows a single point: its encoder gives a code, not a distribution, which is
why an AE's latent space has holes between codes and a VAE's does not."""
from __future__ import annotations

from explorer.core.said import text_of

import numpy as np
import pyqtgraph as pg
from PySide6 import QtCore, QtWidgets

from ..palette import ACCENT, DRAWN, INK, PAPER, TEXT_MUTED
from ..concept_card import ConceptCard
from ..i18n import tr
from ..widgets import ScaledImage, caption, rgb_pixmap
from .latent_map_panel import Lines

MAX_BARS = 32   # dimensions shown, highest KL first


class ReparamPanel(QtWidgets.QWidget):
    def __init__(self, session, map_view, draw_panel=None, parent=None):
        super().__init__(parent)
        self.session, self.map_view, self.draw_panel = session, map_view, draw_panel
        self.posterior = self.samples = None
        self.seed = 0
        self.lines = Lines()
        self.message = caption("")
        self.source = QtWidgets.QComboBox()
        self.source.addItem(tr("the selected sample"), "selected")
        if draw_panel is not None:
            self.source.addItem(tr("your drawing"), "drawing")
        self.count = QtWidgets.QSpinBox()
        self.count.setRange(1, 256)
        self.count.setValue(16)
        self.count.setPrefix("N = ")
        self.count.setToolTip(tr("How many samples z = μ + σ·ε to draw"))
        self.resample = QtWidgets.QPushButton(tr("Resample ε"))
        self.resample.setToolTip(tr("New draws of ε ~ N(0, I): the same μ and σ, other samples"))
        self.resample.clicked.connect(self._resample)
        self.bars = pg.PlotWidget(background=PAPER)
        self.bars.setMenuEnabled(False)
        self.bars.setMouseEnabled(False, False)
        self.bars.hideButtons()
        self.bars.setMinimumHeight(130)
        self.bars.setLabel("left", "μ ± σ")
        self.bars.setTitle(tr("per latent dimension, highest KL first"), size="9pt")
        self.mu_bars = pg.BarGraphItem(x=[], height=[], width=0.6, brush=ACCENT)
        self.sigma_bars = pg.ErrorBarItem(x=np.zeros(0), y=np.zeros(0), height=np.zeros(0), beam=0.3,
                                          pen=pg.mkPen(INK, width=1.5))
        self.bars.addItem(self.mu_bars)
        self.bars.addItem(self.sigma_bars)
        self.strip = ScaledImage(tr("Select a sample on the map (or draw one) to see its samples decoded."))
        self.strip.setMinimumHeight(70)
        self.stats = caption("")
        self.stats.setStyleSheet(f"color: {TEXT_MUTED};")
        self.stats.setTextFormat(QtCore.Qt.RichText)
        self.card = ConceptCard(self._card_text)
        self._input_x = None
        # the cloud on the map: the panel's own item on the map's plot
        self.cloud = pg.ScatterPlotItem(size=8, symbol="o", pen=pg.mkPen(INK, width=1), brush=pg.mkBrush(DRAWN))
        self.cloud.setZValue(13.2)
        map_view.addItem(self.cloud)
        # two rows: in one, the dock asked for ~50 px more than the window's 1366 px allow
        row = QtWidgets.QGridLayout()
        row.addWidget(QtWidgets.QLabel(tr("Input:")), 0, 0)
        row.addWidget(self.source, 0, 1, 1, 2)
        row.addWidget(self.count, 1, 1)
        row.addWidget(self.resample, 1, 2)
        row.addWidget(self.card.button, 0, 3)
        row.setColumnStretch(1, 1)
        lay = QtWidgets.QVBoxLayout(self)
        lay.setContentsMargins(4, 4, 4, 4)
        lay.addWidget(self.message)
        lay.addLayout(row)
        lay.addWidget(self.bars, 2)
        lay.addWidget(QtWidgets.QLabel(tr("z = μ + σ·ε, decoded:")))
        lay.addWidget(self.strip, 1)
        lay.addWidget(self.stats)
        lay.addWidget(self.card)
        self.source.currentIndexChanged.connect(lambda _: self.update_view())
        self.count.valueChanged.connect(lambda _: self.update_view())
        session.selection_changed.connect(self._selection_changed)
        session.points_changed.connect(self._reset)
        session.map_changed.connect(self.update_view)
        if draw_panel is not None:
            draw_panel.canvas.changed.connect(lambda final: final and self.source.currentData() == "drawing"
                                              and self.update_view())
        self._reset()

    def retranslate(self) -> None:
        """The message and the numbers under the strip in the language installed now."""
        self.lines.redraw()

    # -- the run --------------------------------------------------------------------------
    def usable(self) -> str | None:
        from models import ENCODE

        s = self.session
        if s.model is None:
            return tr("Open a run with an encoder (AE, VAE) to see how its encoder's output is sampled.")
        if ENCODE not in s.model.capabilities:
            return tr("This model has no encoder, so no posterior q(z|x) to sample.")
        return None

    def _reset(self) -> None:
        why = self.usable()
        for w in (self.source, self.count, self.resample):
            w.setEnabled(why is None)
        self.posterior = self.samples = None
        self._clear()
        if why is not None:
            self.lines.set(self.message, self.usable)
            return
        self.update_view()

    def _clear(self) -> None:
        self.cloud.setData([], [])
        self.mu_bars.setOpts(x=[], height=[])
        self.sigma_bars.setData(x=np.zeros(0), y=np.zeros(0), height=np.zeros(0))
        self.strip.set_pixmap(None)
        self.lines.set(self.stats, None)

    def _selection_changed(self) -> None:
        if self.source.currentData() == "selected":
            self.update_view()

    def _resample(self) -> None:
        self.seed += 1
        self.update_view()

    # -- the view -------------------------------------------------------------------------
    def _input(self):
        """(posterior, description) of the chosen input, or (None, why); the description and
        why are functions that make the text (in the language installed when called)."""
        from explorer.core.maps.posterior import encode_posterior

        s = self.session
        if self.source.currentData() == "drawing":
            post = None if self.draw_panel is None else self.draw_panel.posterior
            if post is None:
                self._input_x = None
                return None, lambda: tr("Draw something in the Draw dock first.")
            dp = self.draw_panel
            self._input_x = (dp.input_tensor(), dp.condition.currentData() if dp.condition.count() else None,
                             lambda: tr("your drawing"))
            return post, lambda: tr("your drawing")
        if s.points is None or s.points.encoded is None or s.selected < 0:
            return None, lambda: tr("Click a data point on the map: its encoding is sampled here.")
        row = s.selected
        x = s.points.encoded.inputs(s.data, [row])[0]
        from models import CONDITIONAL
        y = int(s.points.labels[row]) if CONDITIONAL in s.model.capabilities else None
        label = text_of(s.points.label_names[int(s.points.labels[row])])
        enc = s.points.encoded
        test, index = int(enc.split[row]) == 1, int(enc.index[row])

        def what() -> str:
            return (tr("test image #{index}") if test else tr("training image #{index}")).format(index=index)
        self._input_x = (x, y, what)
        return encode_posterior(s.model, x, y), lambda: tr("sample {row} (label {label}, {what})").format(
            row=row, label=label, what=what())

    def update_view(self) -> None:
        from explorer.core.maps.reparam import reparameterise

        s = self.session
        if self.usable() is not None:
            return
        post, what = self._input()
        if post is None:
            self.lines.set(self.message, what)
            self._clear()
            return
        self.posterior = post
        r = self.samples = reparameterise(post, self.count.value(), self.seed)
        vae = post.sigma is not None
        n = len(r.z)
        if vae:
            self.lines.set(self.message, lambda: tr("{what}: q(z|x) = N(μ, σ²) per dimension; the cloud on the map "
                                                    "is {n} samples z = μ + σ·ε.").format(what=what(), n=n))
        else:
            self.lines.set(self.message, lambda: tr("{what}: an autoencoder's code is one point, not a distribution: "
                                                    "every z is μ (compare a VAE, whose samples spread around it).")
                           .format(what=what()))
        dims = r.order[:MAX_BARS]
        xs = np.arange(len(dims), dtype=float)
        self.mu_bars.setOpts(x=xs, height=post.mu[dims], width=0.6)
        sig = np.zeros(len(dims)) if not vae else post.sigma[dims]
        self.sigma_bars.setData(x=xs, y=post.mu[dims], height=2 * sig)
        every = max(1, int(np.ceil(len(dims) / 8)))   # at most ~8 labels: more overlapped in the dock
        self.bars.getAxis("bottom").setTicks([[(float(i), f"z{d}") for i, d in enumerate(dims) if i % every == 0]])
        if s.lifter is not None:
            xy = s.lifter.place(r.z)
            self.cloud.setData(xy[:, 0], xy[:, 1])
        self._show_strip(r.z)
        if vae:
            kl = r.kl
            top = ", ".join(f"z{d} {kl[d]:.2f}" for d in dims[:3])
            total, lo, hi = float(kl.sum()), float(post.sigma.min()), float(post.sigma.max())
            self.lines.set(self.stats, lambda: tr("KL(q(z|x) ‖ p(z)) = Σ KL per dimension = {kl:.2f} nats "
                                                  "(highest: {top}); σ from {lo:.3f} to {hi:.3f}.").format(
                kl=total, top=top, lo=lo, hi=hi))
        else:
            self.lines.set(self.stats, lambda: tr("No σ: the same code decoded every time."))
        self.card.refresh()

    def _card_text(self) -> str:
        from explorer.core import concepts

        post, r = self.posterior, self.samples
        text = concepts.reparam_card(None if r is None else len(r.z))
        if post is None or post.sigma is None:
            return text
        text += "<br><br>" + concepts.kl_card(post.mu, post.sigma)
        if self._input_x is not None:
            x, y, what = self._input_x
            text += "<br><br>" + concepts.elbo_card(concepts.sample_elbo(self.session.model, x, y), what())
        return text

    def _show_strip(self, z: np.ndarray) -> None:
        from explorer.core.data.images import grid

        s = self.session
        if s.context.model_cfg.data_kind != "image":
            self.strip.set_pixmap(None)
            self.strip.setText(tr("2-D data: the samples are the cloud on the map."))
            return
        label = None if self._input_x is None else self._input_x[1]   # the input's class, if conditional
        x = s.decode(z, max(s.selected, 0), label)
        self.strip.set_pixmap(rgb_pixmap(grid(x, nrow=min(len(z), 8))))
