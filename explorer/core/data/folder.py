"""Any folder of images as a dataset: sub-folders are labels, each image reduced on decoding,
decoded once into a uint8 cache file (folder_cache.py) and read a batch at a time (store.py).
`datasets.load_dataset("folder:PATH")` comes here. Qt-free."""
from __future__ import annotations

import logging
import warnings
from pathlib import Path
from typing import Callable

import numpy as np
import torch

from explorer.core.memory import check_fits
from explorer.core.said import QT_TR_NOOP, Said, joined

from .datasets import IMAGE_EXTS, Dataset, DatasetError, cache_dir, split_rows

log = logging.getLogger("explorer")

GREY_MODES = ("1", "L", "LA", "I", "I;16", "F", "P")
FOLDER_BYTES_PER_VALUE = 4 + 2   # a batch as float32, plus its uint8 read
WORKING_IMAGES = 4096            # images a step, an evaluation block or an encoding batch holds at most


class _TooLarge(Exception):
    pass


def pixel_cap() -> int:
    """Images with more pixels are skipped: Pillow's decompression-bomb limit (89.5 Mpx)."""
    from PIL import Image

    return int(Image.MAX_IMAGE_PIXELS or 89_478_485)


def _decode_small(path: Path, size: int, channels: str, cap: int):
    """One image file to a (size, size) or (size, size, 3) uint8 array and whether it is grey.

    Never more than one full-size decode at a time, and none above `cap` pixels: JPEGs
    decode at 1/2, 1/4 or 1/8 scale (draft) when that still covers `size`, and every image
    is box-reduced before the bilinear resize; only the small result is kept."""
    from PIL import Image

    with warnings.catch_warnings():
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        with Image.open(path) as im:
            w, h = im.size
            if w * h > cap:
                raise _TooLarge(f"{w}x{h}")
            grey = im.mode in GREY_MODES and (im.mode != "P" or _palette_is_grey(im))
            mode = "L" if channels == "1" or (channels == "auto" and grey) else "RGB"
            box = None
            if im.format == "JPEG":
                drafted = im.draft("L" if mode == "L" else None, (size, size))
                box = drafted[1] if drafted else None
            im.load()
            src = im if im.mode == mode else im.convert(mode)
            small = src.resize((size, size), Image.BILINEAR, box=box, reducing_gap=3.0)
            return np.asarray(small, np.uint8), grey


def _names(paths: list, root: Path, shown: int = 3) -> str:
    names = [str(p.relative_to(root)) for p in paths[:shown]]
    return ", ".join(names) + (", ..." if len(paths) > shown else "")


