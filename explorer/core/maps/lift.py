"""The way back from a map to latent space, and from a latent to the map.

Lifting goes from the map back to latent space (`MapLifter`): exact for raw
and PCA; for UMAP and t-SNE barycentric interpolation of the data latents on
a Delaunay triangulation of the mapped points inside their hull, inverse-
distance weights of the k nearest outside it. umap-learn's inverse_transform
takes seconds per call and is never used.
"""
from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from .projection import LatentMap, MapError


@dataclass
class Lifted:
    z: np.ndarray            # (d,) the latent at the map point
    off_manifold: float      # distance to the nearest mapped point / the local spacing there (the
                             # nearest-neighbour gap expected at the density around that point):
                             # ~0 on the data, ~1 between neighbours, > FAR_FROM_DATA (3) far from it
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

    Off-manifold cue: the distance from a map point to the nearest mapped data point, in
    units of the local spacing of the data at that point: the nearest-neighbour gap expected
    at the density around that data point, estimated from its distance to its `local_k`-th
    nearest neighbour (for points scattered at random with density rho, the mean k-th
    neighbour distance is Gamma(k + 1/2) / (Gamma(k) sqrt(pi rho)) and the mean nearest-
    neighbour gap 1 / (2 sqrt(rho)); their ratio turns the one into the other). Computed
    once for every point at construction (one k-d tree query, ~0.1 s for 70,000 points).
    So a dense cluster and a sparse one each read on their own scale: about 0 on the data,
    about 1 between neighbouring points, whatever the density; above ~3 (FAR_FROM_DATA)
    the point lies in a gap several times wider than the data around it, where the decoder
    is extrapolating. `spacing` stays the global median nearest-neighbour gap (a length
    scale for the whole map); `off_manifold_at` gives the cue for any map point.
    """

    FAR_FROM_DATA = 3.0

    def __init__(self, latent_map: LatentMap, latents: np.ndarray, k: int = 8, power: float = 2.0,
                 local_k: int = 8):
        from scipy.spatial import cKDTree

        self.map = latent_map
        self.latents = np.asarray(latents, np.float64)
        self.coords = np.asarray(latent_map.coords, np.float64)
        if self.latents.ndim != 2 or len(self.latents) != len(self.coords) or len(self.coords) == 0:
            raise MapError(f"{len(self.coords)} map points but latents of shape {self.latents.shape}")
        self.k, self.power = min(k, len(self.coords)), power
        self.tree = cKDTree(self.coords)
        n = len(self.coords)
        self.local_k = max(1, min(local_k, n - 1))
        # column 0 is each point itself, 1 its nearest neighbour, local_k its local_k-th
        nn_dist, _ = self.tree.query(self.coords, k=[1, 2, self.local_k + 1]) if n > 1 else (np.zeros((n, 3)), None)
        gaps = nn_dist[:, 1]
        gaps = gaps[gaps > 0]
        extent = float(np.ptp(self.coords, axis=0).max()) if n > 1 else 0.0
        self.spacing = float(np.median(gaps)) if len(gaps) else (extent or 1.0)
        self.local_spacing = _local_spacing(nn_dist[:, 2], self.local_k, self.spacing)
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
        off = float(dist) / self.local_spacing[nearest]
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
            dist, rows = self.tree.query(pts)
            return self.map.from_map(pts), dist / self.local_spacing[rows]
        lifted = [self.lift(p) for p in pts]
        return (np.array([item.z for item in lifted]).reshape(len(pts), -1),
                np.array([item.off_manifold for item in lifted]))

    def off_manifold_at(self, xy) -> float:
        """The off-manifold cue at map point `xy` (as `Lifted.off_manifold`): its distance to
        the nearest mapped point over the local spacing there. For a latent placed on the map:
        `lifter.off_manifold_at(lifter.place(z)[0])`."""
        dist, nearest = self.tree.query(np.asarray(xy, np.float64).reshape(2))
        return float(dist) / float(self.local_spacing[int(nearest)])

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


def _local_spacing(kth: np.ndarray, k: int, fallback: float) -> np.ndarray:
    """Per point, the nearest-neighbour gap expected at the density its k-th neighbour
    distance `kth` implies (random points: mean k-th distance / mean nearest gap =
    Gamma(k + 1/2) / (Gamma(k) Gamma(3/2))). Where `kth` is 0 (more than k copies of one
    point) or not finite, `fallback` (the global spacing)."""
    ratio = math.exp(math.lgamma(k + 0.5) - math.lgamma(k) - math.lgamma(1.5))
    local = np.asarray(kth, np.float64) / ratio
    return np.where(np.isfinite(local) & (local > 0), local, fallback)


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
