"""A generator's samples measured the way the field compares generators (issue 15), against
the test split, in a feature space named honestly:

- FID, the Fréchet distance between Gaussians fitted to the two feature sets (Heusel et al.
  2017); KID, the unbiased squared MMD with the cubic polynomial kernel, averaged over random
  subsets (Bińkowski et al. 2018; torch-fidelity's defaults: k(x, y) = (x·y/d + 1)³, 100
  subsets of at most 1,000);
- precision and recall of distributions (Kynkäänniemi et al. 2019) and density and coverage
  (Naeem et al. 2020) with k = 5 nearest neighbours, through the prdc package's distances.
  A collapsing generator keeps its precision and loses recall and coverage.

Offline there are no Inception weights: images are measured in the penultimate layer of the
data set's own classifier (explorer/core/data/classifier.py), 2-D toy data in its own
coordinates, and the output says which ("FID in the mnist5k classifier's features"). Where
torch-fidelity is installed and its Inception weights are in torch hub's cache (they download
once, online), `inception=True` measures images in Inception-v3's 2048-d pool features as
torch-fidelity does for FID (`eval --inception`); nothing is downloaded here.
Qt-free.
"""
from __future__ import annotations

import contextlib
import io
import warnings
from dataclasses import dataclass

import numpy as np

N_QUALITY = 5000      # samples per side (or the test split's size when smaller)
NEAREST_K = 5
KID_SUBSETS, KID_SUBSET_SIZE = 100, 1000
INCEPTION_WEIGHTS = "weights-inception-2015-12-05-6726825d.pth"   # torch-fidelity's file name
FEATURE_BATCH = 100


def frechet_distance(real: np.ndarray, fake: np.ndarray) -> float:
    """‖μ_r − μ_g‖² + Tr(Σ_r + Σ_g − 2 (Σ_r Σ_g)^½), in float64."""
    from scipy import linalg

    real, fake = np.asarray(real, np.float64), np.asarray(fake, np.float64)
    mu1, mu2 = real.mean(0), fake.mean(0)
    s1, s2 = np.atleast_2d(np.cov(real, rowvar=False)), np.atleast_2d(np.cov(fake, rowvar=False))
    with warnings.catch_warnings():
        # features after a ReLU have dead units: a singular product, whose root is still fine
        warnings.simplefilter("ignore", linalg.LinAlgWarning)
        covmean = linalg.sqrtm(s1 @ s2)
        if not np.isfinite(covmean).all():   # offset both, as the reference implementation does
            eps = np.eye(len(s1)) * 1e-6
            covmean = linalg.sqrtm((s1 + eps) @ (s2 + eps))
    covmean = covmean.real
    return float(max(0.0, ((mu1 - mu2) ** 2).sum() + np.trace(s1) + np.trace(s2) - 2 * np.trace(covmean)))


