"""Background jobs for the window: a thread runs the work, a GUI-thread timer
delivers the result. Nothing crosses threads but the return value, and no Qt
object is touched off the GUI thread.

A job submitted under a name replaces any job of that name still running:
its result is dropped, so a newer request always wins (e.g. a new checkpoint
arriving while the last one is still being encoded)."""
from __future__ import annotations

import concurrent.futures as cf
import threading
from typing import Callable

from PySide6 import QtCore
from explorer.core.errors import first_line


class Jobs(QtCore.QObject):
    def __init__(self, parent=None, workers: int = 1, poll_ms: int = 30):
        super().__init__(parent)
        self._pool = cf.ThreadPoolExecutor(max_workers=workers, thread_name_prefix="latent-explorer-job")
        self._running: dict[str, tuple] = {}
        self._timer = QtCore.QTimer(self)
        self._timer.setInterval(poll_ms)
        self._timer.timeout.connect(self._deliver)

    def submit(self, name: str, fn: Callable, on_done: Callable, on_error: Callable | None = None,
               cancel: threading.Event | None = None) -> None:
        old = self._running.pop(name, None)
        if old is not None and old[3] is not None:
            old[3].set()
        future = self._pool.submit(fn)
        self._running[name] = (future, on_done, on_error, cancel)
        self._timer.start()

    def busy(self, name: str | None = None) -> bool:
        return bool(self._running) if name is None else name in self._running

    def cancel(self, name: str) -> None:
        old = self._running.pop(name, None)
        if old is not None and old[3] is not None:
            old[3].set()

    def _deliver(self) -> None:
        for name, (future, on_done, on_error, _) in list(self._running.items()):
            if not future.done():
                continue
            if self._running.get(name, (None,))[0] is not future:
                continue
            del self._running[name]
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
