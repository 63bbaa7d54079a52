"""2-D maps of latents: projections, their cache, alignment, and the way back (lifting).

Methods, with what each costs here (5,000 latents of dimension 20, 2 cores):
  raw   the latents themselves; only for a 2-D latent space
  pca   about 1 ms (the d x d covariance's eigenvectors); exact inverse
  umap  umap-learn: ~4 s once numba has compiled, 60-70 s in a fresh process
        (see map_service for a process that pays that at launch)
  tsne  openTSNE (FFT-accelerated): tens of seconds

`project` calls `progress(fraction, stage)` where the library allows; an
exception raised from the callback aborts the projection (cancellation).

Lifting goes from the map back to latent space (`MapLifter`): exact for raw
and PCA; for UMAP and t-SNE barycentric interpolation of the data latents on
a Delaunay triangulation of the mapped points inside their hull, inverse-
distance weights of the k nearest outside it. umap-learn's inverse_transform
takes seconds per call and is never used.
"""
from __future__ import annotations

import hashlib
import io
import json
import logging
import math
import time
import zipfile
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Callable

import numpy as np

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
MAPS_DIR = "maps"
Progress = Callable[[float, str], None]


class MapError(Exception):
    """A map that cannot be made or read; the message is one line."""


# -- parameters ------------------------------------------------------------------------

def map_params(method: str, params: dict | None = None) -> dict:
    """The method's defaults updated with `params`; MapError for unknown names or bad values."""
    if method not in METHODS:
        raise MapError(f"unknown map method {method!r}; valid: {', '.join(METHODS)}")
    out = dict(DEFAULT_PARAMS[method])
    unknown = set(params or {}) - set(out)
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
    if method == "tsne":
        if not float(out["perplexity"]) > 0:
            raise MapError(f"tsne perplexity must be positive, got {out['perplexity']}")
        out.update(perplexity=float(out["perplexity"]), seed=int(out["seed"]))
    return out


def params_digest(method: str, params: dict, sample: str = "") -> str:
    text = json.dumps({"method": method, "params": params, "sample": sample}, sort_keys=True)
    return hashlib.sha1(text.encode()).hexdigest()[:10]


# -- the map and its exact parts ---------------------------------------------------------

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


# -- projecting --------------------------------------------------------------------------

def project(latents: np.ndarray, method: str, params: dict | None = None,
            progress: Progress | None = None) -> LatentMap:
    """A 2-D map of the latents by `method`; MapError for unusable input."""
    params = map_params(method, params)
    x = np.ascontiguousarray(latents, dtype=np.float32)
    if x.ndim != 2 or len(x) == 0:
        raise MapError(f"latents must be an (n, d) array with n >= 1, got shape {x.shape}")
    if not np.isfinite(x).all():
        raise MapError("latents contain NaN or infinite values")
    report = progress or (lambda fraction, stage: None)
    t0 = time.perf_counter()
    basis = None
    if method == "raw":
        if x.shape[1] != 2:
            raise MapError(f"a raw map needs a 2-D latent space; this one has {x.shape[1]} dimensions: "
                           f"use pca, umap or tsne")
        coords = x
    elif method == "pca":
        basis = fit_pca(x, k=2)
        coords = basis.transform(x)
    elif method == "umap":
        coords = _umap(x, params, report)
    else:
        coords = _tsne(x, params, report)
    report(1.0, "done")
    return LatentMap(method, params, np.ascontiguousarray(coords, np.float32), basis,
                     seconds=time.perf_counter() - t0)


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
        raise MapError(f"umap needs at least 4 points, got {len(x)}")
    progress(0.0, "neighbours")
    return umap_model(params, len(x), progress).fit_transform(x)


def _tsne(x: np.ndarray, params: dict, progress: Progress) -> np.ndarray:
    from openTSNE import TSNE

    n = len(x)
    if n < 4:
        raise MapError(f"tsne needs at least 4 points, got {n}")
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


# -- lifting: map -> latent, and placing: latent -> map -------------------------------------

@dataclass
class Lifted:
    z: np.ndarray            # (d,) the latent at the map point
    off_manifold: float      # distance to the nearest mapped point / median nearest-neighbour spacing
    nearest: int             # row of the nearest mapped point
    how: str                 # "exact" | "barycentric" | "nearest-weights"


