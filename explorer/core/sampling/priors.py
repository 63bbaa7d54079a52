"""Priors to sample latents from: the model's own N(0, I), or a Gaussian mixture
fitted on training latents, which also gives plain autoencoders a way to sample."""
from __future__ import annotations

import numpy as np
import torch
from threadpoolctl import threadpool_limits

from models import CONDITIONAL, DISCRETE, ENCODE, GENERATE

from explorer.core.data.datasets import load_dataset


class GaussianMixturePrior:
    """A k-component, full-covariance Gaussian mixture fitted on training latents (sklearn).

    Fitting 5,000 latents of dimension 20 with k = 10 takes about half a second: off the
    GUI thread. Sampling and `component_of` are fast. It needs nothing from the model, so it
    serves plain autoencoders (which have no prior) as well as VAEs and VQ-VAEs (whose
    decode quantises whatever it is given). To mark the components on a map, place
    `means` with latent_map.MapLifter.place.
    """

    def __init__(self, latents: np.ndarray, k: int = 10, seed: int = 0):
        from sklearn.mixture import GaussianMixture

        latents = np.asarray(latents, np.float64)
        if latents.ndim != 2 or len(latents) < 2:
            raise ValueError(f"a mixture needs at least 2 latent vectors as an (n, d) array, got shape {latents.shape}")
        if not np.isfinite(latents).all():
            raise ValueError("latents contain NaN or infinite values")
        if isinstance(k, bool) or int(k) != k or k < 1:
            raise ValueError(f"the number of mixture components must be a whole number >= 1, got {k}")
        k = max(1, min(int(k), len(latents)))
        self.gmm = GaussianMixture(k, covariance_type="full", random_state=seed, reg_covar=1e-4)
        # EM makes thousands of small BLAS calls; with OpenBLAS's threads on two busy cores
        # the k = 10 fit of 5,000 x 20 latents took 30-45 s here, single-threaded 0.3-0.5 s
        with threadpool_limits(1, user_api="blas"):
            self.gmm.fit(latents)
        self._chol = np.linalg.cholesky(self.gmm.covariances_)

    @property
    def k(self) -> int:
        return len(self.gmm.weights_)

    @property
    def dim(self) -> int:
        return self.gmm.means_.shape[1]

    @property
    def means(self) -> np.ndarray:
        return self.gmm.means_

    @property
    def weights(self) -> np.ndarray:
        return self.gmm.weights_

    @property
    def covariances(self) -> np.ndarray:
        return self.gmm.covariances_

    def sample(self, n: int, seed: int = 0, component: int | None = None) -> np.ndarray:
        """(n, d) latents; from one component when `component` is given."""
        rng = np.random.default_rng(seed)
        if component is None:
            comp = rng.choice(self.k, size=n, p=self.gmm.weights_)
        elif 0 <= component < self.k:
            comp = np.full(n, int(component))
        else:
            raise ValueError(f"component must be in 0..{self.k - 1}, got {component}")
        eps = rng.standard_normal((n, self.dim))
        return self.gmm.means_[comp] + np.einsum("nij,nj->ni", self._chol[comp], eps)

    def component_of(self, z: np.ndarray) -> np.ndarray:
        """The most likely component of each latent."""
        return self.gmm.predict(np.atleast_2d(np.asarray(z, np.float64)))


class StandardNormalPrior:
    """N(0, I): the prior of VAEs and GANs, with the mixture's interface (one component)."""

    def __init__(self, dim: int):
        self.means = np.zeros((1, dim))
        self.weights = np.ones(1)
        self.k, self.dim = 1, dim

    def sample(self, n: int, seed: int = 0, component: int | None = None) -> np.ndarray:
        if component not in (None, 0):
            raise ValueError(f"N(0, I) has one component (0), got {component}")
        return np.random.default_rng(seed).standard_normal((n, self.dim))

    def component_of(self, z: np.ndarray) -> np.ndarray:
        return np.zeros(len(np.atleast_2d(z)), np.int64)


PRIOR_KINDS = ("normal", "mixture")


