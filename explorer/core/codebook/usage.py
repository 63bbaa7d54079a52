"""A VQ-VAE's codebook from the outside: the usage records training writes, the code grids of
a dataset and which images use a code, one input's grid edited cell by cell, and the
codebook itself as a 2-D map.

Costs (mnist5k: 4,480 training digits, 7x7 grids, K = 512; 2 shared cores):
encode_grids about 0.3 s, once per checkpoint and off the GUI thread; CodeGrids.uses and
top_images tens of microseconds; CodeEditor.set_cell about 1 ms (one 7x7 grid through the
decoder); codebook_map about 2 ms by PCA, seconds by UMAP (latent_map.project).
"""
from __future__ import annotations

import threading
from dataclasses import dataclass, field
from typing import Callable

import numpy as np
import torch

from models import DECODE, DISCRETE, ENCODE, Encoding, GenerativeModel, LatentSpec

from explorer.core.maps.projection import LatentMap, project
from explorer.core.maps.encoding import Cancelled
from explorer.core.training.evaluation import codebook_stats
from models.nets import eval_mode

# -- usage records ---------------------------------------------------------------------

def encode_usage(counts) -> list[int]:
    """Code uses in index order, each run of unused codes written as minus its length:
    [0, 0, 0, 5, 7, 0, 2] -> [-3, 5, 7, -1, 2]. Never longer than the counts themselves,
    and as short as the codes used (plus the gaps) when most are dead: a K = 8,192 record
    stays a few kilobytes while the codebook is sparsely used and about 40 KB at worst."""
    c = np.asarray(counts).astype(np.int64).ravel()
    if (c < 0).any():
        raise ValueError("code use counts cannot be negative")
    zero = c == 0
    starts = zero & np.concatenate([[True], ~zero[:-1]])
    runs = np.cumsum(starts) - 1
    out = c.copy()
    out[starts] = -np.bincount(runs[zero], minlength=int(starts.sum()))
    return out[~zero | starts].tolist()


def decode_usage(encoded, K: int | None = None) -> np.ndarray:
    """The counts back from encode_usage's list; ValueError if they do not make K codes."""
    r = np.asarray(encoded, np.int64).ravel()
    counts = np.repeat(np.where(r < 0, 0, r), np.where(r < 0, -r, 1))
    if K is not None and len(counts) != K:
        raise ValueError(f"usage record holds {len(counts)} codes, expected {K}")
    return counts


def usage_record(counts, restarts: int = 0) -> dict:
    """What a "usage" line of metrics.jsonl holds besides kind, step and epoch."""
    stats = codebook_stats(counts)
    stats.pop("code_usage")
    return {**stats, "restarts": int(restarts), "usage_rle": encode_usage(counts)}


# -- which model holds the codebook ----------------------------------------------------

def vq_model(model: GenerativeModel, level: str | None = None) -> GenerativeModel:
    """The VQ-VAE itself, or the one inside a prior over its codes. A VQ-VAE-2 is seen one
    level at a time (LevelView), the bottom one unless `level` says "top"."""
    if isinstance(model, LevelView):
        model = model.model
    if DISCRETE not in model.capabilities:
        inner = getattr(model, "vq", None)
        if not (isinstance(inner, GenerativeModel) and DISCRETE in inner.capabilities):
            raise ValueError(f"{model.cfg.model} has no codebook: code maps need a VQ-VAE run")
        model = inner
    if model.latent.levels:
        return LevelView(model, level or "bottom")
    return model


def levels_of(model: GenerativeModel) -> tuple:
    """("top", "bottom") for a VQ-VAE-2 (or a prior over one); () for one level."""
    vq = vq_model(model)
    return tuple(lv for lv, _, _ in vq.model.latent.levels) if isinstance(vq, LevelView) else ()


