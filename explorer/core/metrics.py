"""Metrics, computed from models and samples; pure functions where possible.

- VAEs: test reconstruction, KL, negative ELBO, KL per latent dimension, active
  units (Burda et al. 2016: Cov_x(E_q[z_u]) > 0.01), and at evaluation the
  importance-weighted bound (IWAE, k samples).
- VQ-VAE: usage over an epoch's assignments, perplexity exp(H(usage)), codes used, dead codes.
- GANs on ring8/grid25 (VEEGAN and PacGAN's definitions, as in PacGAN's code):
  a sample is high quality within 3 standard deviations of its nearest mode; a
  mode is captured when at least one high-quality sample is nearest to it;
  reverse KL is KL(generated mode histogram || uniform) over the high-quality samples.
- Image generators: the classifier's label histogram of generated samples, its
  entropy, and classes covered (a class counts when it gets at least a tenth
  of its fair share n / C).
"""
from __future__ import annotations

import math

import numpy as np
import torch

from models import (ADVERSARIAL, DISCRETE, ENCODE, GENERATE, POSTERIOR, GenerativeModel)

from .datasets import Dataset

EVAL_BATCH = 500


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
    return {"label_hist": counts.tolist(), "label_entropy": float(-(p * np.log(p)).sum()),
            "classes_covered": int((counts >= 0.1 * n / n_classes).sum())}


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
        _, parts = model.loss((xb, yb))
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


class Evaluator:
    """Computes the metrics that apply to a model, from its capabilities."""

    def __init__(self, data: Dataset, n_samples: int = 2500, iwae_k: int = 50, classifier=None):
        self.data, self.n_samples, self.iwae_k = data, n_samples, iwae_k
        self._classifier = classifier

    def classifier(self, device):
        if self._classifier is None and self.data.kind == "image":
            from .classifier import get_classifier
            self._classifier = get_classifier(self.data, device)
        return self._classifier

    def cheap(self, model: GenerativeModel) -> dict:
        """Metrics of generated samples that are cheap enough for every few hundred steps."""
        out: dict = {}
        if GENERATE in model.capabilities and self.data.modes is not None and ADVERSARIAL in model.capabilities:
            out.update(mode_metrics(generated(model, self.n_samples).cpu().numpy(),
                                    self.data.modes, self.data.sigma))
        return out

    def epoch(self, model: GenerativeModel, full: bool = False) -> dict:
        """Test-set metrics; `full` adds the expensive ones (IWAE)."""
        was = model.training
        model.eval()
        try:
            out = self._epoch(model, full)
        finally:
            model.train(was)
        return out

    def _epoch(self, model, full):
        x, y = self.data.test_x, self.data.test_y
        out: dict = {}
        if POSTERIOR in model.capabilities:
            out.update(vae_metrics(model, x, y, iwae_k=self.iwae_k if full else 0))
        elif ENCODE in model.capabilities:
            out.update(test_loss_parts(model, x, y))
            if DISCRETE in model.capabilities:
                out.update(self._test_code_usage(model, x, y))
        if GENERATE in model.capabilities and ADVERSARIAL in model.capabilities:
            if self.data.modes is not None:
                out.update(self.cheap(model))
            elif self.data.kind == "image":
                clf = self.classifier(model.device)
                if clf is not None:
                    labels, conf = clf.predict(generated(model, min(self.n_samples, 1000)))
                    out.update(label_metrics(labels.cpu().numpy(), self.data.n_classes))
                    out["mean_confidence"] = float(conf.mean())
        return out

    @torch.no_grad()
    def _test_code_usage(self, model, x, y) -> dict:
        K = model.latent.codebook_size
        counts = torch.zeros(K, dtype=torch.long)
        for xb, yb in _batches(x, y, model.device):
            counts += torch.bincount(model.encode(xb, yb).indices.flatten().cpu(), minlength=K)
        s = codebook_stats(counts.numpy())
        return {"test_perplexity": s["perplexity"], "test_codes_used": s["codes_used"]}
