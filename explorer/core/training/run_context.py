"""Everything the window knows about the run it shows: summary, loss history,
a follower of its files, and the window's own copy of the model for decoding
(reloaded whenever a new checkpoint lands, never shared with the trainer)."""
from __future__ import annotations

from pathlib import Path

from explorer.core.training.follow import RunFollower, headline, run_summary
from explorer.core.training.loss_history import LossHistory


class RunContext:
    def __init__(self, path: Path, summary: dict):
        self.path = Path(path)
        self.summary = summary
        self.follower = RunFollower(self.path)
        self.history = LossHistory()
        self.loaded = None           # runs.LoadedRun, None until a checkpoint exists
        self._data = None
        self.last_metrics: dict = {}  # newest value of every per-epoch / evaluation metric
        self._take(self.follower.poll())

    @classmethod
    def open(cls, path) -> "RunContext":
        """CheckpointError (one line) if the directory is not a usable run."""
        from explorer.core.runs import has_checkpoint, load_run

        ctx = cls(Path(path), run_summary(path))
        if has_checkpoint(path):
            ctx.loaded = load_run(path)   # validates the weights now, not at the first click
            ctx.follower.checkpoint_changed()
        return ctx

    @property
    def model_cfg(self):
        from explorer.core.runs import read_config
        return read_config(self.path)[0]

    @property
    def timeline_kind(self) -> str:
        from models import build_model
        from explorer.core.training.timeline import shows_generated
        from models import CONDITIONAL

        mc = self.model_cfg
        if mc.data_kind == "points":
            return "points"
        model = self.loaded.model if self.loaded else build_model(mc)
        if not shows_generated(model):
            return "recon"
        return "conditional" if CONDITIONAL in model.capabilities else "generated"

    def poll(self) -> list[dict]:
        new = self.follower.poll()
        if new:
            self._take(new)
        return new

    def _take(self, records: list[dict]) -> None:
        self.history.add(records)
        for r in records:
            if r.get("kind") in ("epoch", "eval"):
                self.last_metrics.update({k: v for k, v in r.items() if isinstance(v, (int, float))})

    def reload_if_checkpoint_changed(self) -> bool:
        from explorer.core.runs import CheckpointError, load_run

        if not self.follower.checkpoint_changed():
            return False
        try:
            self.loaded = load_run(self.path)
        except CheckpointError:
            return False   # a half-copied file from another machine: try again at the next change
        return True

    def refresh_summary(self) -> dict:
        self.summary = run_summary(self.path)
        return self.summary

    def headline(self) -> str:
        return headline(self.last_metrics)

    def data(self):
        """The run's dataset (loaded on first use)."""
        if self._data is None:
            from explorer.core.data.datasets import load_dataset
            tc = self.loaded.train_cfg if self.loaded else None
            if tc is None:
                from explorer.core.runs import read_config
                tc = read_config(self.path)[1]
            self._data = load_dataset(tc.dataset, tc.data_dir, False, tc.image_size)
        return self._data
