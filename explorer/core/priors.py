"""Priors to sample latents from: the model's own N(0, I), or a Gaussian mixture
fitted on training latents, which also gives plain autoencoders a way to sample."""
from __future__ import annotations

import numpy as np
import torch

from models import CONDITIONAL, DISCRETE, ENCODE, GENERATE

from .datasets import load_dataset


class GaussianMixturePrior:
    def __init__(self, latents: np.ndarray, k: int = 10, seed: int = 0):
        from sklearn.mixture import GaussianMixture

        k = max(1, min(k, len(latents)))
        self.gmm = GaussianMixture(k, covariance_type="full", random_state=seed, reg_covar=1e-4)
        self.gmm.fit(np.asarray(latents, np.float64))

    @property
    def means(self) -> np.ndarray:
        return self.gmm.means_

    def sample(self, n: int, seed: int = 0) -> np.ndarray:
        rng = np.random.default_rng(seed)
        comp = rng.choice(len(self.gmm.weights_), size=n, p=self.gmm.weights_)
        chol = np.linalg.cholesky(self.gmm.covariances_)
        eps = rng.standard_normal((n, self.gmm.means_.shape[1]))
        return self.gmm.means_[comp] + np.einsum("nij,nj->ni", chol[comp], eps)


@torch.no_grad()
def encode_all(model, x: torch.Tensor, y: torch.Tensor | None = None, batch: int = 500) -> torch.Tensor:
    out = []
    for i in range(0, len(x), batch):
        yb = None if y is None else y[i:i + batch].to(model.device)
        out.append(model.encode(x[i:i + batch].to(model.device), yb).z.cpu())
    return torch.cat(out)


@torch.no_grad()
def sample_model(run, n: int, seed: int = 0, label: int | None = None, gmm_k: int = 10):
    """(samples, note): from the model's prior, or from a mixture fitted on its latents."""
    model = run.model
    caps = model.capabilities
    if label is not None and CONDITIONAL not in caps:
        raise ValueError(f"{run.model_cfg.model} is not conditional: --label does not apply")
    if label is not None and not 0 <= label < run.model_cfg.n_classes:
        raise ValueError(f"--label must be in 0..{run.model_cfg.n_classes - 1}")
    g = torch.Generator(device=model.device).manual_seed(seed)
    if GENERATE in caps and DISCRETE not in caps:
        return model.generate(n, condition=label, generator=g), ""
    if DISCRETE in caps:
        return model.generate(n, generator=g), "codes drawn uniformly: train a PixelCNN prior for realistic samples"
    if ENCODE in caps:
        tc = run.train_cfg
        data = load_dataset(tc.dataset, tc.data_dir, False, tc.image_size)
        prior = GaussianMixturePrior(encode_all(model, data.train_x).numpy(), gmm_k, seed)
        z = torch.as_tensor(prior.sample(n, seed), dtype=torch.float32, device=model.device)
        return model.decode(z), f"latents from a {gmm_k}-component Gaussian mixture fitted on the training latents"
    raise ValueError(f"{run.model_cfg.model} cannot generate samples")
