"""Metrics, computed from models and samples; pure functions where possible.

- VAEs: test reconstruction, KL, negative ELBO, KL per latent dimension, active
  units (Burda et al. 2016: Cov_x(E_q[z_u]) > 0.01), and at evaluation the
  importance-weighted bound (IWAE, k samples).
- VQ-VAE: usage over an epoch's assignments, perplexity exp(H(usage)), codes used, dead codes;
  test_* over the test split's code grids, and at full evaluations train_* over the training split's.
- PixelCNN priors: test NLL in bits per code; at full evaluations the classifier's labels of
  N_CONFIDENCE samples and the share it labels with confidence >= CONFIDENT (confident_share).
- GANs on ring8/grid25 (VEEGAN and PacGAN's definitions, as in PacGAN's code):
  a sample is high quality within 3 standard deviations of its nearest mode; a
  mode is captured when at least one high-quality sample is nearest to it;
  reverse KL is KL(generated mode histogram || uniform) over the high-quality samples.
- Image generators: the classifier's label histogram of generated samples, its
  entropy, and classes covered (a class counts when it gets at least a tenth
  of its fair share n / C); diversity, the mean pairwise distance of generated
  samples in the classifier's feature space (Classifier.features), against the
  same for real test images; near-duplicates, the pairs of fixed-noise samples
  closer in that space than all but 1% of real test images come to their
  nearest real neighbour (DUPLICATE_QUANTILE). 64 real mnist5k digits have
  0.35 such pairs on average (0 to 2), a collapsed generator up to 2,016.
"""
from __future__ import annotations

import math
import time

import numpy as np
import torch

from models import (ADVERSARIAL, AUTOREGRESSIVE, DISCRETE, ENCODE, GENERATE, POSTERIOR, GenerativeModel)

from explorer.core.data.datasets import Dataset
from models.nets import eval_mode

EVAL_BATCH = 500
N_REAL_REFERENCE = 1000   # real test images that set diversity_real and the duplicate threshold
N_FIXED = 64              # fixed-noise samples searched for near-duplicates (the timeline's grid)
DUPLICATE_QUANTILE = 0.01
CONFIDENT = 0.8           # classifier confidence at which a generated image counts as recognisable
N_CONFIDENCE = 1000       # samples an autoregressive prior draws for that share (full evaluations)
N_QUALITY_EPOCH = 1000    # samples (and test images) behind each evaluation's FID and k-NN figures
# at most this share of training time goes to those figures: a digits VAE's epoch is 11
# steps (16 ms) and its figures took 11 ms, so measured at every epoch they made training
# 1.7x slower; an evaluation after a shorter gap than its cost allows leaves them out
# (the first evaluation and the final one always have them)
QUALITY_TIME_SHARE = 0.1


# -- pure functions -------------------------------------------------------------

def perplexity(counts) -> float:
    """exp of the entropy of the usage distribution: K for uniform use, 1 for one code."""
    c = np.asarray(counts, np.float64)
    total = c.sum()
    if total <= 0:
        return 0.0
    p = c[c > 0] / total
    return float(math.exp(-(p * np.log(p)).sum()))


def codebook_stats(counts) -> dict:
    c = np.asarray(counts, np.float64)
    used = int((c > 0).sum())
    return {"perplexity": perplexity(c), "codes_used": used, "dead_codes": int(len(c) - used),
            "codes_used_fraction": used / len(c), "code_usage": c.astype(np.int64).tolist()}


def mode_metrics(samples, modes, sigma: float) -> dict:
    x = np.asarray(samples, np.float64)
    modes = np.asarray(modes, np.float64)
    d = np.sqrt(((x[:, None, :] - modes[None]) ** 2).sum(-1)) / sigma
    nearest = d.argmin(1)
    hq = d[np.arange(len(x)), nearest] < 3.0
    counts = np.bincount(nearest[hq], minlength=len(modes))
    out = {"modes_captured": int((counts > 0).sum()), "n_modes": len(modes),
           "hq_fraction": float(hq.mean()) if len(x) else 0.0, "mode_counts": counts.tolist()}
    if counts.sum() > 0:
        p = counts / counts.sum()
        nz = p > 0
        out["reverse_kl"] = float((p[nz] * np.log(p[nz] * len(modes))).sum())
    else:
        out["reverse_kl"] = None
    return out