def prior_for(model, kind: str, latents: np.ndarray | None = None, k: int = 10, seed: int = 0):
    """The prior to sample a model's latents from: "normal" (N(0, I), models whose latent
    prior is normal) or "mixture" (fitted on `latents`, any model with an encoder)."""
    if kind == "normal":
        if model.latent.prior != "normal":
            what = "has no prior" if model.latent.prior == "none" else f"has a {model.latent.prior} prior"
            raise ValueError(f"{model.cfg.model} {what}, not N(0, I): sample from a mixture fitted on its latents")
        return StandardNormalPrior(model.latent.dim)
    if kind == "mixture":
        if latents is None:
            raise ValueError("a mixture prior is fitted on latents: encode the training data first")
        return GaussianMixturePrior(latents, k, seed)
    raise ValueError(f"unknown prior {kind!r}; valid: {', '.join(PRIOR_KINDS)}")


@torch.no_grad()
def encode_all(model, x: torch.Tensor, y: torch.Tensor | None = None, batch: int = 500) -> torch.Tensor:
    out = []
    for i in range(0, len(x), batch):
        yb = None if y is None else y[i:i + batch].to(model.device)
        out.append(model.encode(x[i:i + batch].to(model.device), yb).z.cpu())
    return torch.cat(out)


SAMPLE_BLOCK = 4096   # samples a model draws at a time: memory stays flat whatever n is


def sample_blocks(run, n: int, seed: int = 0, label: int | None = None, gmm_k: int = 10,
                  block: int | None = None):
    """(blocks, note): an iterator of (m, ...) sample tensors (on the model's device) that
    together make n samples, at most `block` (SAMPLE_BLOCK) at a time, and the note.

    Arguments are checked, and a mixture prior fitted, before this returns, so a caller can
    refuse before writing anything. The samples depend on the seed and the block size only,
    not on how a caller groups the blocks into files: the blocks share one generator (the
    mixture path: block 0 draws with the seed, block b with a stream of its own), and
    conditional models cycle through the classes across blocks as in one call. For
    n <= block they are those of one model.generate(n) call, as before there were blocks."""
    model = run.model
    caps = model.capabilities
    if label is not None and CONDITIONAL not in caps:
        raise ValueError(f"{run.model_cfg.model} is not conditional: --label does not apply")
    if label is not None and not 0 <= label < run.model_cfg.n_classes:
        raise ValueError(f"--label must be in 0..{run.model_cfg.n_classes - 1}")
    block = int(block or SAMPLE_BLOCK)
    if block < 1:
        raise ValueError(f"block must be at least 1, got {block}")
    g = torch.Generator(device=model.device).manual_seed(seed)
    note = ""
    if GENERATE in caps and DISCRETE not in caps:
        cycle = CONDITIONAL in caps and label is None

        def draw(start, m):
            if cycle:   # the classes in turn, continuing where the previous block stopped
                y = torch.arange(start, start + m, device=model.device) % run.model_cfg.n_classes
                return model.generate(m, condition=y, generator=g)
            return model.generate(m, condition=label, generator=g)
    elif DISCRETE in caps:
        note = "codes drawn uniformly: train a PixelCNN prior for realistic samples"

        def draw(start, m):
            return model.generate(m, generator=g)
    elif ENCODE in caps:
        tc = run.train_cfg
        data = load_dataset(tc.dataset, tc.data_dir, False, tc.image_size)
        prior = GaussianMixturePrior(encode_all(model, data.train_x).numpy(), gmm_k, seed)
        del data
        note = f"latents from a {gmm_k}-component Gaussian mixture fitted on the training latents"

        def draw(start, m):
            # block 0 draws with the seed itself (as one call did); later blocks with their own stream
            s = seed if start == 0 else int(np.random.SeedSequence([seed, start // block]).generate_state(1)[0])
            z = torch.as_tensor(prior.sample(m, s), dtype=torch.float32, device=model.device)
            return model.decode(z)
    else:
        raise ValueError(f"{run.model_cfg.model} cannot generate samples")

    @torch.no_grad()
    def blocks():
        for start in range(0, n, block):
            yield draw(start, min(block, n - start))

    return blocks(), note


@torch.no_grad()
def sample_model(run, n: int, seed: int = 0, label: int | None = None, gmm_k: int = 10):
    """(samples, note): from the model's prior, or from a mixture fitted on its latents.

    All n at once; sample_blocks gives the same samples a block at a time."""
    blocks, note = sample_blocks(run, n, seed, label, gmm_k)
    parts = list(blocks)
    return (parts[0] if len(parts) == 1 else torch.cat(parts)), note