class LevelView(GenerativeModel):
    """One level of a VQ-VAE-2 as if it were a one-level VQ-VAE: its codebook, its code grids,
    its grids decoded. Decoding needs the other level's codes too: a view `holding(x)` keeps
    those of the input x, so editing one level's cells re-decodes with the other level's as x
    has them."""

    def __init__(self, model: GenerativeModel, level: str, held: torch.Tensor | None = None):
        super().__init__(model.cfg)
        levels = {lv: (grid, K) for lv, grid, K in model.latent.levels}
        if level not in levels:
            raise ValueError(f"unknown level {level!r}; valid: {', '.join(levels)}")
        self.model, self.level, self.held = model, level, held
        self.other = next(lv for lv in levels if lv != level)
        self.grid, self.K = levels[level]
        self.capabilities = frozenset({DISCRETE, ENCODE, DECODE})

    @property
    def latent(self) -> LatentSpec:
        h, w = self.grid
        D = self.model.latent.code_dim
        return LatentSpec(dim=D * h * w, prior="codebook", discrete=True, grid=(h, w), codebook_size=self.K, code_dim=D)

    @property
    def quantizer(self):
        return self.model.quantizers[self.level]

    @staticmethod
    def _pick(enc: Encoding, level: str) -> torch.Tensor:
        return enc.top_indices if level == "top" else enc.indices

    def encode(self, x, y=None) -> Encoding:
        enc = self.model.encode(x)
        return Encoding(z=enc.z, indices=self._pick(enc, self.level))

    def holding(self, x: torch.Tensor) -> "LevelView":
        """This level's view with the other level's codes of the one input x (1, C, H, W)."""
        with torch.no_grad():
            held = self._pick(self.model.encode(x), self.other)
        return LevelView(self.model, self.level, held)

    def decode_indices(self, indices: torch.Tensor) -> torch.Tensor:
        if self.held is None:
            raise ValueError("a VQ-VAE-2 decodes both levels' codes: hold an input's other level first")
        other = self.held.expand(len(indices), -1, -1)
        pair = {self.level: indices, self.other: other}
        return self.model.decode_levels(pair["top"], pair["bottom"])


def swap_levels(model: GenerativeModel, a: torch.Tensor, b: torch.Tensor) -> dict:
    """Two inputs (C, H, W) of a VQ-VAE-2 and their levels exchanged: {"a", "b" (their
    reconstructions), "top_a_bottom_b", "top_b_bottom_a"}, each (C, H, W). By design the top codes
    carry the global structure and the bottom codes the local detail; the pictures show how a
    trained run really divides an image between them."""
    vq = vq_model(model).model
    with eval_mode(vq), torch.inference_mode():
        enc = vq.encode(torch.stack([a, b]).to(vq.device))
        t, bt = enc.top_indices, enc.indices
        out = vq.decode_levels(torch.stack([t[0], t[1], t[0], t[1]]), torch.stack([bt[0], bt[1], bt[1], bt[0]])).cpu()
    return dict(zip(("a", "b", "top_a_bottom_b", "top_b_bottom_a"), out))


def codebook_vectors(model: GenerativeModel) -> np.ndarray:
    """(K, D) float32: the code vectors."""
    vq = model if isinstance(model, LevelView) else vq_model(model)
    return vq.quantizer.codebook.detach().float().cpu().numpy()


# -- code grids of a dataset -------------------------------------------------------------

@dataclass
class CodeUse:
    code: int
    cells: int          # grid cells holding it, over all images
    images: int         # images with at least one such cell
    share: float        # cells / all cells