def kernel_distance(real: np.ndarray, fake: np.ndarray, subsets: int = KID_SUBSETS,
                    subset_size: int = KID_SUBSET_SIZE, seed: int = 0) -> tuple[float, float]:
    """KID's mean and standard deviation over `subsets` random subsets of both sets (at most
    `subset_size`, at most half of either set)."""
    real, fake = np.asarray(real, np.float64), np.asarray(fake, np.float64)
    # subsets smaller than the sets, so that they differ (500 test images: subsets of 250)
    m = min(subset_size, len(real) // 2, len(fake) // 2)
    d = real.shape[1]
    rng = np.random.default_rng(seed)
    mmds = []
    for _ in range(subsets):
        x = real[rng.choice(len(real), m, replace=False)]
        y = fake[rng.choice(len(fake), m, replace=False)]
        kxx, kyy, kxy = ((x @ x.T) / d + 1) ** 3, ((y @ y.T) / d + 1) ** 3, ((x @ y.T) / d + 1) ** 3
        mmd = ((kxx.sum() - np.trace(kxx)) + (kyy.sum() - np.trace(kyy))) / (m * (m - 1)) - 2 * kxy.mean()
        mmds.append(mmd)
    return float(np.mean(mmds)), float(np.std(mmds))


@dataclass
class Balls:
    """Who lies in whose k-NN ball: the masks behind precision and coverage, so the samples
    behind a figure can be shown."""
    fake_in_real_ball: np.ndarray    # (n_fake,) bool: precision's successes
    real_covered: np.ndarray         # (n_real,) bool: coverage's successes
    real_in_fake_ball: np.ndarray    # (n_real,) bool: recall's successes
    density: float

    @property
    def precision(self) -> float:
        return float(self.fake_in_real_ball.mean())

    @property
    def recall(self) -> float:
        return float(self.real_in_fake_ball.mean())

    @property
    def coverage(self) -> float:
        return float(self.real_covered.mean())


def _distances(x: np.ndarray, y: np.ndarray | None = None) -> np.ndarray:
    """Euclidean distances as prdc computes them (scikit-learn's euclidean_distances, which its
    pairwise_distances calls), without prdc's n_jobs=8: that starts a pool of eight threads at
    every call, three times per evaluation, which cost a digits VAE's trainer more time than
    the distances themselves."""
    from sklearn.metrics.pairwise import euclidean_distances

    return euclidean_distances(x, x if y is None else y)


def _kth_neighbour(x: np.ndarray, k: int) -> np.ndarray:
    """Each point's distance to its k-th nearest other point (prdc's radii: itself is the 0th)."""
    d = _distances(x)
    return np.partition(d, k, axis=-1)[:, k]


def balls(real: np.ndarray, fake: np.ndarray, k: int = NEAREST_K) -> Balls:
    """Precision, recall, density and coverage with their masks, computed as prdc computes them
    (tests check the figures equal prdc.compute_prdc's)."""
    real, fake = np.asarray(real, np.float32), np.asarray(fake, np.float32)
    r_radius = _kth_neighbour(real, k)
    f_radius = _kth_neighbour(fake, k)
    d = _distances(real, fake)                                # (n_real, n_fake)
    inside = d < r_radius[:, None]
    return Balls(fake_in_real_ball=inside.any(0), real_covered=d.min(1) < r_radius,
                 real_in_fake_ball=(d < f_radius[None, :]).any(1), density=float(inside.sum(0).mean() / k))


def quality(real: np.ndarray, fake: np.ndarray, k: int = NEAREST_K, seed: int = 0) -> dict:
    """Every figure for two feature sets, with the sample counts; only the counts where a
    side has no more than k samples (a folder of a few images: no k-NN ball to measure)."""
    counts = {"quality_k": k, "quality_n_real": int(len(real)), "quality_n_fake": int(len(fake))}
    if min(len(real), len(fake)) <= k:
        return counts
    b = balls(real, fake, k)
    kid, kid_std = kernel_distance(real, fake, seed=seed)
    return {"fid": frechet_distance(real, fake), "kid": kid, "kid_std": kid_std,
            "precision": b.precision, "recall": b.recall, "density": b.density, "coverage": b.coverage,
            "quality_k": k, "quality_n_real": int(len(real)), "quality_n_fake": int(len(fake))}


def inception_weights():
    """Where torch-fidelity keeps its Inception weights once downloaded (torch hub's cache)."""
    from pathlib import Path

    import torch
    return Path(torch.hub.get_dir()) / "checkpoints" / INCEPTION_WEIGHTS


def inception_space(device="cpu"):
    """(features(x) -> numpy, its name): Inception-v3's 2048-d pool features of images in [0, 1]
    (grey repeated to RGB, resized to 299 inside), torch-fidelity's FID network. ValueError, one
    line, where torch-fidelity or its cached weights are missing: nothing is downloaded."""
    import torch

    try:
        from torch_fidelity.feature_extractor_inceptionv3 import FeatureExtractorInceptionV3
    except ImportError:
        raise ValueError("Inception FID needs torch-fidelity (pip install torch-fidelity); without it the "
                         "figures are in the dataset classifier's features") from None
    path = inception_weights()
    if not path.is_file():
        raise ValueError(f"Inception FID needs torch-fidelity's Inception weights in {path}; they download once "
                         f"online (see README); without them the figures are in the dataset classifier's features")
    net = FeatureExtractorInceptionV3("inception-v3-compat", ["2048"], feature_extractor_weights_path=str(path))
    net = net.to(device)

    def features(x):
        x = torch.as_tensor(x)
        out = []
        with torch.no_grad():
            for i in range(0, len(x), FEATURE_BATCH):
                b = (x[i:i + FEATURE_BATCH].float().clamp(0, 1) * 255 + 0.5).to(torch.uint8)
                if b.shape[1] == 1:
                    b = b.expand(-1, 3, -1, -1)
                out.append(net(b.to(device))[0].float().cpu())
        return torch.cat(out).numpy()
    return features, "Inception-v3's pool features (torch-fidelity's FID network, 2048-d)"


def feature_space(data, device="cpu", inception: bool = False):
    """(features(x) -> numpy, its name) for `data`: the classifier's penultimate layer for
    images, the points themselves for 2-D toy data; None when an image set has no classifier.
    `inception`: Inception-v3's features instead (images only; ValueError where unavailable)."""
    import torch

    if inception:
        if data.kind != "image":
            raise ValueError(f"Inception FID is for images; {data.name} is 2-D points, measured in its coordinates")
        return inception_space(device)
    if data.kind != "image":
        return (lambda x: torch.as_tensor(x).reshape(len(x), -1).cpu().numpy()), f"{data.name} coordinates"
    from explorer.core.data.classifier import get_classifier
    from explorer.core.training.evaluation import classifier_features

    clf = get_classifier(data, device)
    if clf is None:
        return None
    dim = clf.head.in_features

    def features(x):
        with torch.no_grad():
            return classifier_features(clf, torch.as_tensor(x).to(device)).cpu().numpy()
    return features, f"the {data.name} classifier's features ({dim}-d penultimate layer)"


def real_features(data, features, n: int, split: str = "test", seed: int = 0) -> np.ndarray:
    """A seeded random subset of one split (a split can be sorted by class), in features."""
    import torch

    x = data.test_x if split == "test" else data.train_x
    idx = torch.randperm(len(x), generator=torch.Generator().manual_seed(seed))[:n]
    return features(x[idx])


def sample_quality(model, data, n: int | None = None, seed: int = 0, inception: bool = False) -> dict:
    """FID, KID, precision, recall, density and coverage of `model`'s samples against the
    test split; {} when the data has no feature space (an image set without classifier)."""
    from explorer.core.training.evaluation import generated
    from models.nets import eval_mode

    space = feature_space(data, model.device, inception)
    if space is None:
        return {}
    features, name = space
    n = min(n or N_QUALITY, len(data.test_x))
    real = real_features(data, features, n, seed=seed)
    with eval_mode(model):
        fake = features(generated(model, n, seed=seed))
    return {**quality(real, fake, seed=seed), "quality_features": name}


def failures(model, data, n: int | None = None, seed: int = 0, show: int = 64) -> dict:
    """The samples behind precision and coverage: up to `show` generated samples that fall in
    no real sample's k-NN ball ("unsupported": precision's failures, what the generator makes
    that the data never shows) and up to `show` test images no generated sample's ball reaches
    ("uncovered": coverage's failures, what it never makes). With their counts out of n."""
    import torch

    from explorer.core.training.evaluation import generated
    from models.nets import eval_mode

    space = feature_space(data, model.device)
    if space is None:
        return {}
    features, name = space
    n = min(n or N_QUALITY, len(data.test_x))
    idx = torch.randperm(len(data.test_x), generator=torch.Generator().manual_seed(seed))[:n]
    real_x = data.test_x[idx]
    with eval_mode(model):
        fake_x = generated(model, n, seed=seed).cpu()
    real_f, fake_f = features(real_x), features(fake_x)
    if n <= NEAREST_K:
        return {}
    b = balls(real_f, fake_f)
    bad_fake, bad_real = np.flatnonzero(~b.fake_in_real_ball), np.flatnonzero(~b.real_covered)
    return {**quality(real_f, fake_f, seed=seed),   # every figure of the same samples, for their caption
            "unsupported": fake_x[bad_fake[:show]], "uncovered": real_x[bad_real[:show]],
            "n_unsupported": int(len(bad_fake)), "n_uncovered": int(len(bad_real)), "n": n,
            "quality_features": name}


def floor(data, n: int | None = None, seed: int = 0, inception: bool = False) -> dict:
    """The figures of the real training split against the test split: what a perfect
    generator would score here (FID near 0; precision, recall, density, coverage near 1)."""
    space = feature_space(data, inception=inception)
    if space is None:
        return {}
    features, name = space
    n = min(n or N_QUALITY, len(data.test_x), len(data.train_x))
    return {**quality(real_features(data, features, n, seed=seed),
                      real_features(data, features, n, "train", seed=seed), seed=seed),
            "quality_features": name}


def compute_prdc_quietly(real, fake, k: int = NEAREST_K) -> dict:
    """prdc.compute_prdc without its print (it writes the counts to stdout, where `eval`
    writes its JSON)."""
    from prdc import compute_prdc
    with contextlib.redirect_stdout(io.StringIO()):
        return {key: float(v) for key, v in compute_prdc(np.asarray(real, np.float32),
                                                         np.asarray(fake, np.float32), k).items()}
