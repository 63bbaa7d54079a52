"""The New Run dialog's field widgets, the items of its value combos (each item's value is
its data, its shown text translated) and the output folder's check, apart from the dialog's
behaviour."""
from __future__ import annotations

from pathlib import Path

from PySide6 import QtGui, QtWidgets

from ..i18n import QT_TR_NOOP, tr

# the items of the value combos: (value, shown text); the value is the item's data
UNITS = (("epochs", QT_TR_NOOP("epochs")), ("steps", QT_TR_NOOP("steps")))
LIKELIHOODS = (("bernoulli", QT_TR_NOOP("bernoulli")), ("gaussian", QT_TR_NOOP("gaussian")))
NOISES = (("gaussian", QT_TR_NOOP("gaussian")), ("masking", QT_TR_NOOP("masking")),
          ("saltpepper", QT_TR_NOOP("saltpepper")))


def float_edit(value: float, tip: str = "") -> QtWidgets.QLineEdit:
    e = QtWidgets.QLineEdit(f"{value:g}")
    e.setValidator(QtGui.QDoubleValidator(0.0, 1e9, 12, e))
    e.setMaximumWidth(110)
    e.setToolTip(tip)
    return e


def value_combo(items) -> QtWidgets.QComboBox:
    """A combo of (value, text) items: the text is shown (translated), the value is the data."""
    c = QtWidgets.QComboBox()
    for value, text in items:
        c.addItem(tr(text), value)
    return c


def select_data(combo: QtWidgets.QComboBox, value) -> None:
    i = combo.findData(value)
    if i >= 0:
        combo.setCurrentIndex(i)


def int_spin(value: int, lo: int, hi: int, tip: str = "") -> QtWidgets.QSpinBox:
    s = QtWidgets.QSpinBox()
    s.setRange(lo, hi)
    s.setValue(value)
    s.setToolTip(tip)
    return s


def out_dir_problem(path: Path) -> str | None:
    """Why a new run may not be made in `path` (one line), or None. The rules are the
    command line's (runs.prepare_run_dir, never with overwrite, so nothing is touched):
    a new or empty folder; an existing run is refused too, since the dialog never replaces one."""
    from explorer.core.runs import CheckpointError, is_run_dir, prepare_run_dir
    from explorer.core.training.engine import RunExists

    if is_run_dir(path):
        return tr("{path} already holds a run; choose a new or empty folder.").format(path=path)
    try:
        prepare_run_dir(path, overwrite=False)
    except (CheckpointError, RunExists) as e:
        return str(e).replace("--out", tr("output folder"))
    except OSError as e:
        return f"{path}: {e.strerror or e}"
    return None
