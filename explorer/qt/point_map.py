"""A 2-D map of many points that stays fluid at 70,000 of them, and at a million.

pyqtgraph's ScatterPlotItem costs ~60-75 ms a frame at 70k points on this CPU
and several hundred ms to recolour (docs/ARCHITECTURE.md, "Performance"). Here the points are rasterised
with numpy into one RGBA image covering the view plus a margin; while the user
pans or zooms, that image just moves and scales with the view (a frame is one
drawImage), and it is re-rasterised at the new resolution once the view has
been still for RERENDER_MS. Recolouring repaints at once from the view's cached layout
(which point shows in each pixel). Above DENSE_POINTS the points are one pixel and shaded
by their density, so a million overlapping points still show structure. Hover is a k-d
tree query. Only the few points the user is looking at (hovered, probe, waypoints) are
scatter items.

Mouse: left click or drag probes the map (signal `probed`), Shift+left drag or
right drag pans, the wheel zooms.
"""
from __future__ import annotations

import threading

import numpy as np
import pyqtgraph as pg
from PySide6 import QtCore, QtGui, QtWidgets
# imported with the window (before it shows), not at a first map's render on the GUI thread
from scipy.ndimage import uniform_filter
from scipy.spatial import cKDTree

from .palette import DENOISE_ARROW, DRAWN, INK, PAPER, PAPER_RGBA, PATH, TRANSPARENT, WAYPOINT

BACKGROUND = PAPER_RGBA
MARGIN = 0.25        # rasterise this much beyond each edge of the view, for panning into
RERENDER_MS = 60     # re-rasterise after the view has been still this long
DENSE_POINTS = 20_000  # above this many points: 1-pixel points, shaded by density


BACKGROUND_U32 = int(np.array(BACKGROUND, np.uint8).view(np.uint32)[0])


DENSITY_DARKEN = 0.6   # the densest pixel's colour is this much darker
DENSITY_BLUR = 2       # counts are summed over a (2b+1)-pixel square before shading


class Layout:
    """Where points land in one view: for each pixel the draw rank of the point that shows
    there (-1: none), and the density shade (or None). Recolouring reuses it: a new colour
    per point is then one lookup per pixel."""

    def __init__(self, owner: np.ndarray, factor: np.ndarray | None):
        self.owner, self.factor = owner, factor


def layout(xy_drawn: np.ndarray, rect: tuple, size: tuple, radius: int = 1, density: bool = False) -> Layout:
    """`xy_drawn`: the points in drawing order (later ones over earlier ones); each is a
    (2r+1)-pixel square. Cost is per pixel, not per point times footprint: each pixel first
    records the last point drawn on it, then a separable maximum grows points into squares
    (the higher draw rank wins, as painting later would)."""
    x0, y0, x1, y1 = rect
    w, h = size
    if len(xy_drawn) == 0 or x1 <= x0 or y1 <= y0:
        return Layout(np.full((h, w), -1, np.int32), None)
    r = radius
    # clipped before the cast: a point far outside must not wrap around into the view
    fx = (xy_drawn[:, 0] - np.float32(x0)) * np.float32(w / (x1 - x0))
    fy = (xy_drawn[:, 1] - np.float32(y0)) * np.float32(h / (y1 - y0))
    ix = np.clip(fx, -r - 2, w + r + 2, out=fx).astype(np.int32)
    iy = np.clip(fy, -r - 2, h + r + 2, out=fy).astype(np.int32)
    # points just outside the view still reach into it with their squares
    keep = (ix >= -r) & (ix < w + r) & (iy >= -r) & (iy < h + r)
    rank = np.flatnonzero(keep).astype(np.int32)
    owner = np.full((h + 2 * r, w + 2 * r), -1, np.int32)
    kx, ky = ix[rank], iy[rank]
    owner[ky + r, kx + r] = rank      # repeated pixels keep the last (highest) rank
    for _ in range(r):                            # grow by one pixel each way, rows then columns
        grown = owner.copy()
        np.maximum(grown[:, 1:], owner[:, :-1], out=grown[:, 1:])
        np.maximum(grown[:, :-1], owner[:, 1:], out=grown[:, :-1])
        owner = grown.copy()
        np.maximum(owner[1:], grown[:-1], out=owner[1:])
        np.maximum(owner[:-1], grown[1:], out=owner[:-1])
    owner = np.ascontiguousarray(owner[r:r + h, r:r + w])
    factor = None
    if density:
        inside = (kx >= 0) & (kx < w) & (ky >= 0) & (ky < h)
        counts = np.bincount(ky[inside] * w + kx[inside], minlength=w * h).reshape(h, w)
        factor = density_factor(counts, owner >= 0)
    return Layout(owner, factor)


