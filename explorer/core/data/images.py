"""Image grids as uint8 arrays and PNG files (Pillow; no Qt), and many samples written a
block at a time: numbered PNG grids, or one .npy file streamed row by row."""
from __future__ import annotations

import io
import math
import os
from pathlib import Path

import numpy as np
import torch


def to_uint8(x: torch.Tensor) -> np.ndarray:
    """(n, C, H, W) in [0, 1] -> (n, H, W, C) uint8."""
    x = x.detach().float().clamp(0, 1).cpu()
    return (x.permute(0, 2, 3, 1).numpy() * 255 + 0.5).astype(np.uint8)


def grid(x: torch.Tensor, nrow: int | None = None, pad: int = 2, pad_value: int = 40) -> np.ndarray:
    """Tile (n, C, H, W) images into one (H', W', 3) uint8 array, `nrow` images a row."""
    return grid_uint8(to_uint8(x), nrow, pad, pad_value)


def grid_uint8(imgs: np.ndarray, nrow: int | None = None, pad: int = 2, pad_value: int = 40) -> np.ndarray:
    """grid() of images already (n, H, W, C) uint8, as to_uint8 makes them."""
    n, h, w, ch = imgs.shape
    nrow = nrow or max(1, math.ceil(math.sqrt(n)))
    rows = max(1, math.ceil(n / nrow))
    out = np.full((rows * (h + pad) + pad, nrow * (w + pad) + pad, 3), pad_value, np.uint8)
    # a view of the cells: cells[r, :h, c, :w] is image r * nrow + c (grey broadcasts to RGB)
    cells = out[pad:, pad:].reshape(rows, h + pad, nrow, w + pad, 3)
    full = n // nrow
    if full:
        cells[:full, :h, :, :w] = imgs[:full * nrow].reshape(full, nrow, h, w, ch).transpose(0, 2, 1, 3, 4)
    if n > full * nrow:
        cells[full, :h, :n - full * nrow, :w] = imgs[full * nrow:].transpose(1, 0, 2, 3)
    return out


def png_bytes(arr: np.ndarray, scale: int = 1) -> bytes:
    from PIL import Image

    im = Image.fromarray(arr)
    if scale > 1:
        im = im.resize((im.width * scale, im.height * scale), Image.NEAREST)
    buf = io.BytesIO()
    im.save(buf, format="PNG", compress_level=1)  # level 6 costs ~5x the time for ~20% less
    return buf.getvalue()


def save_grid(x: torch.Tensor, path: Path, nrow: int | None = None, scale: int = 1) -> None:
    from explorer.core.runs import atomic_write_bytes

    atomic_write_bytes(Path(path), png_bytes(grid(x, nrow), scale), durable=False)


# -- many samples: numbered PNG grids and streamed .npy files -------------------------

GRID_CAP = 10_000           # samples in one PNG grid; more go to numbered files
GRID_PIXELS = 48_000_000    # and no grid over this many pixels (about 150 MB as RGB)
UPSCALE_SIDE = 1024         # grids up to this side are written at twice the size


def to_uint8_chw(x: torch.Tensor) -> np.ndarray:
    """(n, C, H, W) in [0, 1] -> (n, C, H, W) uint8, rounded as to_uint8 rounds."""
    return (x.detach().float().clamp(0, 1).cpu() * 255 + 0.5).to(torch.uint8).numpy()


def grid_side(n: int, shape, pad: int = 2) -> int:
    """The longer side in pixels of grid() of n images of shape (C, H, W)."""
    _, h, w = shape
    nrow = max(1, math.ceil(math.sqrt(n)))
    rows = max(1, math.ceil(n / nrow))
    return max(rows * (h + pad) + pad, nrow * (w + pad) + pad)


def grid_scale(n: int, shape) -> int:
    """2 for grids small enough to look at (as sample always drew them), 1 above."""
    return 2 if grid_side(n, shape) <= UPSCALE_SIDE else 1


