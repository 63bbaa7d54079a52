"""The Qt application: a window on screen first, heavy imports after."""
from __future__ import annotations

import os
import sys
import time


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
    return app


def run_app(run: str | None = None) -> int:
    t0 = float(os.environ.get("LATENT_EXPLORER_T0", time.time()))
    # before Qt: a missing X11 library makes Qt abort with a message naming the wrong package
    from explorer.core.system_libs import check_qt_libraries
    missing = check_qt_libraries()
    if missing:
        print(missing, file=sys.stderr)
        return 1
    app = make_app()
    from .main_window import MainWindow

    win = MainWindow(open_run=run)
    win.show()
    if os.environ.get("LATENT_EXPLORER_STARTUP_PROBE"):
        # bench gui: report when the window is on screen and how long until it is ready, then quit
        from PySide6 import QtCore

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
