"""VQ-VAE (van den Oord et al. 2017): an encoder, a codebook of K vectors, a decoder.

The quantizer returns (quantized, indices, parts) like vector-quantize-pytorch.
Options: EMA codebook updates (the paper's appendix), k-means initialisation,
and dead-code restarts, where codes unused for `restart_after` steps are
re-seeded from current encoder outputs (Dhariwal et al. 2020, Jukebox).
"""
from __future__ import annotations

import torch
import torch.nn.functional as F
from torch import Tensor, nn

from .base import DECODE, DISCRETE, ENCODE, GENERATE, Encoding, GenerativeModel, LatentSpec
from .config import ModelConfig
from .nets import ConvDecoder, ConvEncoder, flat_size, mlp, resolve_arch

MLP_POSITIONS = 4  # code positions per sample when the data is too small for a conv grid


def _world() -> int:
    """Processes training together (torchrun with DistributedDataParallel), else 1."""
    dist = torch.distributed
    return dist.get_world_size() if dist.is_available() and dist.is_initialized() else 1


def _summed(t: Tensor) -> Tensor:
    """t summed over the processes training together: each holds part of the batch, and the
    codebook's statistics are the whole batch's, as in one process."""
    if _world() > 1:
        torch.distributed.all_reduce(t)
    return t


def _gathered(t: Tensor) -> Tensor:
    """Every process's t (equal sizes), concatenated in rank order: each holds a contiguous
    part of the batch, so this is the batch one process would hold."""
    if _world() == 1:
        return t
    parts = [torch.empty_like(t) for _ in range(_world())]
    torch.distributed.all_gather(parts, t.contiguous())
    return torch.cat(parts)


def _from_first(t: Tensor) -> Tensor:
    """The first process's t on every process (random draws that must agree)."""
    if _world() > 1:
        torch.distributed.broadcast(t, 0)
    return t


class VectorQuantizer(nn.Module):
    def __init__(self, cfg: ModelConfig):
        super().__init__()
        K, D = cfg.codebook_size, cfg.code_dim
        self.K, self.D, self.cfg = K, D, cfg
        init = torch.empty(K, D).uniform_(-1.0 / K, 1.0 / K)
        if cfg.ema:
            self.register_buffer("codebook", init)
            self.register_buffer("ema_count", torch.ones(K))
            self.register_buffer("ema_sum", init.clone())
        else:
            self.codebook = nn.Parameter(init)
        # usage since the engine last reset it (an epoch): perplexity needs the
        # epoch's assignments, not one batch's
        self.register_buffer("usage", torch.zeros(K))
        self.register_buffer("steps_unused", torch.zeros(K, dtype=torch.long))
        self.register_buffer("restarts", torch.zeros((), dtype=torch.long))
        self.register_buffer("initialized", torch.tensor(not cfg.kmeans_init))
        self._last_inputs: Tensor | None = None

    def nearest(self, flat: Tensor) -> Tensor:
        """Index of the nearest code for each row of flat (N, D), in float32 (under mixed
        precision a bfloat16 distance would pick the wrong code among near ties)."""
        with torch.no_grad(), torch.autocast(flat.device.type, enabled=False):
            flat = flat.float()
            cb = self.codebook.float()
            d = flat.pow(2).sum(1, keepdim=True) - 2 * flat @ cb.t() + cb.pow(2).sum(1)
            return d.argmin(1)

    def forward(self, z_e: Tensor) -> tuple[Tensor, Tensor, dict]:
        """z_e (n, D, h, w) -> (straight-through z_q, indices (n, h, w), loss parts)."""
        n, D, h, w = z_e.shape
        flat = z_e.permute(0, 2, 3, 1).reshape(-1, D)
        if self.training and not bool(self.initialized):
            self._kmeans_init(_gathered(flat.detach()))
        idx = self.nearest(flat)
        z_q = self.codebook[idx].view(n, h, w, D).permute(0, 3, 1, 2)
        if self.training:
            self._record_use(idx, flat.detach())
        commit = (z_e - z_q.detach()).pow(2).flatten(1).sum(1).mean()
        parts = {"commit": commit}
        if not self.cfg.ema:
            parts["codebook"] = (z_q - z_e.detach()).pow(2).flatten(1).sum(1).mean()
        z_st = z_e + (z_q - z_e).detach()
        return z_st, idx.view(n, h, w), parts

    @torch.no_grad()
    @torch.autocast("cuda", enabled=False)
    @torch.autocast("cpu", enabled=False)
    def _record_use(self, idx: Tensor, flat: Tensor) -> None:   # EMA sums in float32
        counts = _summed(torch.bincount(idx, minlength=self.K).to(self.usage.dtype))
        self.usage += counts
        self.steps_unused += 1
        self.steps_unused[counts > 0] = 0
        flat = flat.float()
        self._last_inputs = flat
        if self.cfg.ema:
            decay = self.cfg.ema_decay
            one_hot = F.one_hot(idx, self.K).to(flat.dtype)
            self.ema_count.mul_(decay).add_(counts, alpha=1 - decay)
            self.ema_sum.mul_(decay).add_(_summed(one_hot.t() @ flat), alpha=1 - decay)
            total = self.ema_count.sum()
            smoothed = (self.ema_count + 1e-5) / (total + self.K * 1e-5) * total
            self.codebook.copy_(self.ema_sum / smoothed.unsqueeze(1))

    @torch.no_grad()
    @torch.autocast("cuda", enabled=False)
    @torch.autocast("cpu", enabled=False)
    def _kmeans_init(self, flat: Tensor, iters: int = 10) -> None:   # in float32
        flat = flat.float()
        pick = torch.randint(len(flat), (self.K,), device=flat.device)
        centres = flat[pick].clone()
        for _ in range(iters):
            d = torch.cdist(flat, centres)
            a = d.argmin(1)
            sums = torch.zeros_like(centres).index_add_(0, a, flat)
            counts = torch.bincount(a, minlength=self.K).unsqueeze(1)
            centres = torch.where(counts > 0, sums / counts.clamp(min=1), centres)
        self.codebook.data.copy_(_from_first(centres))   # several processes: the first one's
        if self.cfg.ema:
            self.ema_sum.copy_(centres)
            self.ema_count.fill_(1.0)
        self.initialized.fill_(True)

    @torch.no_grad()
    def restart(self, dead: Tensor) -> int:
        """Re-seed the codes in the boolean mask `dead` from recent encoder outputs."""
        n = int(dead.sum())
        if n == 0 or self._last_inputs is None:
            return 0
        src = _gathered(self._last_inputs)
        new = src[torch.randint(len(src), (n,), device=src.device)]
        new = _from_first(new + 1e-3 * new.std() * torch.randn_like(new))
        self.codebook.data[dead] = new
        if self.cfg.ema:
            self.ema_sum[dead] = new
            self.ema_count[dead] = 1.0
        self.steps_unused[dead] = 0
        self.restarts += n
        return n

    def restart_dead(self) -> int:
        return self.restart(self.steps_unused >= self.cfg.restart_after)


