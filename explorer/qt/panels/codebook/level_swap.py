"""A VQ-VAE-2's two levels side by side: two test images, and each one's top codes decoded with
the other's bottom codes (explorer.core.codebook.usage.swap_levels). What travels with the top
codes is the global structure (which digit, its pose); what stays with the bottom codes is the
local detail (stroke width, texture), as the design intends; how a trained run really divides
an image between its levels is what the swap shows. Re-decoded at once when either image changes."""
from __future__ import annotations

from PySide6 import QtCore, QtWidgets

from ...i18n import QT_TR_NOOP, tr
from ...palette import TEXT_MUTED
from ...widgets import ScaledImage, rgb_pixmap
from .code_map import retranslate_image

CAPTIONS = (QT_TR_NOOP("image A"), QT_TR_NOOP("image B"), QT_TR_NOOP("top of A + bottom of B"),
            QT_TR_NOOP("top of B + bottom of A"))


class LevelSwapBox(QtWidgets.QGroupBox):
    changed = QtCore.Signal()

    def __init__(self):
        super().__init__(tr("Swap the levels of two images"))
        self.a, self.b = QtWidgets.QSpinBox(), QtWidgets.QSpinBox()
        self.a.setPrefix(tr("image A: test #"))
        self.b.setPrefix(tr("image B: test #"))
        self.b.setValue(1)
        self.images = [ScaledImage("") for _ in CAPTIONS]
        # the explanation as a tip: a wrapped line under four pictures squeezed them out of a short box
        self.setToolTip(tr("VQ-VAE-2 means its top codes to hold the global shape and its bottom codes the "
                           "local detail; each swapped picture shows how much of an image went into which level."))
        self.setMinimumHeight(150)
        pick = QtWidgets.QHBoxLayout()
        pick.addWidget(self.a)
        pick.addWidget(self.b)
        pick.addStretch(1)
        pictures = QtWidgets.QGridLayout()
        for col, (img, text) in enumerate(zip(self.images, CAPTIONS)):
            cap = QtWidgets.QLabel(tr(text))
            cap.setWordWrap(True)        # equal columns: the longer captions wrap rather than widen theirs
            cap.setAlignment(QtCore.Qt.AlignCenter)
            cap.setStyleSheet(f"color: {TEXT_MUTED};")
            pictures.addWidget(cap, 0, col)
            pictures.addWidget(img, 1, col)
            pictures.setColumnStretch(col, 1)
        pictures.setRowStretch(1, 1)
        lay = QtWidgets.QVBoxLayout(self)
        lay.addLayout(pick)
        lay.addLayout(pictures, 1)
        self.a.valueChanged.connect(lambda _: self.changed.emit())
        self.b.valueChanged.connect(lambda _: self.changed.emit())

    def set_count(self, n: int) -> None:
        for s in (self.a, self.b):
            with QtCore.QSignalBlocker(s):
                s.setRange(0, max(0, n - 1))
        if n > 1 and self.a.value() == self.b.value():
            with QtCore.QSignalBlocker(self.b):
                self.b.setValue((self.a.value() + 1) % n)    # two different images to begin with

    def clear(self) -> None:
        for img in self.images:
            img.set_pixmap(None)

    def show_swapped(self, swapped: dict) -> None:
        """swap_levels' four pictures, each (C, H, W)."""
        from explorer.core.data.images import grid as image_grid

        for img, key in zip(self.images, ("a", "b", "top_a_bottom_b", "top_b_bottom_a")):
            img.set_pixmap(rgb_pixmap(image_grid(swapped[key][None], pad=0)))

    def retranslate(self) -> None:
        for img in self.images:
            retranslate_image(img)
