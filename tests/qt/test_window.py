"""The real window, driven offscreen with pytest-qt: training in a worker process,
controls, errors, following another process's run, shutdown."""
import multiprocessing
import subprocess
import sys
import threading

import pytest

pytest.importorskip("pytestqt")
from PySide6 import QtCore, QtWidgets  # noqa: E402

from conftest import ROOT  # noqa: E402
from explorer.core import runs  # noqa: E402
from explorer.core.training.worker import WorkerSpec
from explorer.qt.app import make_app  # noqa: E402
from explorer.qt.main_window import MainWindow  # noqa: E402

LONG = dict(model="vae", dataset="digits", model_overrides={"hidden": (32,), "latent_dim": 4},
            train_overrides={"epochs": 400, "batch_size": 32, "log_every": 5})


@pytest.fixture
def settings(tmp_path):
    return QtCore.QSettings(str(tmp_path / "settings.ini"), QtCore.QSettings.IniFormat)


@pytest.fixture
def window(qtbot, tmp_path, settings):
    make_app()
    win = MainWindow(settings=settings, runs_root=tmp_path / "runs", restore=False)
    qtbot.addWidget(win)
    win.show()
    qtbot.waitUntil(lambda: win.is_ready, timeout=60_000)
    win.views.setCurrentWidget(win.loss_panel)   # the plots these tests watch are drawn while in front
    yield win
    if win.worker is not None and win.worker.running:
        win.worker.stop(timeout=30)


def spec(tmp_path, name="run", **over):
    kw = {**LONG, **over}
    return WorkerSpec(run_dir=str(tmp_path / "runs" / name), **kw)


def wait_state(qtbot, win, state, timeout=60_000):
    qtbot.waitUntil(lambda: win.training_panel.state == state, timeout=timeout)


def test_start_pause_resume_stop_and_plots_gain_points(qtbot, window, tmp_path):
    win = window
    assert win.start_run(spec(tmp_path))
    wait_state(qtbot, win, "training")
    assert win.context is not None and win.context.path.name == "run"
    qtbot.waitUntil(lambda: win.loss_panel.point_count("recon") >= 3, timeout=30_000)
    qtbot.waitUntil(lambda: "recon" in win.loss_panel.curves, timeout=5_000)   # the next redraw tick
    curve = win.loss_panel.curves["recon"][1]
    qtbot.waitUntil(lambda: curve.getData()[0] is not None and len(curve.getData()[0]) >= 3, timeout=5_000)
    # the first progress lines carry no rate yet ("–"): wait for one that does
    qtbot.waitUntil(lambda: "samples/s" in win.training_panel.status.text(), timeout=10_000)
    assert "step" in win.training_panel.status.text()

    qtbot.mouseClick(win.training_panel.pause_button, QtCore.Qt.LeftButton)
    wait_state(qtbot, win, "paused")
    qtbot.wait(800)   # the lines written before the pause are still being followed and drawn
    frozen = win.loss_panel.point_count("recon")
    qtbot.wait(800)
    assert win.loss_panel.point_count("recon") <= frozen + 1  # paused: nothing new (one in flight at most)

    qtbot.mouseClick(win.training_panel.resume_button, QtCore.Qt.LeftButton)
    wait_state(qtbot, win, "training")
    qtbot.waitUntil(lambda: win.loss_panel.point_count("recon") > frozen + 2, timeout=30_000)

    qtbot.mouseClick(win.training_panel.stop_button, QtCore.Qt.LeftButton)
    qtbot.waitUntil(lambda: win.worker is None, timeout=60_000)
    assert win.training_panel.state == "idle"
    assert "stopped at step" in win.training_panel.status.text()
    assert runs.load_run(tmp_path / "runs" / "run").step > 0
    assert win.notification.text() == ""


