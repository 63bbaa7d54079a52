"""VQ-VAE-2 (Razavi et al. 2019): two levels of codes, a coarse top grid for global structure
and a finer bottom grid for local detail, the bottom conditioned on the top.

    x ──enc_b──▶ h_b (bottom resolution) ──enc_t──▶ h_t ──▶ quantize top ──▶ q_t
    q_t ──dec_t──▶ (bottom resolution) ─┐
    h_b ────────────────────────────────┴▶ 1x1 conv ──▶ quantize bottom ──▶ q_b
    [upsample(q_t), q_b] ──decoder──▶ x̂

This follows the paper's figure and its reference implementation (rosinality/vq-vae-2-pytorch):
the bottom encoder sees the top level's decoding, so the bottom codes only need to hold what
the top codes miss, and the decoder reads both. Each level has its own VectorQuantizer
(models/vqvae.py): EMA updates, k-means initialisation and dead-code restarts apply to both.

`bottom_downsample` (n) sets the bottom grid (image side / 2**n), the top grid is half of it.
Where a side does not divide, runs made since `pad_grid` pad the bottom level's feature map by
a row and a column before the top encoder and crop the top's decodings back (MNIST's 28x28:
bottom 7x7, top 4x4), so every bottom code covers image pixels. Runs made before pad the image
instead (28 -> 32: bottom 8x8, top 4x4), and 15 of their 64 bottom codes cover only padding:
those codes carry no information about the image, and a comparison at equal code bits counts
them against the model (docs/ARCHITECTURE.md, VQ-VAE-2).
"""
from __future__ import annotations

from dataclasses import replace

import torch
import torch.nn.functional as F
from torch import Tensor, nn

from .base import DECODE, DISCRETE, ENCODE, GENERATE, Encoding, GenerativeModel, LatentSpec
from .config import ModelConfig
from .vqvae import VectorQuantizer

LEVELS = ("top", "bottom")


