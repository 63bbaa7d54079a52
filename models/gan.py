"""GANs: MLP GAN, DCGAN (Radford et al. 2016) and a conditional GAN (Mirza & Osindero 2014).

Training alternates two phases, "d" then "g", each with its own optimizer
(the engine steps them in `phases` order). Collapse mitigations: packing
(PacGAN, Lin et al. 2018: D judges m samples at once), a minibatch-std
feature (Karras et al. 2018) and one-sided label smoothing.
"""
from __future__ import annotations

import torch
import torch.nn.functional as F
from torch import Tensor, nn

from .base import ADVERSARIAL, CONDITIONAL, DECODE, GENERATE, GenerativeModel, LatentSpec
from .config import ModelConfig
from .nets import (ConvDecoder, ConvEncoder, Maxout, flat_size, frozen_norm_stats, init_normal,
                   minibatch_std, mlp, resolve_arch)


def _toy(cfg: ModelConfig) -> bool:
    return not cfg.is_image


class Generator(nn.Module):
    def __init__(self, cfg: ModelConfig, arch: str, cond_dim: int):
        super().__init__()
        self.shape = tuple(cfg.data_shape)
        z_in = cfg.latent_dim + cond_dim
        if arch == "conv":
            self.net = ConvDecoder(self.shape, z_in, cfg.channels or (64, 128),
                                   batchnorm=cfg.g_batchnorm)
        else:
            hidden = tuple(cfg.hidden) or ((400,) * 4 if _toy(cfg) else (256, 512))
            self.net = mlp([z_in, *hidden, flat_size(self.shape)], batchnorm=cfg.g_batchnorm,
                           bias=not cfg.g_batchnorm)

    def forward(self, z: Tensor) -> Tensor:
        return self.net(z).view(-1, *self.shape)


