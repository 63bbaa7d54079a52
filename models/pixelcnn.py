"""A PixelCNN prior over a VQ-VAE's code grids (van den Oord et al. 2016, "Conditional
Image Generation with PixelCNN Decoders"), with the VQ-VAE inside to turn codes into images.

Gated layers (tanh(W_f * x) * sigmoid(W_g * x)) in two stacks:
- the vertical stack at (i, j) sees the rows above i, as wide as its depth allows;
- the horizontal stack at (i, j) sees row i left of j, plus the vertical stack at (i, j).
The masks are built into the kernels: a 2x3 kernel over the rows i-1..i of features that
themselves see only rows above (the input enters shifted down a row) is the paper's
vertical mask, and a 1x2 kernel over columns j-1..j of features that see only what comes
before (the input enters shifted right a column) is its horizontal mask. So no position
ever sees itself or a later one, and, because the vertical stack feeds the horizontal one,
every earlier position is in view once the net is as deep as the grid is wide: no blind
spot (the one the first PixelCNN's stacked masked 3x3 convolutions had, up and right).
tests/test_pixelcnn.py checks both by gradients.

The class, when conditioned on, adds a learned bias to every gate (the paper's V h term).
"""
from __future__ import annotations

import math
from dataclasses import replace

import torch
import torch.nn.functional as F
from torch import Tensor, nn

from .base import AUTOREGRESSIVE, CONDITIONAL, DECODE, GENERATE, GenerativeModel, LatentSpec
from .config import ModelConfig
from .vqvae import VQVAE

ENCODE_BATCH = 500


def gate(x: Tensor) -> Tensor:
    a, b = x.chunk(2, 1)
    return torch.tanh(a) * torch.sigmoid(b)


def down_shift(x: Tensor) -> Tensor:
    """Row i gets row i-1 (zeros in row 0)."""
    return F.pad(x, (0, 0, 1, 0))[:, :, :-1]


def right_shift(x: Tensor) -> Tensor:
    """Column j gets column j-1 (zeros in column 0)."""
    return F.pad(x, (1, 0))[..., :-1]


class GatedLayer(nn.Module):
    def __init__(self, channels: int, n_classes: int = 0, dropout: float = 0.0):
        super().__init__()
        C = channels
        self.vertical = nn.Conv2d(C, 2 * C, (2, 3))      # rows i-1..i, columns j-1..j+1
        self.horizontal = nn.Conv2d(C, 2 * C, (1, 2))    # row i, columns j-1..j
        self.v_to_h = nn.Conv2d(2 * C, 2 * C, 1)
        self.h_out = nn.Conv2d(C, C, 1)
        self.dropout = nn.Dropout(dropout)
        self.condition = nn.Embedding(n_classes, 4 * C) if n_classes else None

    def biases(self, y: Tensor | None) -> tuple:
        """The class's additions to the vertical and horizontal gates (0 without a class)."""
        if self.condition is None or y is None:
            return 0.0, 0.0
        return self.condition(y)[:, :, None, None].chunk(2, 1)

    def vertical_pre(self, v: Tensor) -> Tensor:
        return self.vertical(F.pad(v, (1, 1, 1, 0)))

    def horizontal_step(self, h: Tensor, v_pre: Tensor, bias) -> Tensor:
        h_pre = self.horizontal(F.pad(h, (1, 0))) + self.v_to_h(v_pre) + bias
        return h + self.h_out(self.dropout(gate(h_pre)))

    def forward(self, v: Tensor, h: Tensor, y: Tensor | None = None) -> tuple[Tensor, Tensor]:
        cv, ch = self.biases(y)
        v_pre = self.vertical_pre(v)
        return gate(v_pre + cv), self.horizontal_step(h, v_pre, ch)


class GatedPixelCNN(nn.Module):
    """Embedded code grid (n, C, h, w) -> logits (n, K, h, w) of each position's code."""

    def __init__(self, n_codes: int, channels: int, layers: int, n_classes: int = 0, dropout: float = 0.0):
        super().__init__()
        self.embed = nn.Embedding(n_codes, channels)
        self.layers = nn.ModuleList(GatedLayer(channels, n_classes, dropout) for _ in range(layers))
        self.head = nn.Sequential(nn.ReLU(), nn.Conv2d(channels, channels, 1), nn.ReLU(),
                                  nn.Conv2d(channels, n_codes, 1))

    def embedded(self, codes: Tensor) -> Tensor:
        return self.embed(codes).permute(0, 3, 1, 2)

    def stacks(self, e: Tensor, y: Tensor | None = None, depth: int | None = None) -> tuple[Tensor, Tensor]:
        """(vertical, horizontal) features after `depth` layers (all by default)."""
        v, h = down_shift(e), right_shift(e)
        for layer in self.layers[:depth]:
            v, h = layer(v, h, y)
        return v, h

    def forward(self, e: Tensor, y: Tensor | None = None) -> Tensor:
        return self.head(self.stacks(e, y)[1])


