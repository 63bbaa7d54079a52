"""Latent map: a 2-D map of the run's latent space; click or drag anywhere to decode.

The map is drawn by PointMap (rasterised points, fluid at 70k). A click is lifted
to a latent (exactly for raw and PCA maps, by local interpolation for UMAP and
t-SNE) and decoded at once with the window's copy of the model. The distance to
the nearest data point is shown as an off-manifold cue: far from the data the
decoder is extrapolating.
"""
from __future__ import annotations

from explorer.core.said import text_of

import numpy as np
import pyqtgraph as pg
import torch
from PySide6 import QtCore, QtWidgets

from explorer.core.data.images import to_uint8

from ..i18n import QT_TR_NOOP, tr
from ..palette import CONTINUOUS_CMAP, DATA_POINTS, DECODED_POINT, ERROR, OK, PAPER, TEXT_FAINT, category_colours
from ..latent_session import ALL_POINTS, POINT_CHOICES
from ..point_map import PointMap
from ..widgets import ScaledImage, caption, rgb_pixmap

# PCA, UMAP, t-SNE: names, kept; tr() where shown (the raw map's title is words)
METHOD_TITLES = {"raw": QT_TR_NOOP("raw (2-D latents)"), "pca": "PCA", "umap": "UMAP", "tsne": "t-SNE"}
HINT = QT_TR_NOOP("Click or drag on the map to decode · Shift+drag or right-drag to pan · wheel to zoom")


class Lines:
    """The formatted lines a panel shows (numbers, names inside a sentence), each kept with
    the function that makes it: redraw() makes them again in the language installed now
    (a panel's retranslate()). Every text of a label kept here goes through set()."""

    def __init__(self):
        self._renders: dict = {}   # id(label) -> (label, render)

    def set(self, label, render=None) -> None:
        """Show `render()` on `label` (a QLabel, or anything with setText); None: clear it."""
        if render is None:
            self._renders.pop(id(label), None)
            label.setText("")
            return
        self._renders[id(label)] = (label, render)
        label.setText(render())

    def redraw(self) -> None:
        for label, render in list(self._renders.values()):
            label.setText(render())


def colour_points(coloring) -> tuple[np.ndarray, dict]:
    """(n, 4) uint8 colours and what the legend needs."""
    v = np.asarray(coloring.values)
    if coloring.categorical:
        k = max(int(v.max()) + 1 if len(v) else 1, len(coloring.names))
        pal = category_colours(k)
        return pal[v.astype(np.int64)], {"categorical": True, "names": coloring.names or [str(i) for i in range(k)],
                                         "colours": pal}
    finite = v[np.isfinite(v)]
    lo, hi = (np.percentile(finite, [2, 98]) if len(finite) else (0.0, 1.0))
    if hi <= lo:
        hi = lo + 1e-9
    t = np.clip((np.nan_to_num(v, nan=lo) - lo) / (hi - lo), 0, 1)
    cmap = pg.colormap.get(CONTINUOUS_CMAP)
    return cmap.map(t, mode="byte"), {"categorical": False, "lo": float(lo), "hi": float(hi), "cmap": cmap}


def image_pixmap(x: torch.Tensor):
    return rgb_pixmap(to_uint8(x.unsqueeze(0))[0].squeeze(-1) if x.shape[0] == 1 else to_uint8(x.unsqueeze(0))[0])


class Legend(QtWidgets.QLabel):
    def __init__(self):
        super().__init__()
        self.setWordWrap(True)
        self.setTextFormat(QtCore.Qt.RichText)
        self._shown = None   # (coloring, info) of the legend on screen

    def show_legend(self, coloring, info: dict) -> None:
        """The legend of `coloring` (a latent_session.Coloring), its title and names in the
        window's language."""
        self._shown = (coloring, info)
        title = coloring.title()
        if info.get("categorical"):
            names, cols = coloring.shown_names() or info["names"], info["colours"]
            items = [f"<span style='color:rgb({c[0]},{c[1]},{c[2]})'>■</span>&nbsp;{n}"
                     for n, c in zip(names[:30], cols[:30])]
            more = " …" if len(names) > 30 else ""
            self.setText(f"<b>{title}:</b> " + " &nbsp; ".join(items) + more)
        else:
            stops = [info["cmap"].map(t, mode="byte") for t in np.linspace(0, 1, 8)]
            bar = "".join(f"<span style='color:rgb({c[0]},{c[1]},{c[2]})'>█</span>" for c in stops)
            self.setText(f"<b>{title}:</b> {info['lo']:.3g} {bar} {info['hi']:.3g}")

    def clear_legend(self) -> None:
        self._shown = None
        self.setText("")

    def retranslate(self) -> None:
        if self._shown is not None:
            self.show_legend(*self._shown)


