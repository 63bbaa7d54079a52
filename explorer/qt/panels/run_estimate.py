"""The New Run dialog's "Estimated time" line: a calibration of the settings (real training
steps, explorer/core/training/estimate.py) off the GUI thread, polled by a timer, restarted
when the settings change and stopped when the dialog closes."""
from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from typing import Callable

from PySide6 import QtCore, QtWidgets

from ..i18n import tr
from ..palette import TEXT_MUTED

ESTIMATE_DELAY_MS = 300      # settle time after an edit before a new calibration starts
# one calibration at a time, off the GUI thread, for every dialog of the process
_estimator = ThreadPoolExecutor(max_workers=1, thread_name_prefix="run-estimate")


class _Generation:
    """The number of the newest estimate a dialog asked for; an older calibration stops."""
    value = 0


def _calibrate(current: _Generation, gen: int, model, dataset, mo, to):
    """In the estimator's thread (no Qt here): (gen, Estimate or EstimateError)."""
    from explorer.core.training import estimate
    try:
        return gen, estimate.estimate(model, dataset, mo, to, cancelled=lambda: gen != current.value)
    except estimate.EstimateError as e:
        return gen, e


class EstimateLabel(QtWidgets.QLabel):
    """`inputs()` gives (model, dataset, model overrides, train overrides), or None while the
    settings cannot be estimated (no folder chosen, a number field empty)."""

    def __init__(self, inputs: Callable[[], tuple | None], parent=None):
        super().__init__("", parent)
        self.inputs = inputs
        self.setToolTip(tr("Timed from a few real training steps of these settings on this machine, "
                           "times the steps of the run, plus each epoch's evaluation"))
        self.setStyleSheet(f"color: {TEXT_MUTED};")
        self._future = None
        self._gen = _Generation()   # read by the calibration's thread: a plain object, not the widget
        self._key = None
        self._render: Callable[[], str] | None = None   # the text shown, made again by retranslate()
        self._delay = QtCore.QTimer(self, singleShot=True, interval=ESTIMATE_DELAY_MS)
        self._delay.timeout.connect(self.request)
        self._poll = QtCore.QTimer(self, interval=100)
        self._poll.timeout.connect(self._check)

    def schedule(self, *_) -> None:
        """A setting changed: estimate again once the edits settle."""
        self._delay.start()

    def request(self) -> None:
        from explorer.core.training import estimate

        inputs = self.inputs()
        if inputs is None:
            self._gen.value += 1
            self._show("")
            return
        model, dataset, mo, to = inputs
        cal = estimate.cached(model, dataset, mo, to)
        if cal is not None:   # only the length changed: no need to time again
            self._gen.value += 1
            est = cal.estimate(to)
            self._show(est.text)
            return
        key = estimate.cache_key(model, dataset, mo, to)
        if key == self._key and self._future is not None and not self._future.done():
            return  # the same calibration is running
        self._gen.value += 1
        gen = self._gen.value
        self._key = key
        self._show(lambda: tr("estimating…"))
        self._future = _estimator.submit(_calibrate, self._gen, gen, model, dataset, mo, to)
        self._poll.start()

    def _check(self) -> None:
        f = self._future
        if f is None or not f.done():
            return
        self._poll.stop()
        self._future = None
        if self._delay.isActive():
            # settings were edited since this calibration started: its answer may be for the
            # old ones; request() runs when the edits settle and finds it cached if it is not
            return
        try:
            gen, result = f.result()
        except Exception as e:  # never expected: the calibration returns its errors
            gen, result = self._gen.value, e
        if gen != self._gen.value:   # settings changed meanwhile: time the new ones
            self.request()
            return
        if isinstance(result, Exception):
            if str(result) == "cancelled":
                self._show("")
            else:
                self._show(lambda: tr("no estimate: {reason}").format(reason=result))
        else:
            self._show(result.text)

    def _show(self, render: Callable[[], str] | str) -> None:
        """Show `render()` (a text holding numbers: made again when the language changes)."""
        self._render = render if callable(render) else None
        self.setText(render() if callable(render) else render)

    def retranslate(self) -> None:
        if self._render is not None:
            self.setText(self._render())

    def stop(self, *_) -> None:
        self._delay.stop()
        self._poll.stop()
        self._gen.value += 1   # a calibration running stops at its next step
