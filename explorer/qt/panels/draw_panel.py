"""Draw an input: a canvas the size of the run's images. As the pen moves, the drawing is
encoded and its place is marked on the map (a diamond), its reconstruction shown beside it;
for a VAE the posterior q(z|x) is drawn on the map as its 1-sigma ellipse
(explorer/core/maps/posterior.py: exact for raw and PCA maps, fitted to placed samples for
UMAP and t-SNE). A drawing can be added to the interpolation path as a waypoint.

Left button draws, right button erases. Encoding one image and decoding it take well under a
millisecond for these models on the CPU, so the update runs in the mouse event itself."""
from __future__ import annotations

from explorer.core.said import text_of

import math

import numpy as np
import torch
from PySide6 import QtCore, QtGui, QtWidgets

from ..concept_card import ConceptCard
from ..i18n import tr
from ..widgets import caption
from .latent_map_panel import Lines, SampleView

ELLIPSE_SAMPLES_LIVE = 64     # UMAP/t-SNE: samples of q(z|x) placed while the pen moves
ELLIPSE_SAMPLES_FINAL = 256   # and when the stroke ends


class DrawCanvas(QtWidgets.QWidget):
    """A grey-level image of h x w pixels in [0, 1], drawn with a round antialiased brush."""
    changed = QtCore.Signal(bool)   # True when a stroke ended (the pen lifted)

    def __init__(self, h: int = 28, w: int = 28, parent=None):
        super().__init__(parent)
        self.setMinimumSize(140, 140)
        self.setSizePolicy(QtWidgets.QSizePolicy.Expanding, QtWidgets.QSizePolicy.Expanding)
        self.setCursor(QtCore.Qt.CrossCursor)
        self.brush = 1.2            # radius in image pixels
        self.pixels = np.zeros((h, w), np.float32)
        self._last = None
        self._ink = 1.0

    def set_shape(self, h: int, w: int) -> None:
        if self.pixels.shape != (h, w):
            self.pixels = np.zeros((h, w), np.float32)
            self.brush = max(0.6, w / 24.0)
            self.update()

    def clear(self) -> None:
        self.pixels[:] = 0.0
        self.update()
        self.changed.emit(True)

    def set_pixels(self, img: np.ndarray) -> None:
        self.pixels = np.clip(np.asarray(img, np.float32), 0.0, 1.0).copy()
        self.update()
        self.changed.emit(True)

    # -- geometry -----------------------------------------------------------------------
    def _cell(self) -> tuple[float, float, float]:
        h, w = self.pixels.shape
        size = min(self.width() / w, self.height() / h)
        return size, (self.width() - size * w) / 2, (self.height() - size * h) / 2

    def to_image(self, pos: QtCore.QPointF) -> tuple[float, float]:
        """Widget position -> (row, column) in image pixels (centres at .5)."""
        size, ox, oy = self._cell()
        return (pos.y() - oy) / size, (pos.x() - ox) / size

    # -- painting strokes ------------------------------------------------------------------
    def dab(self, r: float, c: float) -> None:
        """One brush mark centred at image coordinates (r, c)."""
        h, w = self.pixels.shape
        rad = self.brush
        r0, r1 = max(0, int(math.floor(r - rad - 1))), min(h, int(math.ceil(r + rad + 1)))
        c0, c1 = max(0, int(math.floor(c - rad - 1))), min(w, int(math.ceil(c + rad + 1)))
        if r0 >= r1 or c0 >= c1:
            return
        rr, cc = np.mgrid[r0:r1, c0:c1]
        d = np.hypot(rr + 0.5 - r, cc + 0.5 - c)
        alpha = np.clip(rad + 0.5 - d, 0.0, 1.0).astype(np.float32)
        patch = self.pixels[r0:r1, c0:c1]
        if self._ink > 0:
            np.maximum(patch, alpha, out=patch)
        else:
            np.minimum(patch, 1.0 - alpha, out=patch)

    def stroke_to(self, r: float, c: float) -> None:
        if self._last is None:
            self.dab(r, c)
        else:
            r_prev, c_prev = self._last
            n = max(1, int(math.ceil(2 * math.hypot(r - r_prev, c - c_prev))))   # every half pixel
            for t in np.linspace(1.0 / n, 1.0, n):
                self.dab(r_prev + t * (r - r_prev), c_prev + t * (c - c_prev))
        self._last = (r, c)
        self.update()

    def mousePressEvent(self, e: QtGui.QMouseEvent):
        if e.button() not in (QtCore.Qt.LeftButton, QtCore.Qt.RightButton):
            return
        self._ink = 1.0 if e.button() == QtCore.Qt.LeftButton else 0.0
        self._last = None
        self.stroke_to(*self.to_image(e.position()))
        self.changed.emit(False)

    def mouseMoveEvent(self, e: QtGui.QMouseEvent):
        if not e.buttons() & (QtCore.Qt.LeftButton | QtCore.Qt.RightButton):
            return
        self.stroke_to(*self.to_image(e.position()))
        self.changed.emit(False)

    def mouseReleaseEvent(self, e: QtGui.QMouseEvent):
        self._last = None
        self.changed.emit(True)

    def paintEvent(self, e):
        h, w = self.pixels.shape
        grey = np.ascontiguousarray((self.pixels * 255).astype(np.uint8))
        img = QtGui.QImage(grey.data, w, h, w, QtGui.QImage.Format_Grayscale8)
        size, ox, oy = self._cell()
        p = QtGui.QPainter(self)
        p.fillRect(self.rect(), self.palette().window())
        p.drawImage(QtCore.QRectF(ox, oy, size * w, size * h), img)
        p.setPen(QtGui.QPen(QtGui.QColor("#888"), 1))
        p.drawRect(QtCore.QRectF(ox, oy, size * w, size * h).adjusted(0, 0, -1, -1))
        p.end()


