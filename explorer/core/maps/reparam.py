"""The reparameterisation trick, made visible: z = mu + sigma * eps with eps ~ N(0, I).

Qt-free. For a VAE's posterior q(z|x) = N(mu, diag(sigma^2)) the samples form a cloud around
mu whose spread per dimension is sigma; for a plain autoencoder (no sigma) every "sample" is
the code itself, one point: what the Reparameterise dock shows side by side.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from explorer.core.maps.posterior import Posterior


@dataclass(frozen=True)
class Reparameterised:
    eps: np.ndarray          # (n, d) the standard normal draws (zeros for a point encoding)
    z: np.ndarray            # (n, d) mu + sigma * eps
    kl: np.ndarray | None    # (d,) KL(q(z_i|x) || N(0, 1)) per dimension, nats; None without sigma
    order: np.ndarray        # dimensions by decreasing KL (by |mu| without sigma)


def kl_per_dim(mu: np.ndarray, sigma: np.ndarray) -> np.ndarray:
    """KL(N(mu, sigma^2) || N(0, 1)) of each dimension (Kingma & Welling 2014, Appendix B)."""
    mu, sigma = np.asarray(mu, np.float64), np.asarray(sigma, np.float64)
    return 0.5 * (mu ** 2 + sigma ** 2 - 1.0 - 2.0 * np.log(sigma))


def reparameterise(post: Posterior, n: int = 16, seed: int = 0) -> Reparameterised:
    """n samples z = mu + sigma * eps of the posterior (eps drawn with `seed`)."""
    mu = np.asarray(post.mu, np.float64)
    d = len(mu)
    if post.sigma is None:
        eps = np.zeros((n, d))
        return Reparameterised(eps, np.repeat(mu[None], n, 0), None, np.argsort(-np.abs(mu), kind="stable"))
    sigma = np.asarray(post.sigma, np.float64)
    eps = np.random.default_rng(seed).standard_normal((n, d))
    kl = kl_per_dim(mu, sigma)
    return Reparameterised(eps, mu + sigma * eps, kl, np.argsort(-kl, kind="stable"))
