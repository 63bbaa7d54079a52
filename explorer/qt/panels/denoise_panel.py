"""Denoising autoencoders: a noise slider on a chosen input shows the noisy
input, its reconstruction, and an arrow on the map from where the noise pushed
the latent to where the clean input sits."""
from __future__ import annotations

from PySide6 import QtCore, QtWidgets

from ..i18n import QT_TR_NOOP, tr
from ..widgets import caption

from .latent_map_panel import Lines, SampleView

# the noise kinds (models/config.py): tr() where shown
NOISE_NAMES = {"gaussian": QT_TR_NOOP("gaussian"), "masking": QT_TR_NOOP("masking"),
               "saltpepper": QT_TR_NOOP("saltpepper")}


class DenoisePanel(QtWidgets.QWidget):
    def __init__(self, session, map_view, parent=None):
        super().__init__(parent)
        self.session, self.map_view = session, map_view
        self.view = None
        self.level = QtWidgets.QSlider(QtCore.Qt.Horizontal)
        self.level.setRange(0, 100)
        self.level_label = QtWidgets.QLabel("")
        self.message = caption("")
        self.lines = Lines()
        self.clean = SampleView(tr("input"))
        self.noisy = SampleView(tr("noisy"))
        self.recon = SampleView(tr("reconstruction"))
        titles = QtWidgets.QHBoxLayout()
        images = QtWidgets.QHBoxLayout()
        for title, w in ((tr("clean"), self.clean), (tr("noisy"), self.noisy), (tr("reconstructed"), self.recon)):
            t = QtWidgets.QLabel(title)
            t.setAlignment(QtCore.Qt.AlignCenter)
            titles.addWidget(t)
            images.addWidget(w)
        row = QtWidgets.QHBoxLayout()
        row.addWidget(QtWidgets.QLabel(tr("Noise level")))
        row.addWidget(self.level, 1)
        row.addWidget(self.level_label)
        lay = QtWidgets.QVBoxLayout(self)
        lay.setContentsMargins(4, 4, 4, 4)
        lay.addWidget(self.message)
        lay.addLayout(row)
        lay.addLayout(titles)
        lay.addLayout(images, 1)
        self.level.valueChanged.connect(self.update_view)
        session.selection_changed.connect(self.update_view)
        session.points_changed.connect(self._reset)
        session.map_changed.connect(self.update_view)
        self._reset()

    def retranslate(self) -> None:
        """The message and the level's line in the language installed now."""
        self.lines.redraw()

    def _reset(self) -> None:
        s = self.session
        ok = s.model is not None and s.is_denoising
        self.setEnabled(ok)
        self.map_view.set_arrow(None, None)
        if not ok:
            self.lines.set(self.message, lambda: tr("For denoising autoencoders (dae): open one to see what it "
                                                    "does to noise."))
            return
        kind = s.model.cfg.noise
        self.top = 1.0 if kind in ("masking", "saltpepper") else max(1.0, 2 * s.model.cfg.noise_level)
        with QtCore.QSignalBlocker(self.level):
            self.level.setValue(int(round(100 * s.model.cfg.noise_level / self.top)))
        level = s.model.cfg.noise_level
        self.lines.set(self.message, lambda: tr("{kind} noise; trained at level {level:g}. Click a data point on the "
                                                "map to choose the input; the arrow goes from the noisy latent to the "
                                                "clean one.").format(kind=tr(NOISE_NAMES[kind]) if kind in NOISE_NAMES
                                                                     else kind, level=level))
        points_mode = s.data.test_x[:3000].numpy() if s.context.model_cfg.data_kind == "points" else None
        for v in (self.clean, self.noisy, self.recon):
            v.set_points_mode(points_mode)
        self.update_view()

    @property
    def noise_level(self) -> float:
        return self.top * self.level.value() / 100.0

    def update_view(self) -> None:
        from explorer.core.maps.denoising import denoising_view

        s = self.session
        if not self.isEnabled() or s.points is None or s.points.encoded is None or s.lifter is None:
            return
        row = s.selected if s.selected >= 0 else 0
        x = s.points.encoded.inputs(s.data, [row])[0]
        self.view = denoising_view(s.model, x, self.noise_level, seed=row)
        level, shift = self.noise_level, float(self.view.latent_shift)
        self.lines.set(self.level_label, lambda: tr("{level:.2f}  (latent moved {shift:.2f})").format(
            level=level, shift=shift))
        self.clean.display(self.view.clean)
        self.noisy.display(self.view.noisy)
        self.recon.display(self.view.reconstruction)
        a, b = s.lifter.place(self.view.z_noisy)[0], s.lifter.place(self.view.z_clean)[0]
        self.map_view.set_arrow(a, b)
