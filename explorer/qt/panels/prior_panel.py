"""Sampling from a prior: the model's N(0, I), or a Gaussian mixture fitted on the
training latents (which gives plain autoencoders a way to sample too); the
mixture's components are marked on the map."""
from __future__ import annotations

import pyqtgraph as pg
from PySide6 import QtCore, QtWidgets

from ..palette import INK, PRIOR_MARK
from ..concept_card import ConceptCard
from ..i18n import source_of, tr
from ..widgets import ScaledImage, caption, rgb_pixmap

N_SAMPLES = 16


class PriorPanel(QtWidgets.QWidget):
    def __init__(self, session, map_view, parent=None):
        super().__init__(parent)
        self.session, self.map_view = session, map_view
        self.prior = None
        self.samples = None
        self._said = None      # (kind, values) of the formatted message line, or None
        self.kind = QtWidgets.QComboBox()
        self.k = QtWidgets.QSpinBox()
        self.k.setRange(1, 50)
        self.k.setValue(10)
        self.k.setPrefix("k = ")
        self.k.setToolTip(tr("Mixture components"))
        self.seed = QtWidgets.QSpinBox()
        self.seed.setRange(0, 10_000)
        self.seed.setPrefix(tr("seed "))
        self.fit = QtWidgets.QPushButton(tr("Fit mixture"))
        self.sample = QtWidgets.QPushButton(tr("Sample {n}").format(n=N_SAMPLES))
        self.grid = ScaledImage(tr("Samples appear here."))
        self.message = caption("")
        self.marks = pg.ScatterPlotItem(size=16, symbol="star", pen=pg.mkPen(INK, width=1),
                                        brush=pg.mkBrush(PRIOR_MARK))
        self.marks.setZValue(14)
        map_view.addItem(self.marks)
        row = QtWidgets.QHBoxLayout()
        for w in (self.k, self.fit, self.seed, self.sample):
            row.addWidget(w)
        row.addStretch(1)
        self.card = ConceptCard(self._card_text)
        row.addWidget(self.card.button)
        lay = QtWidgets.QVBoxLayout(self)
        lay.setContentsMargins(4, 4, 4, 4)
        lay.addWidget(self.kind)
        lay.addLayout(row)
        lay.addWidget(self.message)
        lay.addWidget(self.card)
        lay.addWidget(self.grid, 1)
        self.kind.currentIndexChanged.connect(self._kind_changed)
        self.fit.clicked.connect(self.fit_mixture)
        self.sample.clicked.connect(self.draw_samples)
        session.points_changed.connect(self._reset)
        session.map_changed.connect(self._mark_components)
        self._reset()

    def _reset(self) -> None:
        s = self.session
        self.prior = None
        self.samples = None
        self.marks.setData([], [])
        self.grid.set_pixmap(None)   # the last run's samples do not stay
        with QtCore.QSignalBlocker(self.kind):
            self.kind.clear()
            model = s.model
            if model is not None and s.points is not None and s.points.decodable:
                if model.latent.prior == "normal":
                    self.kind.addItem(tr("N(0, I): the model's prior"), "normal")
                if s.points.source == "latents":
                    self.kind.addItem(tr("Gaussian mixture fitted on training latents"), "mixture")
        self._kind_changed()

    def _kind_changed(self) -> None:
        kind = self.kind.currentData()
        self.k.setEnabled(kind == "mixture")
        self.fit.setEnabled(kind == "mixture")
        self.sample.setEnabled(kind is not None)
        self._said = None
        if kind is None:
            self.message.setText(tr("Open a run with a decoder to sample."))
        elif kind == "normal":
            from explorer.core.sampling.priors import StandardNormalPrior
            self.prior = StandardNormalPrior(self.session.model.latent.dim)
            self.marks.setData([], [])
            self.message.setText(tr("z ~ N(0, I): what the model was trained to decode."))
        else:
            self.prior = None
            self.message.setText(tr("Fit a mixture on the training latents; then sample from it. For a plain "
                                    "autoencoder this is the only way to sample: it has no prior."))
        self.card.refresh()

    def fit_mixture(self) -> None:
        from explorer.core.sampling.priors import GaussianMixturePrior

        s = self.session
        if s.points is None or s.points.encoded is None:
            return
        enc = s.points.encoded
        train = enc.latents[enc.rows_of("train")]
        k, seed = self.k.value(), self.seed.value()
        self._say("fitting", k=k, n=len(train))
        self.fit.setEnabled(False)
        s.jobs.submit("mixture", lambda: GaussianMixturePrior(train, k, seed), self._fitted, self._failed)

    def _fitted(self, prior) -> None:
        self.prior = prior
        self.fit.setEnabled(True)
        self._say("fitted", k=prior.k)
        self._mark_components()
        self.card.refresh()

    def _failed(self, message: str) -> None:
        self.fit.setEnabled(True)
        self._say("failed", message=message)

    def _say(self, kind: str, **values) -> None:
        """A formatted message line, kept to be said again in another language."""
        self._said = (kind, values)
        if kind == "fitting":
            text = tr("Fitting a {k}-component mixture on {n} training latents…")
        elif kind == "fitted":
            text = tr("Mixture of {k} components fitted; stars mark their means on the map.")
        else:
            text = tr("Could not fit the mixture: {message}")
        self.message.setText(text.format(**values))

    def retranslate(self) -> None:
        """The formatted texts again, in the language now installed."""
        self.sample.setText(tr("Sample {n}").format(n=N_SAMPLES))
        if self._said is not None:
            self._say(self._said[0], **self._said[1])
        g = self.grid      # painted, not a label's text
        g.placeholder = tr(source_of(g.placeholder))
        if g.text():
            g.setText(tr(source_of(g.text())))

    def _card_text(self) -> str:
        from explorer.core.concepts import mixture_card

        s = self.session
        enc = None if s.points is None else s.points.encoded
        n = None if enc is None else len(enc.rows_of("train"))
        return mixture_card(self.prior, n)

    def _mark_components(self) -> None:
        s = self.session
        from explorer.core.sampling.priors import GaussianMixturePrior

        if not isinstance(self.prior, GaussianMixturePrior) or s.lifter is None:
            self.marks.setData([], [])
            return
        xy = s.lifter.place(self.prior.means)
        self.marks.setData(xy[:, 0], xy[:, 1])

    def draw_samples(self) -> None:
        s = self.session
        if self.prior is None:
            self._said = None
            self.message.setText(tr("Fit the mixture first."))
            return
        z = self.prior.sample(N_SAMPLES, seed=self.seed.value())
        self.samples = s.decode(z)
        if self.samples.dim() == 4:
            from explorer.core.data.images import grid
            self.grid.set_pixmap(rgb_pixmap(grid(self.samples, nrow=8)))
        else:
            self.grid.set_pixmap(None)
            self.grid.setText(tr("2-D data: the samples are marked on the map as the probe moves."))
        s.set_latent(z[0])