@dataclass
class CodeGrids:
    """Every image's grid of code indices, indexed by code for fast questions."""
    codes: np.ndarray            # (n, h, w) int32; row r is the split's sample r
    labels: np.ndarray           # (n,) int64 dataset labels
    K: int
    split: str = "train"
    step: int = 0                # checkpoint step the grids belong to
    counts: np.ndarray = field(init=False)           # (K,) cells per code
    images_per_code: np.ndarray = field(init=False)  # (K,) images using each code

    def __post_init__(self):
        from scipy.sparse import coo_matrix

        n = len(self.codes)
        flat = self.codes.reshape(n, -1)
        if flat.size and (flat.min() < 0 or flat.max() >= self.K):
            raise ValueError(f"code indices must be in 0..{self.K - 1}")
        rows = np.repeat(np.arange(n), flat.shape[1])
        ones = np.ones(flat.size, np.int32)
        # images x codes, cells per pair; by columns, so a code's images are one slice
        self._by_code = coo_matrix((ones, (rows, flat.ravel())), shape=(n, self.K)).tocsc()
        self._by_code.sum_duplicates()
        self.counts = np.bincount(flat.ravel(), minlength=self.K).astype(np.int64)
        self.images_per_code = np.diff(self._by_code.indptr).astype(np.int64)

    def __len__(self) -> int:
        return len(self.codes)

    @property
    def grid_shape(self) -> tuple:
        return tuple(self.codes.shape[1:])

    def _check(self, code: int) -> int:
        if not 0 <= int(code) < self.K:
            raise ValueError(f"code must be in 0..{self.K - 1}, got {code}")
        return int(code)

    def uses(self, code: int) -> CodeUse:
        code = self._check(code)
        total = max(1, self.codes.size)
        return CodeUse(code, int(self.counts[code]), int(self.images_per_code[code]),
                       float(self.counts[code]) / total)

    def top_images(self, code: int, k: int = 16) -> tuple[np.ndarray, np.ndarray]:
        """(rows, cells): the k images holding `code` in the most cells, most first (ties:
        lower row first)."""
        code = self._check(code)
        a, b = self._by_code.indptr[code], self._by_code.indptr[code + 1]
        rows, cells = self._by_code.indices[a:b], self._by_code.data[a:b]
        order = np.lexsort((rows, -cells))[:max(0, int(k))]
        return rows[order].astype(np.int64), cells[order].astype(np.int64)

    def grid(self, row: int) -> np.ndarray:
        return self.codes[row]

    def stats(self) -> dict:
        """Perplexity and share of codes used over these grids (metrics.codebook_stats)."""
        return codebook_stats(self.counts)


@torch.no_grad()
def encode_grids(model: GenerativeModel, data, split: str = "train", batch: int = 500, step: int = 0,
                 progress: Callable[[int, int], None] | None = None,
                 cancel: threading.Event | None = None) -> CodeGrids:
    """The code grid of every image in a split (eval mode). Seconds at most: off the GUI thread."""
    vq = model if isinstance(model, LevelView) else vq_model(model)
    if split not in ("train", "test"):
        raise ValueError(f"unknown split {split!r}; valid: train, test")
    x, y = (data.train_x, data.train_y) if split == "train" else (data.test_x, data.test_y)
    out = []
    with eval_mode(vq):
        for i in range(0, len(x), batch):
            if cancel is not None and cancel.is_set():
                raise Cancelled("encoding cancelled")
            out.append(vq.encode(x[i:i + batch].to(vq.device)).indices.to("cpu", torch.int32))
            if progress is not None:
                progress(min(i + batch, len(x)), len(x))
    h, w = vq.latent.grid
    codes = torch.cat(out).numpy() if out else np.zeros((0, h, w), np.int32)
    return CodeGrids(codes, y.numpy().astype(np.int64), vq.latent.codebook_size, split, step)


# -- one input's grid, edited ------------------------------------------------------------

