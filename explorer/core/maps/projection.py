"""2-D maps of latents: the parameters, the projection methods, and aligning one map to another.

Methods, with what each costs here (5,000 latents of dimension 20, 2 cores):
  raw   the latents themselves; only for a 2-D latent space
  pca   about 1 ms (the d x d covariance's eigenvectors); exact inverse
  umap  umap-learn: ~4 s once numba has compiled, 60-70 s in a fresh process
        (see map_service for a process that pays that at launch). Above `fit_limit`
        latents (UMAP_FIT_LIMIT, 20,000) it is fitted on a stratified subsample and the
        rest are placed by the fitted model's transform; `fit_limit` 0 fits all
  tsne  openTSNE (FFT-accelerated): tens of seconds

`project` calls `progress(fraction, stage)` where the library allows; an
exception raised from the callback aborts the projection (cancellation). The stages are
the words of STAGES (a window shows tr(stage)).
"""
from __future__ import annotations

import hashlib
import json
import logging
import time
from dataclasses import dataclass, field, replace
from typing import Callable

import numpy as np

from explorer.core.said import QT_TR_NOOP, Said

# the stages `progress` names (marked for the catalogue: the window shows tr(stage))
STAGES = (QT_TR_NOOP("neighbours"), QT_TR_NOOP("layout"), QT_TR_NOOP("placing"))

log = logging.getLogger("explorer")


METHODS = ("raw", "pca", "umap", "tsne")


EXACT = ("raw", "pca")


DEFAULT_PARAMS = {
    "raw": {},
    "pca": {},
    # force_approximation_algorithm: NN-descent for every size, so the warm-up compile
    # (map_service) covers exactly the code a real fit runs
    "umap": {"n_neighbors": 15, "min_dist": 0.1, "seed": 0},
    "tsne": {"perplexity": 30.0, "seed": 0},
}


Progress = Callable[[float, str], None]

# UMAP: above this many latents, fit on a subsample of this size and transform the rest
# (a setting of its own, "fit_limit", given only when it is not this default: the maps
# cached before it keep their names)
UMAP_FIT_LIMIT = 20_000
TRANSFORM_CHUNK = 5_000   # latents placed per call of the fitted UMAP's transform (progress between)
MIN_FIT = 10              # the smallest sample a UMAP is fitted on


class MapError(Exception):
    """A map that cannot be made or read; the message is one line."""


def map_params(method: str, params: dict | None = None) -> dict:
    """The method's defaults updated with `params`; MapError for unknown names or bad values."""
    if method not in METHODS:
        raise MapError(f"unknown map method {method!r}; valid: {', '.join(METHODS)}")
    out = dict(DEFAULT_PARAMS[method])
    unknown = set(params or {}) - set(out) - ({"fit_limit"} if method == "umap" else set())
    if unknown:
        valid = ", ".join(out) or "none"
        raise MapError(f"unknown {method} setting {sorted(unknown)[0]!r}; valid: {valid}")
    out.update(params or {})
    if method == "umap":
        if int(out["n_neighbors"]) < 2:
            raise MapError(f"umap n_neighbors must be at least 2, got {out['n_neighbors']}")
        if not 0 <= float(out["min_dist"]) <= 1:
            raise MapError(f"umap min_dist must be in [0, 1], got {out['min_dist']}")
        out.update(n_neighbors=int(out["n_neighbors"]), min_dist=float(out["min_dist"]), seed=int(out["seed"]))
        if "fit_limit" in out:
            limit = out["fit_limit"]
            if (isinstance(limit, bool) or not isinstance(limit, (int, float)) or limit != int(limit)
                    or not (limit == 0 or limit >= MIN_FIT)):
                raise MapError(f"umap fit_limit must be 0 (fit all) or a whole number >= {MIN_FIT}, got {limit!r}")
            out["fit_limit"] = int(limit)
            if out["fit_limit"] == UMAP_FIT_LIMIT:
                del out["fit_limit"]   # the default: the same map, the same name
    if method == "tsne":
        if not float(out["perplexity"]) > 0:
            raise MapError(f"tsne perplexity must be positive, got {out['perplexity']}")
        out.update(perplexity=float(out["perplexity"]), seed=int(out["seed"]))
    return out


def params_digest(method: str, params: dict, sample: str = "") -> str:
    text = json.dumps({"method": method, "params": params, "sample": sample}, sort_keys=True)
    return hashlib.sha1(text.encode()).hexdigest()[:10]


