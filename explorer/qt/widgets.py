"""Small widgets shared by the panels."""
from __future__ import annotations

import numpy as np
from PySide6 import QtCore, QtGui, QtWidgets

LEVEL_STYLE = {
    "error": ("#fdecea", "#b3261e"),
    "warning": ("#fff4e5", "#8a5300"),
    "info": ("#e8f1fd", "#1a4f8b"),
}


class NotificationBar(QtWidgets.QFrame):
    """A dismissable one-line message above the plots (never a modal dialog:
    the window stays usable and tests can read it)."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.setObjectName("notification")
        lay = QtWidgets.QHBoxLayout(self)
        lay.setContentsMargins(10, 4, 4, 4)
        self.label = QtWidgets.QLabel()
        self.label.setWordWrap(True)
        self.label.setTextInteractionFlags(QtCore.Qt.TextSelectableByMouse)
        close = QtWidgets.QToolButton()
        close.setText("✕")
        close.setAutoRaise(True)
        close.setToolTip("Dismiss")
        close.clicked.connect(self.hide)
        lay.addWidget(self.label, 1)
        lay.addWidget(close)
        self.level = ""
        self.hide()

    def show_message(self, text: str, level: str = "info") -> None:
        bg, fg = LEVEL_STYLE.get(level, LEVEL_STYLE["info"])
        self.setStyleSheet(f"#notification {{ background: {bg}; border: 1px solid {fg}; border-radius: 4px; }}"
                           f"#notification QLabel {{ color: {fg}; }}")
        self.level = level
        self.label.setText(text)
        self.show()

    def text(self) -> str:
        return self.label.text() if self.isVisible() else ""


def caption(text: str = "") -> QtWidgets.QLabel:
    """Grey, wrapping explanatory text under a title or beside a control."""
    label = QtWidgets.QLabel(text)
    label.setWordWrap(True)
    label.setStyleSheet("color: #555;")
    return label


def placeholder(text: str) -> QtWidgets.QLabel:
    """Grey centred text where a panel has nothing to show for this run."""
    label = QtWidgets.QLabel(text)
    label.setAlignment(QtCore.Qt.AlignCenter)
    label.setWordWrap(True)
    label.setStyleSheet("color: #777;")
    return label


def placeholder_stack(label: QtWidgets.QLabel, content: QtWidgets.QWidget) -> QtWidgets.QStackedWidget:
    """Page 0: `label` (a placeholder); page 1: `content` (setCurrentIndex(1) once the run suits the panel)."""
    stack = QtWidgets.QStackedWidget()
    stack.addWidget(label)
    stack.addWidget(content)
    return stack


def rgb_pixmap(arr: np.ndarray) -> QtGui.QPixmap:
    """(H, W, 3) or (H, W) uint8 -> QPixmap (copied, so the array may go)."""
    arr = np.ascontiguousarray(arr)
    if arr.ndim == 2:
        h, w = arr.shape
        img = QtGui.QImage(arr.data, w, h, w, QtGui.QImage.Format_Grayscale8)
    else:
        h, w, _ = arr.shape
        img = QtGui.QImage(arr.data, w, h, 3 * w, QtGui.QImage.Format_RGB888)
    return QtGui.QPixmap.fromImage(img.copy())


class ScaledImage(QtWidgets.QLabel):
    """A pixmap scaled to fit, keeping its aspect; nearest-neighbour so digits stay crisp."""

    def __init__(self, placeholder: str = "", parent=None):
        super().__init__(parent)
        self._pix: QtGui.QPixmap | None = None
        self.setAlignment(QtCore.Qt.AlignCenter)
        self.setMinimumSize(64, 64)
        self.setSizePolicy(QtWidgets.QSizePolicy.Expanding, QtWidgets.QSizePolicy.Expanding)
        self.placeholder = placeholder
        self.setWordWrap(True)   # a placeholder in a narrow column wraps instead of being cut
        self.setText(placeholder)
        self.setStyleSheet("color: #777;")

    def set_pixmap(self, pix: QtGui.QPixmap | None) -> None:
        self._pix = pix
        if pix is None:
            self.clear()
            self.setText(self.placeholder)
        self._rescale()

    def pixmap_source(self) -> QtGui.QPixmap | None:
        return self._pix

    def resizeEvent(self, e):
        super().resizeEvent(e)
        self._rescale()

    def _rescale(self):
        if self._pix is None or self._pix.isNull():
            return
        size = self.contentsRect().size()
        self.setPixmap(self._pix.scaled(size, QtCore.Qt.KeepAspectRatio, QtCore.Qt.FastTransformation))


def format_duration(seconds: float) -> str:
    if seconds != seconds or seconds == float("inf") or seconds < 0:
        return "–"
    s = int(round(seconds))
    h, rem = divmod(s, 3600)
    m, s = divmod(rem, 60)
    return f"{h}:{m:02d}:{s:02d}" if h else f"{m}:{s:02d}"


def format_rate(samples_per_s: float) -> str:
    if not samples_per_s:
        return "–"
    return f"{samples_per_s / 1000:.1f}k samples/s" if samples_per_s >= 1000 else f"{samples_per_s:.0f} samples/s"
