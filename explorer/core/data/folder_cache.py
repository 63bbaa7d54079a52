"""A folder of images decoded once into a raw uint8 file under the cache directory.

<cache>/folders/<digest of the folder's path, image size and channels>/
    images-<listing digest>.u8   n x C x size x size uint8, one image after another (ImageStore)
    labels.npy    int64 label of each image (its top sub-folder)
    meta.json     written last: the listing's digest (every file's relative path, size and
                  modification time), n, C, the label names, the files skipped and why

A folder whose listing changes is decoded again into the same place (the cache is the
program's own); a meta.json whose images.u8 is not the size it names is refused in one
line, nothing deleted. Two processes loading the same folder (torchrun's ranks) take turns
on a lock: one decodes, the other reads what it wrote.
"""
from __future__ import annotations

import fcntl
import hashlib
import json
import logging
import os
import shutil
import time
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

import numpy as np

from explorer.core.said import QT_TR_NOOP, Said

log = logging.getLogger("explorer")
VERSION = 1
LABELS, META = "labels.npy", "meta.json"


def images_name(digest: str) -> str:
    """The images' file, named by the listing it was decoded from: a process still reading
    an older one keeps reading it (unlinked, its inode lives on), one that opens it later
    finds it gone instead of reading another folder's images."""
    return f"images-{digest[:16]}.u8"
PROGRESS_EVERY_S = 5.0


class CacheError(Exception):
    """A cache that cannot be used (one line)."""


@dataclass
class Decoded:
    """What a folder decodes to: the images' file (or array), their labels and the skipped files."""
    n: int
    channels: int
    size: int
    label_names: list
    labels: np.ndarray
    skipped: dict = field(default_factory=dict)     # kind -> [relative path]
    path: Path | None = None                        # images.u8 (None: `array` in memory)
    array: np.ndarray | None = None
    rebuilt: bool = False


def listing_digest(root: Path, files: list) -> str:
    h = hashlib.sha1()
    for p in files:
        st = p.stat()
        h.update(f"{p.relative_to(root)}\0{st.st_size}\0{st.st_mtime_ns}\n".encode("utf-8", "surrogateescape"))
    return h.hexdigest()


def place(cache_root: Path, root: Path, size: int, channels: str) -> Path:
    key = hashlib.sha1(f"{root.resolve()}\0{size}\0{channels}".encode("utf-8", "surrogateescape")).hexdigest()[:16]
    return cache_root / "folders" / key