@dataclass
class PCABasis:
    mean: np.ndarray          # (d,)
    components: np.ndarray    # (k, d) orthonormal rows, largest variance first
    variance: np.ndarray      # (k,) variance of the data along each component
    total_variance: float     # trace of the covariance: explained ratio = variance / total

    def transform(self, z: np.ndarray, k: int = 2) -> np.ndarray:
        return (np.asarray(z, np.float64) - self.mean) @ self.components[:k].T

    def inverse(self, coords: np.ndarray) -> np.ndarray:
        """The point of the plane (or k-flat) through the mean spanned by the first components."""
        coords = np.asarray(coords, np.float64)
        return self.mean + coords @ self.components[:coords.shape[-1]]


def fit_pca(latents: np.ndarray, k: int = 2, seed: int = 0) -> PCABasis:
    """Top-k principal axes: eigenvectors of the d x d covariance (about 2 ms for 5,000 x 20);
    randomized SVD above 256 dimensions (VQ-VAE grids), where the covariance would cost seconds."""
    x = np.asarray(latents, np.float64)
    if x.ndim != 2 or len(x) < 2:
        raise MapError(f"PCA needs at least 2 latent vectors as an (n, d) array, got shape {x.shape}")
    if not np.isfinite(x).all():
        raise MapError("latents contain NaN or infinite values")
    n, d = x.shape
    want, k = k, min(k, d)
    mean = x.mean(0)
    centred = x - mean
    total = float((centred ** 2).sum() / (n - 1))
    if d <= 256:
        # einsum, not BLAS, for small d: OpenBLAS's threads turned this 0.1 ms product into
        # 150 ms here when the cores were busy
        cov = np.einsum("ni,nj->ij", centred, centred) if d <= 64 else centred.T @ centred
        values, vectors = np.linalg.eigh(cov / (n - 1))
        top = np.argsort(values)[::-1][:k]
        components, variance = vectors[:, top].T, values[top]
    else:
        from sklearn.utils.extmath import randomized_svd
        _, s, components = randomized_svd(centred, k, random_state=seed)
        variance = s ** 2 / (n - 1)
    # a fixed sign per axis (largest loading positive), so a refit does not mirror the map
    signs = np.sign(components[np.arange(k), np.abs(components).argmax(1)])
    components = components * np.where(signs == 0, 1, signs)[:, None]
    if want > k:  # a latent space of fewer dimensions than map axes: the extra axes stay at 0
        components = np.vstack([components, np.zeros((want - k, d))])
        variance = np.concatenate([variance, np.zeros(want - k)])
    return PCABasis(mean, components, np.maximum(variance, 0.0), total)


@dataclass
class Similarity:
    """aligned = scale * coords @ rotation + shift (rotation may include a reflection)."""
    rotation: np.ndarray = field(default_factory=lambda: np.eye(2))
    scale: float = 1.0
    shift: np.ndarray = field(default_factory=lambda: np.zeros(2))

    def apply(self, coords: np.ndarray) -> np.ndarray:
        return self.scale * np.asarray(coords, np.float64) @ self.rotation + self.shift

    def invert(self, coords: np.ndarray) -> np.ndarray:
        return (np.asarray(coords, np.float64) - self.shift) @ self.rotation.T / self.scale

    def then(self, other: "Similarity") -> "Similarity":
        """This transform followed by `other`."""
        return Similarity(self.rotation @ other.rotation, self.scale * other.scale,
                          other.scale * self.shift @ other.rotation + other.shift)


@dataclass
class LatentMap:
    method: str
    params: dict
    coords: np.ndarray                 # (n, 2) float32, one row per latent given to project()
    basis: PCABasis | None = None      # PCA: the exact inverse
    alignment: Similarity = field(default_factory=Similarity)  # applied after the projection
    seconds: float = 0.0               # time the projection took
    fitted: np.ndarray | None = None   # UMAP on a subsample: the rows it was fitted on (the rest transformed)

    @property
    def subsampled(self) -> bool:
        return self.fitted is not None and len(self.fitted) < len(self.coords)

    @property
    def exact(self) -> bool:
        return self.method in EXACT

    def to_map(self, z: np.ndarray) -> np.ndarray:
        """Latents to map coordinates, exact maps only (others: MapLifter.place)."""
        z = np.asarray(z, np.float64)
        if self.method == "raw":
            xy = z
        elif self.method == "pca":
            xy = self.basis.transform(z)
        else:
            raise MapError(f"a {self.method} map has no exact forward map: use MapLifter.place")
        return self.alignment.apply(xy)

    def from_map(self, coords: np.ndarray) -> np.ndarray:
        """Map coordinates to latents, exact maps only (others: MapLifter.lift)."""
        xy = self.alignment.invert(coords)
        if self.method == "raw":
            return xy
        if self.method == "pca":
            return self.basis.inverse(xy)
        raise MapError(f"a {self.method} map has no exact inverse: use MapLifter.lift")

    def aligned_to(self, previous: "LatentMap | np.ndarray", keys: np.ndarray | None = None,
                   previous_keys: np.ndarray | None = None) -> "LatentMap":
        """This map rotated/reflected, scaled and shifted onto `previous` (least squares over the
        points both share), so a recomputed map does not jump. Keys match rows between maps of
        different samples (e.g. split * 2**32 + index); without them rows correspond one to one."""
        prev = previous.coords if isinstance(previous, LatentMap) else np.asarray(previous)
        ours, theirs = _matching_rows(self.coords, prev, keys, previous_keys)
        step = procrustes_alignment(ours, theirs)
        return replace(self, coords=step.apply(self.coords).astype(np.float32),
                       alignment=self.alignment.then(step))