class VQVAE(GenerativeModel):
    capabilities = frozenset({ENCODE, DECODE, GENERATE, DISCRETE})

    def __init__(self, cfg: ModelConfig):
        super().__init__(cfg)
        D = cfg.code_dim
        self.arch = resolve_arch(cfg, "conv")
        if self.arch == "conv":
            enc = ConvEncoder(cfg.data_shape, cfg.channels)
            self.grid = enc.out_hw
            self.encoder = nn.Sequential(enc, nn.Conv2d(enc.out_channels, D, 1))
            self.decoder = nn.Sequential(
                nn.Conv2d(D, enc.out_channels, 3, padding=1), nn.ReLU(),
                ConvDecoder(cfg.data_shape, None, cfg.channels))
        else:
            hidden = tuple(cfg.hidden) or (256, 256)
            self.grid = (1, MLP_POSITIONS)
            self.encoder = nn.Sequential(
                nn.Flatten(), mlp([flat_size(cfg.data_shape), *hidden, D * MLP_POSITIONS]),
                nn.Unflatten(1, (D, 1, MLP_POSITIONS)))
            self.decoder = nn.Sequential(
                nn.Flatten(), mlp([D * MLP_POSITIONS, *hidden[::-1], flat_size(cfg.data_shape)]),
                nn.Unflatten(1, tuple(cfg.data_shape)))
        self.quantizer = VectorQuantizer(cfg)

    @property
    def latent(self) -> LatentSpec:
        h, w = self.grid
        D = self.cfg.code_dim
        return LatentSpec(dim=D * h * w, prior="codebook", discrete=True, grid=(h, w),
                          codebook_size=self.cfg.codebook_size, code_dim=D)

    def _grid(self, z: Tensor) -> Tensor:
        return z.view(-1, self.cfg.code_dim, *self.grid)

    def encode(self, x, y=None) -> Encoding:
        z_e = self.encoder(x)
        idx = self.quantizer.nearest(z_e.permute(0, 2, 3, 1).reshape(-1, self.cfg.code_dim))
        return Encoding(z=z_e.flatten(1), indices=idx.view(len(x), *self.grid))

    def decode(self, z, y=None) -> Tensor:
        """Quantizes z first, so any point of the continuous space decodes to codes."""
        z_e = self._grid(z)
        idx = self.quantizer.nearest(z_e.permute(0, 2, 3, 1).reshape(-1, self.cfg.code_dim))
        return self.decode_indices(idx.view(len(z_e), *self.grid))

    def decode_indices(self, indices: Tensor) -> Tensor:
        z_q = self.quantizer.codebook[indices].permute(0, 3, 1, 2)
        return self.output(self.decoder(z_q))

    def generate(self, n, condition=None, generator=None):
        """Codes drawn uniformly: a placeholder prior until a PixelCNN is trained."""
        idx = torch.randint(self.cfg.codebook_size, (n, *self.grid), generator=generator,
                            device=self.device)
        return self.decode_indices(idx)

    def loss(self, batch, phase=None):
        x = batch[0]
        z_q, _, parts = self.quantizer(self.encoder(x))
        recon = self.recon_loss(self.decoder(z_q), x).mean()
        total = recon + parts.get("codebook", 0.0) + self.cfg.commitment * parts["commit"]
        return total, {"recon": recon, **parts}

    def after_step(self, step):
        if self.cfg.restarts:
            self.quantizer.restart_dead()

    def code_usage(self) -> Tensor:
        return self.quantizer.usage

    def reset_code_usage(self) -> None:
        self.quantizer.usage.zero_()

    def restart_codes(self) -> Tensor:
        q = self.quantizer
        if q._last_inputs is None or float(q.usage.sum()) == 0:
            # right after a reset every code counts as unused: restarting now would wipe the codebook
            raise ValueError("no codes assigned yet since the last reset: train a few steps, then restart")
        dead = q.usage == 0
        q.restart(dead)
        return dead.nonzero().flatten()

    @property
    def code_restarts(self) -> int:
        return int(self.quantizer.restarts)