def density_factor(counts: np.ndarray, drawn: np.ndarray) -> np.ndarray | None:
    """Per pixel, the brightness left where points pile up: 1 - DENSITY_DARKEN x log(1 +
    points around the pixel) / log(1 + the most anywhere), on drawn pixels only; None when
    nothing piles up. A solid blob then still shows where its points are dense (in the
    spirit of datashader's shading, with numpy)."""
    side = 2 * DENSITY_BLUR + 1   # a box sum (scipy's mean filter, times the box's area)
    summed = uniform_filter(counts.astype(np.float32), side, mode="constant") * np.float32(side * side)
    top = float(summed.max())
    if top < 4:
        return None
    shade = np.log1p(np.maximum(summed, 0, out=summed), out=summed)
    shade *= np.float32(-DENSITY_DARKEN / np.log1p(top))
    shade += 1
    shade[~drawn] = 1
    return shade


def paint(lay: Layout, rgba_drawn: np.ndarray) -> np.ndarray:
    """The (H, W, 4) uint8 image of a layout, for colours in the same drawing order."""
    h, w = lay.owner.shape
    lut = np.empty(len(rgba_drawn) + 1, np.uint32)   # index -1 picks the background at the end
    lut[:-1] = np.ascontiguousarray(rgba_drawn, np.uint8).view(np.uint32)[:, 0]
    lut[-1] = BACKGROUND_U32
    img = lut[lay.owner].view(np.uint8).reshape(h, w, 4)
    if lay.factor is not None:
        rgb = img[..., :3]
        np.multiply(rgb, lay.factor[..., None], out=rgb, casting="unsafe")
    return img


def rasterise(xy: np.ndarray, rgba: np.ndarray, order: np.ndarray, rect: tuple, size: tuple,
              radius: int = 1, density: bool = False) -> np.ndarray:
    """Points -> (H, W, 4) uint8 RGBA image, row 0 at y0, drawn in `order` (layout, then paint).
    `density`: pixels where many points land are darkened by their count (density_factor)."""
    return paint(layout(xy[order], rect, size, radius, density), rgba[order])


class RasterItem(QtWidgets.QGraphicsObject):
    """An RGBA image stretched over a rectangle of the view, drawn without
    pyqtgraph's level/LUT pipeline (which copied and converted every frame)."""

    def __init__(self):
        super().__init__()
        self._image = QtGui.QImage()
        self._buffer = None
        self._rect = QtCore.QRectF()

    def set_image(self, rgba: np.ndarray, rect: QtCore.QRectF) -> None:
        self.prepareGeometryChange()
        self._buffer = np.ascontiguousarray(rgba)   # QImage borrows this memory
        h, w, _ = self._buffer.shape
        self._image = QtGui.QImage(self._buffer.data, w, h, 4 * w, QtGui.QImage.Format_RGBA8888)
        self._rect = rect
        self.update()

    def boundingRect(self) -> QtCore.QRectF:
        return self._rect

    def paint(self, painter, option, widget=None):
        if not self._image.isNull():
            painter.setRenderHint(QtGui.QPainter.SmoothPixmapTransform, False)
            painter.drawImage(self._rect, self._image)


