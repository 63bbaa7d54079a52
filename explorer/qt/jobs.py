"""Background jobs for the window: a thread runs the work, a GUI-thread timer
delivers the result. Nothing crosses threads but the return value, and no Qt
object is touched off the GUI thread.

A job submitted under a name replaces any job of that name still running:
its result is dropped, so a newer request always wins (e.g. a new checkpoint
arriving while the last one is still being encoded).

A job that reports how far it has come writes a Progress cell of its own (one
per job, so a cancelled job cannot write the next one's), and the same timer
hands its latest value to `on_progress` on the GUI thread, at most every
`progress_ms` and only when it changed."""
from __future__ import annotations

import concurrent.futures as cf
import threading
import time
from typing import Callable

from PySide6 import QtCore
from explorer.core.errors import first_line


class Progress:
    """The latest stage of one job: written by its thread (`set`), read on the GUI thread.
    The value and its version are one tuple, so a reader never sees half of a write."""

    def __init__(self, value=None):
        self._state = (0, value)

    def set(self, value) -> None:
        self._state = (self._state[0] + 1, value)

    @property
    def value(self):
        return self._state[1]


class Jobs(QtCore.QObject):
    def __init__(self, parent=None, workers: int = 1, poll_ms: int = 30, progress_ms: int = 100):
        super().__init__(parent)
        self._pool = cf.ThreadPoolExecutor(max_workers=workers, thread_name_prefix="latent-explorer-job")
        self._running: dict[str, tuple] = {}
        self._progress: dict[str, list] = {}   # name -> [cell, on_progress, version shown, time shown]
        self._progress_s = progress_ms / 1000
        self._timer = QtCore.QTimer(self)
        self._timer.setInterval(poll_ms)
        self._timer.timeout.connect(self._deliver)

    def submit(self, name: str, fn: Callable, on_done: Callable, on_error: Callable | None = None,
               cancel: threading.Event | None = None, progress: Progress | None = None,
               on_progress: Callable | None = None) -> None:
        """Run fn() on the pool; on_done(result) or on_error(first line) on the GUI thread.
        `progress`, the cell fn writes, goes to on_progress(value) while fn runs."""
        self.cancel(name)
        if progress is not None and on_progress is not None:   # before fn starts: it may write at once
            self._progress[name] = [progress, on_progress, progress._state[0], time.monotonic()]
        future = self._pool.submit(fn)
        self._running[name] = (future, on_done, on_error, cancel)
        self._timer.start()

    def busy(self, name: str | None = None) -> bool:
        return bool(self._running) if name is None else name in self._running

    def cancel(self, name: str) -> None:
        old = self._running.pop(name, None)
        self._progress.pop(name, None)
        if old is not None and old[3] is not None:
            old[3].set()

    def _show_progress(self, name: str) -> None:
        watch = self._progress.get(name)
        if watch is None:
            return
        cell, on_progress, shown, at = watch
        version, value = cell._state
        now = time.monotonic()
        if version != shown and now - at >= self._progress_s:
            watch[2:] = [version, now]
            on_progress(value)

    def _deliver(self) -> None:
        for name, (future, on_done, on_error, _) in list(self._running.items()):
            if self._running.get(name, (None,))[0] is not future:
                continue
            if not future.done():
                self._show_progress(name)
                continue
            del self._running[name]
            self._progress.pop(name, None)
            exc = future.exception()
            if exc is None:
                on_done(future.result())
            elif on_error is not None:
                on_error(first_line(exc))
        if not self._running:
            self._timer.stop()

    def shutdown(self, wait: bool = True) -> None:
        """Cancel every job. wait=False (the window closing): do not wait for one still running
        (a classifier fit takes tens of seconds); its thread ends with its work, unseen."""
        for name in list(self._running):
            self.cancel(name)
        self._timer.stop()
        self._pool.shutdown(wait=wait, cancel_futures=True)
