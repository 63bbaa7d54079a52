"""Collapse alerts, computed from evaluation metrics in the core (never in a panel),
so a command-line run records them in metrics.jsonl exactly as the window shows them.

"mode collapse suspected" fires when a coverage signal stays below its threshold
for a sustained stretch: at least `evals` consecutive evaluations that span at
least `min_steps` steps. With the toy defaults (an evaluation every 500 steps,
3 evaluations, 1,000 steps) an alert comes 1,000 steps after the first
evaluation that saw the drop, so within 1,500 steps of the drop itself.

Signals, whichever the metrics carry:
- mode coverage   modes_captured / n_modes (toy mixtures; below 0.75 is fewer
                  than 6 of 8 or 19 of 25 modes)
- class coverage  classes_covered / n_classes (image GANs, by the classifier)
- diversity       diversity_ratio: mean pairwise distance of generated samples
                  over that of real ones, in the classifier's feature space

Every run starts collapsed (G's first samples are one blob), so a stretch only
counts once the signal has reached its threshold at least once (coverage fell),
or from `warmup` steps on for a run that never got there. One alert per
stretch; a signal back above its threshold re-arms it.
"""
from __future__ import annotations

from dataclasses import asdict, dataclass

from explorer.core.training.events import AlertRaised

COVERAGE_THRESHOLD = 0.75
DIVERSITY_THRESHOLD = 0.5


@dataclass(frozen=True)
class AlertRules:
    coverage: float = COVERAGE_THRESHOLD    # mode and class coverage fractions
    diversity: float = DIVERSITY_THRESHOLD  # generated / real mean pairwise feature distance
    evals: int = 3                          # consecutive evaluations below...
    min_steps: int = 1000                   # ...spanning at least this many steps
    warmup: int = 5000                      # a signal that never rose counts from this step

    @classmethod
    def from_config(cls, cfg) -> "AlertRules":
        """From a TrainConfig's alert_* settings."""
        return cls(cfg.alert_coverage, cfg.alert_diversity, cfg.alert_evals, cfg.alert_steps, cfg.alert_warmup)

    def __post_init__(self):
        if not (0 < self.coverage <= 1 and self.diversity > 0):
            raise ValueError("alert thresholds must be positive (coverage at most 1)")
        if self.evals < 1 or self.min_steps < 0 or self.warmup < 0:
            raise ValueError("alert_evals must be at least 1, alert_steps and alert_warmup at least 0")


def signals(metrics: dict) -> dict[str, tuple[float, str]]:
    """name -> (value, how to say it) for the coverage signals present in `metrics`."""
    out = {}
    n, k = metrics.get("n_modes"), metrics.get("modes_captured")
    if isinstance(n, int) and n > 0 and isinstance(k, int):
        out["mode_coverage"] = (k / n, f"mode coverage {k}/{n}")
    hist, c = metrics.get("label_hist"), metrics.get("classes_covered")
    if hist and isinstance(c, int):
        out["class_coverage"] = (c / len(hist), f"classes covered {c}/{len(hist)}")
    r = metrics.get("diversity_ratio")
    if isinstance(r, (int, float)) and not isinstance(r, bool):
        out["diversity"] = (float(r), f"diversity {r:.2f} of real data's")
    return out


@dataclass
class _Track:
    armed: bool = False
    since: int | None = None   # first step of the current stretch below threshold
    count: int = 0             # evaluations in that stretch
    fired: bool = False
    last: int | None = None    # step of the last evaluation seen (one counts once per step)


class CollapseMonitor:
    """Feed it every evaluation's metrics, in step order; it returns the alerts they raise."""

    def __init__(self, rules: AlertRules | None = None):
        self.rules = rules or AlertRules()
        self._tracks: dict[str, _Track] = {}

    def threshold(self, signal: str) -> float:
        return self.rules.diversity if signal == "diversity" else self.rules.coverage

    def update(self, step: int, metrics: dict) -> list[AlertRaised]:
        alerts = []
        for name, (value, said) in signals(metrics).items():
            t = self._tracks.setdefault(name, _Track())
            if t.last is not None and step <= t.last:
                continue
            t.last = step
            limit = self.threshold(name)
            if value >= limit:
                self._tracks[name] = _Track(armed=True, last=step)
                continue
            if not t.armed and step < self.rules.warmup:
                continue
            if t.since is None:
                t.since, t.count = step, 0
            t.count += 1
            if (not t.fired and t.count >= self.rules.evals
                    and step - t.since >= self.rules.min_steps):
                t.fired = True
                how = "fell below" if t.armed else "has stayed below"
                alerts.append(AlertRaised(
                    step, f"mode collapse suspected: {said} {how} {limit:g} since step {t.since}",
                    name, round(value, 4), limit, t.since))
        return alerts

    def replay(self, records: list[dict]) -> None:
        """Catch up on a resumed run's earlier evaluations without raising their alerts again."""
        for r in records:
            if r.get("kind") in ("eval", "epoch"):
                self.update(int(r["step"]), r)


def alert_record(alert: AlertRaised) -> dict:
    """The metrics.jsonl line for an alert."""
    return {"kind": "alert", **asdict(alert)}


def alerts_in(records: list[dict]) -> list[dict]:
    """A run's alerts (records from runs.history), as eval lists them."""
    return [{k: v for k, v in r.items() if k not in ("kind", "time")}
            for r in records if r.get("kind") == "alert"]