class ResBlock(nn.Module):
    def __init__(self, c: int):
        super().__init__()
        self.net = nn.Sequential(nn.ReLU(), nn.Conv2d(c, c // 2, 3, padding=1), nn.ReLU(), nn.Conv2d(c // 2, c, 1))

    def forward(self, x: Tensor) -> Tensor:
        return x + self.net(x)


def down(c_in: int, c: int, n: int) -> nn.Sequential:
    """n stride-2 4x4 convolutions, then a 3x3 and a residual block."""
    layers: list[nn.Module] = []
    for i in range(n):
        layers += [nn.Conv2d(c_in if i == 0 else c, c, 4, 2, 1), nn.ReLU()]
    return nn.Sequential(*layers, nn.Conv2d(c, c, 3, padding=1), ResBlock(c), nn.ReLU())


def up(c_in: int, c: int, c_out: int, n: int) -> nn.Sequential:
    """A 3x3 and a residual block, then n stride-2 transposed convolutions to c_out channels."""
    layers: list[nn.Module] = [nn.Conv2d(c_in, c, 3, padding=1), ResBlock(c), nn.ReLU()]
    for i in range(n):
        last = i == n - 1
        layers.append(nn.ConvTranspose2d(c, c_out if last else c, 4, 2, 1))
        if not last:
            layers.append(nn.ReLU())
    return nn.Sequential(*layers)


class VQVAE2(GenerativeModel):
    capabilities = frozenset({ENCODE, DECODE, GENERATE, DISCRETE})

    def __init__(self, cfg: ModelConfig):
        super().__init__(cfg)
        if not cfg.is_image:
            raise ValueError("a VQ-VAE-2 needs image data: its two code grids are image regions")
        C, H, W = cfg.data_shape
        n = cfg.bottom_downsample
        stride = 2 ** n if cfg.pad_grid else 2 ** (n + 1)
        self.pad_hw = (-H % stride, -W % stride)
        Hp, Wp = H + self.pad_hw[0], W + self.pad_hw[1]
        hb, wb = Hp // 2 ** n, Wp // 2 ** n
        self.grid_pad = (hb % 2, wb % 2)    # rows/columns the bottom feature map is padded by
        self.grids = {"bottom": (hb, wb), "top": ((hb + 1) // 2, (wb + 1) // 2)}
        c = (tuple(cfg.channels) or (64,))[0]
        D = cfg.code_dim
        self.enc_b = down(C, c, n)
        self.enc_t = down(c, c, 1)
        self.pre_t = nn.Conv2d(c, D, 1)
        self.dec_t = up(D, c, D, 1)
        self.pre_b = nn.Conv2d(c + D, D, 1)
        self.up_t = nn.ConvTranspose2d(D, D, 4, 2, 1)
        self.decoder = up(2 * D, c, C, n)
        self.quantizers = nn.ModuleDict({
            "top": VectorQuantizer(replace(cfg, codebook_size=cfg.top_codebook_size)),
            "bottom": VectorQuantizer(cfg)})

    # -- shapes ---------------------------------------------------------------------------
    @property
    def quantizer(self) -> VectorQuantizer:
        """The bottom level's quantizer: what a one-level view of this model shows."""
        return self.quantizers["bottom"]

    @property
    def grid(self) -> tuple:
        return self.grids["bottom"]

    def level_size(self, level: str) -> int:
        return self.quantizers[level].K

    @property
    def latent(self) -> LatentSpec:
        (ht, wt), (hb, wb) = self.grids["top"], self.grids["bottom"]
        D = self.cfg.code_dim
        levels = tuple((lv, self.grids[lv], self.quantizers[lv].K) for lv in LEVELS)
        return LatentSpec(dim=D * (ht * wt + hb * wb), prior="codebook", discrete=True, grid=(hb, wb),
                          codebook_size=self.cfg.codebook_size, code_dim=D, levels=levels)

    # -- the two levels -------------------------------------------------------------------
    def _pad(self, x: Tensor) -> Tensor:
        ph, pw = self.pad_hw
        return F.pad(x, (0, pw, 0, ph)) if ph or pw else x

    def _crop(self, x: Tensor) -> Tensor:
        H, W = self.cfg.data_shape[1:]
        return x[..., :H, :W]

    def _to_top(self, h_b: Tensor) -> Tensor:
        """The bottom feature map padded to an even size for the top encoder's stride."""
        ph, pw = self.grid_pad
        return F.pad(h_b, (0, pw, 0, ph)) if ph or pw else h_b

    def _from_top(self, x: Tensor) -> Tensor:
        """A map upsampled from the top grid, cropped to the bottom grid."""
        hb, wb = self.grids["bottom"]
        return x[..., :hb, :wb]

    def _levels(self, x: Tensor, quantize):
        """(top z_e, bottom z_e, top z_q, bottom z_q, top codes, bottom codes, loss parts)."""
        h_b = self.enc_b(self._pad(x))
        ze_t = self.pre_t(self.enc_t(self._to_top(h_b)))
        zq_t, idx_t, parts_t = quantize("top", ze_t)
        ze_b = self.pre_b(torch.cat([h_b, self._from_top(self.dec_t(zq_t))], 1))
        zq_b, idx_b, parts_b = quantize("bottom", ze_b)
        return ze_t, ze_b, zq_t, zq_b, idx_t, idx_b, parts_t, parts_b

    def _nearest(self, level: str, z_e: Tensor):
        q = self.quantizers[level]
        n, D, h, w = z_e.shape
        idx = q.nearest(z_e.permute(0, 2, 3, 1).reshape(-1, D)).view(n, h, w)
        return self.embed(level, idx), idx, {}

    def embed(self, level: str, idx: Tensor) -> Tensor:
        return self.quantizers[level].codebook[idx].permute(0, 3, 1, 2)

    def _decode_q(self, zq_t: Tensor, zq_b: Tensor) -> Tensor:
        return self._crop(self.decoder(torch.cat([self._from_top(self.up_t(zq_t)), zq_b], 1)))

    def encode(self, x, y=None) -> Encoding:
        ze_t, ze_b, _, _, idx_t, idx_b, _, _ = self._levels(x, self._nearest)
        return Encoding(z=torch.cat([ze_t.flatten(1), ze_b.flatten(1)], 1), indices=idx_b, top_indices=idx_t)

    def decode(self, z, y=None) -> Tensor:
        """Quantizes each level's part of z first, so any point decodes to codes."""
        D = self.cfg.code_dim
        (ht, wt), (hb, wb) = self.grids["top"], self.grids["bottom"]
        z = z.view(len(z), -1)
        cut = D * ht * wt
        _, idx_t, _ = self._nearest("top", z[:, :cut].reshape(-1, D, ht, wt))
        _, idx_b, _ = self._nearest("bottom", z[:, cut:].reshape(-1, D, hb, wb))
        return self.decode_levels(idx_t, idx_b)

    def decode_levels(self, top: Tensor, bottom: Tensor) -> Tensor:
        """(n, ht, wt) top codes and (n, hb, wb) bottom codes -> images."""
        return self.output(self._decode_q(self.embed("top", top), self.embed("bottom", bottom)))

    def decode_indices(self, indices) -> Tensor:
        """A (top, bottom) pair of code grids -> images."""
        top, bottom = indices
        return self.decode_levels(top, bottom)

    def generate(self, n, condition=None, generator=None):
        """Codes drawn uniformly at both levels: a placeholder until priors are trained."""
        top = torch.randint(self.level_size("top"), (n, *self.grids["top"]), generator=generator, device=self.device)
        bottom = torch.randint(self.level_size("bottom"), (n, *self.grids["bottom"]), generator=generator,
                               device=self.device)
        return self.decode_levels(top, bottom)

    def loss(self, batch, phase=None):
        x = batch[0]
        _, _, zq_t, zq_b, _, _, parts_t, parts_b = self._levels(x, lambda lv, z: self.quantizers[lv](z))
        recon = self.recon_loss(self._decode_q(zq_t, zq_b), x).mean()
        beta = self.cfg.commitment
        total = recon + beta * (parts_t["commit"] + parts_b["commit"])
        parts = {"recon": recon, "commit": parts_b["commit"], "top_commit": parts_t["commit"]}
        if not self.cfg.ema:
            total = total + parts_t["codebook"] + parts_b["codebook"]
            parts.update(codebook=parts_b["codebook"], top_codebook=parts_t["codebook"])
        return total, parts

    # -- codebook hooks ---------------------------------------------------------------------
    def after_step(self, step):
        if self.cfg.restarts:
            for q in self.quantizers.values():
                q.restart_dead()

    def code_usage(self) -> Tensor:
        return self.quantizer.usage

    def code_usage_levels(self) -> dict:
        return {"top": self.quantizers["top"].usage, "bottom": self.quantizers["bottom"].usage}

    def reset_code_usage(self) -> None:
        for q in self.quantizers.values():
            q.usage.zero_()

    def restart_codes(self) -> Tensor:
        """Re-seeds the unused codes of both levels; returns the bottom level's."""
        if any(q._last_inputs is None or float(q.usage.sum()) == 0 for q in self.quantizers.values()):
            raise ValueError("no codes assigned yet since the last reset: train a few steps, then restart")
        out = None
        for lv in LEVELS:
            q = self.quantizers[lv]
            dead = q.usage == 0
            q.restart(dead)
            out = dead.nonzero().flatten()
        return out

    @property
    def code_restarts(self) -> int:
        return int(sum(int(q.restarts) for q in self.quantizers.values()))
