"""An input's posterior on the latent map: where an encoded drawing lands, and for a VAE the
spread of q(z|x) = N(mu, diag(sigma^2)) drawn as an ellipse on the map.

Qt-free. The ellipse is the 1-sigma contour of a 2-D Gaussian in map coordinates:
- raw and PCA maps are linear (map = A z + b, then a similarity), so the posterior's image is
  exactly Gaussian, with covariance J diag(sigma^2) J^T where J is the map's Jacobian (its
  columns: the images of the latent axes, exact for a linear map);
- UMAP and t-SNE have no formula: N samples z = mu + sigma * eps are placed on the map the
  way any latent is (MapLifter.place, the weighted mean of the k nearest data points' map
  positions), and the ellipse is the Gaussian fitted to where they land.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from models import POSTERIOR
from models.nets import eval_mode


@dataclass(frozen=True)
class Posterior:
    mu: np.ndarray                 # (d,) the encoding (a VAE's posterior mean; an AE's code)
    sigma: np.ndarray | None       # (d,) a VAE's posterior std; None for a point encoding


@dataclass(frozen=True)
class MapEllipse:
    center: np.ndarray             # (2,) map coordinates of the mean
    cov: np.ndarray                # (2, 2) covariance in map coordinates
    exact: bool                    # True: the linear map's exact image; False: fitted to samples

    @property
    def axes(self) -> tuple[np.ndarray, np.ndarray]:
        """(half-lengths (2,), unit directions (2, 2) as columns) of the 1-sigma ellipse."""
        vals, vecs = np.linalg.eigh(self.cov)
        return np.sqrt(np.clip(vals, 0.0, None)), vecs

    def outline(self, n: int = 64, scale: float = 1.0) -> np.ndarray:
        """(n + 1, 2) points of the `scale`-sigma contour, closed."""
        lengths, vecs = self.axes
        t = np.linspace(0.0, 2.0 * np.pi, n + 1)
        circle = np.stack([np.cos(t), np.sin(t)], 1) * (scale * lengths)
        return self.center + circle @ vecs.T


def encode_posterior(model, x, y=None) -> Posterior:
    """One input (C, H, W) or (D,) tensor through the model's encoder."""
    import torch

    with torch.no_grad(), eval_mode(model):   # as the map's points were encoded (encode_data)
        batch = torch.as_tensor(x).unsqueeze(0).to(model.device, torch.float32)
        cond = None if y is None else torch.as_tensor([int(y)], device=model.device)
        enc = model.encode(batch, cond)
    mu = enc.z[0].detach().cpu().double().numpy()
    if POSTERIOR in model.capabilities and enc.logvar is not None:
        if enc.mu is not None:
            mu = enc.mu[0].detach().cpu().double().numpy()
        sigma = np.exp(0.5 * enc.logvar[0].detach().cpu().double().numpy())
        return Posterior(mu, sigma)
    return Posterior(mu, None)


def map_ellipse(lifter, post: Posterior, n_samples: int = 256, seed: int = 0) -> MapEllipse | None:
    """The posterior's 1-sigma ellipse on the lifter's map; None for a point encoding."""
    if post.sigma is None:
        return None
    mu, sigma = np.asarray(post.mu, np.float64), np.asarray(post.sigma, np.float64)
    if lifter.map.exact:
        center = lifter.map.to_map(mu[None])[0].astype(np.float64)
        basis = np.eye(len(mu))
        jac = (lifter.map.to_map(mu[None] + basis).astype(np.float64) - center).T   # (2, d)
        cov = (jac * sigma ** 2) @ jac.T
        return MapEllipse(center, cov, exact=True)
    rng = np.random.default_rng(seed)
    z = mu + sigma * rng.standard_normal((n_samples, len(mu)))
    placed = np.asarray(lifter.place(z), np.float64)
    return MapEllipse(placed.mean(0), np.cov(placed, rowvar=False), exact=False)
