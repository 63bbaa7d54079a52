"""Follow a run directory that some process (ours, a CLI `train`, another machine
on a shared disk) is writing: new metrics records, new checkpoints, new samples."""
from __future__ import annotations

import bisect
import os
import threading
from dataclasses import dataclass
from pathlib import Path

from explorer.core import runs
from explorer.core.text import QT_TR_NOOP, tr

MISSING_RECHECK = 50   # images named but not yet on disk, looked for again at each call


@dataclass(frozen=True)
class TimelineEntry:
    step: int
    epoch: int
    path: Path


class RunFollower:
    def __init__(self, run_dir):
        self.run_dir = Path(run_dir)
        self.offset = 0
        self.records: list[dict] = []
        self._ckpt_sig = None
        # the timeline, kept up to date record by record: a long run logs an image at each of
        # thousands of epochs, and walking (and stat-ing) all of them at every epoch made the
        # window's cost grow with the run's age
        self._timeline: list[TimelineEntry] = []
        self._timeline_names: set[str] = set()
        self._timeline_seen = 0          # records already looked at
        self._missing: list[dict] = []   # named images not on disk yet (a run still being copied)

    def poll(self) -> list[dict]:
        """New complete records since the last poll (all of them the first time)."""
        new, self.offset = runs.read_metrics(self.run_dir / runs.METRICS, self.offset)
        if self.offset and not (self.run_dir / runs.METRICS).exists():
            self.offset = 0  # the file was replaced: start over
        self.records.extend(new)
        return new

    def checkpoint_changed(self) -> bool:
        """True once each time model.safetensors is replaced (new inode or mtime)."""
        try:
            st = os.stat(self.run_dir / runs.WEIGHTS)
        except FileNotFoundError:
            return False
        sig = (st.st_ino, st.st_mtime_ns, st.st_size)
        changed = sig != self._ckpt_sig
        self._ckpt_sig = sig
        return changed

    def timeline(self) -> list[TimelineEntry]:
        """Sample images (or point sets) in step order, from the records that name them.
        A resume drops the images logged after its checkpoint, as runs.history does."""
        if self._timeline_seen > len(self.records):  # the records were started over
            self._timeline, self._timeline_names, self._timeline_seen, self._missing = [], set(), 0, []
        new = self.records[self._timeline_seen:]
        self._timeline_seen = len(self.records)
        pending, self._missing = self._missing[-MISSING_RECHECK:], []
        for r in pending + new:
            kind = r.get("kind")
            if kind == "resume":
                keep = [e for e in self._timeline if e.step <= r["step"]]
                self._timeline = keep
                self._timeline_names = {e.path.name for e in keep}
                self._missing = [m for m in self._missing if m.get("step", 0) <= r["step"]]
                continue
            if r.get("dropped"):   # pictures the run thinned out (sampling.thinned_epochs)
                gone = set(r["dropped"])
                self._timeline = [e for e in self._timeline if e.path.name not in gone]
                self._timeline_names -= gone
                self._missing = [m for m in self._missing if m.get("samples") not in gone]
            if kind in ("epoch", "samples") and r.get("samples") and r["samples"] not in self._timeline_names:
                path = self.run_dir / runs.SAMPLES / r["samples"]
                if not path.exists():
                    self._missing.append(r)
                    continue
                entry = TimelineEntry(int(r["step"]), int(r.get("epoch", 0)), path)
                if self._timeline and entry.step < self._timeline[-1].step:
                    bisect.insort(self._timeline, entry, key=lambda e: e.step)
                else:
                    self._timeline.append(entry)
                self._timeline_names.add(r["samples"])
        return list(self._timeline)

    def last(self, kind: str) -> dict | None:
        for r in reversed(self.records):
            if r.get("kind") == kind:
                return r
        return None


_summaries: dict = {}          # path -> (the files' signature, summary)
_summaries_lock = threading.Lock()


def _signature(run_dir: Path) -> tuple:
    out = []
    for name in (runs.CONFIG, runs.STATE, runs.METRICS, runs.WEIGHTS, runs.MANIFEST):
        try:
            st = os.stat(run_dir / name)
            out.append((st.st_size, st.st_mtime_ns, st.st_ino))
        except OSError:
            out.append(None)
    return tuple(out)


def run_summary(run_dir) -> dict:
    """What the run list shows: model, dataset, steps and the last headline metrics. Read again
    only when one of the run's files changed (size, mtime or inode): the run list and the
    compare panel ask for every run at each change of run shown, and reading every run's
    metrics.jsonl each time cost the GUI thread 50-80 ms. The headline is written at each call,
    in the window's language then (explorer/core/text.py); "status" is a word to compare
    ("no checkpoint", "ready", "failed"), not to show."""
    run_dir = Path(run_dir)
    sig = _signature(run_dir)
    key = str(run_dir)
    with _summaries_lock:
        hit = _summaries.get(key)
    if hit is not None and hit[0] == sig and sig[0] is not None:
        return {**hit[1], "headline": headline(hit[2])}
    summary, last = _read_summary(run_dir)
    with _summaries_lock:
        _summaries[key] = (sig, summary, last)
    return {**summary, "headline": headline(last)}


def _read_summary(run_dir: Path) -> tuple[dict, dict]:
    """(the summary without its headline, the metrics the headline is made of)."""
    model_cfg, train_cfg, _ = runs.read_config(run_dir)
    state = runs.read_state(run_dir)
    follower = RunFollower(run_dir)
    follower.poll()
    last = {}
    for r in follower.records:
        if r.get("kind") in ("epoch", "eval"):
            last.update({k: v for k, v in r.items() if isinstance(v, (int, float))})
    status = "no checkpoint" if not runs.has_checkpoint(run_dir) else "ready"
    end = follower.last("end")
    err = follower.last("error")
    if err and (not end or err.get("time", 0) > end.get("time", 0)):
        status = "failed"
    return {"name": Path(run_dir).name, "path": str(run_dir), "model": model_cfg.model,
            "dataset": train_cfg.dataset, "step": int(state.get("step", 0)),
            "epoch": int(state.get("epoch", 0)), "status": status}, last


# the run list's "Last metrics": the first three of these a run has (tr() where written)
HEADLINES = (("test_neg_elbo", QT_TR_NOOP("−ELBO {value:.1f}")), ("test_iwae_nll", QT_TR_NOOP("NLL {value:.1f}")),
             ("modes_captured", QT_TR_NOOP("{value:.0f} modes")), ("hq_fraction", QT_TR_NOOP("{value:.0%} HQ")),
             ("perplexity", QT_TR_NOOP("perplexity {value:.0f}")), ("classes_covered", QT_TR_NOOP("{value:.0f} classes")),
             ("test_recon", QT_TR_NOOP("recon {value:.1f}")))


def headline(metrics: dict) -> str:
    """A run's last headline metrics, in the window's language now."""
    parts = []
    for k, fmt in HEADLINES:
        if metrics.get(k) is not None:
            try:
                parts.append(tr(fmt).format(value=metrics[k]))
            except (KeyError, IndexError, ValueError):   # a translation that lost its number
                parts.append(fmt.format(value=metrics[k]))
    return ", ".join(parts[:3])
