"""UMAP beyond 5,000 latents: the fit on a stratified subsample with the rest placed by
its transform, against the full fit of the same latents in the same run.

The latents are a VAE's on `shapes` rendered 70,000 times (mnist-sized), trained here for
one epoch. Numba compiles first (one small fit, timed apart), so both fits below are warm.
JSON: seconds of each (warm), and the trustworthiness (sklearn, k = 5) of each map on the
same 3,000-point sample of the latents (1 is perfect).

    python main.py bench umap-scale [--n 70000] [--fit-limit 20000] [--no-full]
"""
from __future__ import annotations

import argparse
import json
import tempfile
import time
from pathlib import Path

import numpy as np


def shapes_latents(n: int, seed: int = 0) -> tuple[np.ndarray, np.ndarray, dict]:
    from explorer.core.data.datasets import load_shapes
    from explorer.core.maps.encoding import encode_data
    from explorer.core.training.config import make_configs
    from explorer.core.training.engine import Failed, TrainingEngine

    t = time.perf_counter()
    data = load_shapes(int(n / 0.9) + 1)   # its test split is a tenth: n latents of its training split
    made = time.perf_counter() - t
    mc, tc = make_configs("vae", data, {}, {"epochs": 1, "seed": seed, "dataset": data.name})
    with tempfile.TemporaryDirectory() as tmp:
        t = time.perf_counter()
        engine = TrainingEngine.create(Path(tmp) / "run", mc, tc, data=data)
        for ev in engine.run():
            if isinstance(ev, Failed):
                raise RuntimeError(f"training the benchmark VAE failed: {ev.message}")
        trained = time.perf_counter() - t
        t = time.perf_counter()
        enc = encode_data(engine.model, data, cap=n, seed=seed, splits=("train",))
        encoded = time.perf_counter() - t
    return enc.latents, enc.labels, {"images_s": round(made, 1), "train_1_epoch_s": round(trained, 1),
                                     "encode_s": round(encoded, 1)}


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="bench umap-scale", description=__doc__.split("\n\n")[0])
    p.add_argument("--n", type=int, default=70_000, help="latents to map")
    p.add_argument("--fit-limit", type=int, default=None, help="subsample size (default UMAP_FIT_LIMIT)")
    p.add_argument("--no-full", action="store_true", help="skip the full fit (minutes at 70,000)")
    p.add_argument("--seed", type=int, default=0)
    args = p.parse_args(argv)

    from sklearn.manifold import trustworthiness

    from explorer.core.maps.projection import UMAP_FIT_LIMIT, project

    limit = args.fit_limit or UMAP_FIT_LIMIT
    z, labels, setup = shapes_latents(args.n, args.seed)
    out = {"n": int(len(z)), "dim": int(z.shape[1]), "fit_limit": limit, **setup}
    t = time.perf_counter()
    project(z[:500], "umap", {"seed": args.seed, "fit_limit": 0})
    out["numba_compile_s"] = round(time.perf_counter() - t, 1)

    check = np.sort(np.random.default_rng(args.seed).choice(len(z), min(3000, len(z)), replace=False))

    def trust(coords: np.ndarray) -> float:
        return round(float(trustworthiness(z[check], coords[check], n_neighbors=5)), 4)

    stages = {}

    def progress(fraction: float, stage: str) -> None:
        stages.setdefault(stage, round(time.perf_counter() - t, 1))

    t = time.perf_counter()
    sampled = project(z, "umap", {"seed": args.seed, "fit_limit": limit}, progress, strata=labels)
    out["subsampled"] = {"seconds": round(time.perf_counter() - t, 1), "fitted": int(len(sampled.fitted))
                         if sampled.fitted is not None else len(z), "stage_started_s": stages,
                         "trustworthiness_k5": trust(sampled.coords)}
    if not args.no_full:
        t = time.perf_counter()
        full = project(z, "umap", {"seed": args.seed, "fit_limit": 0})
        out["full"] = {"seconds": round(time.perf_counter() - t, 1), "trustworthiness_k5": trust(full.coords)}
        out["trustworthiness_difference"] = round(out["subsampled"]["trustworthiness_k5"]
                                                  - out["full"]["trustworthiness_k5"], 4)
        out["speedup"] = round(out["full"]["seconds"] / max(out["subsampled"]["seconds"], 1e-9), 2)
    print(json.dumps(out, indent=2))
    return 0
