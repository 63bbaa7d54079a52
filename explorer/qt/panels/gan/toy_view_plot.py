"""The GAN monitor's toy view, in the spirit of GAN Lab on the user's own model: the real
density of 2-D toy data, D's output as a heat map behind it, the current generated
samples, and how G deforms a grid of noise; in step mode the samples before the step
stay, faintly.

The arrays come from explorer.core.gan.toy_view.ToyView (the fixed part of a run's view:
its extent, density, noise grid); ToyViewPlot only draws them.
"""
from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6 import QtCore

from ...i18n import tr
from ...palette import (BEFORE_STEP_POINTS, COLOUR_BAR_OUTLINE, DISCRIMINATOR_CMAP, GENERATED_POINTS,
                        LEGEND_BACKGROUND, NOISE_GRID_LINES, PAPER, REAL_POINTS)

N_REAL_SHOWN = 1000   # real points drawn over the density: a narrow mode (ring8's) is smaller than a cell


def toy_arrays(view, model, before=None) -> dict:
    """Everything the toy view draws, computed from the model (off the GUI thread: G on
    2,500 samples and D on the heat-map grid are ~2 GFLOP for PacGAN's 4x400 G).
    `view`: explorer.core.gan.toy_view.ToyView; `before`: the model before a step, whose
    samples are drawn faintly under the new ones."""
    out = {"heat": view.heatmap(model), "samples": view.samples(model), "grid": None,
           "before": None if before is None else view.samples(before)}
    if model.latent.dim == 2:
        g = view.noise_grid(model)
        rows = [np.vstack([line, [np.nan, np.nan]]) for line in g]
        cols = [np.vstack([g[:, j], [np.nan, np.nan]]) for j in range(g.shape[1])]
        out["grid"] = np.vstack(rows + cols)
    return out


def core_toy_view(context):
    """The fixed part of a run's toy view (loading its dataset can take seconds)."""
    from explorer.core.gan.toy_view import ToyView

    return ToyView(context.data())


def _pale(cmap: pg.ColorMap, alpha: float) -> pg.ColorMap:
    """The colour map as seen at `alpha` over white: the heat map drawn opaque, so that its
    colour bar shows the colours on screen and the items above it stay crisp."""
    pos, colours = cmap.getStops(mode="float")
    rgb = 255 * (alpha * np.asarray(colours)[:, :3] + (1 - alpha))
    return pg.ColorMap(pos, np.round(rgb).astype(np.uint8))


class ToyViewPlot(pg.PlotWidget):
    """The plot that draws a core ToyView's arrays (toy_arrays) for one model."""

    def __init__(self):
        super().__init__(background=PAPER)
        self.setAspectLocked(True)
        self.setMenuEnabled(False)
        cmap = _pale(pg.colormap.get(DISCRIMINATOR_CMAP), 0.55)
        self.heat = pg.ImageItem(axisOrder="row-major")
        self.heat.setLookupTable(cmap.getLookupTable(nPts=256))
        self.density = pg.ImageItem(axisOrder="row-major")
        self.density.setOpacity(0.8)
        lut = np.zeros((256, 4), np.uint8)
        lut[:, 3] = np.linspace(0, 255, 256).astype(np.uint8)   # black, alpha by density
        self.density.setLookupTable(lut)
        self.real = pg.ScatterPlotItem(size=4, pen=None, brush=pg.mkBrush(REAL_POINTS))
        self.before = pg.ScatterPlotItem(size=3, pen=None, brush=pg.mkBrush(BEFORE_STEP_POINTS))
        self.samples = pg.ScatterPlotItem(size=3, pen=None, brush=pg.mkBrush(GENERATED_POINTS))
        self.grid_lines = pg.PlotDataItem(pen=pg.mkPen(NOISE_GRID_LINES, width=1), connect="finite")
        for z, item in enumerate((self.heat, self.density, self.real, self.grid_lines, self.before, self.samples)):
            item.setZValue(z)
            self.addItem(item)
        self.colour_bar = pg.ColorBarItem(values=(0, 1), colorMap=cmap, width=12, interactive=False,
                                          colorMapMenu=False, pen=COLOUR_BAR_OUTLINE,
                                          label=tr("D(x): 0 = sure it is fake, 1 = sure it is real"))
        self.colour_bar.setImageItem(self.heat, insert_in=self.getPlotItem())
        self.legend = pg.LegendItem(offset=(10, 10), labelTextSize="8pt", brush=pg.mkBrush(LEGEND_BACKGROUND))
        self.legend.setParentItem(self.getPlotItem().vb)
        self.legend.addItem(self.real, tr("real data"))
        self.legend.addItem(self.samples, tr("G(z): generated samples"))
        self._real_of = None

    def draw(self, view, arrays: dict) -> None:
        """Draw computed arrays (toy_arrays); this part runs on the GUI thread and must fit a frame."""
        x0, x1, y0, y1 = view.extent
        rect = QtCore.QRectF(x0, y0, x1 - x0, y1 - y0)
        dens = view.density()
        self.density.setImage(dens, levels=(0, float(np.percentile(dens[dens > 0], 99)) if (dens > 0).any() else 1))
        self.density.setRect(rect)
        self.heat.setImage(arrays["heat"], levels=(0, 1))
        self.heat.setRect(rect)
        if self._real_of is not view:
            x = view.data.train_x.numpy()
            pick = np.random.default_rng(0).choice(len(x), min(N_REAL_SHOWN, len(x)), replace=False)
            self.real.setData(x[pick, 0], x[pick, 1])
            self._real_of = view
        b = arrays.get("before")
        self.before.setData([], []) if b is None else self.before.setData(b[:, 0], b[:, 1])
        self._legend_entry(self.before, tr("G(z) before the last step"), b is not None)
        s = arrays["samples"]
        self.samples.setData(s[:, 0], s[:, 1])
        g = arrays["grid"]
        self.grid_lines.setData([], []) if g is None else self.grid_lines.setData(g[:, 0], g[:, 1])
        self._legend_entry(self.grid_lines, tr("G of a grid of noise z"), g is not None)
        self.setRange(xRange=(x0, x1), yRange=(y0, y1), padding=0)

    def clear_view(self) -> None:
        for item in (self.real, self.before, self.samples, self.grid_lines):
            item.setData([], [])
        self._real_of = None
        for img in (self.heat, self.density):
            img.clear()

    def _legend_entry(self, item, label: str, show: bool) -> None:
        present = any(sample.item is item for sample, _ in self.legend.items)
        if show and not present:
            self.legend.addItem(item, label)
        elif present and not show:
            self.legend.removeItem(item)
