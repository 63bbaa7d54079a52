"""The session model's state machine and run switching, headless (no Qt, no display)."""
from __future__ import annotations

import sys
from pathlib import Path

import pytest

from explorer.core import session as S
from explorer.core.training import events as E
from explorer.core.training.worker import WorkerSpec


class FakeWorker:
    def __init__(self):
        self.sent, self.running = [], True


class FakeContext:
    def __init__(self, path):
        from pathlib import Path
        self.path = Path(path)
        self.summary = {"name": self.path.name, "model": "vae", "dataset": "digits", "step": 10, "epoch": 1}
        self.loaded = None
        self.polled = []
        self.checkpoint = False

    def poll(self):
        new, self.polled = self.polled, []
        return new

    def reload_if_checkpoint_changed(self):
        if self.checkpoint:
            self.checkpoint, self.loaded = False, object()
            return True
        return False

    def refresh_summary(self):
        return self.summary


def fake_open(path):
    if Path(path).name == "bad":
        raise ValueError("not a run")
    return FakeContext(path)


@pytest.fixture
def session(tmp_path):
    s = S.Session(open_context=fake_open)
    s.seen = []
    for name in (S.RUN, S.STATE, S.MESSAGE, S.CHECKPOINT, S.RUNS, S.PROGRESS):
        s.on(name, lambda *a, name=name: s.seen.append((name, a)))
    return s


def start(session, tmp_path, name="a"):
    w = FakeWorker()
    w.send = w.sent.append
    assert session.start(WorkerSpec(run_dir=str(tmp_path / name)), w)
    return w


def states(session):
    return [a[0] for n, a in session.seen if n == S.STATE]


def test_no_worker_is_idle_and_no_run_is_none(session, tmp_path):
    assert session.view == "none" and session.state == S.WorkerState.IDLE
    session.open(tmp_path / "a")
    assert session.view == "idle" and session.run_path == str((tmp_path / "a").resolve())


def test_a_bad_run_leaves_the_shown_run(session, tmp_path):
    session.open(tmp_path / "a")
    with pytest.raises(ValueError):
        session.open(tmp_path / "bad")
    assert session.run.path.name == "a"


def test_the_full_life_of_a_training_run(session, tmp_path):
    w = start(session, tmp_path)
    assert session.state == S.WorkerState.STARTING
    session.on_event(E.Started(str(tmp_path / "a"), 0, 0, 100, 10, "cpu", "vae", "digits", False))
    assert session.run.path.name == "a", "the window shows the run it starts"
    assert session.view == "training"
    session.on_progress(E.Progress(566, 3, 1000, 100.0, 5.0, 1e-3))
    assert session.summary()["step"] == 566, "the header shows the worker's step, not state.json's"
    assert session.send("pause") and w.sent == ["pause"]
    session.on_event(E.Paused(566))
    assert session.view == "paused"
    session.on_event(E.Paused(566))   # repeated while paused: no change
    assert session.state == S.WorkerState.PAUSED
    assert session.can_step() and session.step("all", with_weights=True)
    assert session.view == "stepping"
    assert w.sent[1:] == ["weights", ("step", "all"), "weights"]
    assert not session.can_step(), "one step at a time"
    session.on_event(E.WeightsSnapshot(566, 3, {}))        # before
    session.on_event(E.Paused(567))                        # the step ran, the "after" answer is still due
    assert session.state == S.WorkerState.STEPPING
    session.on(S.WEIGHTS, lambda ev, why: session.seen.append((S.WEIGHTS, (ev.step, why))))
    session.on_event(E.WeightsSnapshot(567, 3, {}))
    assert (S.WEIGHTS, (567, "after")) in session.seen
    assert session.state == S.WorkerState.PAUSED
    session.send("resume")
    session.on_event(E.Resumed(567))
    assert session.view == "training"
    session.stop()
    assert session.view == "stopping"
    session.on_event(E.Paused(600))   # a late event does not undo the stop
    assert session.state == S.WorkerState.STOPPING
    session.on_event(E.Finished(600, 3, True))
    w.running = False
    session.on_exit()
    assert session.state == S.WorkerState.IDLE and session.worker is None and session.view == "idle"
    assert states(session)[-1] == "idle"


def test_a_failure_reads_failed_and_a_new_start_clears_it(session, tmp_path):
    w = start(session, tmp_path)
    session.on_event(E.Started(str(tmp_path / "a"), 0, 0, 100, 10, "cpu", "vae", "digits", False))
    session.on_event(E.Failed(5, "step 5: loss is NaN"))
    w.running = False
    session.on_exit()
    assert session.state == S.WorkerState.FAILED and session.view == "failed"
    assert "NaN" in session.failure
    assert any(n == S.MESSAGE and a[1] == "error" for n, a in session.seen)
    start(session, tmp_path)
    assert session.state == S.WorkerState.STARTING and session.failure == ""


def test_a_worker_gone_without_a_word_is_a_failure(session, tmp_path):
    w = start(session, tmp_path)
    session.on_event(E.Started(str(tmp_path / "a"), 0, 0, 100, 10, "cpu", "vae", "digits", False))
    w.running = False
    session.on_exit()
    assert session.state == S.WorkerState.FAILED and "unexpectedly" in session.failure


def test_the_exit_of_an_earlier_worker_leaves_the_new_one(session, tmp_path):
    old = start(session, tmp_path)
    old.running = False          # it said goodbye; its process is still ending
    new = start(session, tmp_path, "b")
    session.on_exit(old)
    assert session.worker is new and session.state == S.WorkerState.STARTING


def test_one_worker_at_a_time(session, tmp_path):
    start(session, tmp_path)
    assert not session.start(WorkerSpec(run_dir=str(tmp_path / "b")), FakeWorker())
    assert any(n == S.MESSAGE and "already training" in a[0] for n, a in session.seen)


def test_another_run_shown_while_one_trains_reads_other(session, tmp_path):
    w = start(session, tmp_path)
    session.on_event(E.Started(str(tmp_path / "a"), 0, 0, 100, 10, "cpu", "vae", "digits", False))
    session.open(tmp_path / "b")
    assert session.view == "other" and not session.trains_shown
    assert not session.can_step()
    session.on_progress(E.Progress(50, 0, 100, 1.0, 1.0, 1e-3))
    assert session.summary()["step"] == 10, "the worker's step belongs to its own run only"
    assert session.steps_of(session.worker_dir, 0) == 50
    assert not session.want_view_weights() and "weights" not in w.sent


def test_a_first_checkpoint_is_announced_as_first(session, tmp_path):
    session.open(tmp_path / "a")
    session.poll()
    assert not [a for n, a in session.seen if n == S.CHECKPOINT]
    session.run.checkpoint = True
    session.poll()
    session.run.checkpoint = True
    session.poll()
    assert [a[1] for n, a in session.seen if n == S.CHECKPOINT] == [True, False]


def test_each_change_of_run_is_announced_once(session, tmp_path):
    session.open(tmp_path / "a")
    session.open(tmp_path / "a")
    session.open(tmp_path / "b")
    session.close_run()
    runs = [a[0] for n, a in session.seen if n == S.RUN]
    assert [None if r is None else r.path.name for r in runs] == ["a", "b", None]


def test_the_session_imports_no_qt():
    import subprocess
    code = ("import sys, explorer.core.session; "
            "assert not [m for m in sys.modules if m.startswith(('PySide6', 'pyqtgraph'))]")
    subprocess.run([sys.executable, "-c", code], check=True)
