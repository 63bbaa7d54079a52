"""The run list: each run's model, dataset, steps and last headline metrics."""
from __future__ import annotations

from PySide6 import QtCore, QtWidgets

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
        if path not in self._paths:
            return
        row = self._paths.index(path)
        if steps is not None:
            self.table.item(row, 3).setText(str(steps))
        if headline:
            self.table.item(row, 4).setText(headline)

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
