"""Building blocks shared by the families: MLPs and small conv stacks."""
from __future__ import annotations

import contextlib
import math

import torch
from torch import Tensor, nn

from .config import ModelConfig


def resolve_arch(cfg: ModelConfig, default: str) -> str:
    """"auto" picks by data shape: points and tiny images get an MLP."""
    if cfg.arch in ("mlp", "conv"):
        if cfg.arch == "conv" and not cfg.is_image:
            raise ValueError("a convolutional model needs image data")
        return cfg.arch
    if not cfg.is_image or min(cfg.data_shape[1:]) < 16:
        return "mlp"
    return default


def conv_plan(shape: tuple) -> tuple[int, tuple]:
    """Number of stride-2 layers and the smallest feature map for an image shape.

    Halve while the side stays even and above 7: 28 -> 14 -> 7, 32 -> 16 -> 8 -> 4.
    """
    _, h, w = shape
    n = 0
    while h % 2 == 0 and w % 2 == 0 and min(h, w) > 7 and n < 4:
        h, w, n = h // 2, w // 2, n + 1
    if n == 0:
        raise ValueError(f"images of {shape[1]}x{shape[2]} cannot be downsampled by a conv net")
    return n, (h, w)


def mlp(sizes: list, act=nn.ReLU, batchnorm: bool = False, bias: bool = True,
        out_bias: bool = True) -> nn.Sequential:
    """Linear layers with `act` between them; nothing after the last one."""
    layers: list[nn.Module] = []
    for i, (a, b) in enumerate(zip(sizes[:-1], sizes[1:])):
        last = i == len(sizes) - 2
        layers.append(nn.Linear(a, b, bias=out_bias if last else bias))
        if not last:
            if batchnorm:
                layers.append(nn.BatchNorm1d(b))
            layers.append(act())
    return nn.Sequential(*layers)


class Maxout(nn.Module):
    """Linear maxout unit (Goodfellow et al. 2013), as in the PacGAN toy discriminator."""

    def __init__(self, n_in: int, n_out: int, pieces: int):
        super().__init__()
        self.n_out, self.pieces = n_out, pieces
        self.linear = nn.Linear(n_in, n_out * pieces)

    def forward(self, x: Tensor) -> Tensor:
        return self.linear(x).view(-1, self.n_out, self.pieces).amax(-1)


class ConvEncoder(nn.Module):
    """Image -> feature map via stride-2 4x4 convs (28 -> 14 -> 7)."""

    def __init__(self, shape: tuple, channels: tuple = (), batchnorm: bool = False,
                 act=nn.ReLU, in_channels: int | None = None):
        super().__init__()
        n, self.out_hw = conv_plan(shape)
        chans = list(channels) or [32 * 2 ** i for i in range(n)]
        chans = (chans + [chans[-1]] * n)[:n]
        layers: list[nn.Module] = []
        c = in_channels or shape[0]
        for i, c_out in enumerate(chans):
            layers.append(nn.Conv2d(c, c_out, 4, 2, 1))
            if batchnorm and i > 0:
                layers.append(nn.BatchNorm2d(c_out))
            layers.append(act())
            c = c_out
        self.net = nn.Sequential(*layers)
        self.out_channels = c
        self.out_features = c * self.out_hw[0] * self.out_hw[1]

    def forward(self, x: Tensor) -> Tensor:
        return self.net(x)


class ConvDecoder(nn.Module):
    """Vector or feature map -> image logits, mirroring ConvEncoder."""

    def __init__(self, shape: tuple, in_features: int | None, channels: tuple = (),
                 batchnorm: bool = False, act=nn.ReLU, in_channels: int | None = None):
        super().__init__()
        n, self.base_hw = conv_plan(shape)
        chans = list(channels) or [32 * 2 ** i for i in range(n)]
        chans = (chans + [chans[-1]] * n)[:n][::-1]
        self.base_channels = chans[0]
        self.project = None
        if in_features is not None:
            size = chans[0] * self.base_hw[0] * self.base_hw[1]
            proj: list[nn.Module] = [nn.Linear(in_features, size)]
            if batchnorm:
                proj.append(nn.BatchNorm1d(size))
            proj.append(act())
            self.project = nn.Sequential(*proj)
        layers: list[nn.Module] = []
        c = in_channels or chans[0]
        for i in range(n):
            last = i == n - 1
            c_out = shape[0] if last else chans[i + 1]
            layers.append(nn.ConvTranspose2d(c, c_out, 4, 2, 1))
            if not last:
                if batchnorm:
                    layers.append(nn.BatchNorm2d(c_out))
                layers.append(act())
            c = c_out
        self.net = nn.Sequential(*layers)

    def forward(self, z: Tensor) -> Tensor:
        if self.project is not None:
            z = self.project(z).view(-1, self.base_channels, *self.base_hw)
        return self.net(z)


def flat_size(shape: tuple) -> int:
    return math.prod(shape)


def init_normal(module: nn.Module, std: float) -> None:
    """N(0, std) weights and zero biases for linear/conv layers (std 0: keep torch's)."""
    if std <= 0:
        return
    for m in module.modules():
        if isinstance(m, (nn.Linear, nn.Conv2d, nn.ConvTranspose2d)):
            if m.weight.is_meta:   # no values to set (a parameter count); normal_ on the meta
                continue           # device imports torch's decompositions: 1.5 s, GIL held
            nn.init.normal_(m.weight, 0.0, std)
            if m.bias is not None:
                nn.init.zeros_(m.bias)


def minibatch_std(h: Tensor) -> Tensor:
    """Append the mean over features of the batch standard deviation (Karras et al. 2018)."""
    s = h.std(0, unbiased=False).mean()
    if h.dim() == 2:
        return torch.cat([h, s.expand(h.shape[0], 1)], 1)
    return torch.cat([h, s.expand(h.shape[0], 1, *h.shape[2:])], 1)


@contextlib.contextmanager
def eval_mode(module: nn.Module):
    """`module` in eval mode for a block (dropout off, batch norm on its running averages),
    and back in the mode it was in afterwards, even when the block raises."""
    was = module.training
    module.eval()
    try:
        yield module
    finally:
        module.train(was)


@contextlib.contextmanager
def frozen_norm_stats(module: nn.Module):
    """Batch norm keeps normalising by batch statistics but its running averages
    (and counters) stay as they are: a network used by the other player's phase
    must come out of that phase unchanged."""
    norms = [m for m in module.modules() if isinstance(m, nn.modules.batchnorm._BatchNorm)
             and m.track_running_stats and m.training]
    saved = [(m.momentum, m.num_batches_tracked.clone()) for m in norms]
    for m in norms:
        m.momentum = 0.0
    try:
        yield
    finally:
        for m, (momentum, count) in zip(norms, saved):
            m.momentum = momentum
            m.num_batches_tracked.copy_(count)