def test_nan_from_a_huge_learning_rate_is_reported_and_window_keeps_working(qtbot, window, tmp_path):
    win = window
    win.start_run(spec(tmp_path, "blowup"))
    wait_state(qtbot, win, "training")
    win.training_panel.lr.setText("1e6")
    qtbot.mouseClick(win.training_panel.lr_button, QtCore.Qt.LeftButton)
    qtbot.waitUntil(lambda: win.worker is None, timeout=60_000)
    msg = win.notification.text()
    assert win.notification.level == "error"
    assert "step" in msg and ("'recon'" in msg or "'kl'" in msg) and "became" in msg
    # still usable: a new run starts and trains
    win.start_run(spec(tmp_path, "after", train_overrides={"epochs": 2, "batch_size": 64}))
    qtbot.waitUntil(lambda: win.worker is None, timeout=90_000)
    assert runs.load_run(tmp_path / "runs" / "after").step > 0
    assert win.context.path.name == "after"


def test_closing_during_training_saves_and_leaves_nothing_running(qtbot, tmp_path, settings):
    make_app()
    before = set(threading.enumerate())  # other tests' windows may still hold theirs
    win = MainWindow(settings=settings, runs_root=tmp_path / "runs", restore=False)
    win.show()
    qtbot.waitUntil(lambda: win.is_ready, timeout=60_000)
    win.start_run(spec(tmp_path, "closing"))
    wait_state(qtbot, win, "training")
    qtbot.waitUntil(lambda: win.loss_panel.point_count("recon") >= 2, timeout=30_000)
    win.close()
    assert "Stopping and saving" in win.notification.text(), "the window says so at once"
    assert win.isVisible(), "it stays until the checkpoint is written"
    win.close()   # a second close while saving changes nothing
    qtbot.waitUntil(lambda: not win.isVisible(), timeout=60_000)
    # the trainer is gone; the map service is terminated and reaped by a thread (not waited
    # for on the GUI thread), so its exit is awaited as a condition
    qtbot.waitUntil(lambda: multiprocessing.active_children() == [], timeout=10_000)
    qtbot.wait(200)
    alive = [t for t in set(threading.enumerate()) - before if t.is_alive()
             and (not t.daemon or t.name.startswith(("latent-explorer", "QueueFeederThread")))]
    assert alive == [], alive
    run = runs.load_run(tmp_path / "runs" / "closing")
    records, _ = runs.read_metrics(tmp_path / "runs" / "closing" / runs.METRICS)
    assert records[-1]["kind"] == "end" and records[-1]["stopped"] is True
    assert run.step == records[-1]["step"] > 0


def test_corrupt_run_directory_from_the_open_dialog_gives_a_message(qtbot, window, tmp_path):
    bad = tmp_path / "broken-run"
    bad.mkdir()
    (bad / "config.json").write_text('{"model": {"model": "vae"')
    # File > Open run…, as the user reaches it
    next(a for a in window.menuBar().actions()[0].menu().actions() if a.text().startswith("&Open run")).trigger()
    dlg = window.findChild(QtWidgets.QFileDialog)
    qtbot.waitUntil(dlg.isVisible)
    dlg.selectFile(str(bad))
    dlg.accept()
    qtbot.waitUntil(lambda: window.notification.text() != "")
    assert "Cannot open" in window.notification.text() and "config.json" in window.notification.text()
    assert window.isVisible()
    # weights that are not a safetensors file: also a message
    good = tmp_path / "runs" / "ok"
    subprocess.run([sys.executable, "main.py", "train", "--model", "ae", "--dataset", "digits", "--steps", "3",
                    "--hidden", "16", "--out", str(good), "--quiet"], cwd=ROOT, check=True)
    (good / runs.WEIGHTS).write_bytes(b"\x80\x04garbage")
    window.notification.hide()
    assert not window.open_run(str(good))
    assert "model.safetensors: damaged" in window.notification.text()


def test_following_a_run_that_a_cli_process_is_writing(qtbot, window, tmp_path):
    out = tmp_path / "elsewhere" / "cli-run"
    proc = subprocess.Popen([sys.executable, "main.py", "train", "--model", "vae", "--dataset", "digits",
                             "--epochs", "40", "--batch-size", "64", "--hidden", "32", "--out", str(out),
                             "--checkpoint-every", "0", "--quiet"], cwd=ROOT)
    try:
        qtbot.waitUntil(lambda: (out / runs.CONFIG).exists(), timeout=60_000)
        assert window.open_run(str(out))
        n0 = window.loss_panel.point_count("recon")
        qtbot.waitUntil(lambda: window.loss_panel.point_count("recon") > n0 + 5, timeout=60_000)
        qtbot.waitUntil(lambda: len(window.timeline_panel.entries) >= 2, timeout=60_000)
        step0 = window.context.loaded.step if window.context.loaded else 0
        qtbot.waitUntil(lambda: window.context.loaded is not None and window.context.loaded.step > step0,
                        timeout=60_000)  # the window's own copy of the weights follows the checkpoints
    finally:
        proc.terminate()
        proc.wait(30)
    assert window.timeline_panel.position.text().startswith("epoch")