def procrustes_alignment(source: np.ndarray, target: np.ndarray) -> Similarity:
    """The similarity transform taking `source` closest to `target` (orthogonal Procrustes
    with scale, scipy), rows corresponding."""
    from scipy.linalg import orthogonal_procrustes

    a, b = np.asarray(source, np.float64), np.asarray(target, np.float64)
    if a.shape != b.shape or a.ndim != 2 or a.shape[1] != 2:
        raise MapError(f"alignment needs two (n, 2) arrays of equal shape, got {a.shape} and {b.shape}")
    if len(a) < 3:
        raise MapError(f"alignment needs at least 3 shared points, got {len(a)}")
    ma, mb = a.mean(0), b.mean(0)
    ca, cb = a - ma, b - mb
    norm = float((ca ** 2).sum())
    if norm == 0:
        raise MapError("cannot align a map whose points all coincide")
    rotation, singular_sum = orthogonal_procrustes(ca, cb)
    scale = singular_sum / norm
    return Similarity(rotation, scale, mb - scale * ma @ rotation)


def _matching_rows(coords, prev, keys, prev_keys):
    if keys is None or prev_keys is None:
        if len(coords) != len(prev):
            raise MapError(f"maps of {len(coords)} and {len(prev)} points need keys to be aligned")
        return coords, prev
    _, ours, theirs = np.intersect1d(np.asarray(keys), np.asarray(prev_keys), return_indices=True)
    return coords[ours], prev[theirs]


def sample_keys(split: np.ndarray, index: np.ndarray) -> np.ndarray:
    """One int64 per row naming the sample (for alignment between different samples)."""
    return np.asarray(split, np.int64) << 32 | np.asarray(index, np.int64)


def project(latents: np.ndarray, method: str, params: dict | None = None,
            progress: Progress | None = None, strata: np.ndarray | None = None) -> LatentMap:
    """A 2-D map of the latents by `method`; MapError for unusable input. `strata` (one
    label per latent, optional) makes a UMAP's fit subsample keep each label's share."""
    params = map_params(method, params)
    x = np.ascontiguousarray(latents, dtype=np.float32)
    if x.ndim != 2 or len(x) == 0:
        raise MapError(f"latents must be an (n, d) array with n >= 1, got shape {x.shape}")
    if not np.isfinite(x).all():
        raise MapError("latents contain NaN or infinite values")
    report = progress or (lambda fraction, stage: None)
    t0 = time.perf_counter()
    basis = fitted = None
    if method == "raw":
        if x.shape[1] != 2:
            raise MapError(f"a raw map needs a 2-D latent space; this one has {x.shape[1]} dimensions: "
                           f"use pca, umap or tsne")
        coords = x
    elif method == "pca":
        basis = fit_pca(x, k=2)
        coords = basis.transform(x)
    elif method == "umap":
        limit = params.get("fit_limit", UMAP_FIT_LIMIT)
        if limit and len(x) > limit:
            fitted = fit_subsample(len(x), limit, params["seed"], strata)
            coords = _umap_subsampled(x, fitted, params, report)
        else:
            coords = _umap(x, params, report)
    else:
        coords = _tsne(x, params, report)
    report(1.0, "done")
    return LatentMap(method, params, np.ascontiguousarray(coords, np.float32), basis,
                     seconds=time.perf_counter() - t0, fitted=fitted)


