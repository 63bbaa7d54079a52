"""Two runs side by side (e.g. an AE and a VAE on the same data): the other run's
map beside the main one, with linked selection of the same sample."""
from __future__ import annotations

from explorer.core.said import text_of

import numpy as np
from PySide6 import QtCore, QtWidgets

from ..i18n import tr
from ..widgets import caption

from ..jobs import Jobs
from ..latent_session import LatentSession
from ..point_map import PointMap
from .latent_map_panel import Lines, colour_points


def _keys(encoded) -> np.ndarray:
    from explorer.core.maps.projection import sample_keys
    return sample_keys(encoded.split, encoded.index)


class ComparePanel(QtWidgets.QWidget):
    def __init__(self, session, main_map: PointMap, runs_provider, map_service=None, parent=None):
        super().__init__(parent)
        self.session, self.main_map = session, main_map
        self.runs_provider = runs_provider
        self.other = LatentSession(Jobs(self), map_service, self)
        self.other.method = session.method
        self.choice = QtWidgets.QComboBox()
        self.choice.setToolTip(tr("Another run on the same dataset"))
        self.lines = Lines()
        self.status = caption("")
        self.map = PointMap()
        self.caption = QtWidgets.QLabel(tr("Click a data point on either map: the same sample is ringed on both."))
        self.caption.setWordWrap(True)
        row = QtWidgets.QHBoxLayout()
        row.addWidget(QtWidgets.QLabel(tr("Compare with")))
        row.addWidget(self.choice, 1)
        lay = QtWidgets.QVBoxLayout(self)
        lay.setContentsMargins(4, 4, 4, 4)
        lay.addLayout(row)
        lay.addWidget(self.status)
        lay.addWidget(self.map, 1)
        lay.addWidget(self.caption)
        self.choice.activated.connect(self._chosen)
        self.other.status.connect(lambda text, _: self.lines.set(self.status, self.other.status_text))
        self.other.map_changed.connect(self._other_map)
        self.map.probed.connect(self._other_clicked)
        session.points_changed.connect(self.refresh_choices)
        session.selection_changed.connect(self._main_selected)
        self.refresh_choices()

    def retranslate(self) -> None:
        """The other run's status line and the linked sample's line in the language installed now."""
        self.lines.redraw()

    def refresh_choices(self) -> None:
        from explorer.core.training.follow import run_summary
        from explorer.core.runs import CheckpointError

        s = self.session
        current = self.choice.currentData()
        with QtCore.QSignalBlocker(self.choice):
            self.choice.clear()
            self.choice.addItem(tr("(none)"), None)
            if s.context is not None:
                dataset = s.context.summary["dataset"]
                for path in self.runs_provider():
                    if path == str(s.context.path):
                        continue
                    try:
                        summ = run_summary(path)
                    except CheckpointError:
                        continue
                    if summ["dataset"] == dataset and summ["status"] != "no checkpoint":
                        self.choice.addItem(f"{summ['name']} ({summ['model']})", path)
            self.choice.setCurrentIndex(max(0, self.choice.findData(current)))

    def _chosen(self) -> None:

        path = self.choice.currentData()
        if path is None:
            self.other.set_context(None)
            self.map.set_points(np.zeros((0, 2), np.float32), np.zeros((0, 4), np.uint8))
            return
        self.compare_with(path)

    def compare_with(self, path: str) -> bool:
        from explorer.core.training.run_context import RunContext
        from explorer.core.runs import CheckpointError

        try:
            ctx = RunContext.open(path)
        except (CheckpointError, OSError, ValueError) as e:
            from explorer.core.said import said_of, text_of
            reason = said_of(e) or str(e)   # a Said is said again in a new language
            self.lines.set(self.status, lambda: tr("Cannot open {path}: {reason}").format(
                path=path, reason=text_of(reason)))
            return False
        self.other.method = self.session.method
        self.other.set_context(ctx)
        return True

    def _other_map(self) -> None:
        o = self.other
        if o.map is None or o.points is None:
            return
        rgba, _ = colour_points(o.points.colorings.get("label") or next(iter(o.points.colorings.values())))
        self.map.set_points(o.map.coords, rgba)
        self._main_selected()

    # -- linked selection -------------------------------------------------------------------
    def _row_in(self, session, key) -> int:
        pts = session.points
        if pts is None or pts.encoded is None:
            return -1
        rows = np.flatnonzero(_keys(pts.encoded) == key)
        return int(rows[0]) if len(rows) else -1

    def _main_selected(self) -> None:
        s, o = self.session, self.other
        if s.selected < 0 or s.points is None or s.points.encoded is None or o.map is None:
            return
        key = _keys(s.points.encoded)[s.selected]
        row = self._row_in(o, key)
        self._ring(s, s.selected, o, row)

    def _other_clicked(self, x: float, y: float, final: bool) -> None:
        o, s = self.other, self.session
        if not final or o.points is None or o.points.encoded is None:
            return
        row = self.map.nearest(x, y)
        if row < 0:
            return
        key = _keys(o.points.encoded)[row]
        main_row = self._row_in(s, key)
        if main_row >= 0:
            s.select(main_row)   # rings both maps through _main_selected
        else:
            self._ring(s, -1, o, row)

    def _ring(self, s, main_row: int, o, other_row: int) -> None:
        self.main_map.set_marks(None if main_row < 0 else s.map.coords[[main_row]])
        self.map.set_marks(None if other_row < 0 else o.map.coords[[other_row]])
        self.linked_rows = (main_row, other_row)
        if main_row >= 0 and other_row >= 0:
            lab = s.points.label_names[int(s.points.labels[main_row])]
            self.lines.set(self.caption, lambda: tr("Sample {row} (label {label}) is ringed on both maps.").format(
                row=main_row, label=text_of(lab)))
