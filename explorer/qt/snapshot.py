"""`python main.py snapshot --out DIR [--run RUN]`: the window and each panel, rendered
offscreen to PNG files, from a real run."""
from __future__ import annotations

import os
import re
import tempfile
from pathlib import Path


def wait_until(app, predicate, timeout_s: float = 60.0) -> bool:
    import time
    end = time.monotonic() + timeout_s
    while time.monotonic() < end:
        app.processEvents()
        if predicate():
            return True
        time.sleep(0.01)
    return False


def snapshot(out_dir: str, run: str | None = None, size=(1400, 900)) -> list[Path]:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6 import QtCore

    from .app import make_app
    from .main_window import MainWindow

    app = make_app()
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        settings = QtCore.QSettings(str(Path(tmp) / "settings.ini"), QtCore.QSettings.IniFormat)
        win = MainWindow(settings=settings, open_run=run, restore=False)
        win.resize(*size)
        win.show()
        if not wait_until(app, lambda: win.is_ready):
            raise RuntimeError("the window did not get ready within 60 s")
        wait_until(app, lambda: False, 0.5)   # let timers draw the plots
        win.loss_panel.refresh()
        app.processEvents()
        written = [out / "window.png"]
        win.grab().save(str(written[0]))
        for title, dock in win.docks.items():
            if dock.isVisible():
                path = out / f"panel-{re.sub(r'[^a-z0-9]+', '-', title.lower()).strip('-')}.png"
                dock.widget().grab().save(str(path))
                written.append(path)
        path = out / "panel-loss-plots.png"
        win.loss_panel.grab().save(str(path))
        written.append(path)
        win.close()
    return written
