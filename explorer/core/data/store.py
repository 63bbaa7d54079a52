"""Images kept as uint8 and read as float32 in [0, 1] a batch at a time.

An `ImageStore` stands where a dataset's float tensor stood (`Dataset.train_x`): indexing
it (an int, a slice, an index tensor or array, a tuple whose first item is one of those)
returns a float32 tensor on its device, converted there, so only the batch is ever float.
Its rows live either in a uint8 array in memory (the torchvision sets: a quarter of the
float32 copy) or in a raw uint8 file read with os.pread (a folder's cache,
explorer/core/data/folder_cache.py): a file read that way is in the page cache, not in
the process's resident memory, which a memory map's pages would be.

Its length, `shape`, `dtype`, `device`, `to(device)` and `is_floating_point()` answer as
the tensor's did; `store[:]`, or a torch function given the store (`torch.cat`), makes the
whole split float (small sets and tests only).
"""
from __future__ import annotations

import os
import threading
from pathlib import Path

import numpy as np
import torch


class ImageFile:
    """A raw file of n uint8 images of shape (C, H, W), one after another."""

    def __init__(self, path: str | os.PathLike, n: int, shape: tuple):
        self.path, self.n, self.shape = str(path), int(n), tuple(int(s) for s in shape)
        self.row_bytes = int(np.prod(self.shape))
        self._fd: int | None = None
        self._pid = -1
        self._lock = threading.Lock()
        if os.path.exists(self.path):
            self._open()   # at once: the file this store was made for, whatever replaces it later

    def __getstate__(self):   # a file descriptor does not travel to another process
        return {"path": self.path, "n": self.n, "shape": self.shape}

    def __setstate__(self, state):
        self.__init__(state["path"], state["n"], state["shape"])

    def _open(self) -> int:
        if self._fd is None or self._pid != os.getpid():
            try:
                self._fd, self._pid = os.open(self.path, os.O_RDONLY), os.getpid()
            except FileNotFoundError:
                raise OSError(f"{self.path} is gone: its folder changed and was decoded again; "
                              f"load the dataset again") from None
        return self._fd

    def read(self, rows: np.ndarray) -> np.ndarray:
        """uint8 (len(rows), C, H, W) in the order of `rows`; runs of consecutive rows are
        read in one call."""
        rows = np.asarray(rows, np.int64).reshape(-1)
        out = np.empty((len(rows), *self.shape), np.uint8)
        if not len(rows):
            return out
        order = np.argsort(rows, kind="stable")
        sorted_rows = rows[order]
        flat = out.reshape(len(rows), -1)
        with self._lock:
            fd = self._open()
            breaks = np.flatnonzero(np.diff(sorted_rows) != 1) + 1
            for run in np.split(np.arange(len(rows)), breaks):
                first, count = int(sorted_rows[run[0]]), len(run)
                data = os.pread(fd, count * self.row_bytes, first * self.row_bytes)
                if len(data) != count * self.row_bytes:
                    raise OSError(f"{self.path}: truncated (row {first + len(data) // self.row_bytes} "
                                  f"of {self.n} missing)")
                block = np.frombuffer(data, np.uint8).reshape(count, -1)
                flat[order[run]] = block
        return out

    def close(self) -> None:
        if self._fd is not None and self._pid == os.getpid():
            os.close(self._fd)
        self._fd = None

    def __del__(self):
        try:
            self.close()
        except Exception:
            pass


class _ArrayRows:
    """uint8 images held in memory, with ImageFile's `read`."""

    def __init__(self, array: np.ndarray):
        self.array = np.ascontiguousarray(array, np.uint8)
        self.n, self.shape = len(self.array), tuple(self.array.shape[1:])

    def read(self, rows: np.ndarray) -> np.ndarray:
        return self.array[np.asarray(rows, np.int64).reshape(-1)]