def _skipped_line(skipped: dict, root: Path, cap: int) -> Said:
    """'skipped 3 files: 2 unreadable (a.png, b.jpg), 1 larger than the 89-megapixel cap (big.png)'"""
    total = sum(len(v) for v in skipped.values())
    what = {"unreadable": QT_TR_NOOP("{n} unreadable ({names})"),
            "large": QT_TR_NOOP("{n} larger than the {cap}-megapixel cap ({names})"),
            "memory": QT_TR_NOOP("{n} too large to decode in the memory available ({names})")}
    parts = joined(Said(what[k], n=len(v), names=_names(v, root), cap=cap // 10**6) for k, v in skipped.items() if v)
    if total == 1:
        return Said(QT_TR_NOOP("skipped 1 file: {parts}"), parts=parts)
    return Said(QT_TR_NOOP("skipped {total} files: {parts}"), total=total, parts=parts)


def _check_folder_fits(path: str, n: int, c: int, size: int, at_least: bool = False) -> None:
    if n == 1:
        what = (Said(QT_TR_NOOP("folder:{path}: --image-size {size} (1 image of at least {c}x{size}x{size} "
                                "as float32)"), path=path, size=size, c=c) if at_least else
                Said(QT_TR_NOOP("folder:{path}: --image-size {size} (1 image of {c}x{size}x{size} as float32)"),
                     path=path, size=size, c=c))
    elif at_least:
        what = Said(QT_TR_NOOP("folder:{path}: --image-size {size} ({n} images of at least {c}x{size}x{size} "
                               "as float32)"), path=path, size=size, n=n, c=c)
    else:
        what = Said(QT_TR_NOOP("folder:{path}: --image-size {size} ({n} images of {c}x{size}x{size} as float32)"),
                    path=path, size=size, n=n, c=c)
    check_fits(n * c * size * size * FOLDER_BYTES_PER_VALUE, what, DatasetError)


def _check_in_memory(path: str, n: int, c: int, size: int) -> None:
    """A folder decoded into memory (its cache directory cannot be written): n uint8 images
    of up to c channels, and their stack."""
    check_fits(2 * n * c * size * size,
               Said(QT_TR_NOOP("folder:{path}: --image-size {size} ({n} images of {c}x{size}x{size} as uint8 in "
                               "memory, the cache directory being unwritable)"), path=path, size=size, n=n, c=c),
               DatasetError)


def load_folder(path: str, image_size: int = 28, channels: str = "auto",
                progress: Callable[[int, int], None] | None = None) -> Dataset:
    """Sub-folders are labels; files directly inside `path` get the label "(root)".

    The images are decoded once into a uint8 file under the cache directory
    (explorer/core/data/folder_cache.py) and read from it a batch at a time
    (explorer/core/data/store.py): memory holds a batch, not the folder. Each image is
    reduced on decoding; images above Pillow's pixel cap are skipped and counted in the one
    warning, as unreadable files are. What a batch of images would take at `image_size` is
    checked against the memory available before any is decoded."""
    from PIL import Image, UnidentifiedImageError

    from .folder_cache import CacheError, open_or_build
    from .store import ImageFile, ImageStore

    root = Path(path).expanduser()
    if not root.is_dir():
        raise DatasetError(Said(QT_TR_NOOP("folder:{path}: no such directory"), path=path))
    channels = str(channels)
    if channels not in ("auto", "1", "3"):
        raise DatasetError(Said(QT_TR_NOOP("folder:{path}: channels must be auto, 1 or 3, got {channels}"),
                                path=path, channels=repr(channels)))
    files = sorted(p for p in root.rglob("*") if p.is_file() and p.suffix.lower() in IMAGE_EXTS)
    if files:
        # before any decoding, with the fewest channels the images could have
        _check_folder_fits(path, min(len(files), WORKING_IMAGES), 3 if channels == "3" else 1, image_size,
                           channels == "auto")
    cap = pixel_cap()

    def decode(p: Path):
        try:
            return _decode_small(p, image_size, channels, cap)
        except (_TooLarge, Image.DecompressionBombError, Image.DecompressionBombWarning):
            return None, "large"
        except MemoryError:
            return None, "memory"
        except (UnidentifiedImageError, OSError, ValueError, SyntaxError, EOFError):
            return None, "unreadable"

    def label(p: Path) -> str:
        return (p.parent.relative_to(root).parts or ("(root)",))[0]

    try:
        decoded = open_or_build(cache_dir(), root, files, image_size, channels, decode, label, path, progress,
                                fits_in_memory=lambda n, c: _check_in_memory(path, n, c, image_size))
    except CacheError as e:
        raise DatasetError(e.args[0]) from e
    except OSError as e:
        raise DatasetError(Said(QT_TR_NOOP("folder:{path}: cannot decode it into the cache ({error})"),
                                path=path, error=e.strerror or str(e))) from e
    skipped = {k: [root / r for r in v] for k, v in decoded.skipped.items()}
    skipped_line = _skipped_line(skipped, root, cap) if skipped else ""
    if decoded.n == 0:
        if skipped_line:
            raise DatasetError(Said(QT_TR_NOOP("folder:{path}: no readable images (looked for {exts}); {skipped}"),
                                    path=path, exts=" ".join(IMAGE_EXTS), skipped=skipped_line))
        raise DatasetError(Said(QT_TR_NOOP("folder:{path}: no readable images (looked for {exts})"),
                                path=path, exts=" ".join(IMAGE_EXTS)))
    if decoded.n < 2:
        if skipped_line:
            raise DatasetError(Said(QT_TR_NOOP("folder:{path}: only one readable image; need at least two "
                                               "({skipped})"), path=path, skipped=skipped_line))
        raise DatasetError(Said(QT_TR_NOOP("folder:{path}: only one readable image; need at least two"), path=path))
    c, y = decoded.channels, decoded.labels
    _check_folder_fits(path, min(decoded.n, WORKING_IMAGES), c, image_size)
    tr, te = split_rows(y, max(1, round(0.1 * len(y))))
    source = (ImageFile(decoded.path, decoded.n, (c, image_size, image_size)) if decoded.path is not None
              else decoded.array)   # one source for both splits
    t = lambda a: torch.from_numpy(np.ascontiguousarray(a))
    ds = Dataset(f"folder:{path}", "image", ImageStore(source, tr), t(y[tr]).long(),
                 ImageStore(source, te), t(y[te]).long(), decoded.label_names)
    if skipped_line:
        msg = Said(QT_TR_NOOP("folder:{path}: {skipped}"), path=path, skipped=skipped_line)
        log.warning(msg.english())
        ds.warnings.append(msg)
    return ds


def _palette_is_grey(im) -> bool:
    pal = im.getpalette() or []
    return all(pal[i] == pal[i + 1] == pal[i + 2] for i in range(0, len(pal) - 2, 3))