class MapLifter:
    """Translates between a map and latent space; build once per map, then each call takes
    tens of microseconds.

    Build cost: a k-d tree of the map points (~2 ms for 5,000) and, for UMAP/t-SNE, their
    Delaunay triangulation (qhull, ~15 ms for 5,000, ~0.2 s for 70,000) with each
    triangle's barycentric transform (numpy, ~1 ms): build it off the GUI thread for large maps.

    A point is located by walking the triangulation from a triangle at its nearest data
    point (scipy's find_simplex is not used: its first call computes every triangle's
    transform through LAPACK, measured here at 0.06 s to 9 s when the cores are busy).
    No call on the lift path goes through BLAS, whose threads stall the same way.

    Off-manifold cue: the distance from a map point to the nearest mapped data point,
    in units of the median distance between a mapped point and its nearest neighbour.
    About 0 on the data, about 1 where points are as dense as usual; above ~3 the decoder
    is being asked about a region with no data nearby (FAR_FROM_DATA).
    """

    FAR_FROM_DATA = 3.0

    def __init__(self, latent_map: LatentMap, latents: np.ndarray, k: int = 8, power: float = 2.0):
        from scipy.spatial import cKDTree

        self.map = latent_map
        self.latents = np.asarray(latents, np.float64)
        self.coords = np.asarray(latent_map.coords, np.float64)
        if self.latents.ndim != 2 or len(self.latents) != len(self.coords) or len(self.coords) == 0:
            raise MapError(f"{len(self.coords)} map points but latents of shape {self.latents.shape}")
        self.k, self.power = min(k, len(self.coords)), power
        self.tree = cKDTree(self.coords)
        nn_dist, _ = self.tree.query(self.coords, k=min(2, len(self.coords)))
        gaps = nn_dist[:, -1] if nn_dist.ndim == 2 else np.zeros(0)
        gaps = gaps[gaps > 0]
        extent = float(np.ptp(self.coords, axis=0).max()) if len(self.coords) > 1 else 0.0
        self.spacing = float(np.median(gaps)) if len(gaps) else (extent or 1.0)
        self.triangulation = None if latent_map.exact else _delaunay(self.coords)
        if self.triangulation is not None:
            self._origin, self._inverse = _barycentric_transforms(self.coords[self.triangulation.simplices])
            self._start = self.triangulation.vertex_to_simplex
            self._max_walk = 4 * int(math.sqrt(len(self.triangulation.simplices))) + 16
        self._latent_sq = None

    def lift(self, point) -> Lifted:
        p = np.asarray(point, np.float64).reshape(2)
        dist, nearest = self.tree.query(p)
        nearest = int(nearest)
        off = float(dist) / self.spacing
        if self.map.exact:
            return Lifted(self.map.from_map(p), off, nearest, "exact")
        if self.triangulation is not None:
            found = self._locate(p, nearest)
            if found is not None:
                simplex, weights = found
                verts = self.triangulation.simplices[simplex]
                z = (weights[:, None] * self.latents[verts]).sum(0)
                return Lifted(z, off, nearest, "barycentric")
        return Lifted(self._idw(p), off, nearest, "nearest-weights")

    def lift_many(self, points) -> tuple[np.ndarray, np.ndarray]:
        """(latents (m, d), off-manifold (m,)) for many map points (e.g. a drawn path)."""
        pts = np.asarray(points, np.float64).reshape(-1, 2)
        if self.map.exact:
            dist, _ = self.tree.query(pts)
            return self.map.from_map(pts), dist / self.spacing
        lifted = [self.lift(p) for p in pts]
        return (np.array([item.z for item in lifted]).reshape(len(pts), -1),
                np.array([item.off_manifold for item in lifted]))

    def place(self, z, k: int | None = None) -> np.ndarray:
        """Latents to map coordinates: exact for raw and PCA; for UMAP and t-SNE the inverse-
        distance-weighted mean of the map positions of the k nearest data latents (a latent
        equal to a data latent lands on its point). Used for GMM component means, path
        waypoints and denoising arrows; umap's own transform would need the fitted model,
        which lives in the map service, and costs a numba compile."""
        z = np.atleast_2d(np.asarray(z, np.float64))
        if z.shape[1] != self.latents.shape[1]:
            raise MapError(f"latents of dimension {z.shape[1]} do not fit this map's {self.latents.shape[1]}")
        if self.map.exact:
            return self.map.to_map(z)
        if self._latent_sq is None:
            self._latent_sq = np.einsum("nd,nd->n", self.latents, self.latents)
        k = min(k or self.k, len(self.latents))
        cross = np.einsum("md,nd->mn", z, self.latents)
        d2 = np.maximum(self._latent_sq[None] - 2 * cross + np.einsum("md,md->m", z, z)[:, None], 0)
        nearest = np.argpartition(d2, k - 1, axis=1)[:, :k]
        out = np.empty((len(z), 2))
        for i, rows in enumerate(nearest):
            out[i] = _weighted_mean(np.sqrt(d2[i, rows]), self.coords[rows], self.power)
        return out

    def _locate(self, p: np.ndarray, nearest: int):
        """(triangle, barycentric weights) containing p, or None outside the hull: a
        visibility walk, which terminates on a Delaunay triangulation."""
        simplex = int(self._start[nearest])
        if simplex < 0:  # a duplicate point qhull left out of the triangulation
            simplex = 0
        neighbours = self.triangulation.neighbors
        for _ in range(self._max_walk):
            d = p - self._origin[simplex]
            inv = self._inverse[simplex]
            wb = inv[0, 0] * d[0] + inv[0, 1] * d[1]
            wc = inv[1, 0] * d[0] + inv[1, 1] * d[1]
            if wb != wb:  # NaN: a zero-area triangle cannot say where p is
                return None
            weights = np.array([1.0 - wb - wc, wb, wc])
            worst = int(weights.argmin())
            if weights[worst] >= -1e-9:
                return simplex, weights
            simplex = int(neighbours[simplex, worst])  # across the edge opposite that vertex
            if simplex < 0:
                return None
        return None

    def _idw(self, p: np.ndarray) -> np.ndarray:
        dist, rows = self.tree.query(p, k=self.k)
        dist, rows = np.atleast_1d(dist), np.atleast_1d(rows)
        return _weighted_mean(dist, self.latents[rows], self.power)