class ImageStore:
    """uint8 images read as float32 / 255 batch by batch (see the module's docstring)."""

    def __init__(self, source, rows: np.ndarray | None = None, device: str | torch.device = "cpu"):
        self.source = source if isinstance(source, (ImageFile, _ArrayRows)) else _ArrayRows(source)
        self.rows = np.arange(self.source.n, dtype=np.int64) if rows is None else np.asarray(rows, np.int64)
        self.device = torch.device(device)

    @classmethod
    def from_file(cls, path: str | os.PathLike, n: int, shape: tuple, rows=None) -> "ImageStore":
        return cls(ImageFile(path, n, shape), rows)

    # -- what a tensor would answer --------------------------------------------------
    def __len__(self) -> int:
        return len(self.rows)

    @property
    def shape(self) -> torch.Size:
        return torch.Size((len(self.rows), *self.source.shape))

    @property
    def dtype(self) -> torch.dtype:
        return torch.float32

    def dim(self) -> int:
        return 1 + len(self.source.shape)

    ndim = property(dim)

    def size(self, d: int | None = None):
        return self.shape if d is None else self.shape[d]

    def is_floating_point(self) -> bool:
        return True

    def to(self, device, *args, **kwargs) -> "ImageStore":
        if isinstance(device, torch.dtype):
            if device != torch.float32:
                raise TypeError("an ImageStore reads float32; index it, then convert the batch")
            return self
        return ImageStore(self.source, self.rows, device)

    def cpu(self) -> "ImageStore":
        return self.to("cpu")

    def numpy(self) -> np.ndarray:
        return self[:].cpu().numpy()

    @property
    def path(self) -> Path | None:
        return Path(self.source.path) if isinstance(self.source, ImageFile) else None

    def __repr__(self) -> str:
        where = self.source.path if isinstance(self.source, ImageFile) else "memory"
        return f"ImageStore({len(self)} x {self.source.shape}, uint8 in {where}, device={self.device})"

    # -- indexing --------------------------------------------------------------------
    def __getitem__(self, key):
        rest = ()
        if isinstance(key, tuple):
            key, rest = key[0], key[1:]
        single = False
        if isinstance(key, (int, np.integer)) or (torch.is_tensor(key) and key.dim() == 0):
            i = int(key)
            if not -len(self) <= i < len(self):
                raise IndexError(f"index {i} is out of range for {len(self)} images")
            picked, single = self.rows[[i]], True
        elif isinstance(key, slice):
            picked = self.rows[key]
        else:
            k = key.detach().cpu().numpy() if torch.is_tensor(key) else np.asarray(key)
            if k.dtype == bool:
                if len(k) != len(self):
                    raise IndexError(f"a mask of {len(k)} for {len(self)} images")
                picked = self.rows[k]
            else:
                k = k.astype(np.int64)
                if k.size and (k.max() >= len(self) or k.min() < -len(self)):
                    raise IndexError(f"index out of range for {len(self)} images")
                picked = self.rows[k]   # keeps the key's shape: x[idx] of an (n, m) idx is (n, m, C, H, W)
        u8 = torch.from_numpy(self.source.read(picked.reshape(-1)).reshape(*picked.shape, *self.source.shape))
        if self.device.type == "cuda":
            u8 = u8.pin_memory().to(self.device, non_blocking=True)
        elif self.device.type != "cpu":   # mps and the like: a plain copy
            u8 = u8.to(self.device)
        x = u8.float().div_(255.0)
        if single:
            x = x[0]
        lead = 0 if single else picked.ndim
        return x[(slice(None),) * lead + rest] if rest else x

    @classmethod
    def __torch_function__(cls, func, types, args=(), kwargs=None):
        """A torch function given the whole store (torch.cat, allclose, ...) gets it as one
        float tensor: correct, and as large as the float copy the store avoids; the code
        paths that train, evaluate and encode index it a batch at a time instead."""
        def whole(a):
            if isinstance(a, ImageStore):
                return a[:]
            if isinstance(a, (list, tuple)):
                return type(a)(whole(b) for b in a)
            return a
        return func(*whole(tuple(args)), **{k: whole(v) for k, v in (kwargs or {}).items()})

    def batches(self, size: int):
        """(start, float batch) over the whole store, in order."""
        for start in range(0, len(self), size):
            yield start, self[start:start + size]
