"""What the rejection-sampling panel draws, computed without Qt.

- draw_drs: a DRS draw (explorer.core.gan.drs) with the candidates it judged and those it
  turned down, and for 2-D toy data the mode metrics of the kept samples beside those of
  every candidate.
- side_grids: the kept and the rejected samples (of either filter, DRS or the classifier)
  as two image grids of the same width and height, so that a sample is drawn the same size
  on either side; the cells past the last image are blank.

Both run off the GUI thread; the panel only turns their arrays into pixmaps and scatters.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import torch

BURN_IN = 10_000          # candidates scored first to estimate D's largest logit (the paper's setting)
RECORD_POINTS = 10_000    # 2-D data: candidates kept for the scatters and the "all candidates" figures
BLANK = 235               # grey of the grid cells past the last image
PAD = 2                   # pixels between grid cells (explorer.core.data.images.grid_uint8's pad)


@dataclass
class DRSDraw:
    """drs_sample's result with the candidates it turned down."""
    kept: torch.Tensor                 # (n, ...) the samples DRS returned (CPU)
    rejected: torch.Tensor             # candidates it judged and did not keep
    candidates: torch.Tensor           # every candidate judged after the burn-in
    acceptance_rate: float
    accepted: int
    proposed: int
    percentile: float
    kept_modes: dict | None = None     # toy data: mode_metrics of the kept samples
    all_modes: dict | None = None      # ... and of every candidate, for comparison


def draw_drs(model, n: int, data, percentile: float, seed: int, images_shown: int, cancel=None) -> DRSDraw:
    """n samples kept by `model`'s discriminator. Toy data (`data.modes` set) records up to
    RECORD_POINTS candidates and rejections for the scatters; images only `images_shown`,
    as many as the panel draws. `cancel`: a threading.Event that stops it between batches."""
    from explorer.core.gan.drs import drs_sample
    from explorer.core.training.evaluation import mode_metrics

    record = RECORD_POINTS if data.modes is not None else images_shown
    r = drs_sample(model, n, percentile=percentile, seed=seed, burn_in=BURN_IN, batch=min(max(n, 100), 1000),
                   record=record, cancel=cancel)
    out = DRSDraw(r.samples.cpu(), r.rejected, r.candidates, r.acceptance_rate, r.accepted, r.proposed, percentile)
    if data.modes is not None:
        out.kept_modes = mode_metrics(out.kept.numpy(), data.modes, data.sigma)
        out.all_modes = mode_metrics(out.candidates.numpy(), data.modes, data.sigma)
    return out


def side_grids(kept: torch.Tensor, rejected: torch.Tensor, shown: int, columns: int):
    """(kept grid, rejected grid): the first `shown` images of each, `columns` wide, both with
    the rows the longer side needs; None for a side with no images."""
    rows = max(1, -(-min(shown, max(len(kept), len(rejected))) // columns))
    return tuple(blank_filled_grid(x[:shown], rows, columns) if len(x) else None for x in (kept, rejected))


def blank_filled_grid(x: torch.Tensor, rows: int, columns: int) -> np.ndarray:
    """(n, C, H, W) images tiled by grid_uint8 into a grid `columns` wide and `rows` tall
    (rows * columns >= n); past the last image everything is BLANK, padding included, but
    for the padding line along the top of the images' rows."""
    from explorer.core.data.images import grid_uint8, to_uint8

    imgs = to_uint8(x)
    n, h, w, ch = imgs.shape
    canvas = grid_uint8(np.full((rows * columns, h, w, ch), BLANK, np.uint8), columns, PAD, pad_value=BLANK)
    full, rest = divmod(n, columns)
    if full:                   # the full rows, with the padding around them
        top = grid_uint8(imgs[:full * columns], columns, PAD)
        canvas[:top.shape[0], :top.shape[1]] = top
    if rest:                   # the last, shorter row: a grid `rest` wide, one grid row further down
        last = grid_uint8(imgs[full * columns:], rest, PAD)
        y = full * (h + PAD)
        canvas[y:y + PAD] = last[:PAD, :1]     # the padding line above it runs the whole width
        canvas[y:y + last.shape[0], :last.shape[1]] = last
    return canvas