class CodeEditor:
    """One input's code grid and its decoding; set_cell changes a code and decodes again.

    Give it the GUI's own copy of the model (eval mode), not the trainer's."""

    def __init__(self, model: GenerativeModel, codes: torch.Tensor, original_input: torch.Tensor | None = None):
        self.model = model if isinstance(model, LevelView) else vq_model(model)
        self.K = self.model.latent.codebook_size
        codes = torch.as_tensor(codes).long().cpu()
        if tuple(codes.shape) != tuple(self.model.latent.grid):
            raise ValueError(f"a code grid of this model is {self.model.latent.grid}, got {tuple(codes.shape)}")
        self.input = original_input
        self.original = codes.clone()
        self.grid = codes.clone()
        self.reconstruction = self._decode(self.original)
        self.decoded = self.reconstruction

    @classmethod
    @torch.no_grad()
    def for_input(cls, model: GenerativeModel, x: torch.Tensor) -> "CodeEditor":
        """From one input (C, H, W), or a batch of one: its code grid, and that grid decoded
        (its reconstruction)."""
        vq = vq_model(model) if not isinstance(model, LevelView) else model
        if x.dim() == len(vq.cfg.data_shape) + 1 and len(x) == 1:
            x = x[0]
        with eval_mode(vq):
            batch = x.unsqueeze(0).to(vq.device)
            codes = vq.encode(batch).indices[0]
            if isinstance(vq, LevelView):   # the other level's codes as this input has them
                vq = vq.holding(batch)
        return cls(vq, codes, x)

    def _decode(self, grid: torch.Tensor) -> torch.Tensor:
        with torch.inference_mode():
            return self.model.decode_indices(grid.unsqueeze(0).to(self.model.device))[0].cpu()

    def code_at(self, row: int, col: int) -> int:
        return int(self.grid[row, col])

    def set_cell(self, row: int, col: int, code: int) -> torch.Tensor:
        """Put `code` in one cell; the grid decoded again (C, H, W)."""
        h, w = self.grid.shape
        if not (0 <= row < h and 0 <= col < w):
            raise ValueError(f"cell ({row}, {col}) is outside the {h}x{w} grid")
        if not 0 <= int(code) < self.K:
            raise ValueError(f"code must be in 0..{self.K - 1}, got {code}")
        self.grid[row, col] = int(code)
        self.decoded = self._decode(self.grid)
        return self.decoded

    def reset(self) -> torch.Tensor:
        self.grid = self.original.clone()
        self.decoded = self.reconstruction
        return self.decoded

    @property
    def changed(self) -> np.ndarray:
        """(h, w) bool: the cells that differ from the input's own codes."""
        return (self.grid != self.original).numpy()


# -- the codebook as a map ---------------------------------------------------------------

@dataclass
class CodebookMap:
    coords: np.ndarray          # (K, 2) float32: where each code lies
    usage: np.ndarray           # (K,) uses of each code, for sizing (zeros when not given)
    latent_map: LatentMap       # method, parameters, PCA basis

    @property
    def dead(self) -> np.ndarray:
        return self.usage == 0

    def sizes(self, smallest: float = 3.0, largest: float = 18.0) -> np.ndarray:
        return marker_sizes(self.usage, smallest, largest)


def codebook_map(model: GenerativeModel, usage=None, method: str = "pca", params: dict | None = None,
                 progress=None) -> CodebookMap:
    """The K code vectors mapped to 2-D by latent_map.project (pca, umap or tsne)."""
    vectors = codebook_vectors(model)
    K = len(vectors)
    usage = np.zeros(K, np.int64) if usage is None else np.asarray(usage, np.int64).ravel()
    if len(usage) != K:
        raise ValueError(f"usage has {len(usage)} counts for {K} codes")
    lm = project(vectors, method, params, progress)
    return CodebookMap(lm.coords, usage, lm)


def marker_sizes(usage, smallest: float = 3.0, largest: float = 18.0) -> np.ndarray:
    """Marker diameters with area proportional to use; unused codes get `smallest`."""
    u = np.asarray(usage, np.float64)
    top = u.max() if len(u) else 0.0
    if top <= 0:
        return np.full(len(u), smallest)
    return smallest + (largest - smallest) * np.sqrt(u / top)
