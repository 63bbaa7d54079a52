"""Rejection sampling with the dataset's classifier, for any generator (VAE, GAN, a PixelCNN
prior over VQ-VAE codes): keep the samples the classifier labels with confidence at or
above a threshold.

`draw_pool` generates once and scores every sample; `SamplePool.split(threshold)` is then a
comparison over stored confidences, cheap enough for a slider to call at every move.
`rejection_sample` draws batch after batch until enough samples pass (sample --min-confidence).
"""
from __future__ import annotations

import threading
from dataclasses import dataclass
from typing import Callable

import numpy as np
import torch

from models import CONDITIONAL, GENERATE, GenerativeModel
from models.nets import eval_mode

from explorer.core.text import tr

DEFAULT_BATCH = 500


@dataclass
class Split:
    kept: np.ndarray           # pool rows at or above the threshold
    rejected: np.ndarray       # the other rows
    threshold: float

    @property
    def acceptance_rate(self) -> float:
        n = len(self.kept) + len(self.rejected)
        return len(self.kept) / n if n else 0.0


@dataclass
class SamplePool:
    samples: torch.Tensor            # (n, ...) on the CPU
    labels: np.ndarray               # (n,) the classifier's label of each sample
    confidence: np.ndarray           # (n,) its probability for that label
    conditions: np.ndarray | None = None   # conditional generators: the class each was drawn for

    def __len__(self) -> int:
        return len(self.samples)

    def passing(self, min_confidence: float, match_condition: bool = False) -> np.ndarray:
        """(n,) bool; `match_condition` also asks the label to be the class drawn for."""
        ok = self.confidence >= check_threshold(min_confidence)
        if match_condition and self.conditions is not None:
            ok &= self.labels == self.conditions
        return ok

    def split(self, min_confidence: float, match_condition: bool = False) -> Split:
        ok = self.passing(min_confidence, match_condition)
        return Split(np.flatnonzero(ok), np.flatnonzero(~ok), float(min_confidence))

    def acceptance(self, thresholds) -> np.ndarray:
        """Acceptance rate at each threshold (e.g. a curve under the slider)."""
        t = np.asarray(thresholds, np.float64)
        ordered = np.sort(self.confidence)
        below = np.searchsorted(ordered, t, side="left")
        return (len(ordered) - below) / max(1, len(ordered))

    def concat(self, other: "SamplePool") -> "SamplePool":
        cond = None if self.conditions is None else np.concatenate([self.conditions, other.conditions])
        return SamplePool(torch.cat([self.samples, other.samples]), np.concatenate([self.labels, other.labels]),
                          np.concatenate([self.confidence, other.confidence]), cond)


@dataclass
class RejectionResult:
    samples: torch.Tensor            # the first n that passed
    rejected: torch.Tensor           # up to n that did not
    labels: np.ndarray               # the classifier's labels of `samples`
    drawn: int                       # samples generated
    accepted: int                    # of those, passed (more than n when the last batch overshot)
    threshold: float

    @property
    def acceptance_rate(self) -> float:
        return self.accepted / self.drawn if self.drawn else 0.0


def check_threshold(t: float) -> float:
    t = float(t)
    if not 0.0 <= t <= 1.0:
        raise ValueError(f"the confidence threshold must be in [0, 1], got {t}")
    return t


def classifier_for(data, device="cpu"):
    """The dataset's classifier (explorer.core.data.classifier); ValueError where there is none."""
    if data.kind != "image":
        raise ValueError(f"rejection sampling needs a classifier of images; {data.name} holds {data.kind}")
    from explorer.core.data.classifier import get_classifier
    return get_classifier(data, device)


def _check(model: GenerativeModel, n: int, condition=None):
    if GENERATE not in model.capabilities:
        raise ValueError(f"{model.cfg.model} cannot generate samples: rejection sampling needs a generator")
    if n < 1:
        raise ValueError(f"the number of samples must be positive, got {n}")
    if condition is not None:
        if CONDITIONAL not in model.capabilities:
            raise ValueError(f"{model.cfg.model} is not conditional: --label does not apply")
        if not 0 <= int(condition) < model.cfg.n_classes:
            raise ValueError(f"--label must be in 0..{model.cfg.n_classes - 1}")


@torch.no_grad()
def _score(model, classifier, k: int, g: torch.Generator, condition) -> SamplePool:
    y = model.condition_labels(k, condition)
    x = model.generate(k, condition=y, generator=g)
    labels, conf = classifier.predict(x.to(next(classifier.parameters()).device))
    return SamplePool(x.cpu(), labels.cpu().numpy(), conf.float().cpu().numpy(),
                      None if y is None else y.cpu().numpy())


def draw_pool(model: GenerativeModel, n: int, classifier, seed: int = 0, condition=None,
              batch: int = DEFAULT_BATCH, progress: Callable[[int, int], None] | None = None,
              cancel: threading.Event | None = None) -> SamplePool:
    """n samples with the classifier's labels and confidences, in eval mode.
    Conditional generators: `condition` a class, or None to cycle through the classes."""
    from explorer.core.maps.encoding import Cancelled

    _check(model, n, condition)
    g = torch.Generator(device=model.device).manual_seed(seed)
    pool = None
    with eval_mode(model):
        for i in range(0, n, batch):
            if cancel is not None and cancel.is_set():
                raise Cancelled("sampling cancelled")
            part = _score(model, classifier, min(batch, n - i), g, condition)
            pool = part if pool is None else pool.concat(part)
            if progress is not None:
                progress(len(pool), n)
    return pool


def rejection_sample(model: GenerativeModel, n: int, classifier, min_confidence: float, seed: int = 0,
                     condition=None, batch: int = DEFAULT_BATCH, max_draws: int | None = None,
                     match_condition: bool = False) -> RejectionResult:
    """Draw until n samples pass the threshold; ValueError after `max_draws` (default 50 n)."""
    _check(model, n, condition)
    t = check_threshold(min_confidence)
    limit = max_draws or max(50 * n, 10 * batch)
    g = torch.Generator(device=model.device).manual_seed(seed)
    kept, rejected, labels = [], [], []
    drawn = accepted = n_rejected = 0
    with eval_mode(model):
        while accepted < n:
            if drawn >= limit:
                raise ValueError(tr("only {accepted} of {n} samples reached confidence {threshold:g} in {drawn} "
                                    "draws (acceptance {rate:.1%}); lower the threshold").format(
                    accepted=accepted, n=n, threshold=t, drawn=drawn, rate=accepted / drawn))
            part = _score(model, classifier, min(batch, limit - drawn), g, condition)
            ok = part.passing(t, match_condition)
            drawn += len(part)
            accepted += int(ok.sum())
            kept.append(part.samples[torch.from_numpy(ok)])
            labels.append(part.labels[ok])
            if n_rejected < n:
                rejected.append(part.samples[torch.from_numpy(~ok)][:n - n_rejected])
                n_rejected += len(rejected[-1])
    shape = kept[0].shape[1:]
    return RejectionResult(torch.cat(kept)[:n], torch.cat(rejected) if rejected else torch.zeros(0, *shape),
                           np.concatenate(labels)[:n], drawn, accepted, t)
