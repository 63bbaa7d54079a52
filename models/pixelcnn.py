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

Over a VQ-VAE-2 (models/vqvae2.py) a prior models one level (Razavi et al. 2019):
- the top level adds masked self-attention blocks to the horizontal stack (PixelSNAIL, Chen et
  al. 2018): position p attends to the codes and features at positions before it, so the whole
  grid before p is in view at once, and p itself never;
- the bottom level is conditioned on the top codes: they are embedded, upsampled to the bottom
  grid and added to every gate as a map (the paper's V s(h) term, a location-dependent bias);
  its run holds a copy of a top-level prior, so sampling draws top codes, then bottom codes.
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
from .vqvae2 import VQVAE2

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
    def __init__(self, channels: int, n_classes: int = 0, dropout: float = 0.0, spatial: int = 0):
        super().__init__()
        C = channels
        self.vertical = nn.Conv2d(C, 2 * C, (2, 3))      # rows i-1..i, columns j-1..j+1
        self.horizontal = nn.Conv2d(C, 2 * C, (1, 2))    # row i, columns j-1..j
        self.v_to_h = nn.Conv2d(2 * C, 2 * C, 1)
        self.h_out = nn.Conv2d(C, C, 1)
        self.dropout = nn.Dropout(dropout)
        self.condition = nn.Embedding(n_classes, 4 * C) if n_classes else None
        self.spatial = nn.Conv2d(spatial, 4 * C, 1) if spatial else None

    def biases(self, y: Tensor | None, s: Tensor | None = None) -> tuple:
        """The class's (and a conditioning map's) additions to the vertical and horizontal
        gates (0 without either)."""
        b = 0.0
        if self.condition is not None and y is not None:
            b = self.condition(y)[:, :, None, None]
        if self.spatial is not None and s is not None:
            b = b + self.spatial(s)
        return (0.0, 0.0) if isinstance(b, float) else b.chunk(2, 1)

    def vertical_pre(self, v: Tensor) -> Tensor:
        return self.vertical(F.pad(v, (1, 1, 1, 0)))

    def horizontal_step(self, h: Tensor, v_pre: Tensor, bias) -> Tensor:
        h_pre = self.horizontal(F.pad(h, (1, 0))) + self.v_to_h(v_pre) + bias
        return h + self.h_out(self.dropout(gate(h_pre)))

    def forward(self, v: Tensor, h: Tensor, y: Tensor | None = None, s: Tensor | None = None) -> tuple[Tensor, Tensor]:
        cv, ch = self.biases(y, s)
        v_pre = self.vertical_pre(v)
        return gate(v_pre + cv), self.horizontal_step(h, v_pre, ch)


class CausalAttention(nn.Module):
    """Masked self-attention over the grid in raster order (PixelSNAIL's attention block).

    Queries come from the horizontal stack at p (which sees only positions before p); keys and
    values from the stack and the input codes themselves at positions strictly before p, plus a
    learned empty slot that position 0, with nothing before it, attends to. So p reads every
    earlier code directly, however far back, and never its own or a later one. A learned
    position embedding goes into the queries and keys (a constant: it sees nothing)."""

    def __init__(self, channels: int, grid: tuple, heads: int = 4):
        super().__init__()
        C = channels
        self.heads = heads if C % heads == 0 else 1
        self.position = nn.Parameter(torch.zeros(1, C, *grid))
        self.q = nn.Conv2d(C, C, 1)
        self.kv = nn.Conv2d(2 * C, 2 * C, 1)
        self.empty = nn.Parameter(torch.zeros(2, C))
        self.out = nn.Conv2d(C, C, 1)
        n = grid[0] * grid[1]
        before = torch.ones(n, n, dtype=torch.bool).tril(-1)
        self.register_buffer("mask", torch.cat([torch.ones(n, 1, dtype=torch.bool), before], 1), persistent=False)

    def forward(self, h: Tensor, e: Tensor) -> Tensor:
        n, C, H, W = h.shape
        P, heads = H * W, self.heads
        pos = self.position[..., :H, :W]
        q = self.q(h + pos)
        k, v = self.kv(torch.cat([h + pos, e], 1)).chunk(2, 1)
        split = lambda t: t.reshape(n, heads, C // heads, -1).transpose(2, 3)      # (n, heads, P, C/heads)
        empty = lambda t: t.view(1, heads, 1, C // heads).expand(n, -1, -1, -1)
        k = torch.cat([empty(self.empty[0]), split(k)], 2)
        v = torch.cat([empty(self.empty[1]), split(v)], 2)
        a = F.scaled_dot_product_attention(split(q), k, v, attn_mask=self.mask[:P, :P + 1])
        return h + self.out(a.transpose(2, 3).reshape(n, C, H, W))


def attention_after(layers: int, blocks: int) -> set:
    """Indices of the gated layers an attention block follows: spread evenly, none before the first."""
    return {max(0, (k + 1) * layers // (blocks + 1) - 1) for k in range(blocks)} if blocks else set()


class GatedPixelCNN(nn.Module):
    """Embedded code grid (n, C, h, w) -> logits (n, K, h, w) of each position's code."""

    def __init__(self, n_codes: int, channels: int, layers: int, n_classes: int = 0, dropout: float = 0.0,
                 attention: int = 0, grid: tuple = (8, 8), spatial: int = 0):
        super().__init__()
        self.embed = nn.Embedding(n_codes, channels)
        self.layers = nn.ModuleList(GatedLayer(channels, n_classes, dropout, spatial) for _ in range(layers))
        after = sorted(attention_after(layers, attention))
        self.attention = nn.ModuleDict({str(i): CausalAttention(channels, grid) for i in after})
        self.head = nn.Sequential(nn.ReLU(), nn.Conv2d(channels, channels, 1), nn.ReLU(),
                                  nn.Conv2d(channels, n_codes, 1))

    def embedded(self, codes: Tensor) -> Tensor:
        return self.embed(codes).permute(0, 3, 1, 2)

    def stacks(self, e: Tensor, y: Tensor | None = None, depth: int | None = None,
               s: Tensor | None = None) -> tuple[Tensor, Tensor]:
        """(vertical, horizontal) features after `depth` layers (all by default)."""
        v, h = down_shift(e), right_shift(e)
        for i, layer in enumerate(self.layers[:depth]):
            v, h = layer(v, h, y, s)
            if str(i) in self.attention:
                h = self.attention[str(i)](h, e)
        return v, h

    def forward(self, e: Tensor, y: Tensor | None = None, s: Tensor | None = None) -> Tensor:
        return self.head(self.stacks(e, y, s=s)[1])


class TopCondition(nn.Module):
    """A VQ-VAE-2's top codes (n, ht, wt) -> a map (n, C, hb, wb) on the bottom grid (upsampled
    by `factor`, then cropped to `out_hw` where the bottom grid is odd: 4x4 -> 8x8 -> 7x7)."""

    def __init__(self, n_codes: int, channels: int, factor: int, out_hw: tuple | None = None):
        super().__init__()
        self.out_hw = tuple(out_hw) if out_hw else None
        self.embed = nn.Embedding(n_codes, channels)
        self.net = nn.Sequential(nn.Upsample(scale_factor=factor, mode="nearest"),
                                 nn.Conv2d(channels, channels, 3, padding=1), nn.ReLU(),
                                 nn.Conv2d(channels, channels, 3, padding=1))

    def forward(self, top: Tensor) -> Tensor:
        out = self.net(self.embed(top).permute(0, 3, 1, 2))
        return out[..., :self.out_hw[0], :self.out_hw[1]] if self.out_hw else out


def _rows(b, upto: int):
    """A gate bias for rows 0..upto-1: a map is cut, a per-sample bias stays as it is."""
    return b[:, :, :upto] if isinstance(b, Tensor) and b.shape[2] > 1 else b


def _strip(b, i: int, upto: int):
    """A gate bias for row i, columns 0..upto-1."""
    return b[:, :, i:i + 1, :upto] if isinstance(b, Tensor) and b.shape[2] > 1 else b


@torch.no_grad()
def draw_by_rows(net: GatedPixelCNN, grid: tuple, u: Tensor, y: Tensor | None = None,
                s: Tensor | None = None) -> Tensor:
    """(n, h*w) uniforms in (0, 1) -> (n, h, w) codes, drawn in raster order; each position's
    code by the inverse CDF of its distribution.

    What the net computes, in the order sampling allows: the vertical stack of row i sees
    only the rows above, so it runs once per row (on rows 0..i); the horizontal stack of
    (i, j) sees row i's columns up to j and the vertical stack there, so per position only
    that strip runs. About six times fewer operations than a full pass per position. Nets
    with attention take draw_by_passes instead."""
    h, w = grid
    K = net.embed.num_embeddings
    biases = [layer.biases(y, s) for layer in net.layers]
    codes = torch.zeros(len(u), h, w, dtype=torch.long, device=u.device)
    for i in range(h):
        v = down_shift(net.embedded(codes[:, :i + 1]))
        v_pre_row = []
        for layer, (cv, _) in zip(net.layers, biases):
            v_pre = layer.vertical_pre(v)
            v_pre_row.append(v_pre[:, :, i:])
            v = gate(v_pre + _rows(cv, i + 1))
        for j in range(w):
            hs = right_shift(net.embedded(codes[:, i:i + 1, :j + 1]))
            for layer, v_pre, (_, ch) in zip(net.layers, v_pre_row, biases):
                hs = layer.horizontal_step(hs, v_pre[..., :j + 1], _strip(ch, i, j + 1))
            p = net.head(hs[..., j:])[:, :, 0, 0].float().softmax(1)
            k = torch.searchsorted(p.cumsum(1), u[:, i * w + j, None].float().contiguous())
            codes[:, i, j] = k.squeeze(1).clamp_(max=K - 1)
    return codes


@torch.no_grad()
def draw_by_passes(net: GatedPixelCNN, grid: tuple, u: Tensor, y: Tensor | None = None,
                s: Tensor | None = None) -> Tensor:
    """(n, h*w) uniforms -> (n, h, w) codes in raster order, one full pass per position: for nets
    with attention, where draw_by_rows' shortcut does not fit. Rows below the one being drawn
    cannot change it, so each pass stops at that row (a map is cut to match)."""
    h, w = grid
    K = net.embed.num_embeddings
    codes = torch.zeros(len(u), h, w, dtype=torch.long, device=u.device)
    for i in range(h):
        for j in range(w):
            logits = net(net.embedded(codes[:, :i + 1]), y, None if s is None else s[:, :, :i + 1])
            p = logits[:, :, i, j].float().softmax(1)
            k = torch.searchsorted(p.cumsum(1), u[:, i * w + j, None].float().contiguous())
            codes[:, i, j] = k.squeeze(1).clamp_(max=K - 1)
    return codes


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
        two = cfg.vq_model == "vqvae2"
        self.level = cfg.prior_level
        if two and self.level not in ("top", "bottom"):
            raise ValueError("a prior over a VQ-VAE-2 run models one of its levels: give --level top or --level bottom")
        if not two and self.level:
            raise ValueError("--level applies to a prior over a VQ-VAE-2 run; this VQ-VAE has one level")
        self.vq = (VQVAE2 if two else VQVAE)(replace(cfg, model=cfg.vq_model))
        self.vq.requires_grad_(False)
        self.grid = self.vq.grids[self.level] if two else self.vq.grid
        self.K = self.vq.level_size(self.level) if two else cfg.codebook_size
        conditional = cfg.pixelcnn_conditional
        C, L = cfg.pixelcnn_channels, cfg.pixelcnn_layers
        spatial = 0
        self.top = self.top_condition = None
        if self.level == "bottom":
            # the top codes as a map on the bottom grid; and the top-level prior that draws them
            # (its weights copied from cfg.top_prior_run when the run is made, frozen)
            tgrid, Kt = self.vq.grids["top"], self.vq.level_size("top")
            self.top_condition = TopCondition(Kt, C, -(-self.grid[0] // tgrid[0]), self.grid)
            spatial = C
            self.top = GatedPixelCNN(Kt, cfg.top_prior_channels or C, cfg.top_prior_layers or L,
                                     cfg.n_classes if conditional else 0, 0.0, cfg.top_prior_attention, tgrid)
            self.top.requires_grad_(False)
        self.net = GatedPixelCNN(self.K, C, L, cfg.n_classes if conditional else 0, cfg.pixelcnn_dropout,
                                 cfg.pixelcnn_attention, self.grid, spatial)
        # a top-level prior draws code grids only: images need the bottom level's prior too
        makes_images = self.level != "top"
        self.capabilities = frozenset({AUTOREGRESSIVE} | ({GENERATE, DECODE} if makes_images else set())
                                      | ({CONDITIONAL} if conditional else set()))
        self.vq.eval()

    def train(self, mode: bool = True):
        super().train(mode)
        self.vq.eval()  # frozen: in training mode its quantizer would count uses and restart codes
        if self.top is not None:
            self.top.eval()
        return self

    @property
    def top_positions(self) -> int:
        """Noise values that draw the top codes (a bottom-level prior samples both levels)."""
        if self.level != "bottom":
            return 0
        ht, wt = self.vq.grids["top"]
        return ht * wt

    @property
    def latent(self) -> LatentSpec:
        h, w = self.grid
        return LatentSpec(dim=self.top_positions + h * w, prior="normal", grid=(h, w), codebook_size=self.K,
                          code_dim=self.cfg.code_dim)

    def phase_parameters(self, phase: str) -> list:
        return list(self.net.parameters()) + (list(self.top_condition.parameters()) if self.top_condition else [])

    def _labels(self, y: Tensor | None) -> Tensor | None:
        return y.long() if CONDITIONAL in self.capabilities and y is not None else None

    def logits(self, codes: Tensor, y: Tensor | None = None, top: Tensor | None = None) -> Tensor:
        """(n, h, w) codes -> (n, K, h, w): position (i, j)'s logits see only earlier positions
        (and, for a bottom-level prior, all the top codes)."""
        s = self.top_condition(top) if self.top_condition is not None else None
        return self.net(self.net.embedded(codes), self._labels(y), s)

    def _codes_of(self, x: Tensor) -> Tensor:
        enc = self.vq.encode(x)
        if self.level == "top":
            return enc.top_indices
        if self.level == "bottom":   # one row per image: its top codes, then its bottom codes
            return torch.cat([enc.top_indices.flatten(1), enc.indices.flatten(1)], 1)
        return enc.indices

    def _split(self, codes: Tensor) -> tuple:
        """A bottom-level prior's rows back to (top grid, bottom grid); others (None, grid)."""
        if self.level != "bottom":
            return None, codes
        t = self.top_positions
        return codes[:, :t].reshape(-1, *self.vq.grids["top"]), codes[:, t:].reshape(-1, *self.grid)

    @torch.no_grad()
    def prepare_inputs(self, x: Tensor) -> Tensor:
        """Images to their code grids under the frozen VQ-VAE; code grids pass through."""
        if not x.is_floating_point():
            return x.long()
        if len(x) == 0:
            shape = (self.top_positions + self.grid[0] * self.grid[1],) if self.level == "bottom" else self.grid
            return torch.zeros(0, *shape, dtype=torch.long, device=x.device)
        return torch.cat([self._codes_of(x[i:i + ENCODE_BATCH]) for i in range(0, len(x), ENCODE_BATCH)])

    def loss(self, batch, phase=None):
        codes = batch[0]
        if codes.is_floating_point():
            raise ValueError("PixelCNN.loss takes code grids: pass images through prepare_inputs first")
        y = batch[1] if len(batch) > 1 else None
        top, codes = self._split(codes)
        nll = F.cross_entropy(self.logits(codes, y, top), codes)  # nats per code
        return nll, {"bits_per_code": nll / math.log(2)}

    @torch.no_grad()
    def sample_codes(self, u: Tensor, y: Tensor | None = None, top: Tensor | None = None) -> Tensor:
        """(n, h*w) uniforms in (0, 1) -> (n, h, w) codes, drawn in raster order (a
        bottom-level prior: given the top codes)."""
        s = self.top_condition(top) if self.top_condition is not None else None
        if len(self.net.attention):
            return draw_by_passes(self.net, self.grid, u, self._labels(y), s)
        return draw_by_rows(self.net, self.grid, u, self._labels(y), s)

    @torch.no_grad()
    def decode(self, z: Tensor, y: Tensor | None = None) -> Tensor:
        z = z.view(len(z), -1)
        if z.shape[1] != self.latent.dim:
            raise ValueError(f"pixelcnn noise has {self.latent.dim} values per sample, got {z.shape[1]}")
        if self.level == "top":
            raise ValueError("a top-level prior draws top codes only: images need a bottom-level prior "
                             "(train --model pixelcnn --level bottom --top-prior THIS_RUN)")
        u = torch.special.ndtr(z)
        if self.level == "bottom":
            t = self.top_positions
            top = draw_by_passes(self.top, self.vq.grids["top"], u[:, :t], self._labels(y))
            return self.vq.decode_levels(top, self.sample_codes(u[:, t:], y, top))
        return self.vq.decode_indices(self.sample_codes(u, y))

    def reconstruct(self, x: Tensor, y: Tensor | None = None) -> Tensor:
        """A top-level prior makes no images of its own: its run's pictures are the frozen
        VQ-VAE-2's reconstructions of the test inputs, the codes it learns."""
        if self.level != "top":
            return super().reconstruct(x, y)
        return self.vq.reconstruct(x)

    @torch.no_grad()
    def sample_top(self, n: int, generator: torch.Generator | None = None) -> Tensor:
        """A top-level prior's own samples: (n, ht, wt) top code grids."""
        u = torch.rand(n, self.grid[0] * self.grid[1], generator=generator, device=self.device)
        return draw_by_passes(self.net, self.grid, u)
