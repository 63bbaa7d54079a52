"""Autoencoders: plain (AE), denoising (DAE), variational (VAE) and conditional VAE.

The VAE follows pytorch/examples vae/main.py: encode -> (mu, logvar),
reparameterize, decode, and the KL term of Kingma & Welling (2014), Appendix B:
KL(N(mu, sigma^2) || N(0, 1)) = -1/2 * sum(1 + log sigma^2 - mu^2 - sigma^2).
"""
from __future__ import annotations

import math

import torch
from torch import Tensor, nn

from .base import (CONDITIONAL, DECODE, DENOISING, ENCODE, GENERATE, POSTERIOR,
                   Encoding, GenerativeModel, LatentSpec)
from .config import ModelConfig
from .nets import ConvDecoder, ConvEncoder, flat_size, mlp, resolve_arch


def default_hidden(cfg: ModelConfig) -> tuple:
    if cfg.hidden:
        return tuple(cfg.hidden)
    return (400,) if cfg.is_image else (128, 128)


class Encoder(nn.Module):
    """x (and a one-hot label) -> out_dim numbers, by MLP or conv stack."""

    def __init__(self, cfg: ModelConfig, out_dim: int, cond_dim: int = 0):
        super().__init__()
        self.arch = resolve_arch(cfg, "mlp")
        if self.arch == "conv":
            self.body = nn.Sequential(ConvEncoder(cfg.data_shape, cfg.channels), nn.Flatten())
            feat = self.body[0].out_features
        else:
            hidden = default_hidden(cfg)
            self.body = nn.Sequential(nn.Flatten(), mlp([flat_size(cfg.data_shape), *hidden]), nn.ReLU())
            feat = hidden[-1]
        self.head = nn.Linear(feat + cond_dim, out_dim)

    def forward(self, x: Tensor, c: Tensor | None = None) -> Tensor:
        h = self.body(x)
        if c is not None:
            h = torch.cat([h, c], 1)
        return self.head(h)


class Decoder(nn.Module):
    """z (and a one-hot label) -> logits in the data's shape."""

    def __init__(self, cfg: ModelConfig, in_dim: int):
        super().__init__()
        self.shape = tuple(cfg.data_shape)
        if resolve_arch(cfg, "mlp") == "conv":
            self.net = ConvDecoder(self.shape, in_dim, cfg.channels)
        else:
            hidden = default_hidden(cfg)
            self.net = mlp([in_dim, *hidden[::-1], flat_size(self.shape)])

    def forward(self, z: Tensor) -> Tensor:
        return self.net(z).view(-1, *self.shape)


class Autoencoder(GenerativeModel):
    """Deterministic AE: loss is the reconstruction term alone."""

    capabilities = frozenset({ENCODE, DECODE})

    def __init__(self, cfg: ModelConfig):
        super().__init__(cfg)
        self.encoder = Encoder(cfg, cfg.latent_dim)
        self.decoder = Decoder(cfg, cfg.latent_dim)

    @property
    def latent(self) -> LatentSpec:
        return LatentSpec(dim=self.cfg.latent_dim, prior="none")

    def encode(self, x, y=None) -> Encoding:
        return Encoding(z=self.encoder(x))

    def decode(self, z, y=None) -> Tensor:
        return self.output(self.decoder(z))

    def sample_prior(self, n, generator=None):
        raise NotImplementedError("a plain autoencoder has no prior; fit a mixture on its latents")

    def loss(self, batch, phase=None):
        x = batch[0]
        recon = self.recon_loss(self.decoder(self.encoder(self.input_for_training(x))), x).mean()
        return recon, {"recon": recon}

    def input_for_training(self, x: Tensor) -> Tensor:
        return x


class DenoisingAutoencoder(Autoencoder):
    """Reconstructs the clean x from a corrupted copy (Vincent et al. 2008)."""

    capabilities = frozenset({ENCODE, DECODE, DENOISING})

    def corrupt(self, x: Tensor, level: float | None = None, generator=None) -> Tensor:
        level = self.cfg.noise_level if level is None else level
        kind = self.cfg.noise
        def noise(uniform=False):   # a training step's (self.batch_noise), or from `generator`
            if generator is None:
                return self.batch_noise(x.shape, x.device, uniform)
            return (torch.rand if uniform else torch.randn)(x.shape, generator=generator, device=x.device)

        if kind == "gaussian":
            noisy = x + level * noise()
            return noisy.clamp(0, 1) if self.cfg.is_image else noisy
        u = noise(uniform=True)
        if kind == "masking":
            return x * (u >= level)
        if kind == "saltpepper":
            flip = u < level
            salt = noise(uniform=True) < 0.5
            return torch.where(flip, salt.to(x.dtype), x)
        raise ValueError(f"unknown noise kind {kind!r}; valid: gaussian, masking, saltpepper")

    def input_for_training(self, x):
        return self.corrupt(x) if self.training else x