def label_metrics(labels, n_classes: int) -> dict:
    labels = np.asarray(labels, np.int64)
    counts = np.bincount(labels, minlength=n_classes)
    n = max(1, len(labels))
    p = counts[counts > 0] / n
    return {"label_hist": counts.tolist(), "label_entropy": abs(float((p * np.log(p)).sum())),
            "classes_covered": int((counts >= 0.1 * n / n_classes).sum())}


def mean_pairwise_distance(features: torch.Tensor) -> float:
    """Mean Euclidean distance over all pairs of rows."""
    return float(torch.pdist(features.float()).mean()) if len(features) > 1 else 0.0


def nearest_neighbour_distances(features: torch.Tensor) -> torch.Tensor:
    """Each row's distance to its nearest other row."""
    d = torch.cdist(features.float(), features.float())
    d.fill_diagonal_(math.inf)
    return d.min(1).values


def duplicate_threshold(real_features: torch.Tensor, quantile: float = DUPLICATE_QUANTILE) -> float:
    """Closer than this is closer than all but `quantile` of real samples to their nearest neighbour."""
    return float(torch.quantile(nearest_neighbour_distances(real_features), quantile))


def near_duplicate_pairs(features: torch.Tensor, threshold: float) -> np.ndarray:
    """(k, 2) index pairs i < j of rows closer than `threshold`."""
    n = len(features)
    if n < 2:
        return np.zeros((0, 2), np.int64)
    i, j = torch.triu_indices(n, n, 1)
    close = torch.cdist(features.float(), features.float())[i, j] < threshold
    return torch.stack([i[close], j[close]], 1).cpu().numpy()


def active_units(mu: torch.Tensor, threshold: float = 0.01) -> int:
    return int((mu.var(0, unbiased=True) > threshold).sum()) if len(mu) > 1 else 0


# -- model-based evaluations ------------------------------------------------------

def _batches(x: torch.Tensor, y: torch.Tensor, device):
    for i in range(0, len(x), EVAL_BATCH):
        yield x[i:i + EVAL_BATCH].to(device), y[i:i + EVAL_BATCH].to(device)


@torch.no_grad()
def vae_metrics(model, x, y, iwae_k: int = 0, seed: int = 0) -> dict:
    device = model.device
    g = torch.Generator(device=device).manual_seed(seed)
    recon = kl = n = 0.0
    kl_dims, mus, iw = [], [], []
    for xb, yb in _batches(x, y, device):
        mu, logvar = model.posterior(xb, yb)
        z = model.reparameterize(mu, logvar, g)
        recon += float(model.recon_loss(model.decoder_logits(z, yb), xb).sum())
        kd = model.kl_per_dim(mu, logvar)
        kl += float(kd.sum())
        kl_dims.append(kd.sum(0))
        mus.append(mu)
        n += len(xb)
        if iwae_k > 0:
            iw.append(model.log_likelihood_bound(xb, yb, k=iwae_k, generator=g))
    kl_per_dim = (torch.stack(kl_dims).sum(0) / n).cpu()
    out = {"test_recon": recon / n, "test_kl": kl / n, "test_neg_elbo": (recon + kl) / n,
           "kl_per_dim": [round(float(v), 5) for v in kl_per_dim],
           "active_units": active_units(torch.cat(mus))}
    if iwae_k > 0:
        out["test_iwae_nll"] = float(-torch.cat(iw).mean())
        out["iwae_k"] = iwae_k
    return out


@torch.no_grad()
def test_loss_parts(model, x, y) -> dict:
    """The model's own loss parts on the test split (eval mode), prefixed "test_"."""
    sums: dict = {}
    n = 0
    for xb, yb in _batches(x, y, model.device):
        _, parts = model.loss((model.prepare_inputs(xb), yb))
        for k, v in parts.items():
            sums[k] = sums.get(k, 0.0) + float(v) * len(xb)
        n += len(xb)
    return {f"test_{k}": v / n for k, v in sums.items()}


@torch.no_grad()
def generated(model: GenerativeModel, n: int, seed: int = 0) -> torch.Tensor:
    g = torch.Generator(device=model.device).manual_seed(seed)
    out = []
    for i in range(0, n, EVAL_BATCH):
        k = min(EVAL_BATCH, n - i)
        cond = None
        if hasattr(model, "condition_labels") and model.condition_labels(1, None) is not None:
            cond = (torch.arange(i, i + k, device=model.device) % model.cfg.n_classes)
        out.append(model.generate(k, condition=cond, generator=g))
    return torch.cat(out)