def _delaunay(coords: np.ndarray):
    from scipy.spatial import Delaunay, QhullError

    if len(coords) < 3:
        return None
    try:
        tri = Delaunay(coords)
    except QhullError:  # all points on a line: the k-nearest weights serve everywhere
        return None
    return tri if len(tri.simplices) else None


def _barycentric_transforms(triangles: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Per triangle (a, b, c): a, and the inverse of [b - a, c - a] (columns), so that the
    weights of b and c at p are inverse @ (p - a). Degenerate (zero-area) triangles get NaN."""
    a, b, c = triangles[:, 0], triangles[:, 1], triangles[:, 2]
    m00, m01 = b[:, 0] - a[:, 0], c[:, 0] - a[:, 0]
    m10, m11 = b[:, 1] - a[:, 1], c[:, 1] - a[:, 1]
    det = m00 * m11 - m01 * m10
    scale = np.maximum(np.abs(np.stack([m00, m01, m10, m11])).max(0), 1e-300)
    ok = np.abs(det) > 1e-12 * scale ** 2
    safe = np.where(ok, det, 1.0)
    inverse = np.stack([np.stack([m11, -m01], -1), np.stack([-m10, m00], -1)], -2) / safe[:, None, None]
    inverse[~ok] = np.nan
    return a.copy(), inverse


def _weighted_mean(dist: np.ndarray, values: np.ndarray, power: float) -> np.ndarray:
    if dist.min() <= 1e-12:
        return values[int(dist.argmin())].copy()
    w = 1.0 / dist ** power
    return ((w / w.sum())[:, None] * values).sum(0)


# -- cache in the run directory -----------------------------------------------------------

class MapCache:
    """<run>/maps/step<step>-<method>-<digest of settings and sample>.npz, written atomically,
    read with allow_pickle=False. A file whose latents differ from the ones given (other
    weights, another device's rounding) counts as absent."""

    def __init__(self, run_dir):
        self.dir = Path(run_dir) / MAPS_DIR

    def path(self, step: int, method: str, params: dict | None, sample: str) -> Path:
        params = map_params(method, params)
        return self.dir / f"step{int(step)}-{method}-{params_digest(method, params, sample)}.npz"

    def load(self, encoded, method: str, params: dict | None = None) -> LatentMap | None:
        path = self.path(encoded.step, method, params, encoded.sample_digest())
        if not path.exists():
            return None
        try:
            latent_map, digest = read_map(path)
        except MapError as e:
            log.warning("ignoring cached map: %s", e)
            return None
        if digest != encoded.latents_digest() or len(latent_map.coords) != len(encoded):
            return None
        return latent_map

    def save(self, encoded, latent_map: LatentMap) -> Path:
        path = self.path(encoded.step, latent_map.method, latent_map.params, encoded.sample_digest())
        write_map(path, latent_map, encoded.latents_digest(), encoded.step)
        return path


def write_map(path, latent_map: LatentMap, latents_digest: str = "", step: int = 0) -> None:
    from .runs import atomic_write_bytes

    arrays = {
        "coords": latent_map.coords.astype(np.float32),
        "method": np.array(latent_map.method),
        "params": np.array(json.dumps(latent_map.params, sort_keys=True)),
        "latents_digest": np.array(latents_digest),
        "step": np.array(int(step), np.int64),
        "seconds": np.array(latent_map.seconds, np.float64),
        "align_rotation": latent_map.alignment.rotation,
        "align_scale": np.array(latent_map.alignment.scale, np.float64),
        "align_shift": latent_map.alignment.shift,
    }
    if latent_map.basis is not None:
        b = latent_map.basis
        arrays.update(pca_mean=b.mean, pca_components=b.components, pca_variance=b.variance,
                      pca_total_variance=np.array(b.total_variance))
    buf = io.BytesIO()
    np.savez(buf, **arrays)
    atomic_write_bytes(Path(path), buf.getvalue(), durable=False)


def read_map(path) -> tuple[LatentMap, str]:
    """(map, digest of the latents it was made from); MapError for a missing or bad file."""
    path = Path(path)
    try:
        with np.load(path, allow_pickle=False) as f:
            a = {k: f[k] for k in f.files}
        method = str(a["method"])
        if method not in METHODS:
            raise MapError(f"{path}: unknown map method {method!r}")
        coords = a["coords"]
        if coords.ndim != 2 or coords.shape[1] != 2 or not np.isfinite(coords).all():
            raise MapError(f"{path}: coordinates are not a finite (n, 2) array")
        basis = None
        if "pca_mean" in a:
            basis = PCABasis(a["pca_mean"], a["pca_components"], a["pca_variance"],
                             float(a["pca_total_variance"]))
        alignment = Similarity(a["align_rotation"].reshape(2, 2), float(a["align_scale"]),
                               a["align_shift"].reshape(2))
        latent_map = LatentMap(method, json.loads(str(a["params"])), coords.astype(np.float32), basis,
                               alignment, float(a["seconds"]))
        return latent_map, str(a["latents_digest"])
    except MapError:
        raise
    except FileNotFoundError as e:
        raise MapError(f"{path}: missing") from e
    except (OSError, ValueError, KeyError, TypeError, EOFError, zipfile.BadZipFile) as e:  # np.load's, for bad files
        first = (str(e).strip().splitlines() or [type(e).__name__])[0]
        raise MapError(f"{path}: unreadable map file ({first[:160]})") from e


def write_embedding(path, encoded, latent_map: LatentMap) -> None:
    """The `embed` command's file: latents, 2-D coordinates, labels and where each came from."""
    from .runs import atomic_write_bytes

    arrays = {"latents": encoded.latents, "coords": latent_map.coords, "labels": encoded.labels,
              "split": encoded.split, "index": encoded.index, "recon_error": encoded.recon_error,
              "label_names": np.array([str(n) for n in encoded.label_names]),
              "method": np.array(latent_map.method),
              "params": np.array(json.dumps(latent_map.params, sort_keys=True)),
              "step": np.array(encoded.step, np.int64)}
    if encoded.kl is not None:
        arrays["kl"] = encoded.kl
    if encoded.codes is not None:
        arrays["codes"] = encoded.codes
    for name, values in encoded.factors.items():
        arrays[f"factor_{name}"] = values
    buf = io.BytesIO()
    np.savez(buf, **arrays)
    atomic_write_bytes(Path(path), buf.getvalue(), durable=False)
