"""What the window's menus and the runs list ask for that opens a dialog or changes the
language: kept apart from MainWindow (explorer/qt/main_window.py), which docks the panels and
wires them to the session. Each function takes the window."""
from __future__ import annotations

from PySide6 import QtWidgets

from . import i18n
from .i18n import tr


def open_run_dialog(window) -> None:
    dlg = QtWidgets.QFileDialog(window, tr("Open a run directory"), str(window.runs_root))
    dlg.setFileMode(QtWidgets.QFileDialog.Directory)
    dlg.setOption(QtWidgets.QFileDialog.ShowDirsOnly, True)
    dlg.setOption(QtWidgets.QFileDialog.DontUseNativeDialog, True)
    dlg.fileSelected.connect(window.open_run)
    dlg.open()


def new_run(window, base: dict | None = None) -> None:
    """The New Run dialog; `base` (a run's configs and name) fills it for Duplicate."""
    from explorer.core.training.devices import available_devices

    from .panels.new_run_dialog import NewRunDialog
    dlg = NewRunDialog(window.runs_root, available_devices(), window, base=base or None)
    dlg.accepted.connect(lambda: window.start_run(dlg.spec()))
    dlg.open()


def duplicate_run(window) -> None:
    run = window.session.run
    if run is None:
        window.notify(tr("Open or select a run to duplicate first."), "warning")
        return
    from explorer.core.runs import read_config
    mc, tc, _ = read_config(run.path)
    new_run(window, {"model_cfg": mc, "train_cfg": tc, "name": run.path.name})


def set_language(window, code: str) -> None:
    """View > Language: install `code`'s catalogue, remember the choice, and put the open
    window's text in it at once (explorer/qt/i18n.py); no restart."""
    now = i18n.set_language(code)
    window.settings.setValue(i18n.SETTINGS_KEY, now)
    window.language_actions[now].setChecked(True)
    # this window's widgets (its menus and docks included), not every widget of the
    # application: a closed window's plots may be half torn down
    i18n.retranslate([window, *window.findChildren(QtWidgets.QWidget)])
    if now != code:
        window.notify(f"Could not load the {i18n.LANGUAGES.get(code, code)} catalogue "
                      f"({i18n.catalogue_path(code).name}): the window stays in English.", "error")
    elif not i18n.has_font_for(now):
        window.notify(i18n.FONT_HINT, "warning")   # in English: it is read where Korean cannot be
