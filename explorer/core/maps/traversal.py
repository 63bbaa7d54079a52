"""Directions for traversal sliders: latent axes (VAEs ordered by KL) or principal axes.

A slider j moves a latent along one unit direction v_j; its value is the
coordinate (z - origin) . v_j, so moving it changes nothing else about z, and
"reset" is just reading the coordinates of the selected point again.

- Axes (`axis_directions`): one slider per latent dimension. For VAEs they are
  ordered by the mean KL of that dimension over the data, largest first, and
  marked active by Burda et al.'s criterion, Var_x(E_q[z_u|x]) > 0.01 (the
  test the training panel's "active units" count uses); an inactive unit's KL
  is near 0 nats and the decoder ignores it. Plain autoencoders: ordered by the
  variance of each dimension, all active.
- Principal axes (`pca_directions`): the latents' top principal components, in
  order of explained variance; the alternative for any encoder, and the only
  sensible one for a VQ-VAE's flattened grid.

Slider ranges: the data's mean coordinate +- 3 standard deviations along the
direction, widened to +-3 around 0 for a VAE's axes (the prior's N(0, 1)), so
an inactive unit can still be dragged across the prior's range to show that
nothing changes.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from explorer.core.maps.projection import fit_pca
from explorer.core.maps.encoding import ACTIVE_VARIANCE, EncodedData

RANGE_STD = 3.0


@dataclass
class Directions:
    kind: str                 # "axes" | "pca"
    vectors: np.ndarray       # (m, d) orthonormal rows, in slider order
    origin: np.ndarray        # (d,) coordinates are measured from here
    names: list               # slider labels, e.g. "z7" or "PC1"
    scores: np.ndarray        # (m,) mean KL in nats (VAE axes), variance (AE axes), explained ratio (PCA)
    active: np.ndarray        # (m,) bool
    ranges: np.ndarray        # (m, 2) slider minimum and maximum
    dims: np.ndarray | None = None  # axes: which latent dimension each slider moves

    def __len__(self) -> int:
        return len(self.vectors)

    def coordinates(self, z) -> np.ndarray:
        """Slider values of a latent (m,), or of many (n, m)."""
        return (np.asarray(z, np.float64) - self.origin) @ self.vectors.T

    def with_value(self, z, j: int, value: float) -> np.ndarray:
        """z moved along direction j until its slider reads `value`."""
        z = np.asarray(z, np.float64)
        return z + (value - self.coordinates(z)[j]) * self.vectors[j]

    def sweep(self, z, j: int, n: int = 9) -> np.ndarray:
        """(n, d) latents from z with slider j swept over its range (a traversal row)."""
        lo, hi = self.ranges[j]
        return np.stack([self.with_value(z, j, v) for v in np.linspace(lo, hi, n)])


def axis_directions(encoded: EncodedData) -> Directions:
    z = encoded.latents.astype(np.float64)
    d = z.shape[1]
    mean, std = z.mean(0), z.std(0)
    if encoded.kl_per_dim is not None:
        scores = encoded.kl_per_dim.astype(np.float64)
        active = encoded.mu_variance > ACTIVE_VARIANCE
        half = RANGE_STD * np.maximum(std, 1.0)
        centre = np.zeros(d)
        label = lambda j: f"z{j} (KL {scores[j]:.2f})"
    else:
        scores = z.var(0)
        active = np.ones(d, bool)
        half = RANGE_STD * np.where(std > 0, std, 1.0)
        centre = mean
        label = lambda j: f"z{j}"
    order = np.argsort(-scores, kind="stable")
    ranges = np.column_stack([centre - half, centre + half])[order]
    return Directions("axes", np.eye(d)[order], np.zeros(d), [label(j) for j in order], scores[order],
                      active[order], ranges, dims=order)


def pca_directions(encoded_or_latents, k: int = 10) -> Directions:
    z = getattr(encoded_or_latents, "latents", encoded_or_latents)
    z = np.asarray(z, np.float64)
    k = max(1, min(k, z.shape[1], len(z) - 1))
    basis = fit_pca(z, k=k)
    std = np.sqrt(basis.variance)
    half = RANGE_STD * np.where(std > 0, std, 1.0)
    ratio = basis.variance / basis.total_variance if basis.total_variance > 0 else np.zeros(k)
    names = [f"PC{i + 1} ({100 * r:.0f}%)" for i, r in enumerate(ratio)]
    # coordinates along principal axes average 0 over the data: the range is centred there
    return Directions("pca", basis.components, basis.mean, names, ratio, np.ones(k, bool),
                      np.column_stack([-half, half]))
