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

import re
from dataclasses import asdict, dataclass

from explorer.core.said import QT_TR_NOOP, Said
from explorer.core.training.events import AlertRaised

COVERAGE_THRESHOLD = 0.75
# recall and coverage below this while precision stays at least PRECISION_HOLDS: the issue's
# collapse (real data against itself scores about 0.95 on all three). A packed ring8 GAN after
# 4,000 steps, all 8 modes captured but its points spread wide, had coverage 0.24 at precision
# 0.65: a looser rule (0.5 / 0.6) would have called that a collapse.
KNN_THRESHOLD = 0.3
PRECISION_HOLDS = 0.7
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


def signals(metrics: dict) -> dict[str, tuple[float, Said]]:
    """name -> (value, how to say it) for the coverage signals present in `metrics`. The
    sayings are Saids (explorer/core/said.py): the trainer writes them in English, the window
    says them again in its language."""
    out = {}
    n, k = metrics.get("n_modes"), metrics.get("modes_captured")
    if isinstance(n, int) and n > 0 and isinstance(k, int):
        out["mode_coverage"] = (k / n, Said(QT_TR_NOOP("mode coverage {k}/{n}"), k=k, n=n))
    hist, c = metrics.get("label_hist"), metrics.get("classes_covered")
    if hist and isinstance(c, int):
        out["class_coverage"] = (c / len(hist), Said(QT_TR_NOOP("classes covered {c}/{n}"), c=c, n=len(hist)))
    r = metrics.get("diversity_ratio")
    if isinstance(r, (int, float)) and not isinstance(r, bool):
        out["diversity"] = (float(r), Said(QT_TR_NOOP("diversity {ratio:.2f} of real data's"), ratio=r))
    # the k-NN figures (sample_quality.py): a collapse keeps its precision and loses recall and
    # coverage; with the precision gone too the samples are bad, not collapsed, and these stay quiet
    p = metrics.get("precision")
    if _number(p) and p >= PRECISION_HOLDS:
        for key in ("recall", "coverage"):
            v = metrics.get(key)
            if _number(v):
                said = (Said(QT_TR_NOOP("recall {value:.2f} while precision is {precision:.2f}"), value=v, precision=p)
                        if key == "recall" else
                        Said(QT_TR_NOOP("coverage {value:.2f} while precision is {precision:.2f}"), value=v, precision=p))
                out[key] = (float(v), said)
    return out


def _number(v) -> bool:
    return isinstance(v, (int, float)) and not isinstance(v, bool)


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
        if signal in ("recall", "coverage"):
            return KNN_THRESHOLD
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
                if t.armed:
                    message = Said(QT_TR_NOOP("mode collapse suspected: {signal} fell below {limit:g} "
                                              "since step {since}"), signal=said, limit=limit, since=t.since)
                else:
                    message = Said(QT_TR_NOOP("mode collapse suspected: {signal} has stayed below {limit:g} "
                                              "since step {since}"), signal=said, limit=limit, since=t.since)
                alerts.append(AlertRaised(step, message, name, round(value, 4), limit, t.since))
        return alerts

    def replay(self, records: list[dict]) -> None:
        """Catch up on a resumed run's earlier evaluations without raising their alerts again."""
        for r in records:
            if r.get("kind") in ("eval", "epoch"):
                self.update(int(r["step"]), r)


def alert_record(alert: AlertRaised) -> dict:
    """The metrics.jsonl line for an alert: its English message, and under "said" its template
    and fields, so the window says it in its own language (alert_message)."""
    record = {"kind": "alert", **asdict(alert)}
    if isinstance(alert.message, Said):
        record["message"] = alert.message.english()
        record["said"] = alert.message.plain()
    return record


def alert_message(record: dict) -> str:
    """An alert record's message in the window's language. A record written before alerts
    carried their template (the shipped demo runs') is read back from its English words."""
    said = Said.from_plain(record.get("said")) or said_again(str(record.get("message", "alert")))
    return said.text() if said is not None else str(record.get("message", "alert"))


_OLD_ALERT = re.compile(r"mode collapse suspected: (?P<signal>.+) (?P<how>fell below|has stayed below) "
                        r"(?P<limit>\S+) since step (?P<since>\d+)")
_OLD_SIGNALS = (
    (re.compile(r"mode coverage (?P<k>\d+)/(?P<n>\d+)"),
     lambda m: Said(QT_TR_NOOP("mode coverage {k}/{n}"), k=int(m["k"]), n=int(m["n"]))),
    (re.compile(r"classes covered (?P<c>\d+)/(?P<n>\d+)"),
     lambda m: Said(QT_TR_NOOP("classes covered {c}/{n}"), c=int(m["c"]), n=int(m["n"]))),
    (re.compile(r"diversity (?P<ratio>\S+) of real data's"),
     lambda m: Said(QT_TR_NOOP("diversity {ratio:.2f} of real data's"), ratio=float(m["ratio"]))),
)


def said_again(message: str) -> Said | None:
    """The Said of an alert message CollapseMonitor wrote in English (None for other words)."""
    m = _OLD_ALERT.fullmatch(message)
    if m is None:
        return None
    signal = m["signal"]
    for pattern, said in _OLD_SIGNALS:
        s = pattern.fullmatch(signal)
        if s is not None:
            signal = said(s)
            break
    try:
        limit = float(m["limit"])
    except ValueError:
        return None
    template = (QT_TR_NOOP("mode collapse suspected: {signal} fell below {limit:g} since step {since}")
                if m["how"] == "fell below" else
                QT_TR_NOOP("mode collapse suspected: {signal} has stayed below {limit:g} since step {since}"))
    return Said(template, signal=signal, limit=limit, since=int(m["since"]))


def alerts_in(records: list[dict]) -> list[dict]:
    """A run's alerts (records from runs.history), as eval lists them."""
    return [{k: v for k, v in r.items() if k not in ("kind", "time", "said")}
            for r in records if r.get("kind") == "alert"]
