"""The window's background jobs: a job's Progress cell reaches the GUI thread while the job
runs, in the order it was written, and never once the job is done, cancelled or replaced."""
import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import threading  # noqa: E402

import pytest  # noqa: E402

pytest.importorskip("pytestqt")

from explorer.qt.app import make_app  # noqa: E402
from explorer.qt.jobs import Jobs, Progress  # noqa: E402


@pytest.fixture
def jobs(qtbot):
    make_app()
    j = Jobs(progress_ms=0)
    yield j
    j.shutdown()


def test_a_jobs_progress_is_shown_while_it_runs_and_not_after(qtbot, jobs):
    cell, seen, done = Progress(), [], []
    gates = [threading.Event() for _ in range(2)]

    def work():
        for value, gate in zip((1, 2), gates):
            cell.set(value)
            assert gate.wait(30)
        return "result"

    jobs.submit("job", work, done.append, progress=cell, on_progress=seen.append)
    qtbot.waitUntil(lambda: seen == [1], timeout=10_000)
    gates[0].set()
    qtbot.waitUntil(lambda: seen == [1, 2], timeout=10_000)
    gates[1].set()
    qtbot.waitUntil(lambda: done == ["result"], timeout=10_000)
    cell.set(3)                     # written after the job ended: nobody is told
    qtbot.wait(100)
    assert seen == [1, 2] and not jobs.busy()


def test_a_replaced_or_cancelled_jobs_progress_is_never_shown(qtbot, jobs):
    old, new, seen = Progress(), Progress(), []
    release = threading.Event()
    jobs.submit("map", lambda: release.wait(30), lambda r: None, progress=old, on_progress=seen.append)
    jobs.submit("map", lambda: release.wait(30), lambda r: None, progress=new, on_progress=seen.append)
    old.set("stale")                # the replaced job's thread still runs and writes
    new.set("fresh")
    qtbot.waitUntil(lambda: seen == ["fresh"], timeout=10_000)
    jobs.cancel("map")
    new.set("after cancel")
    qtbot.wait(100)
    release.set()
    assert seen == ["fresh"]