def fit_subsample(n: int, size: int, seed: int = 0, strata: np.ndarray | None = None) -> np.ndarray:
    """`size` of n rows, sorted, drawn so that each stratum (label) keeps its share (largest
    remainders take the rows left over); a uniform draw without strata."""
    rng = np.random.default_rng(seed)
    if strata is None or len(strata) != n:
        return np.sort(rng.choice(n, size, replace=False))
    values, inverse, counts = np.unique(np.asarray(strata), return_inverse=True, return_counts=True)
    share = counts * size / n
    take = np.floor(share).astype(int)
    for i in np.argsort(-(share - take))[:size - take.sum()]:
        take[i] += 1
    rows = [rng.choice(np.flatnonzero(inverse == i), k, replace=False) for i, k in enumerate(take) if k]
    return np.sort(np.concatenate(rows))


def _umap_subsampled(x: np.ndarray, fitted: np.ndarray, params: dict, progress: Progress) -> np.ndarray:
    """UMAP fitted on x[fitted], the other rows placed by its transform in chunks: the
    fitted rows keep exactly the fit's coordinates."""
    share = len(fitted) / len(x)

    def fit_progress(fraction: float, stage: str) -> None:
        progress(fraction * share, stage)

    progress(0.0, "neighbours")
    model = umap_model(params, len(fitted), fit_progress)
    coords = np.empty((len(x), 2), np.float32)
    coords[fitted] = model.fit_transform(x[fitted])
    rest = np.setdiff1d(np.arange(len(x)), fitted, assume_unique=True)
    model.tqdm_kwds = {"disable": True}   # its transform's epochs are not the layout's
    for start in range(0, len(rest), TRANSFORM_CHUNK):
        rows = rest[start:start + TRANSFORM_CHUNK]
        coords[rows] = model.transform(x[rows])
        progress(share + (1 - share) * min(1.0, (start + len(rows)) / len(rest)), "placing")
    return coords


def umap_model(params: dict, n: int, progress: Progress | None = None):
    """The umap.UMAP the maps use (seeded: single-threaded, reproducible), reporting its
    layout epochs through `progress` via tqdm's documented `file` and `bar_format`."""
    import umap

    tqdm_kwds = None
    if progress is not None:
        tqdm_kwds = {"disable": False, "file": _EpochSink(progress), "bar_format": "{n}/{total}|",
                     "mininterval": 0.1, "ascii": True}
    return umap.UMAP(n_components=2, n_neighbors=min(params["n_neighbors"], max(2, n - 1)),
                     min_dist=params["min_dist"], random_state=params["seed"], n_jobs=1,
                     force_approximation_algorithm=True, tqdm_kwds=tqdm_kwds)


NEIGHBOURS_SHARE = 0.3  # of a UMAP or t-SNE job's progress bar, before its layout starts


class _EpochSink:
    """A text file for tqdm: reads "n/total|" back as layout progress."""

    def __init__(self, progress: Progress):
        self.progress = progress
        self.stopped = False

    def write(self, text: str) -> None:
        if self.stopped:  # tqdm writes once more as it closes; a cancelled job says nothing more
            return
        for chunk in text.split("|"):
            done, _, total = chunk.strip("\r\n ").rpartition("/")
            if done.isdigit() and total.isdigit() and int(total) > 0:
                frac = int(done) / int(total)
                try:
                    self.progress(NEIGHBOURS_SHARE + (1 - NEIGHBOURS_SHARE) * frac, "layout")
                except BaseException:
                    self.stopped = True
                    raise

    def flush(self) -> None:
        pass


def _umap(x: np.ndarray, params: dict, progress: Progress) -> np.ndarray:
    if len(x) < 4:
        raise MapError(Said(QT_TR_NOOP("umap needs at least 4 points, got {n}"), n=len(x)))
    progress(0.0, "neighbours")
    return umap_model(params, len(x), progress).fit_transform(x)


def _tsne(x: np.ndarray, params: dict, progress: Progress) -> np.ndarray:
    from openTSNE import TSNE

    n = len(x)
    if n < 4:
        raise MapError(Said(QT_TR_NOOP("tsne needs at least 4 points, got {n}"), n=n))
    perplexity = min(params["perplexity"], (n - 1) / 3)
    early, late = 250, 500
    phase = {"offset": 0, "last": 0}

    def callback(iteration, error, embedding):
        if iteration < phase["last"]:  # the optimiser's counter restarts after early exaggeration
            phase["offset"] = early
        phase["last"] = iteration
        frac = min(1.0, (phase["offset"] + iteration) / (early + late))
        progress(NEIGHBOURS_SHARE + (1 - NEIGHBOURS_SHARE) * frac, "layout")
        return False

    progress(0.0, "neighbours")
    tsne = TSNE(n_components=2, perplexity=perplexity, early_exaggeration_iter=early, n_iter=late,
                random_state=params["seed"], callbacks=callback, callbacks_every_iters=25, n_jobs=1)
    return np.asarray(tsne.fit(x))
