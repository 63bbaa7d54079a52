"""The code map of one input: its grid of code indices beside the input, its reconstruction
and the grid decoded again after the user changes a cell; under them, what the chosen code
is used for and the training images that use it most."""
from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6 import QtCore, QtWidgets

from ...i18n import source_of, tr
from ...palette import INK, PAPER, TEXT_MUTED
from ...widgets import ScaledImage, rgb_pixmap


class CodeGridView(pg.GraphicsLayoutWidget):
    """One input's code grid, a coloured cell per position with its index written in it."""
    cell_clicked = QtCore.Signal(int, int)

    def __init__(self):
        super().__init__()
        self.setBackground(PAPER)
        self.vb = self.addViewBox(lockAspect=True, invertY=True, enableMouse=False)
        self.img = pg.ImageItem(axisOrder="row-major")
        self.vb.addItem(self.img)
        self.box = QtWidgets.QGraphicsRectItem(0, 0, 1, 1)
        self.box.setPen(pg.mkPen(INK, width=3))
        self.box.setZValue(5)
        self.box.hide()
        self.vb.addItem(self.box)
        self.texts: list = []
        self.grid = None
        self.colours = None
        self.scene().sigMouseClicked.connect(self._clicked)

    def set_grid(self, grid: np.ndarray, colours: np.ndarray, changed: np.ndarray | None = None) -> None:
        grid = np.asarray(grid)
        self.grid, self.colours = grid, colours
        rgb = colours[grid]
        if changed is not None and changed.any():   # edited cells: a white inner frame would hide the
            rgb = rgb.copy()                          # colour; brighten them instead
            rgb[changed] = (0.5 * rgb[changed] + 127).astype(np.uint8)
        self.img.setImage(rgb, levels=(0, 255))
        h, w = grid.shape
        while len(self.texts) > h * w:
            self.vb.removeItem(self.texts.pop())
        while len(self.texts) < h * w:
            t = pg.TextItem(color=PAPER, anchor=(0.5, 0.5))
            font = t.textItem.font()
            font.setPointSize(7)
            t.setFont(font)
            t.setZValue(4)
            self.vb.addItem(t)
            self.texts.append(t)
        small = h * w > 100 or int(grid.max(initial=0)) >= 1000
        for k, t in enumerate(self.texts):
            i, j = divmod(k, w)
            t.setText("" if small else str(int(grid[i, j])))
            t.setPos(j + 0.5, i + 0.5)
        self.vb.setRange(QtCore.QRectF(0, 0, w, h), padding=0.02)
        self._fit_labels()

    def clear_grid(self) -> None:
        """No grid (GraphicsLayoutWidget.clear would remove the view box itself)."""
        self.grid = None
        self.img.clear()
        for t in self.texts:
            t.setText("")
        self.box.hide()

    def _fit_labels(self) -> None:
        """Indices are written in the cells only while a cell is wide enough to hold one."""
        if getattr(self, "grid", None) is None:   # resizeEvent comes before __init__ ends
            return
        h, w = self.grid.shape
        cell = min(self.width() / max(w, 1), self.height() / max(h, 1))
        digits = len(str(int(self.grid.max(initial=0))))
        show = cell >= 7 * digits + 4
        for t in self.texts:
            t.setVisible(show)

    def resizeEvent(self, e):
        super().resizeEvent(e)
        self._fit_labels()

    def select(self, row: int | None, col: int | None = None) -> None:
        if row is None:
            self.box.hide()
        else:
            self.box.setRect(col, row, 1, 1)
            self.box.show()

    def _clicked(self, ev) -> None:
        if self.grid is None or ev.button() != QtCore.Qt.LeftButton:
            return
        p = self.vb.mapSceneToView(ev.scenePos())
        row, col = int(np.floor(p.y())), int(np.floor(p.x()))
        h, w = self.grid.shape
        if 0 <= row < h and 0 <= col < w:
            self.cell_clicked.emit(row, col)