def grid_capacity(shape, pad: int = 2) -> int:
    """Samples of shape (C, H, W) in one PNG file: GRID_CAP, fewer for large images."""
    _, h, w = shape
    return max(1, min(GRID_CAP, GRID_PIXELS // ((h + pad) * (w + pad))))


def numbered_paths(out: Path, n_files: int) -> list:
    """out.png -> [out_0001.png, out_0002.png, ...], next to out."""
    out = Path(out)
    width = max(4, len(str(n_files)))
    return [out.with_name(f"{out.stem}_{i:0{width}d}{out.suffix}") for i in range(1, n_files + 1)]


def regroup(blocks, size: int, convert=None):
    """Blocks of any lengths -> blocks of exactly `size` rows (the last may be shorter),
    each block passed through `convert` first (default: to a CPU tensor)."""
    convert = convert or (lambda b: b.detach().cpu())
    join = lambda parts: parts[0] if len(parts) == 1 else (
        torch.cat(parts) if isinstance(parts[0], torch.Tensor) else np.concatenate(parts))
    held, count = [], 0
    for b in blocks:
        b = convert(b)
        while len(b):
            take = b[:size - count]
            b = b[len(take):]
            held.append(take)
            count += len(take)
            if count == size:
                yield join(held)
                held, count = [], 0
    if held:
        yield join(held)


class NpyStream:
    """An (n, *row) .npy file written a chunk at a time, never held whole.

    numpy.lib.format's header, then each chunk's bytes in order; the file appears under its
    name only when all n rows are written (a temporary file is renamed into place), and a
    failure or interruption removes the temporary file. np.load reads the result."""

    def __init__(self, path, n: int, row_shape, dtype):
        self.path, self.n = Path(path), int(n)
        self.row_shape, self.dtype = tuple(row_shape), np.dtype(dtype)
        self.rows, self._f, self._tmp = 0, None, None

    def __enter__(self):
        import tempfile

        self.path.parent.mkdir(parents=True, exist_ok=True)
        fd, self._tmp = tempfile.mkstemp(prefix=f".{self.path.name}.", suffix=".tmp", dir=self.path.parent)
        self._f = os.fdopen(fd, "wb")
        header = {"descr": np.lib.format.dtype_to_descr(self.dtype), "fortran_order": False,
                  "shape": (self.n, *self.row_shape)}
        np.lib.format.write_array_header_1_0(self._f, header)
        return self

    def write(self, chunk) -> None:
        a = np.ascontiguousarray(chunk, dtype=self.dtype)
        if a.shape[1:] != self.row_shape:
            raise ValueError(f"{self.path.name}: rows of shape {self.row_shape} expected, got {a.shape[1:]}")
        if self.rows + len(a) > self.n:
            raise ValueError(f"{self.path.name}: more than the {self.n} rows its header promises")
        self._f.write(memoryview(a).cast("B"))
        self.rows += len(a)

    def __exit__(self, kind, value, tb):
        try:
            self._f.close()
            if kind is None and self.rows != self.n:
                raise ValueError(f"{self.path.name}: {self.rows} rows written of the {self.n} its header promises")
            if kind is None:
                os.chmod(self._tmp, 0o666 & ~_umask())
                os.replace(self._tmp, self.path)
                self._tmp = None
        finally:
            if self._tmp is not None:
                try:
                    os.unlink(self._tmp)
                except FileNotFoundError:
                    pass
        return False


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


class SampleOutputError(ValueError):
    """Samples that cannot be written where asked; the message is one line."""


def plan_sample_files(out, n: int, shape, kind: str) -> list:
    """Where n samples of `shape` go, checked before anything is drawn or written.

    A .npy file (points: float32 (n, 2); images: uint8 (n, C, H, W)) is one file, refused
    when the disk has less room than it needs. Images as PNG: one grid at `out` up to
    grid_capacity(shape) samples, else numbered grids next to it (out_0001.png, ...), refused
    when any of those names exists, since the program overwrites only what it was asked to."""
    import shutil

    out = Path(out)
    if out.suffix.lower() == ".npy":
        itemsize = 4 if kind == "points" else 1
        need = n * int(np.prod(shape)) * itemsize + 128
        try:
            free = shutil.disk_usage(out.parent if str(out.parent) else ".").free
        except OSError:
            free = None
        if free is not None and need > free:
            raise SampleOutputError(f"--out {out}: {n:,} samples need about {need / 2**30:,.1f} GiB on disk; "
                                    f"{free / 2**30:,.1f} GiB free there")
        return [out]
    cap = grid_capacity(shape)
    if n <= cap:
        return [out]
    paths = numbered_paths(out, math.ceil(n / cap))
    taken = [p for p in paths if os.path.lexists(p)]
    if taken:
        more = f" (and {len(taken) - 1} more of them)" if len(taken) > 1 else ""
        raise SampleOutputError(f"--out {out}: {taken[0]} already exists{more}; {n:,} samples go to "
                                f"{len(paths)} numbered files {paths[0].name} .. {paths[-1].name} of {cap:,} "
                                f"each: move those files away or choose another --out")
    return paths


def write_samples(blocks, n: int, paths: list, shape, kind: str) -> str:
    """Write n samples, arriving as tensors a block at a time, to the planned paths; returns
    where they went, for the user. Numbered PNGs written before a failure are removed."""
    out = Path(paths[0])
    if out.suffix.lower() == ".npy":
        dtype = np.float32 if kind == "points" else np.uint8
        with NpyStream(out, n, shape, dtype) as f:
            for b in blocks:
                f.write(b.detach().float().cpu().numpy() if kind == "points" else to_uint8_chw(b))
        return str(out)
    from explorer.core.runs import atomic_write_bytes

    def save(imgs, path):   # each block is uint8 as soon as it arrives: a 10,000 grid holds ~8 MB of samples
        atomic_write_bytes(Path(path), png_bytes(grid_uint8(imgs), grid_scale(len(imgs), shape)), durable=False)

    if len(paths) == 1:
        for imgs in regroup(blocks, max(1, n), to_uint8):
            save(imgs, out)
        return str(out)
    cap = grid_capacity(shape)
    done = []
    try:
        for path, imgs in zip(paths, regroup(blocks, cap, to_uint8)):
            save(imgs, path)
            done.append(path)
    except BaseException:
        for path in done:
            try:
                os.unlink(path)
            except OSError:
                pass
        raise
    if len(done) != len(paths):
        raise SampleOutputError(f"--out {out}: {len(done)} of {len(paths)} files written: fewer samples than planned")
    return (f"{len(paths)} files {paths[0]} .. {paths[-1].name} "
            f"({cap:,} a file{', the last ' + format(n - cap * (len(paths) - 1), ',') if n % cap else ''})")
