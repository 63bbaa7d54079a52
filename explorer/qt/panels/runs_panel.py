"""The run list: each run's model, dataset, steps and last headline metrics."""
from __future__ import annotations

import time

from PySide6 import QtCore, QtWidgets

LIVE_UPDATE_S = 1.0
COLUMNS = ("Run", "Model", "Dataset", "Steps", "Last metrics")


class RunsPanel(QtWidgets.QWidget):
    run_selected = QtCore.Signal(str)
    new_requested = QtCore.Signal()
    open_requested = QtCore.Signal()
    duplicate_requested = QtCore.Signal()

    def __init__(self, parent=None):
        super().__init__(parent)
        self.table = QtWidgets.QTableWidget(0, len(COLUMNS))
        self.table.setHorizontalHeaderLabels(COLUMNS)
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
        for text, sig, tip in (("New run…", self.new_requested, "Train a new model"),
                               ("Open…", self.open_requested, "Open any run directory (CLI runs too)"),
                               ("Duplicate…", self.duplicate_requested,
                                "A new run with this run's settings, to change and train")):
            b = QtWidgets.QPushButton(text)
            b.setToolTip(tip)
            b.clicked.connect(sig)
            buttons.addWidget(b)
            if text == "Duplicate…":
                self.duplicate_button = b
        buttons.addStretch(1)
        lay = QtWidgets.QVBoxLayout(self)
        lay.setContentsMargins(4, 4, 4, 4)
        lay.addLayout(buttons)
        lay.addWidget(self.table, 1)
        self._paths: list[str] = []
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
        for row, s in enumerate(summaries):
            status = "" if s["status"] == "ready" else f" ({s['status']})"
            values = (s["name"] + status, s["model"], s["dataset"], str(s["step"]), s["headline"])
            for col, v in enumerate(values):
                item = QtWidgets.QTableWidgetItem(v)
                item.setToolTip(s["path"] if col == 0 else v)
                self.table.setItem(row, col, item)
        self._quiet = False
        if selected is not None:
            self.select(selected)

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