@contextmanager
def _locked(where: Path):
    with open(where / "lock", "a+") as f:
        fcntl.flock(f, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(f, fcntl.LOCK_UN)


def open_or_build(cache_root: Path, root: Path, files: list, size: int, channels: str,
                  decode: Callable, label: Callable, shown: str,
                  progress: Callable[[int, int], None] | None = None,
                  fits_in_memory: Callable[[int, int], None] | None = None) -> Decoded:
    """The folder's images from its cache, decoding them into it first when the folder is
    new or changed. `decode(path)` -> (uint8 (s, s) or (s, s, 3), grey) or raises a kind
    ("unreadable", "large", "memory") via KeyError-free exceptions handled by the caller's
    `decode`, which returns (None, kind) for a file to skip. Falls back to memory when the
    cache directory cannot be written."""
    where = place(cache_root, root, size, channels)
    digest = listing_digest(root, files)
    try:
        where.mkdir(parents=True, exist_ok=True)
        lock = _locked(where)
        lock.__enter__()
    except OSError as e:
        if fits_in_memory is not None:   # n images of up to 3 channels, and their stack
            fits_in_memory(len(files), 1 if channels == "1" else 3)
        log.warning("folder:%s: cannot write its cache in %s (%s); decoding into memory", shown, where,
                    e.strerror or e)
        return _decode_all(root, files, size, channels, decode, label, shown, progress, None)
    try:
        found = _read(where, digest, shown)
        if found is not None:
            return found
        return _decode_all(root, files, size, channels, decode, label, shown, progress, (where, digest))
    finally:
        lock.__exit__(None, None, None)


def _read(where: Path, digest: str, shown: str) -> Decoded | None:
    meta_path = where / META
    try:
        meta = json.loads(meta_path.read_text())
    except (OSError, ValueError):
        return None
    if meta.get("version") != VERSION or meta.get("listing") != digest:
        return None   # the folder changed (or an older format): decode it again
    images = where / images_name(digest)
    try:
        n, c, s = int(meta["n"]), int(meta["channels"]), int(meta["size"])
        want = n * c * s * s
        have = images.stat().st_size
        labels = np.load(where / LABELS, allow_pickle=False)
    except (OSError, ValueError, KeyError, TypeError) as e:
        raise CacheError(Said(QT_TR_NOOP("folder:{path}: its cache in {where} is unreadable ({error}): delete that "
                                         "folder to decode the images again"),
                              path=shown, where=str(where), error=getattr(e, "strerror", None) or str(e)))
    if have != want:
        raise CacheError(Said(QT_TR_NOOP("folder:{path}: its cache {file} is truncated ({have} of {want} bytes): "
                                         "delete {where} to decode the images again"),
                              path=shown, file=str(images), have=have, want=want, where=str(where)))
    if labels.shape != (n,):
        raise CacheError(Said(QT_TR_NOOP("folder:{path}: its cache in {where} has {got} labels for {n} images: "
                                         "delete that folder to decode the images again"),
                              path=shown, where=str(where), got=len(labels), n=n))
    return Decoded(n, c, s, list(meta["label_names"]), labels.astype(np.int64), meta.get("skipped", {}), images)


def _decode_all(root: Path, files: list, size: int, channels: str, decode, label, shown: str,
                progress, target) -> Decoded:
    """Decode every file, one at a time, into the cache's file (target: (where, digest)) or
    into memory (target None). Colour is only known at the end ("auto": grey only if every
    image is): images are written with 3 channels and reduced to 1 afterwards if so."""
    skipped = {"unreadable": [], "large": [], "memory": []}
    names, greys = [], []
    c_write = 1 if channels == "1" else 3
    plane = size * size
    start = last = time.monotonic()
    out = tmp = None
    held = []
    if target is not None:
        where, digest = target
        free = shutil.disk_usage(where).free
        need = len(files) * c_write * plane * (4 / 3 if channels == "auto" else 1)   # + the grey copy
        if need > free:
            raise CacheError(Said(QT_TR_NOOP("folder:{path}: decoding {n} images at --image-size {size} needs "
                                             "{need:.1f} GiB in {where}, more than the {free:.1f} GiB free; set "
                                             "LATENT_EXPLORER_CACHE to a larger disk"),
                                  path=shown, n=len(files), size=size, need=need / 2**30, where=str(where),
                                  free=free / 2**30))
        for name in (META, LABELS):   # the cache's own files, stale or partial
            (where / name).unlink(missing_ok=True)
        for old in where.glob("images-*.u8*"):
            old.unlink(missing_ok=True)
        tmp = where / (images_name(digest) + ".tmp")
        out = open(tmp, "wb")
    try:
        for i, p in enumerate(files):
            arr, grey = decode(p)
            if arr is None:
                skipped[grey].append(str(p.relative_to(root)))
            else:
                if c_write == 1:
                    chw = arr[None]
                else:
                    chw = np.repeat(arr[None], 3, 0) if arr.ndim == 2 else arr.transpose(2, 0, 1)
                chw = np.ascontiguousarray(chw, np.uint8)
                if out is not None:
                    out.write(chw.tobytes())
                else:
                    held.append(chw)
                greys.append(grey)
                names.append(label(p))
            now = time.monotonic()
            if progress is not None:
                progress(i + 1, len(files))
            if now - last >= PROGRESS_EVERY_S:
                last = now
                log.info("folder:%s: decoded %d of %d images%s", shown, i + 1, len(files),
                         f" into {target[0]} (once)" if target else "")
        if out is not None:
            out.close()
            out = None
    except BaseException:
        if out is not None:
            out.close()
        if tmp is not None:
            tmp.unlink(missing_ok=True)
        raise
    n = len(names)
    c = {"auto": 1 if greys and all(greys) else 3, "1": 1, "3": 3}[channels]
    label_names = sorted(set(names))
    labels = np.array([label_names.index(x) for x in names], np.int64)
    found = {k: v for k, v in skipped.items() if v}
    if target is None:
        x = np.stack(held) if held else np.zeros((0, c, size, size), np.uint8)
        if c == 1 and x.shape[1] == 3:
            x = np.ascontiguousarray(x[:, :1])
        return Decoded(n, c, size, label_names, labels, found, None, x, rebuilt=True)
    where, digest = target
    images = where / images_name(digest)
    reduced = where / (images_name(digest) + ".grey.tmp")
    try:
        if c == 1 and c_write == 3:   # every image grey: keep one channel of each
            with open(tmp, "rb") as src, open(reduced, "wb") as dst:
                for _ in range(n):
                    dst.write(src.read(3 * plane)[:plane])
            tmp.unlink()
            tmp = reduced
        os.replace(tmp, images)
        np.save(where / LABELS, labels, allow_pickle=False)
    except BaseException:   # a full disk, say: no gigabytes of temporary files left behind
        for part in (tmp, reduced):
            part.unlink(missing_ok=True)
        raise
    meta = {"version": VERSION, "listing": digest, "root": str(root), "n": n, "channels": c, "size": size,
            "label_names": label_names, "skipped": found, "seconds": round(time.monotonic() - start, 1)}
    part = where / (META + ".tmp")
    part.write_text(json.dumps(meta))
    os.replace(part, where / META)   # the cache is complete from here
    log.info("folder:%s: %d images decoded into %s in %.1f s (read from there next time)", shown, n, where,
             time.monotonic() - start)
    return Decoded(n, c, size, label_names, labels, found, images, rebuilt=True)