def test_layout_and_last_run_are_remembered(qtbot, tmp_path, settings):
    make_app()
    run = tmp_path / "runs" / "remembered"
    subprocess.run([sys.executable, "main.py", "train", "--model", "ae", "--dataset", "digits", "--steps", "3",
                    "--hidden", "16", "--out", str(run), "--quiet"], cwd=ROOT, check=True)
    win = MainWindow(settings=settings, runs_root=tmp_path / "runs")
    win.show()
    qtbot.waitUntil(lambda: win.is_ready, timeout=60_000)
    win.open_run(str(run))
    win.docks["Sample timeline"].hide()
    win.close()
    again = MainWindow(settings=settings, runs_root=tmp_path / "runs")
    again.show()
    qtbot.waitUntil(lambda: again.is_ready, timeout=60_000)
    assert again.context is not None and again.context.path == run.resolve()
    assert not again.docks["Sample timeline"].isVisible()
    again.close()


def test_new_run_dialog_defaults_and_spec(qtbot, window, tmp_path):
    window.new_run()
    from explorer.qt.panels.new_run_dialog import NewRunDialog
    dlg = window.findChild(NewRunDialog)
    qtbot.waitUntil(dlg.isVisible)
    dlg.model.setCurrentIndex(dlg.model.findData("gan"))
    dlg.dataset.setCurrentIndex(dlg.dataset.findData("ring8"))
    assert dlg.unit.currentText() == "steps" and dlg.length.value() == 20_000  # PacGAN's published setup
    assert dlg.lr.text() == "0.0001" and dlg.batch_size.value() == 100
    assert dlg.groups["gan"].isVisibleTo(dlg) and not dlg.groups["vae"].isVisibleTo(dlg)
    dlg.pack.setValue(2)
    s = dlg.spec()
    assert s.model == "gan" and s.dataset == "ring8" and s.model_overrides["pack"] == 2
    # the devices offered are this machine's: "auto", then each one torch can use, nothing else
    import torch
    from explorer.core.training.devices import available_devices
    offered = [dlg.device.itemData(i) for i in range(dlg.device.count())]
    assert offered == ["auto", *available_devices()] and "cpu" in offered
    assert torch.cuda.is_available() or not any(d.startswith("cuda") for d in offered), offered
    dlg.reject()


def test_live_text_repaints_without_relaying_out_the_window(qtbot, window):
    """Progress, the epoch count and the timeline's position change several times a second
    while training; a change must repaint the text alone, not re-lay out the main window and
    its docks (bench gui: ~15 relayouts a second, a few per cent of a core, taken from the trainer)."""
    from explorer.core.training.events import Progress

    tp, requests = window.training_panel, []
    # only the widgets that hold the changing text, and their parents up to the window: other
    # panels may lay themselves out meanwhile (the demo run's map arriving), and that is theirs
    from shiboken6 import getCppPointer

    watched = set()
    for w in (tp.status, tp.subtitle, window.timeline_panel.position):
        while w is not None:
            watched.add(getCppPointer(w)[0])
            w = w.parentWidget()

    class Count(QtCore.QObject):
        def eventFilter(self, obj, ev):
            if ev.type() == QtCore.QEvent.LayoutRequest and getCppPointer(obj)[0] in watched:
                requests.append(type(obj).__name__)
            return False

    tp.show_progress(Progress(0, 0, 1000, 0.0, float("nan"), 1e-3))   # the learning rate, shown once
    tp.set_run("run", "vae", "mnist5k", 0, 0)                          # and the run's name
    # the window settled: the demo run's final map installed and no background job left to
    # deliver (their results re-lay out their own panels, up to the main window)
    from explorer.qt.jobs import Jobs
    s = window.latent_session
    qtbot.waitUntil(lambda: s.map is not None and s._pending_job is None and s.lifter is not None
                    and not any(j.busy() for j in window.findChildren(Jobs)), timeout=180_000)
    qtbot.wait(100)
    counter, app = Count(), QtWidgets.QApplication.instance()
    app.installEventFilter(counter)
    try:
        for i in range(1, 6):
            tp.show_progress(Progress(100 * i, i, 1000, 900.0 * i, 60.0 - i, 1e-3))
            tp.set_run("run", "vae", "mnist5k", 100 * i, i)
            window.timeline_panel.position.setText(f"epoch {i} · step {100 * i}  ({i}/5)")
            QtWidgets.QApplication.processEvents()
        assert "step 500/1000" in tp.status.text() and "500 steps, 5 epochs" in tp.subtitle.text()
        assert requests == []
        tp.title.setText("another name")   # the control: a plain label's new text does re-lay out
        QtWidgets.QApplication.processEvents()
        assert requests
    finally:
        app.removeEventFilter(counter)


