"""Traversal: one slider per latent direction, decoded live.

For VAEs the directions are the latent axes ordered by KL (the units the model
actually uses first; inactive units are greyed, and moving them changes
nothing); or the principal axes of the latents, for any encoder.
"""
from __future__ import annotations

import numpy as np
from PySide6 import QtCore, QtWidgets

from ..i18n import tr
from ..palette import TEXT_DISABLED
from ..widgets import caption

STEPS = 1000
MAX_ROWS = 64   # sliders shown at most: a VQ-VAE's flattened 7x7x32 grid has 1,568 axes, and a
                # slider each froze the window for tens of seconds (a relayout per row added)
BACKGROUND_ABOVE = 500_000   # latent values (points x dimensions) beyond which directions are found
                             # off the GUI thread


class TraversalPanel(QtWidgets.QWidget):
    def __init__(self, session, parent=None):
        super().__init__(parent)
        from ..jobs import Jobs

        self.session = session
        self.jobs = Jobs(self)
        self.directions = None
        self.z = None
        self.kind = QtWidgets.QComboBox()
        self.kind.addItem(tr("latent axes (by KL)"), "axes")
        self.kind.addItem(tr("principal axes (PCA)"), "pca")
        self.reset = QtWidgets.QPushButton(tr("Reset to probe"))
        self.reset.setToolTip(tr("Set every slider to the coordinates of the last clicked point"))
        from .latent_map_panel import Lines, SampleView

        self.lines = Lines()
        self.preview = SampleView(tr("Click the map or drag a slider."))
        self.preview.setMaximumHeight(140)
        self.info = caption(tr("Open a run with an encoder, then click the map."))
        top = QtWidgets.QHBoxLayout()
        top.addWidget(QtWidgets.QLabel(tr("Directions")))
        top.addWidget(self.kind, 1)
        top.addWidget(self.reset)
        self.rows = QtWidgets.QWidget()
        self.grid = QtWidgets.QGridLayout(self.rows)
        self.grid.setColumnStretch(1, 1)
        self.scroll = scroll = QtWidgets.QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setWidget(self.rows)
        lay = QtWidgets.QVBoxLayout(self)
        lay.setContentsMargins(4, 4, 4, 4)
        lay.addLayout(top)
        lay.addWidget(self.preview)
        lay.addWidget(self.info)
        lay.addWidget(scroll, 1)
        self.sliders: list[QtWidgets.QSlider] = []
        self.values: list[QtWidgets.QLabel] = []
        self._row_widgets: list[QtWidgets.QWidget] = []
        self.kind.currentIndexChanged.connect(self.rebuild)
        self.reset.clicked.connect(self.reset_to_probe)
        session.points_changed.connect(self.rebuild)
        session.probe_changed.connect(self._follow_probe)

    def retranslate(self) -> None:
        """The line above the sliders in the language installed now."""
        self.lines.redraw()

    def rebuild(self) -> None:
        """Directions for the session's points, then a slider each. Finding the directions of
        a large latent (a VQ-VAE's 1,568 flattened dimensions over 4,500 images: about 0.3 s)
        runs in the background; a small one's (milliseconds) at once."""
        self._clear_rows()
        self.jobs.cancel("directions")
        pts, s = self.session.points, self.session
        points_mode = (s.data.test_x[:3000].numpy() if pts is not None and s.context.model_cfg.data_kind == "points"
                       else None)
        self.preview.set_points_mode(points_mode)
        self.directions = None
        if pts is None or not pts.decodable:
            self.lines.set(self.info, lambda: tr("Traversal needs a decodable latent space: open a run with an "
                                                 "encoder or a generator."))
            return
        kind = self.kind.currentData()
        if pts.vectors.size <= BACKGROUND_ABOVE:
            self._show_directions(pts, kind, _directions(pts, kind))
            return
        dims = pts.vectors.shape[1]
        if kind == "axes":
            self.lines.set(self.info, lambda: tr("Finding the latent axes of {dims:,} dimensions…").format(dims=dims))
        else:
            self.lines.set(self.info, lambda: tr("Finding the principal axes of {dims:,} dimensions…")
                           .format(dims=dims))
        self.jobs.submit("directions", lambda: _directions(pts, kind),
                         lambda d: self._show_directions(pts, kind, d), self._failed)

    def _failed(self, message: str) -> None:
        self.lines.set(self.info, lambda: tr("Traversal: {message}").format(message=message))

    def _clear_rows(self) -> None:
        # the rows are built in a new widget, off screen, and put in the scroll area once
        # complete: one layout pass, not one per row added to a shown grid. The old rows go
        # with their widget (never through a layout item's wrapper: shiboken may hand a stale
        # wrapper back for a new object later allocated at the same address)
        old = self.scroll.takeWidget()
        if old is not None:
            old.deleteLater()
        self.rows = QtWidgets.QWidget()
        self.grid = QtWidgets.QGridLayout(self.rows)
        self.grid.setColumnStretch(1, 1)
        self.scroll.setWidget(self.rows)
        self._row_widgets = []
        self.sliders, self.values = [], []

    def _show_directions(self, pts, kind, directions) -> None:
        if pts is not self.session.points or kind != self.kind.currentData():
            return    # computed for points or a choice since replaced
        total = len(directions)
        self.directions = d = _first(directions, MAX_ROWS)
        n_active, n = int(d.active.sum()), len(d)

        def info() -> str:
            if total > n:
                shown = tr("{total:,} directions, the first {n} shown ({active} active)").format(
                    total=total, n=n, active=n_active)
            else:
                shown = tr("{n} directions, {active} active").format(n=n, active=n_active)
            text = tr("{shown}. Drag a slider: the decoded sample and the probe on the map follow.").format(
                shown=shown)
            if n_active < n:
                text += tr(" Grey: inactive units (posterior = prior; the decoder ignores them).")
            return text
        self.lines.set(self.info, info)
        self.scroll.takeWidget()       # fill the rows while they are off screen
        for j in range(len(d)):
            name = QtWidgets.QLabel(d.names[j])
            slider = QtWidgets.QSlider(QtCore.Qt.Horizontal)
            slider.setRange(0, STEPS)
            value = QtWidgets.QLabel("")
            value.setMinimumWidth(48)
            if not d.active[j]:
                name.setStyleSheet(f"color: {TEXT_DISABLED};")
                name.setToolTip(tr("inactive: Var(E[z|x]) < 0.01"))
            slider.valueChanged.connect(lambda v, j=j: self._moved(j, v))
            self.grid.addWidget(name, j, 0)
            self.grid.addWidget(slider, j, 1)
            self.grid.addWidget(value, j, 2)
            self.sliders.append(slider)
            self.values.append(value)
            self._row_widgets += [name, slider, value]
        self.scroll.setWidget(self.rows)
        self.z = None
        self.reset_to_probe()

    def _origin(self) -> np.ndarray | None:
        s = self.session
        if s.probe_z is not None:
            return np.asarray(s.probe_z, np.float64)
        if s.points is not None and s.points.decodable:
            return s.points.vectors.mean(0).astype(np.float64)
        return None

    def reset_to_probe(self) -> None:
        z = self._origin()
        if z is None or self.directions is None:
            return
        self.z = z
        self._set_sliders(z)

    def _set_sliders(self, z) -> None:
        d = self.directions
        coords = d.coordinates(z)
        for j, slider in enumerate(self.sliders):
            lo, hi = d.ranges[j]
            with QtCore.QSignalBlocker(slider):
                slider.setValue(int(round(np.clip((coords[j] - lo) / (hi - lo), 0, 1) * STEPS)))
            self.values[j].setText(f"{coords[j]:+.2f}")

    def _moved(self, j: int, v: int) -> None:
        if self.z is None or self.directions is None:
            return
        lo, hi = self.directions.ranges[j]
        value = lo + (hi - lo) * v / STEPS
        self.z = self.directions.with_value(self.z, j, value)
        self.values[j].setText(f"{value:+.2f}")
        self._driving = True
        try:
            self.session.set_latent(self.z)
        finally:
            self._driving = False

    def _follow_probe(self) -> None:
        s = self.session
        if s.probe_z is not None and s.model is not None:
            self.preview.display(s.decode(s.probe_z, s.probe_row)[0])
        if getattr(self, "_driving", False) or self.directions is None:
            return
        self.reset_to_probe()


def _directions(pts, kind: str):
    from explorer.core.maps.traversal import axis_directions, pca_directions

    if kind == "axes" and pts.encoded is not None:
        return axis_directions(pts.encoded)
    if kind == "axes":
        return _noise_axes(pts.vectors)
    return pca_directions(pts.vectors, k=min(10, pts.vectors.shape[1]))


def _first(d, n: int):
    """Directions `d` cut to its first n (they come in order of importance)."""
    if len(d) <= n:
        return d
    from dataclasses import replace

    return replace(d, vectors=d.vectors[:n], names=list(d.names[:n]), scores=d.scores[:n], active=d.active[:n],
                   ranges=d.ranges[:n], dims=None if d.dims is None else d.dims[:n])


def _noise_axes(z: np.ndarray):
    """A GAN's noise axes: each coordinate of z, ranges of its N(0, 1) prior."""
    from explorer.core.maps.traversal import Directions

    d = z.shape[1]
    return Directions("axes", np.eye(d), np.zeros(d), [f"z{j}" for j in range(d)], np.ones(d),
                      np.ones(d, bool), np.tile([-3.0, 3.0], (d, 1)), dims=np.arange(d))
