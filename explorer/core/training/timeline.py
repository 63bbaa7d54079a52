"""What a run shows of itself over time: samples from fixed noise, or reconstructions."""
from __future__ import annotations

from pathlib import Path

import numpy as np
import torch

from models import ADVERSARIAL, AUTOREGRESSIVE, CONDITIONAL, GENERATE, POSTERIOR, GenerativeModel

from explorer.core.data.datasets import Dataset
from explorer.core.data.images import save_grid
from models.nets import eval_mode

GRID_SEEDS = 8       # columns of a class x seed grid
N_SAMPLES = 64       # fixed-noise samples in an unconditional grid
N_RECON = 16         # test images shown above their reconstructions
N_POINTS = 2500      # 2-D samples kept per timeline entry


TIMELINE_KEEP = 256  # epoch pictures a run keeps on disk, besides its first and its newest


def timeline_stride(epoch: int, keep: int = TIMELINE_KEEP) -> int:
    """Every stride-th epoch's picture is kept: the smallest power of two leaving at most `keep`."""
    stride = 1
    while epoch // stride > keep:
        stride *= 2
    return stride


def thinned_epochs(epoch: int, keep: int = TIMELINE_KEEP) -> list[int]:
    """Epochs whose timeline pictures go once `epoch`'s is written.

    A run keeps its first epoch, its newest and every stride-th between, the stride doubling
    as the run grows (as the loss history halves its resolution): at most keep + 2 pictures
    however long it trains, spread evenly over it. Mnist5k's epochs take a fifth of a second
    here, and a picture each (~50 KB) would otherwise fill gigabytes overnight."""
    if epoch < 3:
        return []
    new, old, prev = timeline_stride(epoch, keep), timeline_stride(epoch - 1, keep), epoch - 1
    out = {e for e in range(old, prev, old) if e % new} if new != old else set()
    if prev % new:
        out.add(prev)   # the previous newest, off the grid
    out.discard(1)
    return sorted(out)


def shows_generated(model: GenerativeModel) -> bool:
    """Generative families show samples; plain autoencoders (and VQ-VAEs without a
    trained prior) show test inputs above their reconstructions."""
    caps = model.capabilities
    return GENERATE in caps and bool(caps & {POSTERIOR, ADVERSARIAL, CONDITIONAL, AUTOREGRESSIVE})


class Timeline:
    """Fixed inputs chosen once per run (from its seed), rendered at each epoch."""

    def __init__(self, model: GenerativeModel, data: Dataset, seed: int):
        g = torch.Generator().manual_seed(seed + 1)
        self.written: dict[int, Path] = {}   # epoch -> the picture this session wrote for it
        self.points = data.kind == "points"
        self.generated = shows_generated(model)
        n_classes = min(data.n_classes, 10)
        if CONDITIONAL in model.capabilities and not self.points:
            z = torch.randn(GRID_SEEDS, model.latent.dim, generator=g)
            self.z = z.repeat(n_classes, 1)
            self.y = torch.arange(n_classes).repeat_interleave(GRID_SEEDS)
            self.nrow = GRID_SEEDS
        elif self.generated:
            n = N_POINTS if self.points else N_SAMPLES
            self.z = torch.randn(n, model.latent.dim, generator=g)
            self.y = torch.arange(n) % data.n_classes if CONDITIONAL in model.capabilities else None
            self.nrow = 8
        else:
            n = N_POINTS if self.points else N_RECON
            self.x = data.test_x[:n]
            self.y = data.test_y[:n]
            self.nrow = 8

    @torch.no_grad()
    def render(self, model: GenerativeModel) -> torch.Tensor | np.ndarray:
        dev = model.device
        y = None if self.y is None else self.y.to(dev)
        with eval_mode(model):
            if self.generated:
                out = model.decode(self.z.to(dev), y).cpu()
            else:
                x = self.x.to(dev)
                rec = model.reconstruct(x, y).cpu()
                if self.points:
                    out = rec
                else:  # rows of originals, each followed by its row of reconstructions
                    rows = [t for i in range(0, len(x), self.nrow)
                            for t in (self.x[i:i + self.nrow], rec[i:i + self.nrow])]
                    out = torch.cat(rows)
        return out.numpy() if self.points else out

    def path(self, directory: Path, epoch: int, step: int | None = None) -> Path:
        """samples/epoch_0003.png at an epoch's end; samples/step_0001234.png on demand."""
        stem = f"epoch_{epoch:04d}" if step is None else f"step_{step:07d}"
        return directory / (stem + (".npy" if self.points else ".png"))

    def free_path(self, directory: Path, epoch: int, step: int | None = None) -> Path:
        """path(), or beside it epoch_0003_2.png, ... when that name is taken: a resume after
        a crash redoes epochs whose pictures are on disk, and never writes over them."""
        path = self.path(directory, epoch, step)
        i = 1
        while path.exists():
            i += 1
            base = self.path(directory, epoch, step)
            path = base.with_name(f"{base.stem}_{i}{base.suffix}")
        return path

    def thin(self, directory: Path, epoch: int) -> list[str]:
        """Delete the epoch pictures thinned_epochs() lets go; their names."""
        gone = []
        for e in thinned_epochs(epoch, TIMELINE_KEEP):
            path = self.written.pop(e, None) or self.path(directory, e)
            try:
                path.unlink()
            except FileNotFoundError:
                continue
            gone.append(path.name)
        return gone

    def save(self, model: GenerativeModel, directory: Path, epoch: int, step: int | None = None) -> Path:
        out = self.render(model)
        directory.mkdir(parents=True, exist_ok=True)
        path = self.free_path(directory, epoch, step)
        if step is None:
            self.written[epoch] = path
        if self.points:
            from explorer.core.runs import atomic_write_bytes
            import io
            buf = io.BytesIO()
            np.save(buf, out.astype(np.float32))
            atomic_write_bytes(path, buf.getvalue(), durable=False)
        else:
            save_grid(out, path, nrow=self.nrow)
        return path
