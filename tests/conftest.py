import os
import sys
from dataclasses import replace
from pathlib import Path

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


@pytest.fixture(autouse=True, scope="session")
def _private_cache(tmp_path_factory):
    """Tests never write to the user's cache; shipped classifiers are still found."""
    os.environ["LATENT_EXPLORER_CACHE"] = str(tmp_path_factory.mktemp("cache"))
    yield


@pytest.fixture(autouse=True)
def _explorer_app(request):
    """Qt tests run under the application the program makes (explorer/qt/app.py), with its
    policies: the cyclic garbage collector runs on the GUI thread only (a collection in a job
    thread destroyed Qt objects there and deadlocked the window). Other tests load no Qt."""
    if f"{os.sep}tests{os.sep}qt{os.sep}" in str(request.node.path):
        os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
        from explorer.qt.app import make_app
        make_app()
        yield
        from explorer.qt import i18n
        if i18n.language() != "en":   # a test that chose Korean leaves the next one in English
            i18n.set_language("en")
        return
    yield


def open_window(qtbot, tmp_path, root, run):
    """The real window on run directory `run`, with `root`'s runs listed and settings of its
    own (no saved layout, no map service), shown at 1400x900 and ready."""
    from PySide6 import QtCore

    from explorer.qt.app import make_app
    from explorer.qt.main_window import MainWindow

    make_app()
    settings = QtCore.QSettings(str(tmp_path / "settings.ini"), QtCore.QSettings.IniFormat)
    win = MainWindow(settings=settings, runs_root=root, restore=False, map_service=False, open_run=str(run))
    qtbot.addWidget(win)
    win.resize(1400, 900)
    win.show()
    qtbot.waitUntil(lambda: win.is_ready, timeout=60_000)
    return win


def subset(data, n_train: int, n_test: int | None = None, seed: int = 0):
    """A small random slice of a dataset (same fields), for fast real training."""
    import torch

    g = torch.Generator().manual_seed(seed)
    tr = torch.randperm(len(data.train_x), generator=g)[:n_train]
    te = torch.randperm(len(data.test_x), generator=g)[:n_test or max(1, n_train // 4)]
    return replace(data, train_x=data.train_x[tr], train_y=data.train_y[tr],
                   test_x=data.test_x[te], test_y=data.test_y[te],
                   train_factors={k: v[tr.numpy()] for k, v in data.train_factors.items()},
                   test_factors={k: v[te.numpy()] for k, v in data.test_factors.items()})


@pytest.fixture(scope="session")
def mnist_small():
    from explorer.core.data.datasets import load_dataset
    return subset(load_dataset("mnist5k"), 512, 128)


def train_cli(out, *args):
    """`main.py train ... --out OUT` in a fresh process, as a user would; returns OUT."""
    import subprocess

    subprocess.run([sys.executable, "main.py", "train", *args, "--out", str(out), "--quiet"], cwd=ROOT,
                   check=True, capture_output=True)
    return out


def drive(engine, commands: dict | None = None, limit: int = 100_000):
    """Run an engine's generator to the end, sending commands at given event indices
    (or when a predicate on the event is true); returns the list of events."""
    events = []
    gen = engine.run()
    ev = next(gen)
    pending = dict(commands or {})
    while True:
        events.append(ev)
        cmd = None
        for key in list(pending):
            if (callable(key) and key(ev)) or key == len(events) - 1:
                cmd = pending.pop(key)
                break
        try:
            ev = gen.send(cmd)
        except StopIteration:
            return events
        if len(events) > limit:
            raise AssertionError("engine did not finish")


def tiny_engine(path, model: str, data, settings: dict | None = None, **train):
    """A real TrainingEngine of a small model, for fast tests: `settings` are model settings,
    `train` training ones (batches of 64 and a checkpoint at every epoch unless given)."""
    from explorer.core.training.config import make_configs
    from explorer.core.training.engine import TrainingEngine

    mc, tc = make_configs(model, data, settings or {}, {"batch_size": 64, "checkpoint_every_s": 0, **train})
    return TrainingEngine.create(path, mc, tc, data=data)


def wait_until(predicate, timeout_s: float = 60.0, what: str = "condition") -> None:
    """Process Qt events until `predicate()` holds; AssertionError naming `what` after `timeout_s`."""
    from PySide6 import QtCore, QtTest

    timer = QtCore.QDeadlineTimer(int(timeout_s * 1000))
    while not predicate():
        if timer.hasExpired():
            raise AssertionError(f"timed out waiting for {what}")
        QtTest.QTest.qWait(20)
