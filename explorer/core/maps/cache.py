"""Maps cached on disk, keyed by checkpoint, method, parameters and sample, and the .npz export."""
from __future__ import annotations

import hashlib
import io
import json
import logging
import os
import zipfile
from pathlib import Path

import numpy as np

from .projection import METHODS, LatentMap, MapError, PCABasis, Similarity, map_params, params_digest

log = logging.getLogger("explorer")


MAPS_DIR = "maps"




def cache_dir_for(run_dir) -> Path:
    """Where a run's maps are cached: <run>/maps, except for the shipped demo runs and runs this
    user cannot write, whose maps go to the user's cache directory (a shipped run is never
    written into)."""
    from explorer.core.data.datasets import cache_dir
    from explorer.core.places import shipped_runs_dir

    run_dir = Path(run_dir).resolve()
    if run_dir.parent != shipped_runs_dir().resolve() and os.access(run_dir, os.W_OK):
        return run_dir / MAPS_DIR
    key = hashlib.sha1(str(run_dir).encode("utf-8", "surrogateescape")).hexdigest()[:10]
    return cache_dir() / MAPS_DIR / f"{run_dir.name}-{key}"


class MapCache:
    """<run>/maps/step<step>-<method>-<digest of settings and sample>.npz, written atomically,
    read with allow_pickle=False. A file whose latents differ from the ones given (other
    weights, another device's rounding) counts as absent."""

    def __init__(self, run_dir):
        self.dir = cache_dir_for(run_dir)   # where new maps go
        # where maps are looked for: the run's own maps (a demo ships its UMAP), then the cache
        self.dirs = list(dict.fromkeys([Path(run_dir).resolve() / MAPS_DIR, self.dir]))

    def path(self, step: int, method: str, params: dict | None, sample: str, where: Path | None = None) -> Path:
        params = map_params(method, params)
        return (where or self.dir) / f"step{int(step)}-{method}-{params_digest(method, params, sample)}.npz"

    def load(self, encoded, method: str, params: dict | None = None) -> LatentMap | None:
        for where in self.dirs:
            path = self.path(encoded.step, method, params, encoded.sample_digest(), where)
            if not path.exists():
                continue
            try:
                latent_map, digest = read_map(path)
            except MapError as e:
                log.warning("ignoring cached map: %s", e)
                continue
            if digest == encoded.latents_digest() and len(latent_map.coords) == len(encoded):
                return latent_map
        return None

    def save(self, encoded, latent_map: LatentMap) -> Path:
        path = self.path(encoded.step, latent_map.method, latent_map.params, encoded.sample_digest())
        write_map(path, latent_map, encoded.latents_digest(), encoded.step)
        return path


def write_map(path, latent_map: LatentMap, latents_digest: str = "", step: int = 0) -> None:
    from explorer.core.runs import atomic_write_bytes

    arrays = {
        "coords": latent_map.coords.astype(np.float32),
        "method": np.array(latent_map.method),
        "params": np.array(json.dumps(latent_map.params, sort_keys=True)),
        "latents_digest": np.array(latents_digest),
        "step": np.array(int(step), np.int64),
        "seconds": np.array(latent_map.seconds, np.float64),
        "align_rotation": latent_map.alignment.rotation,
        "align_scale": np.array(latent_map.alignment.scale, np.float64),
        "align_shift": latent_map.alignment.shift,
    }
    if latent_map.fitted is not None:
        arrays["fitted"] = np.asarray(latent_map.fitted, np.int64)
    if latent_map.basis is not None:
        b = latent_map.basis
        arrays.update(pca_mean=b.mean, pca_components=b.components, pca_variance=b.variance,
                      pca_total_variance=np.array(b.total_variance))
    buf = io.BytesIO()
    np.savez(buf, **arrays)
    atomic_write_bytes(Path(path), buf.getvalue(), durable=False)


def read_map(path) -> tuple[LatentMap, str]:
    """(map, digest of the latents it was made from); MapError for a missing or bad file."""
    path = Path(path)
    try:
        with np.load(path, allow_pickle=False) as f:
            a = {k: f[k] for k in f.files}
        method = str(a["method"])
        if method not in METHODS:
            raise MapError(f"{path}: unknown map method {method!r}")
        coords = a["coords"]
        if coords.ndim != 2 or coords.shape[1] != 2 or not np.isfinite(coords).all():
            raise MapError(f"{path}: coordinates are not a finite (n, 2) array")
        basis = None
        if "pca_mean" in a:
            basis = PCABasis(a["pca_mean"], a["pca_components"], a["pca_variance"],
                             float(a["pca_total_variance"]))
        alignment = Similarity(a["align_rotation"].reshape(2, 2), float(a["align_scale"]),
                               a["align_shift"].reshape(2))
        fitted = a.get("fitted")
        if fitted is not None and (fitted.ndim != 1 or len(fitted) > len(coords)
                                   or (len(fitted) and not 0 <= fitted.min() <= fitted.max() < len(coords))):
            raise MapError(f"{path}: its fitted rows do not fit its {len(coords)} points")
        latent_map = LatentMap(method, json.loads(str(a["params"])), coords.astype(np.float32), basis,
                               alignment, float(a["seconds"]), fitted=fitted)
        return latent_map, str(a["latents_digest"])
    except MapError:
        raise
    except FileNotFoundError as e:
        raise MapError(f"{path}: missing") from e
    except (OSError, ValueError, KeyError, TypeError, EOFError, zipfile.BadZipFile) as e:  # np.load's, for bad files
        first = (str(e).strip().splitlines() or [type(e).__name__])[0]
        raise MapError(f"{path}: unreadable map file ({first[:160]})") from e


def write_embedding(path, encoded, latent_map: LatentMap) -> None:
    """The `embed` command's file: latents, 2-D coordinates, labels and where each came from."""
    from explorer.core.runs import atomic_write_bytes

    arrays = {"latents": encoded.latents, "coords": latent_map.coords, "labels": encoded.labels,
              "split": encoded.split, "index": encoded.index, "recon_error": encoded.recon_error,
              "label_names": np.array([str(n) for n in encoded.label_names]),
              "method": np.array(latent_map.method),
              "params": np.array(json.dumps(latent_map.params, sort_keys=True)),
              "step": np.array(encoded.step, np.int64)}
    if encoded.kl is not None:
        arrays["kl"] = encoded.kl
    if encoded.codes is not None:
        arrays["codes"] = encoded.codes
    for name, values in encoded.factors.items():
        arrays[f"factor_{name}"] = values
    buf = io.BytesIO()
    np.savez(buf, **arrays)
    atomic_write_bytes(Path(path), buf.getvalue(), durable=False)