class DrawPanel(QtWidgets.QWidget):
    waypoint_requested = QtCore.Signal(str, object)   # description, latent (d,)

    def __init__(self, session, map_view, parent=None):
        super().__init__(parent)
        self.session, self.map_view = session, map_view
        self.posterior = None
        self._class_names: list = []
        self.ellipse = None
        self.drawn_xy = None
        self.updates = 0
        self.lines = Lines()
        self.message = caption("")
        self.canvas = DrawCanvas()
        self.recon = SampleView(tr("reconstruction"))
        self.brush = QtWidgets.QDoubleSpinBox()
        self.brush.setRange(0.3, 6.0)
        self.brush.setSingleStep(0.2)
        self.brush.setPrefix(tr("brush "))
        self.brush.setSuffix(" px")
        self.brush.setToolTip(tr("Radius of the pen, in pixels of the run's images"))
        self.brush.valueChanged.connect(lambda v: setattr(self.canvas, "brush", float(v)))
        self.clear = QtWidgets.QPushButton(tr("Clear"))
        self.clear.clicked.connect(self.canvas.clear)
        self.copy_index = QtWidgets.QSpinBox()
        self.copy_index.setPrefix(tr("test image #"))
        self.copy_index.setRange(0, 0)
        self.copy = QtWidgets.QPushButton(tr("Copy"))
        self.copy.setToolTip(tr("Put a test image on the canvas, to start from or to check where it lands"))
        self.copy.clicked.connect(lambda: self.copy_test_image(self.copy_index.value()))
        self.condition = QtWidgets.QComboBox()
        self.condition.setToolTip(tr("The class given to a conditional model's encoder and decoder"))
        self.condition.currentIndexChanged.connect(lambda _: self.encode(final=True))
        self.waypoint = QtWidgets.QPushButton(tr("Add to the path"))
        self.waypoint.setToolTip(tr("Add this drawing's encoding as a waypoint of the interpolation path"))
        self.waypoint.clicked.connect(self._add_waypoint)
        self.stats = caption("")
        self.stats.setTextFormat(QtCore.Qt.RichText)
        self.card = ConceptCard(self._card_text)
        self.card_terms = None   # the ELBO terms the open card shows

        images = QtWidgets.QGridLayout()
        for col, (title, w) in enumerate(((tr("your drawing (left: draw, right: erase)"), self.canvas),
                                          (tr("its reconstruction"), self.recon))):
            t = QtWidgets.QLabel(title)
            t.setAlignment(QtCore.Qt.AlignCenter)
            t.setWordWrap(True)
            images.addWidget(t, 0, col)
            images.addWidget(w, 1, col)
        images.setRowStretch(1, 1)
        images.setColumnStretch(0, 1)
        images.setColumnStretch(1, 1)
        tools = QtWidgets.QGridLayout()
        tools.addWidget(self.brush, 0, 0)
        tools.addWidget(self.clear, 0, 1)
        tools.addWidget(self.copy_index, 1, 0)
        tools.addWidget(self.copy, 1, 1)
        tools.addWidget(self.condition, 2, 0)
        tools.addWidget(self.waypoint, 2, 1)
        tools.addWidget(self.card.button, 0, 2)
        lay = QtWidgets.QVBoxLayout(self)
        lay.setContentsMargins(4, 4, 4, 4)
        lay.addWidget(self.message)
        lay.addLayout(images, 1)
        lay.addLayout(tools)
        lay.addWidget(self.stats)
        lay.addWidget(self.card)
        self.canvas.changed.connect(lambda final: self.encode(final))
        session.points_changed.connect(self._reset)
        session.map_changed.connect(lambda: self.encode(final=True))
        self._reset()

    def retranslate(self) -> None:
        """The message, the numbers under the drawing and the class names in the language
        installed now."""
        self.lines.redraw()
        if self.condition.count():
            with QtCore.QSignalBlocker(self.condition):
                for i, name in enumerate(self._class_names):
                    self.condition.setItemText(i, tr("class {name}").format(name=name))

    # -- the run ------------------------------------------------------------------------
    def usable(self) -> str | None:
        """Why drawing does not apply to the run shown (one line), or None."""
        from models import ENCODE

        s = self.session
        if s.model is None:
            return tr("Open a run with an encoder (AE, VAE, VQ-VAE) to draw an input for it.")
        if ENCODE not in s.model.capabilities:
            return tr("This model has no encoder: a drawing cannot be placed in its latent space.")
        if s.context.model_cfg.data_kind != "image":
            return tr("Drawing is for models of images; this run's data are points.")
        return None

    def _reset(self) -> None:
        from models import CONDITIONAL

        why = self.usable()
        for w in (self.canvas, self.brush, self.clear, self.copy, self.copy_index, self.waypoint, self.condition):
            w.setEnabled(why is None)
        self.posterior = self.ellipse = self.drawn_xy = None
        self.map_view.set_drawn(None)
        self.recon.display(None)
        self.lines.set(self.stats, None)
        if why is not None:
            self.lines.set(self.message, self.usable)
            return
        s = self.session
        _, h, w = s.model.cfg.data_shape
        self.canvas.set_shape(h, w)
        with QtCore.QSignalBlocker(self.brush):
            self.brush.setValue(self.canvas.brush)
        self.copy_index.setRange(0, max(0, len(s.data.test_x) - 1))
        with QtCore.QSignalBlocker(self.condition):
            self.condition.clear()
            self._class_names = list(s.data.label_names) if CONDITIONAL in s.model.capabilities else []
            for i, name in enumerate(self._class_names):
                self.condition.addItem(tr("class {name}").format(name=text_of(name)), i)
        self.condition.setVisible(self.condition.count() > 0)
        if self._has_posterior():
            self.lines.set(self.message, lambda: tr("Draw a {h}x{w} input: the diamond on the map is where the "
                                                    "encoder puts it, the ellipse its posterior q(z|x) (1σ).")
                           .format(h=h, w=w))
        else:
            self.lines.set(self.message, lambda: tr("Draw a {h}x{w} input: the diamond on the map is where the "
                                                    "encoder puts it.").format(h=h, w=w))
        self.encode(final=True)

    def _has_posterior(self) -> bool:
        from models import POSTERIOR
        return self.session.model is not None and POSTERIOR in self.session.model.capabilities

    # -- drawing ------------------------------------------------------------------------
    def copy_test_image(self, i: int) -> None:
        if self.usable() is not None:
            return
        x = self.session.data.test_x[int(i)]
        with QtCore.QSignalBlocker(self.copy_index):
            self.copy_index.setValue(int(i))
        self.canvas.set_pixels(x.float().mean(0).numpy())   # grey: the mean over channels

    def input_tensor(self) -> torch.Tensor:
        """The drawing as the model's input (C, H, W), grey replicated over channels."""
        c = self.session.model.cfg.data_shape[0]
        return torch.from_numpy(self.canvas.pixels).unsqueeze(0).expand(c, -1, -1).contiguous()

    def encode(self, final: bool = True) -> None:
        """Encode the drawing; mark it on the map, draw the ellipse, show the reconstruction."""
        from explorer.core.maps.posterior import encode_posterior, map_ellipse

        s = self.session
        if self.usable() is not None or s.lifter is None:
            return
        if not self.canvas.pixels.any():   # nothing drawn yet: nothing on the map
            self.posterior = self.ellipse = self.drawn_xy = None
            self.map_view.set_drawn(None)
            self.recon.display(None)
            self.lines.set(self.stats, lambda: tr("Draw on the canvas, or copy a test image to start from."))
            return
        y = self.condition.currentData() if self.condition.count() else None
        post = encode_posterior(s.model, self.input_tensor(), y)
        self.posterior = post
        self.drawn_xy = s.lifter.place(post.mu)[0]
        n = ELLIPSE_SAMPLES_FINAL if final else ELLIPSE_SAMPLES_LIVE
        self.ellipse = map_ellipse(s.lifter, post, n_samples=n) if post.sigma is not None else None
        self.map_view.set_drawn(self.drawn_xy, None if self.ellipse is None else self.ellipse.outline())
        self.recon.display(s.decode(post.mu, label=y)[0])
        self.updates += 1
        if final:
            self.lines.set(self.stats, self._describe())
            self.card.refresh()

    def _describe(self):
        """A function that makes the line under the drawing (in the language installed when called)."""
        post, s = self.posterior, self.session
        x, y = float(self.drawn_xy[0]), float(self.drawn_xy[1])
        off = float(s.lifter.off_manifold_at(self.drawn_xy))
        near = off <= s.lifter.FAR_FROM_DATA
        kl = lo = hi = None
        fitted = False
        if post.sigma is not None:
            from explorer.core.maps.reparam import kl_per_dim
            kl = float(kl_per_dim(post.mu, post.sigma).sum())
            lo, hi = float(post.sigma.min()), float(post.sigma.max())
            fitted = not (self.ellipse is None or self.ellipse.exact)

        def render() -> str:
            if near:
                text = tr("On the map at ({x:.2f}, {y:.2f}), near the data ({off:.1f}× the local spacing).")
            else:
                text = tr("On the map at ({x:.2f}, {y:.2f}), far from the data ({off:.1f}× the local spacing).")
            text = text.format(x=x, y=y, off=off)
            if kl is not None:
                text += "<br>" + tr("KL(q(z|x) ‖ p(z)) = {kl:.2f} nats; σ from {lo:.3f} to {hi:.3f}").format(
                    kl=kl, lo=lo, hi=hi)
                if fitted:
                    text += tr(" (ellipse fitted to samples placed on the map)")
            return text
        return render

    def _card_text(self) -> str:
        from explorer.core import concepts

        post = self.posterior
        if post is None or post.sigma is None or not self._has_posterior():
            return concepts.elbo_card(None) if self._has_posterior() else tr(
                "<b>Where a drawing lands</b>: the encoder maps the input x to a code z = enc(x); the diamond "
                "is that code placed on the map. An autoencoder's codes are points, with gaps between them "
                "that decode to nothing in particular; a VAE's posterior q(z|x) covers a region instead.")
        y = self.condition.currentData() if self.condition.count() else None
        terms = self.card_terms = concepts.sample_elbo(self.session.model, self.input_tensor(), y)
        last = self.session.context.last_metrics if self.session.context is not None else {}
        iwae = concepts.iwae_card(last.get("test_neg_elbo"), last.get("test_iwae_nll"), last.get("iwae_k"))
        return (concepts.elbo_card(terms, tr("your drawing")) + "<br><br>" + concepts.kl_card(post.mu, post.sigma)
                + "<br><br>" + iwae)

    def _add_waypoint(self) -> None:
        if self.posterior is not None:
            self.waypoint_requested.emit(tr("your drawing"), np.asarray(self.posterior.mu, np.float64))
