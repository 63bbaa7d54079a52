"""Small widgets shared by the panels."""
from __future__ import annotations

from typing import Callable

import numpy as np
from PySide6 import QtCore, QtGui, QtWidgets

from .i18n import source_of, tr
from .palette import NOTIFICATION, TEXT_FAINT, TEXT_MUTED


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
        close.setToolTip(tr("Dismiss"))
        close.clicked.connect(self.hide)
        lay.addWidget(self.label, 1)
        lay.addWidget(close)
        self.level = ""
        self._render: Callable[[], str] | None = None
        self.hide()

    def show_message(self, text: str | Callable[[], str], level: str = "info") -> None:
        """`text`: the message, or a function that makes it (called again when the language
        changes, for a message holding numbers or names)."""
        bg, fg = NOTIFICATION.get(level, NOTIFICATION["info"])
        self.setStyleSheet(f"#notification {{ background: {bg}; border: 1px solid {fg}; border-radius: 4px; }}"
                           f"#notification QLabel {{ color: {fg}; }}")
        self.level = level
        self._render = text if callable(text) else None
        self.label.setText(text() if callable(text) else text)
        self.show()

    def retranslate(self) -> None:
        if self._render is not None:
            self.label.setText(self._render())

    def text(self) -> str:
        return self.label.text() if self.isVisible() else ""


def caption(text: str = "") -> QtWidgets.QLabel:
    """Grey, wrapping explanatory text under a title or beside a control."""
    label = QtWidgets.QLabel(text)
    label.setWordWrap(True)
    label.setStyleSheet(f"color: {TEXT_MUTED};")
    return label


def alert_line(step: int, message: str) -> str:
    """A collapse alert as the alert list, its marks' tips and the loss plots say it."""
    return tr("step {step:,}: {message}").format(step=step, message=message)


def placeholder(text: str) -> QtWidgets.QLabel:
    """Grey centred text where a panel has nothing to show for this run."""
    label = QtWidgets.QLabel(text)
    label.setAlignment(QtCore.Qt.AlignCenter)
    label.setWordWrap(True)
    label.setStyleSheet(f"color: {TEXT_FAINT};")
    return label


