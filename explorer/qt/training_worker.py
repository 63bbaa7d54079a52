"""The bridge between the window and a training run.

Why a process and not a thread (measured with `python main.py bench gui` on a
2-core machine, the trainer's samples/s with the window open over the bare
loop's): with the engine in a thread of the GUI process, PySide6 holds the GIL
while it paints, so a window redrawing live plots starved the trainer's Python
(thread: 0.53, the GUI process at 100% of a core); in a spawned process the
trainer keeps its own interpreter and the window costs it only its own share of
a core (process: 0.90-1.00 over four runs, the window at ~6% of a core).
docs/ARCHITECTURE.md ("Why a process") keeps the figures. The thread backend stays for that
measurement (`bench gui --backend thread`).

Events arrive on a queue that a timer drains on the GUI thread; Progress is
coalesced to the newest, every other event is emitted in order. Nothing but
plain data crosses: the engine's events are dataclasses of numbers and strings.
"""
from __future__ import annotations

import multiprocessing as mp
import queue
import threading

from PySide6 import QtCore

from explorer.core.training.events import Progress
from explorer.core.training.worker import EXIT, WorkerSpec, worker_main

POLL_MS = 50


class TrainingWorker(QtCore.QObject):
    progress = QtCore.Signal(object)   # the newest engine.Progress
    event = QtCore.Signal(object)      # any other engine event, in order
    exited = QtCore.Signal()           # the worker is gone (finished, failed, stopped or killed)

    def __init__(self, spec: WorkerSpec, backend: str = "process", parent=None):
        super().__init__(parent)
        if backend not in ("process", "thread"):
            raise ValueError(f"unknown backend {backend!r}")
        self.spec, self.backend = spec, backend
        self._proc = None
        self._thread: threading.Thread | None = None
        self._done = False
        self._timer = QtCore.QTimer(self)
        self._timer.setInterval(POLL_MS)
        self._timer.timeout.connect(self._drain)

    @property
    def running(self) -> bool:
        return (self._proc is not None or self._thread is not None) and not self._done

    def start(self) -> None:
        if self.backend == "process":
            ctx = mp.get_context("spawn")  # fork would copy a live Qt application
            self._commands, self._events = ctx.Queue(), ctx.Queue()
            self._proc = ctx.Process(target=worker_main, args=(self.spec, self._commands, self._events),
                                     name="latent-explorer-trainer", daemon=True)
            self._proc.start()
        else:
            self._commands, self._events = queue.Queue(), queue.Queue()
            self._thread = threading.Thread(target=worker_main, name="latent-explorer-trainer", daemon=True,
                                            args=(self.spec, self._commands, self._events),
                                            kwargs={"check_parent": False})
            self._thread.start()
        self._timer.start()

    def send(self, command) -> None:
        if self.running:
            self._commands.put(command)

    def _drain(self) -> None:
        newest = None
        for _ in range(1000):
            try:
                item = self._events.get_nowait()
            except queue.Empty:
                break
            except (EOFError, OSError):
                item = EXIT
            if item == EXIT:
                if newest is not None:
                    self.progress.emit(newest)
                    newest = None
                self._finish()
                return
            if isinstance(item, Progress):
                newest = item
            else:
                if newest is not None:
                    self.progress.emit(newest)
                    newest = None
                self.event.emit(item)
        if newest is not None:
            self.progress.emit(newest)
        if self._proc is not None and not self._proc.is_alive() and self._events.empty():
            self._finish()  # died without saying goodbye (killed, crashed)

    def _finish(self) -> None:
        """The worker said goodbye (or died): wait for its process to end without blocking the
        GUI thread (a join here stalled the window ~0.6 s), then say it is gone."""
        if self._done:
            return
        self._done = True
        self._timer.stop()
        if self._proc is not None and self._proc.is_alive():
            deadline = QtCore.QDeadlineTimer(5000)
            waiter = QtCore.QTimer(self)
            waiter.setInterval(20)

            def check():
                if self._proc.is_alive() and not deadline.hasExpired():
                    return
                waiter.stop()
                self._join(2.0)
                self.exited.emit()

            waiter.timeout.connect(check)
            waiter.start()
            return
        self._join(5.0)
        self.exited.emit()

    def stop(self, timeout: float = 30.0) -> None:
        """Halt the run (a checkpoint at the step it reached, the final evaluation left for
        later), wait for it, then clean up."""
        if self._done or (self._proc is None and self._thread is None):
            return
        self.send("halt")
        deadline = QtCore.QDeadlineTimer(int(timeout * 1000))
        while not self._done and not deadline.hasExpired():
            self._drain()
            if self._done:
                break
            QtCore.QThread.msleep(20)
        if not self._done:
            if self._proc is not None and self._proc.is_alive():
                self._proc.terminate()
            self._finish()
        if self._proc is not None:
            self._proc.join(5)   # a blocking stop returns with the process gone

    def _join(self, timeout: float) -> None:
        if self._proc is not None:
            self._proc.join(timeout)
            if self._proc.is_alive():
                self._proc.terminate()
                self._proc.join(2)
            for q in (self._commands, self._events):
                q.close()
                q.join_thread()  # no queue feeder thread left behind
        if self._thread is not None:
            self._thread.join(timeout)
