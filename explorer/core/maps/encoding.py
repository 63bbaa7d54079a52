"""Encoding a run's data into latents, with what a map is coloured by.

One call encodes the train and test splits (or a seeded, stratified sample of
them) in batches and returns plain numpy arrays: the latents, labels, where
each row came from (split and index, so the GUI can show the sample's image),
the per-sample reconstruction error, for VAEs the per-sample KL, for VQ-VAEs
the code indices, and for `shapes` the generative factors.

This takes from a few hundred milliseconds (MLP, 5,000 digits) to seconds
(conv nets, large caps): run it off the GUI thread. `progress(done, total)` is
called after each batch; setting `cancel` stops at the next batch with `Cancelled`.
"""
from __future__ import annotations

import hashlib
import threading
from dataclasses import dataclass, field
from typing import Callable

import numpy as np
import torch

from models import CONDITIONAL, DISCRETE, ENCODE, POSTERIOR, GenerativeModel

from explorer.core.data.datasets import Dataset
from explorer.core.data.store import ImageStore
from models.nets import eval_mode

SPLITS = ("train", "test")   # split codes: 0 = train, 1 = test
DEFAULT_CAP = 5000
ACTIVE_VARIANCE = 0.01       # Burda et al. (2016): a unit is active when Var_x(E_q[z_u]) > 0.01


class Cancelled(Exception):
    """Raised when a caller's cancel event was set mid-way."""


@dataclass
class EncodedData:
    latents: np.ndarray              # (n, d) float32; VAEs: posterior means; VQ-VAE: pre-quantisation grid, flat
    labels: np.ndarray               # (n,) int64 dataset labels
    split: np.ndarray                # (n,) uint8 index into SPLITS
    index: np.ndarray                # (n,) int64 row in that split of the Dataset
    recon_error: np.ndarray          # (n,) float32 mean squared error per value of decode(encode(x).z) vs x
    label_names: list
    kl: np.ndarray | None = None     # (n,) float32 KL(q(z|x) || N(0, I)) in nats, VAEs only
    kl_per_dim: np.ndarray | None = None     # (d,) mean KL of each latent dimension, VAEs only
    mu_variance: np.ndarray | None = None    # (d,) Var over the data of each posterior mean, VAEs only
    codes: np.ndarray | None = None  # (n, h, w) int64 code indices, VQ-VAE only
    factors: dict = field(default_factory=dict)  # name -> (n,) array: generative factors (shapes)
    step: int = 0                    # checkpoint step the latents belong to

    def __len__(self) -> int:
        return len(self.latents)

    @property
    def dim(self) -> int:
        return self.latents.shape[1]

    @property
    def active_units(self) -> np.ndarray | None:
        """(d,) bool, VAEs: Burda et al.'s criterion, as metrics.active_units counts them."""
        return None if self.mu_variance is None else self.mu_variance > ACTIVE_VARIANCE

    def rows_of(self, split: str) -> np.ndarray:
        return np.flatnonzero(self.split == SPLITS.index(split))

    def inputs(self, data: Dataset, rows) -> torch.Tensor:
        """The dataset samples behind `rows` (e.g. for a hover preview)."""
        rows = np.atleast_1d(np.asarray(rows, np.int64))
        return _take(data.train_x, data.test_x, self.split[rows], self.index[rows])

    def sample_digest(self) -> str:
        """Which samples these are (split and index), not their latents: part of a map's cache key."""
        h = hashlib.sha1(self.split.tobytes())
        h.update(self.index.tobytes())
        return h.hexdigest()[:12]

    def latents_digest(self) -> str:
        return hashlib.sha1(np.ascontiguousarray(self.latents).tobytes()).hexdigest()[:16]


def sample_rows(data: Dataset, cap: int | None = DEFAULT_CAP, seed: int = 0,
                splits: tuple = SPLITS) -> tuple[np.ndarray, np.ndarray]:
    """(split codes, indices) of the rows to encode: everything when it fits under `cap`,
    else a seeded sample stratified by split and label, sorted by split then index."""
    unknown = [s for s in splits if s not in SPLITS]
    if unknown or not splits:
        raise ValueError(f"unknown split {unknown[0] if unknown else '(none)'!r}; valid: {', '.join(SPLITS)}")
    if cap is not None and cap < 1:
        raise ValueError(f"the sample cap must be at least 1, got {cap}")
    parts = {"train": data.train_y, "test": data.test_y}
    split = np.concatenate([np.full(len(parts[s]), SPLITS.index(s), np.uint8) for s in splits])
    index = np.concatenate([np.arange(len(parts[s]), dtype=np.int64) for s in splits])
    labels = np.concatenate([parts[s].numpy() for s in splits]).astype(np.int64)
    if cap is None or len(index) <= cap:
        return split, index
    strata = labels * len(SPLITS) + split
    counts = np.bincount(strata)
    n_strata = int((counts > 0).sum())
    stratify = strata if counts[counts > 0].min() >= 2 and n_strata <= min(cap, len(index) - cap) else None
    from sklearn.model_selection import train_test_split
    chosen, _ = train_test_split(np.arange(len(index)), train_size=cap, random_state=seed, stratify=stratify)
    chosen = np.sort(chosen)  # concatenated split by split, so sorting keeps split-then-index order
    return split[chosen], index[chosen]