class PageStack(QtWidgets.QStackedWidget):
    """A QStackedWidget sized by its current page alone. A plain one asks for the largest
    minimum of all its pages, so a panel showing its one-line placeholder still held the
    window as wide as its hidden content (the codebook tab's 955 px with a GAN run open)."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.currentChanged.connect(self._size_by_current)

    def addWidget(self, w: QtWidgets.QWidget) -> int:
        i = super().addWidget(w)
        self._size_by_current()
        return i

    def _size_by_current(self, _=None) -> None:
        current = self.currentWidget()
        for i in range(self.count()):
            w = self.widget(i)
            policy = w.sizePolicy()
            if w is current:
                keep = getattr(w, "_page_policy", None)
                if keep is not None:
                    w.setSizePolicy(keep)
            else:
                if getattr(w, "_page_policy", None) is None:
                    w._page_policy = QtWidgets.QSizePolicy(policy)
                w.setSizePolicy(QtWidgets.QSizePolicy.Ignored, QtWidgets.QSizePolicy.Ignored)
        self.updateGeometry()


def placeholder_stack(label: QtWidgets.QLabel, content: QtWidgets.QWidget) -> QtWidgets.QStackedWidget:
    """Page 0: `label` (a placeholder); page 1: `content` (setCurrentIndex(1) once the run suits the panel).
    Sized by the page shown (PageStack)."""
    stack = PageStack()
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


class ScaledImage(QtWidgets.QWidget):
    """A pixmap scaled to fit, keeping its aspect; nearest-neighbour so digits stay crisp.

    Painted here rather than by a QLabel: QLabel.setPixmap re-lays out its parents at every
    new picture, and a timeline following training showed one several times a second, each
    relaying out the whole main window (bench gui). A new picture here repaints this widget
    alone. Without a picture it shows its placeholder text, grey and wrapped."""

    def __init__(self, placeholder: str = "", parent=None):
        super().__init__(parent)
        self._pix: QtGui.QPixmap | None = None
        self.setMinimumSize(64, 64)
        self.setSizePolicy(QtWidgets.QSizePolicy.Expanding, QtWidgets.QSizePolicy.Expanding)
        self.placeholder = placeholder
        self._text = placeholder
        self._align = QtCore.Qt.AlignCenter

    def sizeHint(self) -> QtCore.QSize:
        return QtCore.QSize(160, 160)

    def setAlignment(self, align) -> None:
        """Where the picture sits in the widget (centred by default)."""
        self._align = align
        self.update()

    def set_pixmap(self, pix: QtGui.QPixmap | None) -> None:
        self._pix = pix
        if pix is None:
            self._text = self.placeholder
        self.update()

    def pixmap_source(self) -> QtGui.QPixmap | None:
        return self._pix

    def setText(self, text: str) -> None:
        """Show `text` in place of a picture."""
        self._pix = None
        self._text = text
        self.update()

    def retranslate(self) -> None:
        """The placeholder and a text set with tr() in the language now installed."""
        self.placeholder = tr(source_of(self.placeholder)) if self.placeholder else ""
        if self._text:
            self._text = tr(source_of(self._text))
            self.update()

    def text(self) -> str:
        return self._text if self._pix is None or self._pix.isNull() else ""

    def paintEvent(self, e):
        p = QtGui.QPainter(self)
        r = self.contentsRect()
        if self._pix is not None and not self._pix.isNull():
            size = self._pix.size().scaled(r.size(), QtCore.Qt.KeepAspectRatio)
            target = QtWidgets.QStyle.alignedRect(QtCore.Qt.LeftToRight, self._align, size, r)
            p.drawPixmap(target, self._pix)   # no smooth-transform hint: nearest neighbour
        elif self._text:
            p.setPen(QtGui.QColor(TEXT_FAINT))
            p.drawText(r.adjusted(4, 4, -4, -4), QtCore.Qt.AlignCenter | QtCore.Qt.TextWordWrap, self._text)
        p.end()


class LiveLabel(QtWidgets.QWidget):
    """Text that changes several times a second (progress, the current epoch), painted here.

    A QLabel re-lays out its parents at every setText, and in a dock that spread to the
    whole main window: ~9 layouts and dock repaints a second while training (bench gui).
    This keeps a fixed height of `lines` lines, so new text repaints only itself; text
    longer than the box is cut and shown whole in the tooltip.

    A text holding numbers is best given as a function (`set_render`): it is made again in
    the new language when the window's language changes; a text set with setText() is put
    back in the new language when it came from tr()."""

    def __init__(self, text: str = "", lines: int = 1, colour: str | None = None, parent=None):
        super().__init__(parent)
        self._text = ""
        self._render: Callable[[], str] | None = None
        self._colour = QtGui.QColor(colour) if colour else None
        self.lines = lines
        fm = self.fontMetrics()
        self.setFixedHeight(lines * fm.lineSpacing() + 4)
        self.setSizePolicy(QtWidgets.QSizePolicy.Expanding, QtWidgets.QSizePolicy.Fixed)
        self.setAttribute(QtCore.Qt.WA_OpaquePaintEvent)   # paints its background: parents need not
        self.setText(text)

    def sizeHint(self) -> QtCore.QSize:
        return QtCore.QSize(200, self.height())

    def minimumSizeHint(self) -> QtCore.QSize:
        return QtCore.QSize(40, self.height())

    def text(self) -> str:
        return self._text

    def setText(self, text: str) -> None:
        self._render = None
        self._set(text)

    def set_render(self, render: Callable[[], str]) -> None:
        """Show `render()`, and make it again when the language changes."""
        self._render = render
        self._set(render())

    def _set(self, text: str) -> None:
        if text != self._text:
            self._text = text
            self.setToolTip(text if len(text) > 40 else "")
            self.update()

    def retranslate(self) -> None:
        if self._render is not None:
            self._set(self._render())
        elif self._text:
            self._set(tr(source_of(self._text)))

    def paintEvent(self, e):
        p = QtGui.QPainter(self)
        p.fillRect(e.rect(), self.palette().window())
        if self._colour is not None:
            p.setPen(self._colour)
        flags = QtCore.Qt.AlignLeft | QtCore.Qt.AlignVCenter
        if self.lines > 1:
            flags |= QtCore.Qt.TextWordWrap
        p.drawText(self.rect().adjusted(0, 2, 0, -2), flags, self._text)
        p.end()


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
    if samples_per_s >= 1000:
        return tr("{thousands:.1f}k samples/s").format(thousands=samples_per_s / 1000)
    return tr("{rate:.0f} samples/s").format(rate=samples_per_s)
