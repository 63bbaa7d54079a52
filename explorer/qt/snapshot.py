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


def snapshot(out_dir: str, run: str | None = None, size=(1400, 900), slow_map: bool = False,
             map_timeout_s: float = 240, language: str = "en") -> list[Path]:
    """`slow_map`: start the map service and wait for the UMAP map (a minute or more the first
    time); otherwise the latent map is the PCA one, at once. `language`: the window's (the
    files keep English names)."""
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from . import i18n
    from .app import make_app

    app = make_app()
    before = i18n.language()
    i18n.set_language(language)
    try:
        return _snapshot(app, out_dir, run, size, slow_map, map_timeout_s)
    finally:
        i18n.set_language(before)


def _snapshot(app, out_dir, run, size, slow_map, map_timeout_s) -> list[Path]:
    from PySide6 import QtCore

    from .i18n import source_of
    from .main_window import MainWindow

    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        settings = QtCore.QSettings(str(Path(tmp) / "settings.ini"), QtCore.QSettings.IniFormat)
        win = MainWindow(settings=settings, open_run=run, restore=False, map_service=slow_map)
        win.resize(*size)
        win.show()
        if not wait_until(app, lambda: win.is_ready):
            raise RuntimeError("the window did not get ready within 60 s")
        session = win.latent_session
        if session is not None:  # show the finished map (UMAP compiles for up to a minute)
            wait_until(app, lambda: session.map is not None and session._pending_job is None
                       and not win.jobs.busy(), map_timeout_s)
            if session.points is not None and session.points.decodable and session.lifter is not None:
                row = len(session.points.vectors) // 3   # probe a real data point, as a click would
                session.probe(*session.map.coords[row])
                session.select(row)
                # and show what the other panels do with it: a path, prior samples
                ip = win.latent_docks["Interpolation"]
                ip.add_selected()
                session.select(len(session.points.vectors) // 2)
                ip.add_selected()
                if win.latent_docks["Sampling"].kind.count():
                    win.latent_docks["Sampling"].draw_samples()
                session.probe(*session.map.coords[row])
        from .jobs import Jobs
        wait_until(app, lambda: not any(j.busy() for j in win.findChildren(Jobs)), 60)  # codebook, toy view
        wait_until(app, lambda: False, 0.5)   # let timers draw the plots
        win.loss_panel.refresh()
        app.processEvents()
        written = [out / "window.png"]
        win.grab().save(str(written[0]))
        for title, dock in win.docks.items():
            dock.raise_()   # tabbed docks: bring each to the front before its picture
            app.processEvents()
            if dock.isVisible():
                path = out / f"panel-{re.sub(r'[^a-z0-9]+', '-', title.lower()).strip('-')}.png"
                dock.widget().grab().save(str(path))
                written.append(path)
        win.docks["Sample timeline"].raise_()
        for i in range(win.views.count()):   # the central views: losses, latent map
            win.views.setCurrentIndex(i)
            app.processEvents()
            wait_until(app, lambda: not any(j.busy() for j in win.findChildren(Jobs)), 60)  # e.g. the codebook
            win.loss_panel.refresh(force=True)
            name = re.sub(r'[^a-z0-9]+', '-', source_of(win.views.tabText(i)).lower()).strip('-')
            path = out / f"view-{name}.png"
            win.views.currentWidget().grab().save(str(path))
            written.append(path)
        win.close()
    return written
