"""The Qt application: a splash at once, the heavy imports behind it, then the whole window."""
from __future__ import annotations

import gc
import os
import sys
import time


SWITCH_INTERVAL_S = 0.001


def make_app():
    from PySide6 import QtWidgets

    app = QtWidgets.QApplication.instance() or QtWidgets.QApplication(sys.argv[:1])
    app.setApplicationName("Latent Explorer")
    app.setOrganizationName("LatentExplorer")
    app.setStyle("Fusion")
    import pyqtgraph as pg

    from .palette import INK, PAPER
    # antialiased lines cost ~50x on the raster engine (590 vs 10 ms a frame for two plots)
    pg.setConfigOptions(antialias=False, foreground=INK, background=PAPER)
    # The GIL: a job thread running Python (encoding a data set through a model, batch by
    # batch) holds it for up to the switch interval (5 ms by default) each time the GUI thread
    # gives it up, and the GUI thread gives it up at every call into Qt; a paint of many
    # items waited ~5 ms per call, and the Codebook tab's first show stalled 120-130 ms while
    # its code grids were computed (bench journey --explain: the GUI thread without a Python
    # frame, the job thread in the VQ nearest-code search). A shorter interval bounds each wait.
    sys.setswitchinterval(SWITCH_INTERVAL_S)
    if getattr(app, "gc_on_gui_thread", None) is None:
        # Python's cyclic collector runs in whichever thread happens to allocate. Run in a
        # job thread, it destroyed Qt objects there and deadlocked the window: the job's
        # QObject destructor waited for the GIL while holding a Qt lock that the GUI thread,
        # deleting a menu under the GIL, waited for (seen in the journey test, a job importing
        # torch._dynamo). pyqtgraph's GarbageCollector disables automatic collection and
        # collects on a GUI-thread timer instead, generation by generation as the thresholds say.
        from pyqtgraph.util.garbage_collector import GarbageCollector
        app.gc_on_gui_thread = GarbageCollector(interval=1.0)
    return app


def load_behind_splash(app, message: str | None = None):
    """A splash on screen at once, then the heavy imports on this thread: done in a background
    thread after the window was up, they held the GIL for up to 0.4 s at a time and froze the
    window (explorer/qt/latent_docks.py). Returns the splash, for splash.finish(window)."""
    from PySide6 import QtCore, QtGui, QtWidgets

    from .i18n import tr
    from .latent_docks import preload_heavy_modules
    from .palette import PAPER_RGBA

    message = message or tr("Loading PyTorch and the models…")

    ink = QtGui.QColor("black")
    pix = QtGui.QPixmap(520, 120)
    pix.fill(QtGui.QColor(*PAPER_RGBA))
    p = QtGui.QPainter(pix)
    p.setPen(ink)
    f = p.font()
    f.setPointSize(16)
    f.setBold(True)
    p.setFont(f)
    p.drawText(pix.rect().adjusted(20, 16, -20, -64), QtCore.Qt.AlignLeft | QtCore.Qt.AlignVCenter, "Latent Explorer")
    f.setPointSize(10)
    f.setBold(False)
    p.setFont(f)
    p.drawText(pix.rect().adjusted(20, 52, -20, -36), QtCore.Qt.AlignLeft | QtCore.Qt.AlignVCenter,
               tr("Train autoencoders, VAEs, VQ-VAEs and GANs and look inside them"))
    p.setPen(QtGui.QColor("#b0b0b0"))
    p.drawRect(pix.rect().adjusted(0, 0, -1, -1))
    p.end()
    splash = QtWidgets.QSplashScreen(pix)
    splash.showMessage("    " + message + "\n", QtCore.Qt.AlignLeft | QtCore.Qt.AlignBottom, ink)
    splash.show()
    app.processEvents()
    try:
        preload_heavy_modules()
    except Exception:  # noqa: BLE001 - the window loads them again and says what failed
        pass
    # the modules' objects live as long as the process: out of the collector's sight, a full
    # collection on the GUI thread (see make_app) only walks what was made since
    gc.collect()
    gc.freeze()
    return splash


def start_language(settings, lang: str | None = None) -> str:
    """The window's language before anything is drawn: `lang` (--language) when given, else
    the one chosen in View > Language, else the system locale's (explorer/qt/i18n.py)."""
    from . import i18n
    code = lang or i18n.initial_language(settings)
    if lang:
        settings.setValue(i18n.SETTINGS_KEY, code)
    now = i18n.set_language(code)
    if now != code:
        print(f"warning: no {code} catalogue could be loaded ({i18n.catalogue_path(code)}); "
              "the window is in English", file=sys.stderr)
    elif not i18n.has_font_for(now):
        print(f"warning: {i18n.FONT_HINT}", file=sys.stderr)
    return now


def run_app(run: str | None = None, language: str | None = None) -> int:
    t0 = float(os.environ.get("LATENT_EXPLORER_T0", time.time()))
    # before Qt: a missing X11 library makes Qt abort with a message naming the wrong package
    from explorer.core.system_libs import check_qt_libraries
    missing = check_qt_libraries()
    if missing:
        print(missing, file=sys.stderr)
        return 1
    app = make_app()
    from PySide6 import QtCore
    settings = QtCore.QSettings("LatentExplorer", "Latent Explorer")
    start_language(settings, language)
    splash = load_behind_splash(app)
    from .main_window import MainWindow

    win = MainWindow(settings=settings, open_run=run)
    win.show()
    splash.finish(win)
    if os.environ.get("LATENT_EXPLORER_STARTUP_PROBE"):
        # bench gui: report when the window is on screen and how long until it is ready, then quit
        def shown():
            print(f"visible_after_s {time.time() - t0:.3f}", flush=True)

        QtCore.QTimer.singleShot(0, shown)
        win.ready.connect(lambda: (print(f"ready_after_s {time.time() - t0:.3f}", flush=True), win.close()))
    code = app.exec()
    # The window has saved everything (closeEvent) and its trainer is gone. A background job of
    # the window may still be computing (a classifier fit: tens of seconds); the interpreter
    # would join its thread before exiting, so the process leaves at once instead.
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(code)