@torch.no_grad()
def encode_data(model: GenerativeModel, data: Dataset, cap: int | None = DEFAULT_CAP, seed: int = 0,
                splits: tuple = SPLITS, batch: int = 500, step: int = 0,
                progress: Callable[[int, int], None] | None = None,
                cancel: threading.Event | None = None) -> EncodedData:
    """Encode a (capped, stratified) sample of the data with `model` in eval mode."""
    caps = model.capabilities
    if ENCODE not in caps:
        raise ValueError(f"{model.cfg.model} has no encoder: map its generator's noise instead "
                         f"(explorer.core.maps.gan_maps)")
    split, index = sample_rows(data, cap, seed, splits)
    device = model.device
    conditional = CONDITIONAL in caps
    zs, errs, kls, kl_dims, codes = [], [], [], [], []
    with eval_mode(model):
        for start in range(0, len(index), batch):
            if cancel is not None and cancel.is_set():
                raise Cancelled("encoding cancelled")
            x, y = _gather(data, split[start:start + batch], index[start:start + batch])
            x, y = x.to(device), y.to(device)
            cond = y if conditional else None
            enc = model.encode(x, cond)
            recon = model.decode(enc.z, cond)
            zs.append(enc.z.float().cpu())
            errs.append((recon - x).pow(2).flatten(1).mean(1).float().cpu())
            if POSTERIOR in caps:
                # Kingma & Welling (2014), Appendix B, per dimension
                per_dim = -0.5 * (1 + enc.logvar - enc.mu.pow(2) - enc.logvar.exp())
                kls.append(per_dim.sum(1).cpu())
                kl_dims.append(per_dim.sum(0).cpu())
            if DISCRETE in caps and enc.indices is not None:
                codes.append(enc.indices.cpu())
            if progress is not None:
                progress(min(start + batch, len(index)), len(index))
    latents = torch.cat(zs).numpy().astype(np.float32, copy=False)
    labels = _take(data.train_y, data.test_y, split, index).numpy()
    out = EncodedData(latents=latents, labels=labels.astype(np.int64), split=split, index=index,
                      recon_error=torch.cat(errs).numpy().astype(np.float32),
                      label_names=list(data.label_names), step=step, factors=_factors(data, split, index))
    if kls:
        out.kl = torch.cat(kls).numpy().astype(np.float32)
        out.kl_per_dim = (torch.stack(kl_dims).sum(0) / len(index)).numpy().astype(np.float32)
        out.mu_variance = latents.var(0, ddof=1) if len(latents) > 1 else np.zeros(latents.shape[1], np.float32)
    if codes:
        out.codes = torch.cat(codes).numpy().astype(np.int64)
    return out


def encode_run(run, data: Dataset | None = None, **kwargs) -> EncodedData:
    """encode_data for a LoadedRun, loading its dataset when none is given."""
    if data is None:
        from explorer.core.runs import load_run_data
        data = load_run_data(run)
    return encode_data(run.model, data, step=run.step, **kwargs)


def _take(train, test, split: np.ndarray, index: np.ndarray):
    """Rows of a train/test pair of arrays (or tensors) by split code and index, in order."""
    is_tensor = isinstance(train, (torch.Tensor, ImageStore))   # a store: uint8 read as float, like a tensor
    if is_tensor:
        out = torch.empty((len(index), *train.shape[1:]), dtype=train.dtype)
    else:
        train, test = np.asarray(train), np.asarray(test)
        out = np.empty((len(index), *train.shape[1:]), train.dtype)
    for s, source in enumerate((train, test)):
        rows = np.flatnonzero(split == s)
        if len(rows):
            picked = index[rows]
            if is_tensor:
                out[torch.from_numpy(rows)] = source[torch.from_numpy(picked)]
            else:
                out[rows] = np.asarray(source)[picked]
    return out


def _gather(data: Dataset, split: np.ndarray, index: np.ndarray) -> tuple[torch.Tensor, torch.Tensor]:
    return (_take(data.train_x, data.test_x, split, index), _take(data.train_y, data.test_y, split, index))


def _factors(data: Dataset, split: np.ndarray, index: np.ndarray) -> dict:
    return {name: _take(np.asarray(data.train_factors[name]), np.asarray(data.test_factors[name]), split, index)
            for name in data.train_factors}