@torch.no_grad()
def classifier_features(clf, x: torch.Tensor, batch: int = EVAL_BATCH) -> torch.Tensor:
    return torch.cat([clf.features(x[i:i + batch]) for i in range(0, len(x), batch)])


class Evaluator:
    """Computes the metrics that apply to a model, from its capabilities.

    `fixed_noise` (z, y or None): the inputs among whose samples near-duplicates
    are counted; the engine passes its timeline's, so the count is about the grid
    the user sees. Without it, the first N_FIXED of the seed-0 samples.
    """

    def __init__(self, data: Dataset, n_samples: int = 2500, iwae_k: int = 50, classifier=None,
                 fixed_noise: tuple | None = None, quality_samples: int = N_QUALITY_EPOCH):
        self.data, self.n_samples, self.iwae_k = data, n_samples, iwae_k
        self.quality_samples = quality_samples   # 0: no FID and k-NN figures (eval measures its own)
        self._classifier = classifier
        self.fixed_noise = fixed_noise
        self._real: dict | None = None
        self._quality_cost: float | None = None   # seconds the last FID and k-NN figures took
        self._quality_at = 0.0                    # time.monotonic() when they ended

    def classifier(self, device):
        if self._classifier is None and self.data.kind == "image":
            from explorer.core.data.classifier import get_classifier
            self._classifier = get_classifier(self.data, device)
        return self._classifier

    def cheap(self, model: GenerativeModel) -> dict:
        """Metrics of generated samples that are cheap enough for every few hundred steps:
        a GAN's mode or class coverage and diversity (eval mode, as at an epoch's end)."""
        if not (GENERATE in model.capabilities and ADVERSARIAL in model.capabilities):
            return {}
        with eval_mode(model):
            return self._gan(model)

    def epoch(self, model: GenerativeModel, full: bool = False) -> dict:
        """Test-set metrics; `full` adds the expensive ones (IWAE)."""
        with eval_mode(model):
            out = self._epoch(model, full)
        return out

    def _gan(self, model) -> dict:
        if self.data.modes is not None:
            return mode_metrics(generated(model, self.n_samples).cpu().numpy(), self.data.modes, self.data.sigma)
        if self.data.kind != "image":
            return {}
        clf = self.classifier(model.device)
        if clf is None:
            return {}
        x = generated(model, min(self.n_samples, 1000))
        labels, conf = clf.predict(x)
        out = label_metrics(labels.cpu().numpy(), self.data.n_classes)
        out["mean_confidence"] = float(conf.mean())
        real = self.real_reference(clf)
        div = mean_pairwise_distance(classifier_features(clf, x))
        out.update(diversity=div, diversity_real=real["diversity"],
                   diversity_ratio=div / real["diversity"] if real["diversity"] > 0 else None)
        fixed = classifier_features(clf, self.fixed_samples(model, x))
        out["near_duplicates"] = len(near_duplicate_pairs(fixed, real["duplicate_threshold"]))
        return out

    @torch.no_grad()
    def fixed_samples(self, model, samples: torch.Tensor | None = None) -> torch.Tensor:
        if self.fixed_noise is None:
            return (samples if samples is not None else generated(model, N_FIXED))[:N_FIXED]
        z, y = self.fixed_noise
        return model.decode(z.to(model.device), None if y is None else y.to(model.device))

    def real_reference(self, clf) -> dict:
        """Real test images in the classifier's feature space: their diversity and the
        near-duplicate threshold (computed once)."""
        if self._real is None:
            dev = next(clf.parameters()).device
            # a seeded random subset: a test split can be sorted by class
            idx = torch.randperm(len(self.data.test_x), generator=torch.Generator().manual_seed(0))
            f = classifier_features(clf, self.data.test_x[idx[:N_REAL_REFERENCE]].to(dev))
            self._real = {"diversity": mean_pairwise_distance(f), "duplicate_threshold": duplicate_threshold(f)}
        return self._real

    def _epoch(self, model, full):
        x, y = self.data.test_x, self.data.test_y
        out: dict = {}
        if POSTERIOR in model.capabilities:
            out.update(vae_metrics(model, x, y, iwae_k=self.iwae_k if full else 0))
        elif ENCODE in model.capabilities:
            out.update(test_loss_parts(model, x, y))
            if DISCRETE in model.capabilities:
                out.update(self._code_usage(model, x, y, "test"))
                if full:
                    out.update(self._code_usage(model, self.data.train_x, self.data.train_y, "train"))
        elif AUTOREGRESSIVE in model.capabilities:
            out.update(test_loss_parts(model, x, y))
            if full and GENERATE in model.capabilities:  # h*w network passes per batch: too slow for every epoch
                out.update(self._sample_confidence(model))
        if GENERATE in model.capabilities and ADVERSARIAL in model.capabilities:
            out.update(self._gan(model))
        if self.quality_samples and GENERATE in model.capabilities and (full or self._quality_due()) and (
                DISCRETE not in model.capabilities or AUTOREGRESSIVE in model.capabilities):
            # the global RNG untouched: a classifier trained on first use would otherwise make a
            # run's next steps differ from a resumed one's
            cuda = [model.device] if model.device.type == "cuda" else []
            t0 = time.monotonic()
            with torch.random.fork_rng(devices=cuda):
                out.update(self._quality(model))
            self._quality_at = time.monotonic()
            self._quality_cost = self._quality_at - t0
        return out

    def _quality_due(self) -> bool:
        """Whether the time since the last FID and k-NN figures is long enough for them to take
        no more than QUALITY_TIME_SHARE of it."""
        if self._quality_cost is None:
            return True
        gap = time.monotonic() - self._quality_at
        return gap * QUALITY_TIME_SHARE >= self._quality_cost * (1 - QUALITY_TIME_SHARE)

    def _quality(self, model) -> dict:   # not under no_grad: the first call may train the classifier
        """FID, precision, recall, density and coverage of N_QUALITY_EPOCH samples against as
        many test images (explorer/core/training/sample_quality.py), at every evaluation: the
        curves of the GAN monitor and the alert on a fall of recall or coverage
        (explorer/core/gan/alerts.py). Not for a
        VQ-VAE alone (its codes are drawn uniformly until a prior is trained)."""
        from explorer.core.training import sample_quality as Q

        if getattr(self, "_quality_real", None) is None:
            space = Q.feature_space(self.data, model.device)
            if space is None:
                self._quality_real = ()
                return {}
            n = min(self.quality_samples, len(self.data.test_x))
            self._quality_real = (space[0], Q.real_features(self.data, space[0], n))
        if not self._quality_real:
            return {}
        features, real = self._quality_real
        if len(real) <= Q.NEAREST_K:   # a test split of a few images: no k-NN ball to measure
            return {}
        fake = features(generated(model, len(real), seed=1))
        b = Q.balls(real, fake)
        return {"fid": Q.frechet_distance(real, fake), "precision": b.precision, "recall": b.recall,
                "density": b.density, "coverage": b.coverage}

    @torch.no_grad()
    def _code_usage(self, model, x, y, split: str) -> dict:
        """Perplexity and codes used over one split's code grids, named by the split."""
        K = model.latent.codebook_size
        levels = {lv: K for lv, _, K in model.latent.levels} or {"bottom": K}
        counts = {lv: torch.zeros(k, dtype=torch.long) for lv, k in levels.items()}
        for xb, yb in _batches(x, y, model.device):
            enc = model.encode(xb, yb)
            for lv in counts:
                idx = enc.top_indices if lv == "top" else enc.indices
                counts[lv] += torch.bincount(idx.flatten().cpu(), minlength=levels[lv])
        out = {}
        for lv, c in counts.items():   # VQ-VAE-2's top level prefixed "top_", the bottom's as a VQ-VAE's
            s = codebook_stats(c.numpy())
            pre = f"{split}_top_" if lv == "top" else f"{split}_"
            out.update({f"{pre}perplexity": s["perplexity"], f"{pre}codes_used": s["codes_used"],
                        f"{pre}codes_used_fraction": s["codes_used_fraction"]})
        return out

    def _sample_confidence(self, model) -> dict:
        """The classifier on generated images: its labels, and the share it is confident of."""
        clf = self.classifier(model.device)
        if clf is None:
            return {}
        labels, conf = clf.predict(generated(model, min(self.n_samples, N_CONFIDENCE)))
        out = label_metrics(labels.cpu().numpy(), self.data.n_classes)
        out.update(mean_confidence=float(conf.mean()), confident_share=float((conf >= CONFIDENT).float().mean()),
                   confident_threshold=CONFIDENT)
        return out