class Discriminator(nn.Module):
    """Takes `pack` samples at once (concatenated) and returns one logit per pack."""

    def __init__(self, cfg: ModelConfig, arch: str, cond_dim: int):
        super().__init__()
        self.cfg, self.arch, self.pack = cfg, arch, cfg.pack
        extra = int(cfg.minibatch_std) + cond_dim * cfg.pack
        if arch == "conv":
            self.body = ConvEncoder(cfg.data_shape, cfg.channels or (64, 128), batchnorm=True,
                                    act=lambda: nn.LeakyReLU(0.2), in_channels=cfg.data_shape[0] * cfg.pack)
            feat = self.body.out_features
        else:
            hidden = tuple(cfg.hidden) or ((200,) * 3 if _toy(cfg) else (512, 256))
            n_in = flat_size(cfg.data_shape) * cfg.pack
            if cfg.maxout > 0:
                layers, a = [], n_in
                for h in hidden:
                    layers.append(Maxout(a, h, cfg.maxout))
                    a = h
                self.body = nn.Sequential(*layers)
            else:
                self.body = nn.Sequential(mlp([n_in, *hidden], act=lambda: nn.LeakyReLU(0.2)),
                                          nn.LeakyReLU(0.2))
            feat = hidden[-1]
        self.head = nn.Linear(feat + extra, 1)

    def packed(self, x: Tensor) -> Tensor:
        m = self.pack
        if self.arch == "conv":   # stack the m images along channels
            return x.reshape(len(x) // m, m * x.shape[1], *x.shape[2:])
        return x.reshape(len(x) // m, -1)

    def forward(self, x: Tensor, c: Tensor | None = None) -> Tensor:
        if self.cfg.is_image:
            x = x * 2 - 1  # D sees images in [-1, 1]
        h = self.body(self.packed(x)).flatten(1)
        if self.cfg.minibatch_std:
            h = minibatch_std(h)
        if c is not None:
            h = torch.cat([h, c.reshape(len(h), -1)], 1)
        return self.head(h).squeeze(1)


class GAN(GenerativeModel):
    phases = ("d", "g")
    default_arch = "mlp"

    def __init__(self, cfg: ModelConfig):
        super().__init__(cfg)
        if cfg.pack < 1:
            raise ValueError("pack must be at least 1")
        if cfg.gan_loss not in ("ns", "minimax"):
            raise ValueError(f"unknown GAN loss {cfg.gan_loss!r}; valid: ns, minimax")
        arch = self.default_arch if self.default_arch == "conv" else resolve_arch(cfg, "mlp")
        if arch == "conv" and not cfg.is_image:
            raise ValueError(f"{cfg.model} is convolutional and needs image data; use gan for 2-D points")
        cond = cfg.n_classes if CONDITIONAL in self.capabilities else 0
        self.G = Generator(cfg, arch, cond)
        self.D = Discriminator(cfg, arch, cond)
        init_normal(self, cfg.init_std)

    capabilities = frozenset({DECODE, GENERATE, ADVERSARIAL})

    @property
    def latent(self) -> LatentSpec:
        return LatentSpec(dim=self.cfg.latent_dim, prior="normal")

    def _cond(self, y):
        return self.one_hot(y) if CONDITIONAL in self.capabilities else None

    def decode(self, z, y=None) -> Tensor:
        c = self._cond(y)
        return self.output(self.G(z if c is None else torch.cat([z, c], 1)))

    def discriminate(self, x: Tensor, y: Tensor | None = None) -> Tensor:
        """D's logit for each pack of `pack` consecutive samples."""
        return self.D(x, self._cond(y))

    def single_logits(self, x: Tensor, y: Tensor | None = None, partners: Tensor | None = None,
                      partner_y: Tensor | None = None) -> Tensor:
        """D's logit for each sample on its own. With packing D only judges packs, so
        each sample goes first in a pack with its m-1 `partners` (n, m-1, *shape),
        e.g. real samples, or else with m-1 copies of itself. With minibatch-std
        the logits depend on the rest of the batch, as they do in training."""
        m = self.cfg.pack
        if m == 1:
            return self.discriminate(x, y)
        if partners is None:
            packs = x.unsqueeze(1).expand(len(x), m, *x.shape[1:])
            ys = None if y is None else y.unsqueeze(1).expand(len(y), m)
        else:
            if y is not None and partner_y is None:
                raise ValueError("a conditional D needs the partners' labels (partner_y)")
            if tuple(partners.shape) != (len(x), m - 1, *x.shape[1:]):
                raise ValueError(f"partners must have shape {(len(x), m - 1, *x.shape[1:])}, "
                                 f"got {tuple(partners.shape)}")
            packs = torch.cat([x.unsqueeze(1), partners.to(x)], 1)
            ys = None if y is None else torch.cat([y.unsqueeze(1), partner_y.to(y)], 1)
        return self.discriminate(packs.reshape(-1, *x.shape[1:]), None if ys is None else ys.reshape(-1))

    def phase_parameters(self, phase):
        return list((self.D if phase == "d" else self.G).parameters())

    def loss(self, batch, phase=None):
        m = self.cfg.pack
        x = batch[0]
        n = len(x) - len(x) % m
        if n == 0:
            raise ValueError(f"batch of {len(x)} is smaller than the pack size {m}")
        x = x[:n]
        y = batch[1][:n] if len(batch) > 1 and CONDITIONAL in self.capabilities else None
        z = self.batch_noise((n, self.latent.dim), self.device)   # the prior's draw
        if phase is None:
            with torch.no_grad():
                _, d_parts = self._d_loss(x, y, z)
                _, g_parts = self._g_loss(y, z)
            return d_parts["d_loss"] + g_parts["g_loss"], {**d_parts, **g_parts}
        # D's parameters need no gradients while G steps: saves a third of D's backward
        self.D.requires_grad_(phase == "d")
        return self._d_loss(x, y, z) if phase == "d" else self._g_loss(y, z)

    def _d_loss(self, x, y, z):
        with torch.no_grad(), frozen_norm_stats(self.G):  # a D step leaves G exactly as it was
            fake = self.decode(z, y)
        real_logit = self.discriminate(x, y)
        fake_logit = self.discriminate(fake, y)
        target = torch.full_like(real_logit, 1.0 - self.cfg.label_smoothing)
        d_loss = (F.binary_cross_entropy_with_logits(real_logit, target)
                  + F.binary_cross_entropy_with_logits(fake_logit, torch.zeros_like(fake_logit)))
        return d_loss, {"d_loss": d_loss, "d_real": torch.sigmoid(real_logit).mean(),
                        "d_fake": torch.sigmoid(fake_logit).mean()}

    def _g_loss(self, y, z):
        fake = self.decode(z, y)
        with frozen_norm_stats(self.D):  # and a G step leaves D as it was
            logit = self.discriminate(fake, y)
        if self.cfg.gan_loss == "ns":      # maximise log D(G(z))
            g_loss = F.softplus(-logit).mean()
        else:                              # minimise log(1 - D(G(z))), the original minimax
            g_loss = -F.softplus(logit).mean()
        return g_loss, {"g_loss": g_loss}


class DCGAN(GAN):
    default_arch = "conv"


class ConditionalGAN(GAN):
    capabilities = frozenset({DECODE, GENERATE, ADVERSARIAL, CONDITIONAL})
