"""Maps for models without an encoder (GANs).

- `noise_map`: generator inputs z, each labelled by what G(z) looks like (the
  dataset classifier's label, or the nearest mode for the 2-D toy mixtures).
  Projected like any latents, it shows which regions of the noise space make
  which class, and how much of it makes each.
- `joint_feature_map`: real and generated images together in the classifier's
  penultimate feature space (Classifier.features). Projected, generated points
  that avoid whole clusters of real ones show mode collapse; `coverage` counts
  it: for each real class, how many generated samples have a real sample of
  that class as their nearest neighbour in feature space.

Both return plain arrays; the GUI projects them (latent_map.project) and draws.
Generating and classifying 2,000 MNIST-sized samples takes about a second on
the CPU: off the GUI thread.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import torch

from models import CONDITIONAL, GENERATE

from explorer.core.data.datasets import Dataset
from models.nets import eval_mode

SOURCES = ("real", "generated")   # source codes in a joint map


@dataclass
class NoiseMap:
    z: np.ndarray                  # (n, d) float32 generator inputs
    labels: np.ndarray             # (n,) int64 label of G(z): classifier's, or nearest toy mode
    confidence: np.ndarray         # (n,) float32 classifier confidence (toys: 1 within 3 sigma of the mode, else 0)
    label_names: list
    condition: np.ndarray | None = None   # (n,) the class a conditional G was asked for


@dataclass
class JointFeatures:
    features: np.ndarray           # (n_real + n_generated, f) float32, real rows first
    source: np.ndarray             # (n,) uint8 index into SOURCES
    labels: np.ndarray             # (n,) int64: dataset label (real), classifier label (generated)
    index: np.ndarray              # (n,) int64: test-split row (real), -1 (generated)
    z: np.ndarray                  # (n_generated, d) the generated rows' inputs
    nearest_real_label: np.ndarray  # (n_generated,) label of each generated row's nearest real row
    coverage: np.ndarray           # (n_classes,) generated rows whose nearest real row has that label
    label_names: list

    @property
    def missing_classes(self) -> list:
        """Real classes that (almost) no generated sample lands next to: a tenth of a fair share."""
        n = max(1, int(self.coverage.sum()))
        fair = n / len(self.coverage)
        return [self.label_names[i] for i in np.flatnonzero(self.coverage < 0.1 * fair)]


def _require_generator(model) -> None:
    if GENERATE not in model.capabilities:
        raise ValueError(f"{model.cfg.model} does not generate from noise")


@torch.no_grad()
def _generate(model, n: int, seed: int, batch: int = 500):
    g = torch.Generator().manual_seed(seed)
    z = torch.randn(n, model.latent.dim, generator=g)
    cond = None
    if CONDITIONAL in model.capabilities:
        cond = torch.arange(n) % model.cfg.n_classes
    with eval_mode(model):
        x = torch.cat([model.decode(z[i:i + batch].to(model.device),
                                    None if cond is None else cond[i:i + batch].to(model.device)).cpu()
                       for i in range(0, n, batch)])
    return z, x, cond


def label_samples(x: torch.Tensor, data: Dataset, classifier=None) -> tuple[np.ndarray, np.ndarray]:
    """(labels, confidence): by the classifier for images, by the nearest mode for toy mixtures."""
    if data.kind == "points":
        if data.modes is None:
            raise ValueError(f"{data.name} has no modes to label generated points by")
        pts = x.numpy().astype(np.float64)
        d = np.linalg.norm(pts[:, None, :] - np.asarray(data.modes)[None], axis=-1)
        nearest = d.argmin(1)
        return nearest.astype(np.int64), (d[np.arange(len(pts)), nearest] < 3 * data.sigma).astype(np.float32)
    if classifier is None:
        raise ValueError("labelling generated images needs the dataset's classifier (classifier.get_classifier)")
    labels, conf = classifier.predict(x.to(next(classifier.parameters()).device))
    return labels.cpu().numpy().astype(np.int64), conf.cpu().numpy().astype(np.float32)


def noise_map(model, data: Dataset, classifier=None, n: int = 2000, seed: int = 0) -> NoiseMap:
    _require_generator(model)
    z, x, cond = _generate(model, n, seed)
    labels, conf = label_samples(x, data, classifier)
    return NoiseMap(z.numpy().astype(np.float32), labels, conf, list(data.label_names),
                    None if cond is None else cond.numpy().astype(np.int64))


@torch.no_grad()
def _features(classifier, x: torch.Tensor, batch: int = 500) -> np.ndarray:
    device = next(classifier.parameters()).device
    with eval_mode(classifier):
        return torch.cat([classifier.features(x[i:i + batch].to(device)).cpu()
                          for i in range(0, len(x), batch)]).numpy().astype(np.float32)


def joint_feature_map(model, data: Dataset, classifier, n_real: int = 2000, n_generated: int = 2000,
                      seed: int = 0) -> JointFeatures:
    """Real test images (a seeded sample) and generated ones in the classifier's feature space."""
    _require_generator(model)
    if data.kind != "image":
        raise ValueError(f"{data.name} is not an image dataset: its generated points are their own map")
    if classifier is None:
        raise ValueError("a joint feature map needs the dataset's classifier (classifier.get_classifier)")
    rng = np.random.default_rng(seed)
    real_rows = np.sort(rng.choice(len(data.test_x), size=min(n_real, len(data.test_x)), replace=False))
    real_x = data.test_x[torch.from_numpy(real_rows)]
    z, fake_x, _ = _generate(model, n_generated, seed)
    real_f, fake_f = _features(classifier, real_x), _features(classifier, fake_x)
    fake_labels, _ = label_samples(fake_x, data, classifier)
    real_labels = data.test_y[torch.from_numpy(real_rows)].numpy().astype(np.int64)
    nearest = torch.cdist(torch.from_numpy(fake_f), torch.from_numpy(real_f)).argmin(1).numpy()
    nearest_label = real_labels[nearest]
    return JointFeatures(
        features=np.concatenate([real_f, fake_f]),
        source=np.concatenate([np.zeros(len(real_f), np.uint8), np.ones(len(fake_f), np.uint8)]),
        labels=np.concatenate([real_labels, fake_labels]),
        index=np.concatenate([real_rows.astype(np.int64), np.full(len(fake_f), -1, np.int64)]),
        z=z.numpy().astype(np.float32), nearest_real_label=nearest_label,
        coverage=np.bincount(nearest_label, minlength=data.n_classes), label_names=list(data.label_names))