class PointMap(pg.PlotWidget):
    probed = QtCore.Signal(float, float, bool)   # x, y in map units; True when the button is released
    hovered = QtCore.Signal(int)                 # index of the point under the cursor, -1 for none
    path_drawn = QtCore.Signal(object)           # (m, 2) array: a freehand path, in draw mode

    def __init__(self, parent=None):
        super().__init__(parent, background=PAPER)
        self.setAspectLocked(False)
        self.showGrid(False, False)
        self.getPlotItem().hideButtons()
        self.vb = self.getViewBox()
        self.vb.setMouseEnabled(True, True)
        self.vb.setMenuEnabled(False)
        self.image = RasterItem()
        self.image.setZValue(-10)
        self.addItem(self.image)
        self.marks = pg.ScatterPlotItem(size=11, pen=pg.mkPen(INK, width=1.5), brush=pg.mkBrush(TRANSPARENT))
        self.marks.setZValue(10)
        self.addItem(self.marks)
        # the probe: a black ring with a white halo, visible over any colour of point
        self.probe_halo, self.probe_mark = self._haloed("o", 20, 20, 5, 2, TRANSPARENT, 12)
        self.path_line = pg.PlotDataItem(pen=pg.mkPen(PATH, width=2, style=QtCore.Qt.DashLine))
        self.path_line.setZValue(11)
        self.addItem(self.path_line)
        self.path_points = pg.ScatterPlotItem(size=9, pen=pg.mkPen(PATH, width=1.5),
                                              brush=pg.mkBrush(WAYPOINT))
        self.path_points.setZValue(11)
        self.addItem(self.path_points)
        self.arrow_line = pg.PlotDataItem(pen=pg.mkPen(DENOISE_ARROW, width=2.5))
        self.arrow_head = pg.ArrowItem(pen=pg.mkPen(DENOISE_ARROW), brush=pg.mkBrush(DENOISE_ARROW), headLen=14)
        for item in (self.arrow_line, self.arrow_head):
            item.setZValue(13)
            self.addItem(item)
            item.setVisible(False)  # after addItem, which shows what it adds
        # a drawn input (the Draw dock): its encoding as a diamond, a VAE's posterior as an ellipse
        self.drawn_ellipse = pg.PlotDataItem(pen=pg.mkPen(DRAWN, width=2), fillLevel=None)
        self.drawn_ellipse.setZValue(13.5)
        self.addItem(self.drawn_ellipse)
        self.drawn_halo, self.drawn_mark = self._haloed("d", 15, 17, 4, 1.2, DRAWN, 14)
        self.draw_mode = False
        self._drawing: list = []
        self.xy = np.zeros((0, 2), np.float32)
        self.rgba = np.zeros((0, 4), np.uint8)
        self.order = np.zeros(0, np.int64)
        self._xy_drawn = self.xy
        self._layout = None   # (view key, Layout) of the last render: a recolour reuses it
        self.radius = 1
        self.density: bool | None = None   # shade by point density; None: above DENSE_POINTS
        self._tree = (self.xy, None)   # (the points it was built for, the k-d tree)
        self._dragging = False
        self.renders = 0
        self.vb.sigRangeChanged.connect(self._schedule_render)
        self.vb.sigResized.connect(self._schedule_render)
        self._pending = QtCore.QTimer(self)
        self._pending.setSingleShot(True)
        self._pending.setInterval(RERENDER_MS)
        self._pending.timeout.connect(self.render)
        self.scene().sigMouseMoved.connect(self._mouse_moved)

    def _haloed(self, symbol: str, size: float, halo_size: float, halo_width: float, pen_width: float,
                brush, z: float) -> tuple:
        """A marker (outlined in ink) over a white halo, added to the plot at depth z."""
        halo = pg.ScatterPlotItem(size=halo_size, symbol=symbol, pen=pg.mkPen(PAPER, width=halo_width), brush=None)
        mark = pg.ScatterPlotItem(size=size, symbol=symbol, pen=pg.mkPen(INK, width=pen_width), brush=pg.mkBrush(brush))
        for item, depth in ((halo, z), (mark, z + 0.5)):
            item.setZValue(depth)
            self.addItem(item)
        return halo, mark

    # -- data ----------------------------------------------------------------------
    def set_points(self, xy: np.ndarray, rgba: np.ndarray, fit: bool = True) -> None:
        self.xy = np.ascontiguousarray(xy, np.float32)
        self.rgba = np.ascontiguousarray(rgba, np.uint8)
        # a fixed random drawing order, so no class is always painted on top
        self.order = np.random.default_rng(0).permutation(len(self.xy))
        self._xy_drawn = self.xy[self.order]
        self._layout = None
        self.radius = 1 if len(self.xy) > DENSE_POINTS else 2
        # the k-d tree for hover: ~0.3 s at a million points, built in a thread (scipy builds
        # it without the GIL) so the map shows first; hover finds nothing until it is there
        xy_now = self.xy
        self._tree = (xy_now, None)
        if len(xy_now) > DENSE_POINTS:
            def build() -> None:
                self._tree = (xy_now, cKDTree(xy_now))   # read with its points: a stale one is ignored
            threading.Thread(target=build, name="point-map-tree", daemon=True).start()
        elif len(xy_now):
            self._tree = (xy_now, cKDTree(xy_now))
        if fit and len(self.xy):
            lo, hi = self.xy.min(0).astype(float), self.xy.max(0).astype(float)
            pad = 0.04 * np.maximum(hi - lo, 1e-6)
            # plain floats: float32 bounds overflow inside pyqtgraph's range checks
            self.vb.setRange(xRange=(float(lo[0] - pad[0]), float(hi[0] + pad[0])),
                             yRange=(float(lo[1] - pad[1]), float(hi[1] + pad[1])), padding=0)
        self.render()

    def set_colors(self, rgba: np.ndarray) -> None:
        """New colours for the same points: the view's layout is kept, only repainted."""
        self.rgba = np.ascontiguousarray(rgba, np.uint8)
        self.render()

    def set_marks(self, xy: np.ndarray | None, brushes=None) -> None:
        if xy is None or len(xy) == 0:
            self.marks.setData([], [])
        else:
            self.marks.setData(xy[:, 0], xy[:, 1], brush=brushes if brushes is not None else pg.mkBrush(TRANSPARENT))

    def set_probe(self, x: float | None, y: float | None = None) -> None:
        for item in (self.probe_halo, self.probe_mark):
            item.setData([] if x is None else [x], [] if x is None else [y])

    def set_drawn(self, xy, outline: np.ndarray | None = None) -> None:
        """A drawn input's place on the map (None hides it) and its posterior's outline."""
        for item in (self.drawn_halo, self.drawn_mark):
            item.setData([] if xy is None else [float(xy[0])], [] if xy is None else [float(xy[1])])
        if xy is None or outline is None or len(outline) == 0:
            self.drawn_ellipse.setData([], [])
        else:
            self.drawn_ellipse.setData(outline[:, 0], outline[:, 1])

    def set_path(self, line: np.ndarray | None, points: np.ndarray | None = None) -> None:
        """A dashed path (e.g. an interpolation) and its waypoints."""
        if line is None or len(line) == 0:
            self.path_line.setData([], [])
        else:
            self.path_line.setData(line[:, 0], line[:, 1])
        if points is None or len(points) == 0:
            self.path_points.setData([], [])
        else:
            self.path_points.setData(points[:, 0], points[:, 1])

    def set_arrow(self, start, end) -> None:
        """An arrow from start to end (e.g. noisy latent -> clean latent); None hides it."""
        visible = start is not None and end is not None
        self.arrow_line.setVisible(visible)
        self.arrow_head.setVisible(visible)
        if not visible:
            return
        (x0, y0), (x1, y1) = start, end
        self.arrow_line.setData([x0, x1], [y0, y1])
        px, py = self.vb.viewPixelSize()
        angle = np.degrees(np.arctan2(-(y1 - y0) / py, (x1 - x0) / px))  # screen y points down
        self.arrow_head.setStyle(angle=180 + angle)
        self.arrow_head.setPos(x1, y1)

    # -- rendering -----------------------------------------------------------------
    def _schedule_render(self, *_):
        self._pending.start()

    def render(self) -> None:
        """Rasterise the points around the current view at the view's pixel size."""
        self._pending.stop()
        (x0, x1), (y0, y1) = self.vb.viewRange()
        mx, my = MARGIN * (x1 - x0), MARGIN * (y1 - y0)
        x0, x1, y0, y1 = x0 - mx, x1 + mx, y0 - my, y1 + my
        rect = self.vb.boundingRect()
        scale = self.devicePixelRatioF() * (1 + 2 * MARGIN)
        w = max(1, int(rect.width() * scale))
        h = max(1, int(rect.height() * scale))
        density = len(self.xy) > DENSE_POINTS if self.density is None else self.density
        key = ((x0, y0, x1, y1), (w, h), self.radius, density)
        if self._layout is None or self._layout[0] != key:
            self._layout = (key, layout(self._xy_drawn, *key))
        img = paint(self._layout[1], self.rgba[self.order])
        # QImage row 0 lands on the rect's top, which is y0: the view's y axis points up,
        # so row 0 (y0) is drawn at the bottom, as in pyqtgraph's ImageItem
        self.image.set_image(img, QtCore.QRectF(x0, y0, x1 - x0, y1 - y0))
        self.renders += 1

    # -- mouse ---------------------------------------------------------------------
    @property
    def tree(self):
        """The k-d tree of the points shown (None while it is being built)."""
        built_for, tree = self._tree
        return tree if built_for is self.xy else None

    def nearest(self, x: float, y: float, max_pixels: float = 6.0) -> int:
        tree = self.tree
        if tree is None:
            return -1
        px, py = self.vb.viewPixelSize()
        d, i = tree.query([x, y])
        # compare in pixels along each axis so anisotropic zoom still works
        dx, dy = (self.xy[i, 0] - x) / px, (self.xy[i, 1] - y) / py
        return int(i) if (dx * dx + dy * dy) ** 0.5 <= max_pixels else -1

    def _mouse_moved(self, pos):
        if not self.vb.sceneBoundingRect().contains(pos):
            return
        p = self.vb.mapSceneToView(pos)
        self.hovered.emit(self.nearest(p.x(), p.y()))

    def mousePressEvent(self, ev: QtGui.QMouseEvent):
        if self.draw_mode and ev.button() == QtCore.Qt.LeftButton:
            self._drawing = [self._view_point(ev.position())]
            ev.accept()
            return
        if ev.button() == QtCore.Qt.LeftButton and not (ev.modifiers() & QtCore.Qt.ShiftModifier):
            self._dragging = True
            self._probe_at(ev.position(), final=False)
            ev.accept()
            return
        if ev.button() == QtCore.Qt.RightButton or ev.button() == QtCore.Qt.LeftButton:
            # pan with the right button or Shift+left: hand pyqtgraph a left-button drag
            fake = QtGui.QMouseEvent(ev.type(), ev.position(), ev.globalPosition(), QtCore.Qt.LeftButton,
                                     QtCore.Qt.LeftButton, QtCore.Qt.NoModifier)
            super().mousePressEvent(fake)
            return
        super().mousePressEvent(ev)

    def mouseMoveEvent(self, ev: QtGui.QMouseEvent):
        if self.draw_mode and self._drawing:
            self._drawing.append(self._view_point(ev.position()))
            line = np.array(self._drawing)
            self.path_line.setData(line[:, 0], line[:, 1])
            ev.accept()
            return
        if self._dragging:
            self._probe_at(ev.position(), final=False)
            ev.accept()
            return
        if ev.buttons() & QtCore.Qt.RightButton:
            fake = QtGui.QMouseEvent(ev.type(), ev.position(), ev.globalPosition(), QtCore.Qt.NoButton,
                                     QtCore.Qt.LeftButton, QtCore.Qt.NoModifier)
            super().mouseMoveEvent(fake)
            return
        super().mouseMoveEvent(ev)

    def mouseReleaseEvent(self, ev: QtGui.QMouseEvent):
        if self.draw_mode and self._drawing and ev.button() == QtCore.Qt.LeftButton:
            self._drawing.append(self._view_point(ev.position()))
            path = np.array(self._drawing)
            self._drawing = []
            self.path_drawn.emit(path)
            ev.accept()
            return
        if self._dragging and ev.button() == QtCore.Qt.LeftButton:
            self._dragging = False
            self._probe_at(ev.position(), final=True)
            ev.accept()
            return
        if ev.button() == QtCore.Qt.RightButton:
            fake = QtGui.QMouseEvent(ev.type(), ev.position(), ev.globalPosition(), QtCore.Qt.LeftButton,
                                     QtCore.Qt.NoButton, QtCore.Qt.NoModifier)
            super().mouseReleaseEvent(fake)
            return
        super().mouseReleaseEvent(ev)

    def _view_point(self, widget_pos: QtCore.QPointF) -> tuple[float, float]:
        p = self.vb.mapSceneToView(self.mapToScene(widget_pos.toPoint()))
        return p.x(), p.y()

    def _probe_at(self, widget_pos: QtCore.QPointF, final: bool) -> None:
        x, y = self._view_point(widget_pos)
        self.set_probe(x, y)
        self.probed.emit(x, y, final)

    def map_to_widget(self, x: float, y: float) -> QtCore.QPoint:
        """Widget pixel position of a map point (tests click through this)."""
        return self.mapFromScene(self.vb.mapViewToScene(QtCore.QPointF(x, y)))
