"""Concept cards: a "?" button on a view opens a short card under it (never over it) saying what
is on screen and the formula behind it, with the live numbers (explorer/core/concepts.py)."""
from __future__ import annotations

from typing import Callable

from PySide6 import QtCore, QtWidgets

from .i18n import tr

MAX_HEIGHT = 260   # px; the card scrolls beyond
MIN_HEIGHT = 190
CARD_STYLE = ("QLabel { background: #fbfaf3; border: 1px solid #d8d2b8; border-radius: 4px; padding: 6px;"
              " color: #222; }")


class ConceptCard(QtWidgets.QWidget):
    """A '?' toggle and the card it shows, laid out in the view (it takes room, it covers
    nothing). `text()` builds the card's HTML; `refresh()` fills it again while it is open."""

    def __init__(self, text: Callable[[], str], tip: str | None = None, parent=None):
        """`tip`: the '?' button's tooltip (already translated), else the usual one."""
        super().__init__(parent)
        self.text = text
        self.button = QtWidgets.QToolButton()
        self.button.setText("?")
        self.button.setCheckable(True)
        self.button.setToolTip(tip if tip is not None else tr("What is this? The idea and its formula, "
                                                              "with the numbers on screen"))
        self.button.setFixedWidth(24)
        self.card = QtWidgets.QLabel("")
        self.card.setTextFormat(QtCore.Qt.RichText)
        self.card.setWordWrap(True)
        self.card.setStyleSheet(CARD_STYLE)
        self.card.setTextInteractionFlags(QtCore.Qt.TextSelectableByMouse)
        # in a scroll area of bounded height: a long card scrolls instead of pushing the view
        # out of its dock (or widening the dock by its longest formula)
        self.scroll = QtWidgets.QScrollArea()
        self.scroll.setWidgetResizable(True)
        self.scroll.setFrameShape(QtWidgets.QFrame.NoFrame)
        self.scroll.setHorizontalScrollBarPolicy(QtCore.Qt.ScrollBarAlwaysOff)
        self.scroll.setWidget(self.card)
        self.scroll.setMaximumHeight(MAX_HEIGHT)
        self.scroll.setMinimumHeight(MIN_HEIGHT)   # the view beside it gives room, not the card
        self.scroll.setMinimumWidth(0)
        self.card.setMinimumWidth(0)
        self.card.setSizePolicy(QtWidgets.QSizePolicy.Ignored, QtWidgets.QSizePolicy.Preferred)
        self.scroll.setVisible(False)
        lay = QtWidgets.QVBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.addWidget(self.scroll)
        self.button.toggled.connect(self._toggled)

    def place(self, layout: QtWidgets.QBoxLayout, beside: QtWidgets.QWidget) -> None:
        """`beside` with the '?' at its right, and the card under both, added to `layout`."""
        row = QtWidgets.QHBoxLayout()
        row.addWidget(beside, 1)
        row.addWidget(self.button, 0, QtCore.Qt.AlignTop)
        layout.addLayout(row)
        layout.addWidget(self)

    @property
    def is_open(self) -> bool:
        return self.button.isChecked()

    def _toggled(self, on: bool) -> None:
        self.scroll.setVisible(on)
        if on:
            self.refresh()

    def refresh(self) -> None:
        if self.is_open:
            self.card.setText(self.text())

    def retranslate(self) -> None:
        """The card made again in the language now installed (its text() translates)."""
        self.refresh()
