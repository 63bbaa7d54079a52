"""Loss histories for live plots: bounded memory, smoothing, grouping by part name.

A million-step run logs a point every few steps; a Series keeps at most
`capacity` points by averaging neighbours pairwise when full and then taking
new points in at the coarser stride, so resolution stays uniform over the run.
"""
from __future__ import annotations

import math

import numpy as np

from explorer.core.text import QT_TR_NOOP

DEFAULT_CAPACITY = 100_000

# parts that belong on one plot, in this order; anything else gets a plot of its own. The
# names are keys (the loss panel's plots); a plot's title is tr(name)
PLOT_GROUPS = (
    (QT_TR_NOOP("losses"), ("d_loss", "g_loss")),
    (QT_TR_NOOP("D outputs"), ("d_real", "d_fake")),
    (QT_TR_NOOP("gradient norms"), ("grad_norm_d", "grad_norm_g")),
    (QT_TR_NOOP("VQ losses"), ("commit", "codebook")),
)
NOT_LOSSES = {"lr", "samples_per_s", "time", "step", "epoch", "kind"}


class Series:
    """(x, y) points, downsampled in place so that len <= capacity."""

    def __init__(self, capacity: int = DEFAULT_CAPACITY):
        if capacity < 4 or capacity % 2:
            raise ValueError("capacity must be an even number >= 4")
        self.capacity = capacity
        self._x = np.empty(capacity, np.float64)
        self._y = np.empty(capacity, np.float64)
        self._e = np.empty(capacity, np.float64)   # epoch of each point, for an epoch axis
        self.n = 0
        self.stride = 1                            # raw points per stored point
        self._pending: list = []                   # raw points waiting to fill one stride

    def __len__(self) -> int:
        return self.n

    def append(self, x: float, y: float, epoch: float = 0.0) -> None:
        if self.stride > 1:
            self._pending.append((x, y, epoch))
            if len(self._pending) < self.stride:
                return
            xs, ys, es = zip(*self._pending)
            self._pending = []
            x, y, epoch = xs[-1], float(np.mean(ys)), es[-1]
        if self.n == self.capacity:
            self._halve()
            if self.stride > 1:  # this point now belongs to a coarser stride
                self._pending = [(x, y, epoch)]
                return
        self._x[self.n], self._y[self.n], self._e[self.n] = x, y, epoch
        self.n += 1

    def _halve(self) -> None:
        h = self.n // 2
        self._x[:h] = self._x[1:self.n:2]
        self._e[:h] = self._e[1:self.n:2]
        self._y[:h] = 0.5 * (self._y[0:self.n:2] + self._y[1:self.n:2])
        self.n = h
        self.stride *= 2

    def truncate_after(self, x: float) -> None:
        """Drop points beyond x (a resumed run re-logs the steps after its checkpoint)."""
        self.n = int(np.searchsorted(self._x[:self.n], x, side="right"))
        self._pending = [p for p in self._pending if p[0] <= x]

    @property
    def x(self) -> np.ndarray:
        return self._x[:self.n]

    @property
    def y(self) -> np.ndarray:
        return self._y[:self.n]

    @property
    def epoch(self) -> np.ndarray:
        return self._e[:self.n]


def ema(y: np.ndarray, alpha: float) -> np.ndarray:
    """Debiased exponential moving average (as TensorBoard's smoothing):
    s[n] = alpha * s[n-1] + (1 - alpha) * y[n] from s[-1] = 0, divided by
    1 - alpha^(n+1) so the first points are not pulled towards zero."""
    if alpha <= 0 or len(y) == 0:
        return y
    # in numpy, blocks at a time (scipy.signal.lfilter did the same, but importing scipy.signal
    # took 1.1 s on the GUI thread). Within a block of m points, s[j] = a^(j+1) s_prev +
    # (1-a) a^j cumsum(y[k] a^-k); blocks are short enough that a^-k stays under 1e10.
    a = min(float(alpha), 0.9999)
    y = np.asarray(y, dtype=np.float64)
    out = np.empty_like(y)
    block = int(min(1024, max(1, 23.0 / -math.log(a))))
    powers = a ** np.arange(block)
    prev = 0.0
    for start in range(0, len(y), block):
        chunk = y[start:start + block]
        p = powers[:len(chunk)]
        s = a * p * prev + (1 - a) * p * np.cumsum(chunk / p)
        out[start:start + len(chunk)] = s
        prev = s[-1]
    return out / (1 - a ** np.arange(1, len(y) + 1))


class Alert:
    """One collapse alert of the run: unpacks as (step, message), the message in the window's
    language at the time it is read (explorer.core.gan.alerts.alert_message), so a list drawn
    again after a change of language says it in the new one."""

    __slots__ = ("step", "record")

    def __init__(self, record: dict):
        self.step = int(record["step"])
        self.record = record

    @property
    def message(self) -> str:
        from explorer.core.gan.alerts import alert_message
        return alert_message(self.record)

    def __iter__(self):
        return iter((self.step, self.message))

    def __getitem__(self, i):
        return (self.step, self.message)[i]

    def __len__(self) -> int:
        return 2

    def __eq__(self, other) -> bool:
        if isinstance(other, Alert):
            return self.step == other.step and self.record == other.record
        return isinstance(other, tuple) and tuple(self) == other

    def __hash__(self) -> int:
        return hash((self.step, str(self.record.get("message"))))

    def __repr__(self) -> str:
        return f"Alert({self.step}, {self.message!r})"


class LossHistory:
    """All plotted series of one run, fed with metrics.jsonl records."""

    def __init__(self, capacity: int = DEFAULT_CAPACITY):
        self.capacity = capacity
        self.series: dict[str, Series] = {}
        self.epoch_series: dict[str, Series] = {}  # per-epoch metrics (test_*, perplexity, ...)
        self.version = 0                           # bumps on every change, for cheap redraw checks
        self.last_step = 0
        self.alerts: list[Alert] = []              # (step, message) of collapse alerts

    def add(self, records: list[dict]) -> bool:
        changed = False
        for r in records:
            kind = r.get("kind")
            if kind == "resume":
                for s in (*self.series.values(), *self.epoch_series.values()):
                    s.truncate_after(r["step"])
                self.alerts = [a for a in self.alerts if a[0] <= r["step"]]
                changed = True
            elif kind == "alert":
                self.alerts.append(Alert(r))
                changed = True
            elif kind == "step":
                for k, v in r.items():
                    if k in NOT_LOSSES or not isinstance(v, (int, float)):
                        continue
                    self.series.setdefault(k, Series(self.capacity)).append(r["step"], float(v), r.get("epoch", 0))
                self.last_step = max(self.last_step, r["step"])
                changed = True
            elif kind in ("epoch", "eval"):
                for k, v in r.items():
                    if k in NOT_LOSSES or isinstance(v, bool) or not isinstance(v, (int, float)):
                        continue
                    self.epoch_series.setdefault(k, Series(self.capacity)).append(
                        r["step"], float(v), r.get("epoch", 0))
                changed = True
        if changed:
            self.version += 1
        return changed

    def groups(self) -> list[tuple[str, list[str]]]:
        """Plot titles and the part names on each, from the names alone."""
        names = list(self.series)
        out, used = [], set()
        for title, members in PLOT_GROUPS:
            present = [m for m in members if m in names]
            if present:
                out.append((title, present))
                used.update(present)
        out += [(n, [n]) for n in names if n not in used]
        return out