class DataSpaceView(pg.PlotWidget):
    """For 2-D toy data a decoded 'image' is a point: show it over the data."""

    def __init__(self):
        super().__init__(background=PAPER)
        self.setAspectLocked(True)
        self.data_item = pg.ScatterPlotItem(size=2, pen=None, brush=pg.mkBrush(DATA_POINTS))
        self.point = pg.ScatterPlotItem(size=14, symbol="+", pen=pg.mkPen(DECODED_POINT, width=2.5))
        self.addItem(self.data_item)
        self.addItem(self.point)
        self.setMinimumSize(80, 80)

    def set_data(self, xy: np.ndarray) -> None:
        self.data_item.setData(xy[:, 0], xy[:, 1])

    def show_point(self, p) -> None:
        self.point.setData([] if p is None else [float(p[0])], [] if p is None else [float(p[1])])


class SampleView(QtWidgets.QStackedWidget):
    """Shows a decoded sample: an image, or a point in data space for 2-D data."""

    def __init__(self, placeholder: str):
        super().__init__()
        self.image = ScaledImage(placeholder)
        self.points = DataSpaceView()
        self.addWidget(self.image)
        self.addWidget(self.points)
        self.last = None

    def set_points_mode(self, data_xy: np.ndarray | None) -> None:
        if data_xy is None:
            self.setCurrentWidget(self.image)
        else:
            self.points.set_data(data_xy)
            self.setCurrentWidget(self.points)

    def display(self, x: torch.Tensor | None) -> None:
        self.last = x
        if self.currentWidget() is self.points:
            self.points.show_point(None if x is None else x.numpy())
        else:
            self.image.set_pixmap(None if x is None else image_pixmap(x))