class PixelCNN(GenerativeModel):
    """Trains on code grids (prepare_inputs encodes images with the frozen VQ-VAE); generates
    images. Its latent is the N(0, I) noise that drives sampling: one number per grid
    position, whose normal CDF picks that position's code by inverse-CDF sampling, so fixed
    noise gives the same samples for the same weights, as for the other generators."""

    def __init__(self, cfg: ModelConfig):
        super().__init__(cfg)
        if cfg.pixelcnn_layers < 1 or cfg.pixelcnn_channels < 1:
            raise ValueError("pixelcnn_layers and pixelcnn_channels must be at least 1")
        if not 0 <= cfg.pixelcnn_dropout < 1:
            raise ValueError(f"pixelcnn_dropout must be in [0, 1), got {cfg.pixelcnn_dropout}")
        self.vq = VQVAE(replace(cfg, model="vqvae"))
        self.vq.requires_grad_(False)
        self.grid = self.vq.grid
        conditional = cfg.pixelcnn_conditional
        self.net = GatedPixelCNN(cfg.codebook_size, cfg.pixelcnn_channels, cfg.pixelcnn_layers,
                                 cfg.n_classes if conditional else 0, cfg.pixelcnn_dropout)
        self.capabilities = frozenset({GENERATE, DECODE, AUTOREGRESSIVE} | ({CONDITIONAL} if conditional else set()))
        self.vq.eval()

    def train(self, mode: bool = True):
        super().train(mode)
        self.vq.eval()  # frozen: in training mode its quantizer would count uses and restart codes
        return self

    @property
    def latent(self) -> LatentSpec:
        h, w = self.grid
        return LatentSpec(dim=h * w, prior="normal", grid=(h, w), codebook_size=self.cfg.codebook_size,
                          code_dim=self.cfg.code_dim)

    def phase_parameters(self, phase: str) -> list:
        return list(self.net.parameters())

    def _labels(self, y: Tensor | None) -> Tensor | None:
        return y.long() if CONDITIONAL in self.capabilities and y is not None else None

    def logits(self, codes: Tensor, y: Tensor | None = None) -> Tensor:
        """(n, h, w) codes -> (n, K, h, w): position (i, j)'s logits see only earlier positions."""
        return self.net(self.net.embedded(codes), self._labels(y))

    @torch.no_grad()
    def prepare_inputs(self, x: Tensor) -> Tensor:
        """Images to their code grids under the frozen VQ-VAE; code grids pass through."""
        if not x.is_floating_point():
            return x.long()
        if len(x) == 0:
            return torch.zeros(0, *self.grid, dtype=torch.long, device=x.device)
        return torch.cat([self.vq.encode(x[i:i + ENCODE_BATCH]).indices for i in range(0, len(x), ENCODE_BATCH)])

    def loss(self, batch, phase=None):
        codes = batch[0]
        if codes.is_floating_point():
            raise ValueError("PixelCNN.loss takes code grids: pass images through prepare_inputs first")
        y = batch[1] if len(batch) > 1 else None
        nll = F.cross_entropy(self.logits(codes, y), codes)  # nats per code
        return nll, {"bits_per_code": nll / math.log(2)}

    @torch.no_grad()
    def sample_codes(self, u: Tensor, y: Tensor | None = None) -> Tensor:
        """(n, h*w) uniforms in (0, 1) -> (n, h, w) codes, drawn in raster order.

        What the net computes, in the order sampling allows: the vertical stack of row i sees
        only the rows above, so it runs once per row (on rows 0..i); the horizontal stack of
        (i, j) sees row i's columns up to j and the vertical stack there, so per position only
        that strip runs. About six times fewer operations than a full pass per position."""
        h, w = self.grid
        K = self.cfg.codebook_size
        net = self.net
        biases = [layer.biases(self._labels(y)) for layer in net.layers]
        codes = torch.zeros(len(u), h, w, dtype=torch.long, device=u.device)
        for i in range(h):
            v = down_shift(net.embedded(codes[:, :i + 1]))
            v_pre_row = []
            for layer, (cv, _) in zip(net.layers, biases):
                v_pre = layer.vertical_pre(v)
                v_pre_row.append(v_pre[:, :, i:])
                v = gate(v_pre + cv)
            for j in range(w):
                hs = right_shift(net.embedded(codes[:, i:i + 1, :j + 1]))
                for layer, v_pre, (_, ch) in zip(net.layers, v_pre_row, biases):
                    hs = layer.horizontal_step(hs, v_pre[..., :j + 1], ch)
                p = net.head(hs[..., j:])[:, :, 0, 0].float().softmax(1)
                k = torch.searchsorted(p.cumsum(1), u[:, i * w + j, None].float().contiguous())
                codes[:, i, j] = k.squeeze(1).clamp_(max=K - 1)
        return codes

    @torch.no_grad()
    def decode(self, z: Tensor, y: Tensor | None = None) -> Tensor:
        z = z.view(len(z), -1)
        if z.shape[1] != self.latent.dim:
            raise ValueError(f"pixelcnn noise has {self.latent.dim} values per sample, got {z.shape[1]}")
        return self.vq.decode_indices(self.sample_codes(torch.special.ndtr(z), y))
