"""The run list: each run's model, dataset, steps and last headline metrics."""
from __future__ import annotations

import time

from PySide6 import QtCore, QtWidgets

from ..i18n import QT_TR_NOOP, tr

LIVE_UPDATE_S = 1.0
COLUMNS = (QT_TR_NOOP("Run"), QT_TR_NOOP("Model"), QT_TR_NOOP("Dataset"), QT_TR_NOOP("Steps"),
           QT_TR_NOOP("Last metrics"))
# a run's status after its name (run_summary's and the session's words); "ready" shows nothing
STATUS_WORDS = {"no checkpoint": QT_TR_NOOP("no checkpoint"), "failed": QT_TR_NOOP("failed"),
                "training": QT_TR_NOOP("training")}


class RunsPanel(QtWidgets.QWidget):
    run_selected = QtCore.Signal(str)
    new_requested = QtCore.Signal()
    open_requested = QtCore.Signal()
    duplicate_requested = QtCore.Signal()

    def __init__(self, parent=None):
        super().__init__(parent)
        self.table = QtWidgets.QTableWidget(0, len(COLUMNS))
        self.table.setHorizontalHeaderLabels([tr(c) for c in COLUMNS])
        self.table.setSelectionBehavior(QtWidgets.QAbstractItemView.SelectRows)
        self.table.setSelectionMode(QtWidgets.QAbstractItemView.SingleSelection)
        self.table.setEditTriggers(QtWidgets.QAbstractItemView.NoEditTriggers)
        self.table.verticalHeader().hide()
        self.table.setAlternatingRowColors(True)
        hh = self.table.horizontalHeader()
        hh.setSectionResizeMode(QtWidgets.QHeaderView.ResizeToContents)
        hh.setStretchLastSection(True)
        self.table.itemSelectionChanged.connect(self._selection_changed)

        buttons = QtWidgets.QHBoxLayout()
        for text, sig, tip in ((tr("New run…"), self.new_requested, tr("Train a new model")),
                               (tr("Open…"), self.open_requested, tr("Open any run directory (CLI runs too)")),
                               (tr("Duplicate…"), self.duplicate_requested,
                                tr("A new run with this run's settings, to change and train"))):
            b = QtWidgets.QPushButton(text)
            b.setToolTip(tip)
            b.clicked.connect(sig)
            buttons.addWidget(b)
            if sig is self.duplicate_requested:
                self.duplicate_button = b
        buttons.addStretch(1)
        lay = QtWidgets.QVBoxLayout(self)
        lay.setContentsMargins(4, 4, 4, 4)
        lay.addLayout(buttons)
        lay.addWidget(self.table, 1)
        self._paths: list[str] = []
        self._names: list[tuple[str, str]] = []   # (name, status) of each row, for retranslate()
        self._quiet = False
        self._pending: dict[str, dict] = {}
        self._last_flush = 0.0
        self._flush_timer = QtCore.QTimer(self)
        self._flush_timer.setSingleShot(True)
        self._flush_timer.timeout.connect(self._flush)

    def set_runs(self, summaries: list[dict], selected: str | None = None) -> None:
        self._quiet = True
        self.table.setRowCount(len(summaries))
        self._paths = [s["path"] for s in summaries]
        self._names = [(s["name"], s["status"]) for s in summaries]
        for row, s in enumerate(summaries):
            values = (self._run_text(s["name"], s["status"]), s["model"], s["dataset"], str(s["step"]),
                      s["headline"])
            for col, v in enumerate(values):
                item = QtWidgets.QTableWidgetItem(v)
                item.setToolTip(s["path"] if col == 0 else v)
                self.table.setItem(row, col, item)
        self._quiet = False
        if selected is not None:
            self.select(selected)

    @staticmethod
    def _run_text(name: str, status: str) -> str:
        if status == "ready":
            return name
        return tr("{name} ({status})").format(name=name, status=tr(STATUS_WORDS.get(status, status)))

    def retranslate(self) -> None:
        """The headers and each run's status in the language now installed."""
        self.table.setHorizontalHeaderLabels([tr(c) for c in COLUMNS])
        for row, (name, status) in enumerate(self._names):
            item = self.table.item(row, 0)
            text = self._run_text(name, status)
            if item is not None and item.text() != text:
                item.setText(text)

    def update_row(self, path: str, steps: int | None = None, headline: str | None = None) -> None:
        """Live figures of a training run, shown at most once a second: each change re-sizes the
        table's columns to their contents and repaints the table (bench gui: ~12 a second)."""
        pending = self._pending.setdefault(path, {})
        if steps is not None:
            pending["steps"] = str(steps)
        if headline:
            pending["headline"] = headline
        wait = self._last_flush + LIVE_UPDATE_S - time.monotonic()
        if wait <= 0:
            self._flush()
        elif not self._flush_timer.isActive():
            self._flush_timer.start(int(wait * 1000) + 1)

    def _flush(self) -> None:
        self._last_flush = time.monotonic()
        pending, self._pending = self._pending, {}
        for path, values in pending.items():
            if path not in self._paths:
                continue
            row = self._paths.index(path)
            for col, key in ((3, "steps"), (4, "headline")):
                item = self.table.item(row, col)
                if key in values and item is not None and item.text() != values[key]:
                    item.setText(values[key])

    def select(self, path: str) -> None:
        if path in self._paths:
            self._quiet = True
            self.table.selectRow(self._paths.index(path))
            self._quiet = False

    def selected_path(self) -> str | None:
        rows = self.table.selectionModel().selectedRows()
        return self._paths[rows[0].row()] if rows else None

    def _selection_changed(self):
        path = self.selected_path()
        if path and not self._quiet:
            self.run_selected.emit(path)