class CodeMapBox(QtWidgets.QGroupBox):
    """Choose a test image, see its codes, change a cell, see it decoded again."""

    def __init__(self):
        super().__init__(tr("Code map of one input"))
        self.index = QtWidgets.QSpinBox()
        self.index.setPrefix(tr("test image #"))
        self.random = QtWidgets.QPushButton(tr("Random"))
        self.input_img = ScaledImage(tr("input"))
        self.grid_view = CodeGridView()
        self.recon_img = ScaledImage(tr("reconstruction"))
        self.edited_img = ScaledImage(tr("after your edits"))
        self.new_code = QtWidgets.QSpinBox()
        self.new_code.setPrefix(tr("code "))
        self.put = QtWidgets.QPushButton(tr("Put in cell"))
        self.put.setToolTip(tr("Replace the chosen cell's code and decode the grid again"))
        self.reset = QtWidgets.QPushButton(tr("Reset"))
        self.cell_info = QtWidgets.QLabel(tr("Click a cell of the grid, a bar of the histogram or a code on the map."))
        self.cell_info.setWordWrap(True)
        self.top_title = QtWidgets.QLabel("")
        self.top_title.setWordWrap(True)
        self.top_img = ScaledImage("")
        self.top_img.setMinimumHeight(48)
        pick = QtWidgets.QHBoxLayout()
        pick.addWidget(self.index)
        pick.addWidget(self.random)
        pick.addStretch(1)
        pictures = QtWidgets.QGridLayout()
        for col, (w, title) in enumerate(((self.input_img, tr("input")), (self.grid_view, tr("its codes (click a cell)")),
                                          (self.recon_img, tr("reconstruction")),
                                          (self.edited_img, tr("decoded after edits")))):
            cap = QtWidgets.QLabel(title)
            cap.setWordWrap(True)            # four captions side by side: they wrap rather than widen the tab
            cap.setAlignment(QtCore.Qt.AlignCenter)
            cap.setStyleSheet(f"color: {TEXT_MUTED};")
            pictures.addWidget(cap, 0, col)
            pictures.addWidget(w, 1, col)
            pictures.setColumnStretch(col, 2 if w is self.grid_view else 1)
        pictures.setRowStretch(1, 1)
        edit = QtWidgets.QHBoxLayout()
        edit.addWidget(QtWidgets.QLabel(tr("Chosen cell:")))
        edit.addWidget(self.new_code)
        edit.addWidget(self.put)
        edit.addWidget(self.reset)
        edit.addStretch(1)
        ml = QtWidgets.QVBoxLayout(self)
        ml.addLayout(pick)
        ml.addLayout(pictures, 3)
        ml.addLayout(edit)
        ml.addWidget(self.cell_info)
        ml.addWidget(self.top_title)
        ml.addWidget(self.top_img, 1)
        self.random.clicked.connect(self._random_input)

    def _random_input(self) -> None:
        if self.index.maximum() > 0:
            self.index.setValue(int(np.random.default_rng().integers(0, self.index.maximum() + 1)))

    def clear(self) -> None:
        """No input chosen (a run just opened, its images not encoded yet)."""
        self.grid_view.clear_grid()
        for w in (self.input_img, self.recon_img, self.edited_img):
            w.set_pixmap(None)
        self.cell_info.setText(tr("Click a cell of the grid, a bar of the histogram or a code on the map."))
        self.show_top_images("")

    def retranslate(self) -> None:
        """The pictures' placeholders (painted, not a label's text) in the language now installed."""
        for w in (self.input_img, self.recon_img, self.edited_img):
            retranslate_image(w)

    def show_input(self, x, editor) -> None:
        """A freshly chosen input x (C, H, W) and its explorer.core.codebook.usage.CodeEditor:
        the input, its reconstruction, and no cell chosen."""
        from explorer.core.data.images import grid as image_grid

        self.input_img.set_pixmap(rgb_pixmap(image_grid(x[None], pad=0)))
        self.recon_img.set_pixmap(rgb_pixmap(image_grid(editor.reconstruction[None], pad=0)))
        self.grid_view.select(None)

    def show_edited(self, editor, colours: np.ndarray) -> None:
        """The grid as edited so far, and what it decodes to."""
        from explorer.core.data.images import grid as image_grid

        self.grid_view.set_grid(editor.grid.numpy(), colours, editor.changed)
        self.edited_img.set_pixmap(rgb_pixmap(image_grid(editor.decoded[None], pad=0)))

    def show_top_images(self, title: str, images=None, nrow: int | None = None) -> None:
        """The training images that use a code most ((n, C, H, W), `nrow` a row), or none."""
        from explorer.core.data.images import grid as image_grid

        self.top_title.setText(title)
        self.top_img.set_pixmap(None if images is None else rgb_pixmap(image_grid(images, nrow=nrow)))


def retranslate_image(img: ScaledImage) -> None:
    """A ScaledImage's placeholder, and the text it shows in place of a picture, in the language
    now installed (both are tr() outputs of a literal, or empty)."""
    img.placeholder = tr(source_of(img.placeholder)) if img.placeholder else ""
    shown = img.text()
    if shown:
        img.setText(tr(source_of(shown)))