class LatentMapPanel(QtWidgets.QWidget):
    def __init__(self, session, parent=None):
        super().__init__(parent)
        self.session = session
        self.method = QtWidgets.QComboBox()
        self.method.setToolTip(tr("How the latents are laid out in 2-D. PCA is exact and instant; UMAP and t-SNE "
                                  "keep neighbours together and replace PCA when ready."))
        self.colour_by = QtWidgets.QComboBox()
        self.colour_by.setToolTip(tr("What the colour of each point shows"))
        self.source = QtWidgets.QComboBox()
        self.source.setToolTip(tr("GANs have no encoder: map the generator's noise, or real and generated "
                                  "images in the classifier's feature space"))
        self.source_label = QtWidgets.QLabel(tr("Show"))
        self.cap = QtWidgets.QComboBox()
        for n in POINT_CHOICES:
            self.cap.addItem(tr("all") if n == ALL_POINTS else f"{n:,}", n)
        self.cap.setCurrentIndex(self.cap.findData(session.cap))
        self.cap.setToolTip(tr("How many samples are encoded and drawn (a sample keeping each label's share "
                               "when the data has more). More takes longer to encode and map; above 20,000 "
                               "UMAP is fitted on a sample and places the rest."))
        self.lines = Lines()
        self.progress = QtWidgets.QProgressBar()
        self.progress.setRange(0, 1000)
        self.progress.setMaximumWidth(120)
        self.progress.setTextVisible(False)
        self.status = caption("")
        controls = QtWidgets.QHBoxLayout()
        for w in (self.source_label, self.source, QtWidgets.QLabel(tr("Map")), self.method,
                  QtWidgets.QLabel(tr("Colour by")), self.colour_by, QtWidgets.QLabel(tr("Points")), self.cap):
            controls.addWidget(w)
        controls.addStretch(1)
        state = QtWidgets.QHBoxLayout()
        state.addWidget(self.progress)
        state.addWidget(self.status, 1)
        top = QtWidgets.QVBoxLayout()
        top.addLayout(controls)
        top.addLayout(state)

        self.map = PointMap()
        self.legend = Legend()
        self.hint = QtWidgets.QLabel(tr(HINT))
        self.hint.setWordWrap(True)
        self.hint.setStyleSheet(f"color: {TEXT_FAINT};")
        left = QtWidgets.QVBoxLayout()
        left.setContentsMargins(0, 0, 0, 0)
        left.addWidget(self.map, 1)
        left.addWidget(self.legend)
        left.addWidget(self.hint)
        left_w = QtWidgets.QWidget()
        left_w.setLayout(left)

        self.decoded = SampleView(tr("Click the map\nto decode a point."))
        self.decoded_title = QtWidgets.QLabel(tr("<b>Decoded at the probe</b>"))
        self.cue = QtWidgets.QLabel("")
        self.cue.setWordWrap(True)
        self.hover_title = QtWidgets.QLabel(tr("<b>Sample under the cursor</b>"))
        self.hover_title.setWordWrap(True)
        self.hover_input = SampleView(tr("Hover over\na point."))
        self.hover_recon = SampleView("")
        self.hover_caption = caption("")
        pair = QtWidgets.QHBoxLayout()
        pair.addWidget(self.hover_input)
        pair.addWidget(self.hover_recon)
        right = QtWidgets.QVBoxLayout()
        right.addWidget(self.decoded_title)
        right.addWidget(self.decoded, 3)
        right.addWidget(self.cue)
        right.addSpacing(8)
        right.addWidget(self.hover_title)
        right.addLayout(pair, 2)
        right.addWidget(self.hover_caption)
        right_w = QtWidgets.QWidget()
        right_w.setLayout(right)
        right_w.setMinimumWidth(180)

        split = QtWidgets.QSplitter()
        split.addWidget(left_w)
        split.addWidget(right_w)
        split.setStretchFactor(0, 3)
        split.setStretchFactor(1, 1)
        split.setSizes([600, 220])
        lay = QtWidgets.QVBoxLayout(self)
        lay.setContentsMargins(4, 4, 4, 4)
        lay.addLayout(top)
        lay.addWidget(split, 1)

        self.method.currentIndexChanged.connect(self._method_chosen)
        self.colour_by.currentIndexChanged.connect(self._recolour)
        self.cap.currentIndexChanged.connect(lambda _: self.session.set_cap(self.cap.currentData()))
        self.source.currentIndexChanged.connect(self._source_chosen)
        self.map.probed.connect(self._probed)
        self.map.hovered.connect(self._hovered)
        session.points_changed.connect(self._points_changed)
        session.map_changed.connect(self._map_changed)
        session.status.connect(self._status)
        session.probe_changed.connect(self._show_probe)
        self._points_changed()

    def retranslate(self) -> None:
        """The status line, legend, cue and hover caption in the language installed now (the
        combo boxes' items and the static labels are put back by i18n.retranslate)."""
        self.status.setText(self.session.status_text())
        self.lines.redraw()

    # -- session -> view ----------------------------------------------------------------
    def _status(self, text: str, fraction: float) -> None:
        self.status.setText(text)
        self.progress.setVisible(fraction >= 0)
        if fraction > 0:
            self.progress.setRange(0, 1000)
            self.progress.setValue(int(fraction * 1000))
        elif fraction == 0:
            self.progress.setRange(0, 0)   # busy: no fraction known yet

    def _points_changed(self) -> None:
        s = self.session
        from ..latent_session import SOURCE_TITLES
        with QtCore.QSignalBlocker(self.source):
            self.source.clear()
            for src in s.sources():
                self.source.addItem(tr(SOURCE_TITLES[src]), src)
            self.source.setCurrentIndex(max(0, self.source.findData(s.source)))
        multi = self.source.count() > 1
        self.source.setVisible(multi)
        self.source_label.setVisible(multi)
        pts = s.points
        with QtCore.QSignalBlocker(self.colour_by):
            current = self.colour_by.currentData()
            self.colour_by.clear()
            if pts is not None:
                for name, coloring in pts.colorings.items():   # shown: its title; data: its key
                    self.colour_by.addItem(coloring.title(), name)
                if current in pts.colorings:
                    self.colour_by.setCurrentIndex(self.colour_by.findData(current))
        with QtCore.QSignalBlocker(self.method):
            self.method.clear()
            for m in (s.available_methods() if pts is not None else ["pca", "umap", "tsne"]):
                self.method.addItem(tr(METHOD_TITLES[m]), m)
            self.method.setCurrentIndex(max(0, self.method.findData(s.resolved_method() if pts is not None
                                                                     else s.method)))
        points_mode = None
        if s.context is not None and s.model is not None and s.context.model_cfg.data_kind == "points" \
                and pts is not None and pts.decodable:
            points_mode = s.data.test_x[:3000].numpy()
        for view in (self.decoded, self.hover_input, self.hover_recon):
            view.set_points_mode(points_mode)
        self.hover_title.setText(tr("<b>Sample under the cursor</b><br>input | reconstruction")
                                 if pts is not None and pts.source == "latents"
                                 else tr("<b>Sample under the cursor</b>"))
        if pts is None or s.probe_z is None:   # another run or source: nothing of the last one stays
            for view in (self.decoded, self.hover_input, self.hover_recon):
                view.display(None)
            self.lines.set(self.hover_caption, None)
            self.lines.set(self.cue, None)
        if pts is None:
            self.map.set_points(np.zeros((0, 2), np.float32), np.zeros((0, 4), np.uint8))
            self.legend.clear_legend()

    def _map_changed(self) -> None:
        s = self.session
        if s.map is None or s.points is None:
            return
        coloring, (rgba, info) = self._colours()
        self.map.set_points(s.map.coords, rgba, fit=True)
        self.legend.show_legend(coloring, info)
        if s.probe_xy is not None:
            self.map.set_probe(*s.probe_xy)

    def _colours(self):
        s = self.session
        name = self.colour_by.currentData()
        coloring = s.points.colorings.get(name) or next(iter(s.points.colorings.values()))
        return coloring, colour_points(coloring)

    def _recolour(self) -> None:
        if self.session.points is None or self.session.map is None:
            return
        coloring, (rgba, info) = self._colours()
        self.map.set_colors(rgba)
        self.legend.show_legend(coloring, info)

    def _method_chosen(self) -> None:
        m = self.method.currentData()
        if m:
            self.session.set_method(m)

    def _source_chosen(self) -> None:
        src = self.source.currentData()
        if src:
            self.session.set_source(src)

    # -- mouse ---------------------------------------------------------------------------
    def _probed(self, x: float, y: float, final: bool) -> None:
        s = self.session
        if s.points is None or s.lifter is None:
            return
        if not s.points.decodable:  # feature space: show the nearest sample instead
            row = self.map.nearest(x, y, max_pixels=1e9)
            s.select(row)
            self.decoded.display(s.sample_image(row))
            self.lines.set(self.cue, lambda: tr("Classifier feature space cannot be decoded: the nearest sample "
                                                "is shown."))
            return
        s.probe(x, y)
        if final:
            row = self.map.nearest(x, y)
            if row >= 0:
                s.select(row)

    def _show_probe(self) -> None:
        s = self.session
        if s.probe_z is None:
            return
        x = s.decode(s.probe_z, s.probe_row)[0]
        self.decoded.display(x)
        # probe_off is in units of the data's local spacing at the nearest point (MapLifter):
        # ~1 between neighbouring points in a dense or a sparse cluster alike, so one threshold
        # serves the whole map
        off = s.probe_off
        far = off > s.lifter.FAR_FROM_DATA
        colour = ERROR if far else OK

        def cue() -> str:
            words = tr("far from the data: the decoder is extrapolating") if far else tr("near the data")
            return (f"<span style='color:{colour}'>● {words}</span> "
                    + tr("(distance to nearest point: {off:.1f}× the usual spacing of the data there)").format(off=off))
        self.lines.set(self.cue, cue)
        if s.probe_xy is not None:
            self.map.set_probe(*s.probe_xy)

    def _hovered(self, row: int) -> None:
        s = self.session
        if row < 0 or s.points is None:
            return
        self.hover_input.display(s.sample_image(row))
        self.hover_recon.display(s.reconstruction(row))
        label = text_of(s.points.label_names[int(s.points.labels[row])]) if len(s.points.label_names) else ""
        error = kl = None
        if s.points.source == "latents":
            enc = s.points.encoded
            error = float(enc.recon_error[row])
            kl = None if enc.kl is None else float(enc.kl[row])

        def caption_text() -> str:
            if error is None:
                return tr("label {label}").format(label=label)
            if kl is None:
                return tr("label {label}, reconstruction error {error:.4f}").format(label=label, error=error)
            return tr("label {label}, reconstruction error {error:.4f}, KL {kl:.1f} nats").format(
                label=label, error=error, kl=kl)
        self.lines.set(self.hover_caption, caption_text)