def test_snapshot_writes_pngs_of_window_and_panels(tmp_path):
    run = tmp_path / "snap-run"
    subprocess.run([sys.executable, "main.py", "train", "--model", "vae", "--dataset", "digits", "--epochs", "2",
                    "--hidden", "16", "--out", str(run), "--quiet"], cwd=ROOT, check=True)
    r = subprocess.run([sys.executable, "main.py", "snapshot", "--out", str(tmp_path / "shots"), "--run", str(run)],
                       cwd=ROOT, capture_output=True, text=True, timeout=300,
                       env={**__import__("os").environ, "QT_QPA_PLATFORM": "offscreen"})
    assert r.returncode == 0, r.stderr
    from PIL import Image
    files = sorted(p.name for p in (tmp_path / "shots").iterdir())
    assert {"window.png", "panel-training.png", "view-losses.png", "view-latent-map.png",
            "panel-traversal.png"} <= set(files)
    im = Image.open(tmp_path / "shots" / "window.png")
    assert im.size[0] >= 1000 and len(im.convert("L").getcolors(maxcolors=1 << 16)) > 20  # not a blank frame


def test_timeline_follows_the_newest_and_stays_on_a_picture_the_user_chose(qtbot, tmp_path):
    """The run thins out old pictures as it grows: a user looking at one keeps looking at it."""
    from PySide6 import QtGui

    from explorer.core.training.follow import TimelineEntry
    from explorer.qt.panels.timeline_panel import TimelinePanel

    make_app()
    panel = TimelinePanel()
    qtbot.addWidget(panel)
    panel.show()

    def entry(epoch):
        path = tmp_path / f"epoch_{epoch:04d}.png"
        if not path.exists():
            img = QtGui.QImage(8, 8, QtGui.QImage.Format_Grayscale8)
            img.fill(epoch)
            img.save(str(path))
        return TimelineEntry(10 * epoch, epoch, path)

    panel.set_entries([entry(e) for e in (1, 2, 3, 4, 5)])
    assert panel.current_index == 4 and panel.position.text() == "epoch 5 · step 50  (5/5)"
    panel.set_entries([entry(e) for e in (1, 2, 3, 4, 5, 6)])          # followed, at most twice a second
    qtbot.waitUntil(lambda: panel.position.text() == "epoch 6 · step 60  (6/6)", timeout=5_000)
    panel.select(2)                                                    # the user looks at epoch 3
    assert panel.image.pixmap_source().toImage().pixel(0, 0) == QtGui.QColor(3, 3, 3).rgb()
    panel.set_entries([entry(e) for e in (1, 3, 5, 6, 7)])            # 2 and 4 thinned out, 7 new
    assert panel.current_index == 1 and panel.position.text() == "epoch 3 · step 30  (2/5)"
    panel.set_entries([entry(e) for e in (1, 5, 7, 8)])               # 3 itself thinned out: the nearest
    assert panel.position.text().startswith(("epoch 1 ·", "epoch 5 ·"))
    assert not panel.follow_latest
