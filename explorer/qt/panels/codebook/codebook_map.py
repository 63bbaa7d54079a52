"""The codebook as a 2-D map: PCA of the K code vectors, each sized by its use, the dead
ones as red crosses; a click on a code shows its uses."""
from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6 import QtCore, QtWidgets

from ...i18n import tr
from ...palette import DEAD_CODE, OUTLINE, PAPER, SELECTION, TEXT_MUTED


class CodebookMapBox(QtWidgets.QGroupBox):
    code_clicked = QtCore.Signal(int)

    def __init__(self):
        # a short title (a group box is at least as wide as its title) and the key beneath it
        super().__init__(tr("The codebook (PCA of the codes)"))
        self.plot = pg.PlotWidget(background=PAPER)
        self.plot.setAspectLocked(True)
        self.plot.hideAxis("left")
        self.plot.hideAxis("bottom")
        self.scatter = pg.ScatterPlotItem(pxMode=True, hoverable=True, tip=None)
        self.scatter.sigClicked.connect(self._point_clicked)
        self.mark = pg.ScatterPlotItem(size=22, symbol="o", pen=pg.mkPen(SELECTION, width=3), brush=None)
        self.plot.addItem(self.scatter)
        self.plot.addItem(self.mark)
        self.cb_map = None
        key = QtWidgets.QLabel(tr("The K code vectors mapped to 2-D: area ∝ use; red ✕: dead."))
        key.setWordWrap(True)
        key.setStyleSheet(f"color: {TEXT_MUTED};")
        self.plot.setMinimumHeight(80)
        cl = QtWidgets.QVBoxLayout(self)
        cl.addWidget(key)
        cl.addWidget(self.plot, 1)

    def draw(self, cb_map, colours: np.ndarray, code: int | None) -> None:
        """`cb_map`: explorer.core.codebook.usage.CodebookMap, or None for an empty map;
        `colours`: (K, 3) uint8, a code's colour; `code`: the one ringed."""
        self.cb_map = m = cb_map
        if m is None:
            self.scatter.setData([], [])
        else:
            dead = m.dead
            brushes = [pg.mkBrush(*colours[k], 200) if not d else pg.mkBrush(DEAD_CODE) for k, d in enumerate(dead)]
            self.scatter.setData(pos=m.coords, size=m.sizes(4, 22), brush=brushes,
                                 symbol=["x" if d else "o" for d in dead], pen=pg.mkPen(OUTLINE),
                                 data=np.arange(len(m.coords)))
        self.mark_code(code)

    def mark_code(self, code: int | None) -> None:
        if self.cb_map is None or code is None or code >= len(self.cb_map.coords):
            self.mark.setData([], [])
        else:
            self.mark.setData(pos=self.cb_map.coords[[code]])

    def _point_clicked(self, item, points, ev=None) -> None:
        if len(points):
            self.code_clicked.emit(int(points[0].data()))