class VAE(GenerativeModel):
    capabilities = frozenset({ENCODE, DECODE, GENERATE, POSTERIOR})

    @property
    def cond_dim(self) -> int:
        return self.cfg.n_classes if CONDITIONAL in self.capabilities else 0

    def __init__(self, cfg: ModelConfig):
        super().__init__(cfg)
        self.encoder = Encoder(cfg, 2 * cfg.latent_dim, self.cond_dim)
        self.decoder = Decoder(cfg, cfg.latent_dim + self.cond_dim)
        self.kl_weight = cfg.beta if cfg.kl_warmup <= 0 else 0.0

    @property
    def latent(self) -> LatentSpec:
        return LatentSpec(dim=self.cfg.latent_dim, prior="normal")

    def _cond(self, y):
        return self.one_hot(y) if self.cond_dim else None

    def posterior(self, x, y=None) -> tuple[Tensor, Tensor]:
        mu, logvar = self.encoder(x, self._cond(y)).chunk(2, dim=1)
        return mu, logvar

    def encode(self, x, y=None) -> Encoding:
        mu, logvar = self.posterior(x, y)
        return Encoding(z=mu, mu=mu, logvar=logvar)

    def decoder_logits(self, z, y=None) -> Tensor:
        if self.cond_dim:
            z = torch.cat([z, self._cond(y)], 1)
        return self.decoder(z)

    def decode(self, z, y=None) -> Tensor:
        return self.output(self.decoder_logits(z, y))

    @staticmethod
    def reparameterize(mu, logvar, generator=None):
        eps = torch.randn(mu.shape, generator=generator, device=mu.device)
        return mu + eps * torch.exp(0.5 * logvar)

    @staticmethod
    def kl_per_dim(mu, logvar) -> Tensor:
        return -0.5 * (1 + logvar - mu.pow(2) - logvar.exp())

    def begin_step(self, step):
        if self.cfg.kl_warmup > 0:
            self.kl_weight = self.cfg.beta * min(1.0, step / self.cfg.kl_warmup)

    def loss(self, batch, phase=None):
        x, y = batch[0], batch[1] if len(batch) > 1 else None
        mu, logvar = self.posterior(x, y)
        z = mu + self.batch_noise(mu.shape, mu.device) * torch.exp(0.5 * logvar)   # reparameterised
        recon = self.recon_loss(self.decoder_logits(z, y), x).mean()
        kl = self.kl_per_dim(mu, logvar).sum(1).mean()
        return recon + self.kl_weight * kl, {"recon": recon, "kl": kl}

    @torch.no_grad()
    def log_likelihood_bound(self, x, y=None, k: int = 1, generator=None) -> Tensor:
        """Per-sample importance-weighted lower bound on log p(x) (Burda et al. 2016).

        k = 1 gives the ELBO. Gaussian decoders: up to the constant of the
        fixed variance, consistently with `recon_loss`.
        """
        mu, logvar = self.posterior(x, y)
        std = torch.exp(0.5 * logvar)
        terms = []
        for _ in range(k):
            eps = torch.randn(mu.shape, generator=generator, device=mu.device)
            z = mu + eps * std
            log_px_z = -self.recon_loss(self.decoder_logits(z, y), x)
            log_pz = -0.5 * (z.pow(2) + math.log(2 * math.pi)).sum(1)
            log_qz = -0.5 * (eps.pow(2) + logvar + math.log(2 * math.pi)).sum(1)
            terms.append(log_px_z + log_pz - log_qz)
        return torch.logsumexp(torch.stack(terms), 0) - math.log(k)


class ConditionalVAE(VAE):
    """Encoder and decoder both see the one-hot class (Sohn et al. 2015)."""

    capabilities = frozenset({ENCODE, DECODE, GENERATE, POSTERIOR, CONDITIONAL})
