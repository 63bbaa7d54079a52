"""The run's alerts ("mode collapse suspected" and the like, from explorer.core.gan.alerts),
listed with their steps; a click on one asks for the sample timeline at that step. Each
message is in the window's language when it is read (LossHistory's Alert)."""
from __future__ import annotations

import pyqtgraph as pg
from PySide6 import QtCore, QtWidgets

from ...i18n import tr
from ...palette import ERROR
from ...widgets import alert_line


class AlertList(QtWidgets.QListWidget):
    step_clicked = QtCore.Signal(int)

    def __init__(self):
        super().__init__()
        self._alerts = []
        self.setMaximumHeight(90)
        self.setWordWrap(True)       # an alert's message is a sentence: show all of it
        self.setHorizontalScrollBarPolicy(QtCore.Qt.ScrollBarAlwaysOff)
        self.itemClicked.connect(self._item_clicked)

    def set_alerts(self, alerts) -> None:
        """`alerts`: (step, message) pairs, oldest first."""
        self._alerts = list(alerts)
        self.clear()
        for step, message in alerts:
            item = QtWidgets.QListWidgetItem(alert_line(step, message))
            item.setData(QtCore.Qt.UserRole, int(step))
            item.setForeground(pg.mkColor(ERROR))
            item.setToolTip(tr("Click to show the sample timeline at this step"))
            self.addItem(item)
        if not alerts:
            item = QtWidgets.QListWidgetItem(tr("none so far"))
            item.setFlags(QtCore.Qt.NoItemFlags)
            item.setData(QtCore.Qt.UserRole, None)
            self.addItem(item)

    def retranslate(self) -> None:
        if self.count():     # cleared (no run shown): stays empty
            self.set_alerts(self._alerts)

    def _item_clicked(self, item) -> None:
        step = item.data(QtCore.Qt.UserRole)
        if step is not None:
            self.step_clicked.emit(int(step))
