"""The Qt application: creates the window (see main_window.py)."""
from __future__ import annotations

import sys


def run_app(run: str | None = None) -> int:
    from PySide6 import QtWidgets

    app = QtWidgets.QApplication.instance() or QtWidgets.QApplication(sys.argv[:1])
    app.setApplicationName("Latent Explorer")
    win = QtWidgets.QMainWindow()
    win.setWindowTitle("Latent Explorer")
    win.setCentralWidget(QtWidgets.QLabel(f"Run: {run or '(none)'}"))
    win.resize(900, 600)
    win.show()
    return app.exec()
