"""Interpolation paths: waypoints (probe points or dataset samples) or a freehand
path drawn on the map; linear or spherical interpolation in latent space; a
strip of decoded frames, exported as PNG or an animated GIF."""
from __future__ import annotations

from explorer.core.said import text_of

from pathlib import Path

import numpy as np
from PySide6 import QtWidgets

from .. import i18n
from ..i18n import tr
from ..widgets import ScaledImage, caption, rgb_pixmap
from .latent_map_panel import Lines


class InterpolationPanel(QtWidgets.QWidget):
    def __init__(self, session, map_view, parent=None):
        super().__init__(parent)
        self.session, self.map_view = session, map_view
        self.waypoints: list[tuple[str, np.ndarray, int]] = []   # (description, latent, row)
        self._describe: list = []    # a function making each list item's text (in a new language too)
        self.lines = Lines()
        self.drawn: np.ndarray | None = None                    # a freehand path in map coordinates
        self.frames = None                                       # decoded frames (torch)
        self.latents = None

        self.list = QtWidgets.QListWidget()
        self.list.setMaximumHeight(110)
        add_probe = QtWidgets.QPushButton(tr("Add probe"))
        add_probe.setToolTip(tr("The point you last clicked on the map"))
        add_sample = QtWidgets.QPushButton(tr("Add sample"))
        add_sample.setToolTip(tr("The data point you last clicked on (its own latent)"))
        remove = QtWidgets.QPushButton(tr("Remove"))
        clear = QtWidgets.QPushButton(tr("Clear"))
        self.draw = QtWidgets.QPushButton(tr("Draw path"))
        self.draw.setCheckable(True)
        self.draw.setToolTip(tr("While on, drag on the map to draw a path; its points are lifted to latents"))
        self.mode = QtWidgets.QComboBox()
        self.mode.addItem(tr("linear"), "linear")
        self.mode.addItem(tr("slerp"), "slerp")
        self.mode.setToolTip(tr("Spherical interpolation keeps the norm of Gaussian latents typical along the way"))
        self.steps = QtWidgets.QSpinBox()
        self.steps.setRange(2, 64)
        self.steps.setValue(10)
        self.steps.setSuffix(tr(" frames"))
        self.strip = ScaledImage(tr("Add two or more waypoints, or draw a path."))
        self.strip.setMinimumHeight(80)
        self.save_png = QtWidgets.QPushButton(tr("Save PNG…"))
        self.save_gif = QtWidgets.QPushButton(tr("Save GIF…"))
        self.message = caption("")

        row1 = QtWidgets.QHBoxLayout()
        for w in (add_probe, add_sample, remove, clear):
            row1.addWidget(w)
        row2 = QtWidgets.QHBoxLayout()
        row2.addWidget(self.draw)
        row2.addWidget(self.mode)
        row2.addWidget(self.steps)
        row2.addStretch(1)
        row3 = QtWidgets.QHBoxLayout()
        row3.addWidget(self.message, 1)
        row3.addWidget(self.save_png)
        row3.addWidget(self.save_gif)
        lay = QtWidgets.QVBoxLayout(self)
        lay.setContentsMargins(4, 4, 4, 4)
        lay.addLayout(row1)
        lay.addWidget(self.list)
        lay.addLayout(row2)
        lay.addWidget(self.strip, 1)
        lay.addLayout(row3)

        add_probe.clicked.connect(self.add_probe)
        add_sample.clicked.connect(self.add_selected)
        remove.clicked.connect(self._remove)
        clear.clicked.connect(self.clear)
        self.draw.toggled.connect(self._draw_mode)
        self.mode.currentIndexChanged.connect(self.update_path)
        self.steps.valueChanged.connect(self.update_path)
        self.save_png.clicked.connect(lambda: self._save("png"))
        self.save_gif.clicked.connect(lambda: self._save("gif"))
        map_view.path_drawn.connect(self._path_drawn)
        session.points_changed.connect(self.clear)
        session.map_changed.connect(self._redraw_on_map)
        self._enable_exports()

    def retranslate(self) -> None:
        """The waypoints' descriptions and the message in the language installed now."""
        for i, describe in enumerate(self._describe):
            text = describe()
            if i < len(self.waypoints):
                self.waypoints[i] = (text, *self.waypoints[i][1:])
            if i < self.list.count():
                self.list.item(i).setText(text)
        self.lines.redraw()

    # -- waypoints ------------------------------------------------------------------------
    def add_probe(self) -> None:
        s = self.session
        if s.probe_z is None:
            self.lines.set(self.message, lambda: tr("Click the map first: the probe is where you clicked."))
            return
        x, y = s.probe_xy
        self._add(lambda: tr("probe at ({x:.2f}, {y:.2f})").format(x=x, y=y), np.asarray(s.probe_z, np.float64),
                  s.probe_row)

    def add_selected(self) -> None:
        s = self.session
        z = s.latent_of(s.selected)
        if z is None:
            self.lines.set(self.message, lambda: tr("Click on a data point first: it becomes the selected sample."))
            return
        label = s.points.label_names[int(s.points.labels[s.selected])]
        row = s.selected
        self._add(lambda: tr("sample {row} (label {label})").format(row=row, label=text_of(label)), z, row)

    def add_latent(self, text: str, z: np.ndarray, row: int = -1) -> None:
        """A waypoint given as a latent (a drawing's encoding, from the Draw dock); `text`
        from tr() is said again in a new language."""
        source = i18n.source_of(text)
        self._add(lambda: i18n.tr(source), np.asarray(z, np.float64), row)

    def _add(self, describe, z: np.ndarray, row: int) -> None:
        """`describe`: a function making the waypoint's text."""
        if self.drawn is not None:   # a freehand path was the list's one item: waypoints replace it
            self.list.clear()
            self._describe = []
        self.drawn = None
        text = describe()
        self.waypoints.append((text, z, row))
        self._describe.append(describe)
        self.list.addItem(text)
        self.update_path()

    def _remove(self) -> None:
        i = self.list.currentRow()
        if i >= 0:
            self.list.takeItem(i)
            del self.waypoints[i]
            if i < len(self._describe):
                del self._describe[i]
            self.update_path()

    def clear(self) -> None:
        self.waypoints, self.drawn, self.frames, self.latents = [], None, None, None
        self._describe = []
        self.list.clear()
        self.strip.set_pixmap(None)
        self.map_view.set_path(None)
        self._enable_exports()

    def _draw_mode(self, on: bool) -> None:
        self.map_view.draw_mode = on
        self.lines.set(self.message, (lambda: tr("Drag on the map to draw a path.")) if on else None)

    def _path_drawn(self, points: np.ndarray) -> None:
        if len(points) < 2:
            return
        self.waypoints = []
        self.list.clear()
        n = len(points)
        self._describe = [lambda: tr("freehand path ({n} points)").format(n=n)]
        self.list.addItem(self._describe[0]())
        self.drawn = points
        self.draw.setChecked(False)
        self.update_path()

    # -- the path ----------------------------------------------------------------------------
    def update_path(self) -> None:
        from explorer.core.maps.interpolation import lift_path, path_through

        s = self.session
        n = self.steps.value()
        if s.model is None or s.lifter is None:
            return
        if self.drawn is not None:
            _, latents, _ = lift_path(s.lifter, self.drawn, n)
            rows = [s.lifter.lift(self.drawn[0]).nearest]
        elif len(self.waypoints) >= 2:
            latents = path_through([w[1] for w in self.waypoints], n, self.mode.currentData())
            rows = [w[2] for w in self.waypoints]
        else:
            self.frames = self.latents = None
            self.strip.set_pixmap(None)
            self._redraw_on_map()
            self._enable_exports()
            return
        self.latents = latents
        self.frames = s.decode(latents, rows[0])
        self._show_strip()
        self._redraw_on_map()
        self._enable_exports()
        n, drawn = len(latents), self.drawn is not None
        mode = self.mode.currentIndex()
        if drawn:
            self.lines.set(self.message, lambda: tr("{n} frames, along the drawn path.").format(n=n))
        else:   # the mode's name as the box shows it (put in a new language before retranslate() runs)
            self.lines.set(self.message, lambda: tr("{n} frames, {mode}.").format(n=n, mode=self.mode.itemText(mode)))

    def _show_strip(self) -> None:
        from explorer.core.maps.interpolation import strip_image

        if self.frames is None or self.frames.dim() != 4:
            self.strip.set_pixmap(None)
            self.strip.setText(tr("2-D data: the path's decoded points are shown on the map."))
            return
        self.strip.set_pixmap(rgb_pixmap(strip_image(self.frames)))

    def _redraw_on_map(self) -> None:
        s = self.session
        if s.lifter is None or self.latents is None:
            self.map_view.set_path(None)
            return
        line = s.lifter.place(self.latents)
        points = (s.lifter.place(np.stack([w[1] for w in self.waypoints])) if self.waypoints
                  else (self.drawn[[0, -1]] if self.drawn is not None else None))
        self.map_view.set_path(line, points)

    # -- export ---------------------------------------------------------------------------
    def _enable_exports(self) -> None:
        images = self.frames is not None and self.frames.dim() == 4
        self.save_png.setEnabled(images)
        self.save_gif.setEnabled(images)

    def _save(self, kind: str) -> None:
        path, _ = QtWidgets.QFileDialog.getSaveFileName(self, tr("Save the strip as {kind}").format(kind=kind.upper()),
                                                        f"interpolation.{kind}", f"{kind.upper()} (*.{kind})")
        if path:
            self.export(path)

    def export(self, path) -> Path:
        """Write the current frames as a PNG strip or an animated GIF, by the file's extension."""
        from explorer.core.maps.interpolation import save_gif, save_strip_png

        if self.frames is None or self.frames.dim() != 4:
            raise ValueError("no image frames to export: add waypoints first")
        path = Path(path)
        if path.suffix.lower() == ".gif":
            out = save_gif(self.frames, path, frame_ms=100)
        else:
            out = save_strip_png(self.frames, path)
        self.lines.set(self.message, lambda: tr("Saved {path}").format(path=out))
        return out
