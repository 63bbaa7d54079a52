"""The main window's docks, menus and first-launch layout (sized to fit a 1366x768 screen)."""
from __future__ import annotations

from PySide6 import QtCore, QtGui, QtWidgets

from . import window_actions as actions
from .i18n import LANGUAGES, QT_TR_NOOP, tr

DEFAULT_SIZE = (1280, 720)      # fits 1366x768 with a task bar
SHORT_TITLES = {"Sample timeline": QT_TR_NOOP("Timeline"), "Interpolation": QT_TR_NOOP("Interpolate"),
                "Rejection sampling": QT_TR_NOOP("Rejection"), "Compare runs": QT_TR_NOOP("Compare"),
                "Traversal": QT_TR_NOOP("Traverse"), "Denoising": QT_TR_NOOP("Denoise"),
                "Reparameterise": "z = μ+σε"}


def add_panel(window, title: str, widget, area=QtCore.Qt.RightDockWidgetArea, tabify_with: str | None = None):
    """A dock named `title` (tab and menu) holding `widget`; tabified with another dock if asked.
    Its tab shows a short name (SHORT_TITLES) so that six tabs stay readable in a narrow dock.
    `title` is the dock's English name, its key in window.docks and in the saved layout; what
    the user reads is its translation (each title is marked for the catalogue where it is given)."""
    dock = QtWidgets.QDockWidget(tr(SHORT_TITLES.get(title, title)), window)
    dock.setObjectName(f"dock:{title}")
    dock.setToolTip(tr(title))
    dock.setWidget(widget)
    window.addDockWidget(area, dock)
    if tabify_with and tabify_with in window.docks:
        window.tabifyDockWidget(window.docks[tabify_with], dock)
    window.docks[title] = dock
    if hasattr(window, "view_menu"):
        window.view_menu.addAction(dock.toggleViewAction())
    return dock


def build_menus(window) -> None:
    file = window.menuBar().addMenu(tr("&File"))
    for text, slot, key in ((tr("&New run…"), actions.new_run, QtGui.QKeySequence.New),
                            (tr("&Open run…"), actions.open_run_dialog, QtGui.QKeySequence.Open),
                            (tr("&Duplicate run…"), actions.duplicate_run, None)):
        act = file.addAction(text)
        act.triggered.connect(lambda _=False, slot=slot: slot(window))
        if key is not None:
            act.setShortcut(key)
    file.addSeparator()
    quit_ = file.addAction(tr("&Quit"))
    quit_.setShortcut(QtGui.QKeySequence.Quit)
    quit_.triggered.connect(window.close)
    window.view_menu = window.menuBar().addMenu(tr("&View"))
    window.language_menu = window.view_menu.addMenu(tr("&Language"))
    group = QtGui.QActionGroup(window.language_menu)
    window.language_actions = {}
    for code, name in LANGUAGES.items():   # each language in its own words: never translated
        act = window.language_menu.addAction(name)
        act.setCheckable(True)
        act.setData(code)
        group.addAction(act)
        act.triggered.connect(lambda _=False, code=code: actions.set_language(window, code))
        window.language_actions[code] = act
    window.view_menu.addSeparator()
    for dock in window.docks.values():
        window.view_menu.addAction(dock.toggleViewAction())


def restore_layout(window) -> bool:
    geo = window.settings.value("geometry")
    state = window.settings.value("windowState")
    if geo is not None:
        window.restoreGeometry(geo)
    fit_to_screen(window)
    return state is not None and window.restoreState(state)


def fit_to_screen(window) -> None:
    """Never larger than the screen's free area (a layout saved on a bigger screen included)."""
    screen = window.screen() or QtGui.QGuiApplication.primaryScreen()
    if screen is None:
        return
    free = screen.availableGeometry()
    w, h = min(window.width(), free.width()), min(window.height(), free.height())
    if (w, h) != (window.width(), window.height()):
        window.resize(w, h)


def readable_tabs(window) -> None:
    """Dock tabs show their whole (short) names and scroll when they do not fit, rather than
    eliding every name to "T… I… S…"."""
    central = window.centralWidget()
    for bar in window.findChildren(QtWidgets.QTabBar):
        if central is not None and central.isAncestorOf(bar):
            continue
        bar.setElideMode(QtCore.Qt.ElideNone)
        bar.setUsesScrollButtons(True)
        bar.setExpanding(False)


def default_split(window) -> None:
    w = window.width()
    window.resizeDocks([window.docks["Runs"], window.docks["Sample timeline"]],
                       [int(w * 0.22), int(w * 0.26)], QtCore.Qt.Horizontal)
    window.resizeDocks([window.docks["Runs"], window.docks["Training"]], [260, 230], QtCore.Qt.Vertical)
