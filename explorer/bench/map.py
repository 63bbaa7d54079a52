"""The latent map's numbers that need no window, as one dict.

- PCA map of n latents (median of repeats) against scikit-learn's PCA in the same run
- UMAP fit of the same latents: the first in this process (numba compiles) and the second
- trustworthiness (sklearn, k = 5) of the UMAP and PCA maps: how many of each point's map
  neighbours are neighbours in latent space too (1 is perfect)
- optionally a fresh map service: time to warm, then its first UMAP job
- the lift (click path): build time, and p50/p95 per point on the UMAP and PCA maps; for
  UMAP also scipy's find_simplex lift as the baseline (its first call computes every
  triangle's transform through LAPACK)

The latents are a trained VAE's on mnist5k: `run_dir`, or one trained here
(10 epochs, the command line's defaults) when none is given.
"""
from __future__ import annotations

import statistics
import tempfile
import time
from pathlib import Path

import numpy as np


def _ms(seconds: float) -> float:
    return round(seconds * 1000, 3)


def train_vae(out: Path, epochs: int = 10, seed: int = 0) -> Path:
    from explorer.core.training.config import make_configs
    from explorer.core.data.datasets import load_dataset
    from explorer.core.training.engine import Failed, TrainingEngine

    data = load_dataset("mnist5k")
    mc, tc = make_configs("vae", data, {}, {"epochs": epochs, "seed": seed, "dataset": data.name})
    engine = TrainingEngine.create(out, mc, tc, data=data)
    for ev in engine.run():
        if isinstance(ev, Failed):
            raise RuntimeError(f"training the benchmark VAE failed: {ev.message}")
    return out


def lift_latency(lifter, rng: np.random.Generator, n: int = 2000) -> dict:
    lo, hi = lifter.coords.min(0), lifter.coords.max(0)
    pad = 0.1 * (hi - lo)
    points = rng.uniform(lo - pad, hi + pad, (n, 2))
    times = []
    for p in points:
        t = time.perf_counter()
        lifter.lift(p)
        times.append(time.perf_counter() - t)
    times = np.array(times) * 1e6
    return {"p50_us": round(float(np.percentile(times, 50)), 1), "p95_us": round(float(np.percentile(times, 95)), 1),
            "max_us": round(float(times.max()), 1)}


def scipy_lift_latency(lifter, rng: np.random.Generator, n: int = 2000) -> dict:
    """The textbook lift for comparison: scipy's find_simplex and its precomputed transforms,
    on a fresh triangulation (its first call computes every triangle's transform)."""
    from scipy.spatial import Delaunay

    tri = Delaunay(lifter.coords)
    lo, hi = lifter.coords.min(0), lifter.coords.max(0)
    points = rng.uniform(lo, hi, (n, 2))
    times = []
    for p in points:
        t = time.perf_counter()
        s = int(tri.find_simplex(p))
        if s >= 0:
            b = tri.transform[s, :2] @ (p - tri.transform[s, 2])
            np.append(b, 1 - b.sum()) @ lifter.latents[tri.simplices[s]]
        times.append(time.perf_counter() - t)
    times = np.array(times) * 1e6
    return {"first_call_ms": round(float(times[0]) / 1000, 2), "p50_us": round(float(np.percentile(times, 50)), 1),
            "p95_us": round(float(np.percentile(times, 95)), 1)}


def service_timings(latents: np.ndarray, seed: int = 0) -> dict:
    """A fresh map service: seconds until its umap warm-up is done, and its first UMAP job
    after that (the warm-up's small fit should leave nothing more to compile)."""
    from explorer.core.maps.service import JobResult, MapService, ServiceError, ServiceReady

    t = time.perf_counter()
    with MapService(warm_umap=True) as service:
        while True:
            messages = service.poll()
            failed = [m for m in messages if isinstance(m, ServiceError)]
            if failed:
                return {"service_error": failed[0].message}
            if any(isinstance(m, ServiceReady) for m in messages):
                break
            time.sleep(0.05)
        ready = time.perf_counter() - t
        t = time.perf_counter()
        service.submit("bench", latents, "umap", {"seed": seed})
        done = service.wait("bench")[-1]
        first = time.perf_counter() - t
    if not isinstance(done, JobResult):
        return {"service_ready_s": round(ready, 2), "service_error": getattr(done, "message", str(done))}
    return {"service_ready_s": round(ready, 2), "service_first_umap_s": round(first, 2)}


def bench_map(run_dir=None, n: int = 5000, repeats: int = 20, with_umap: bool = True,
              with_service: bool = False, seed: int = 0) -> dict:
    from sklearn.decomposition import PCA
    from sklearn.manifold import trustworthiness

    from explorer.core.data.datasets import load_dataset
    from explorer.core.maps.lift import MapLifter
    from explorer.core.maps.projection import project
    from explorer.core.maps.encoding import encode_run
    from explorer.core.runs import load_run

    out: dict = {}
    with tempfile.TemporaryDirectory(prefix="bench-map-") as tmp:
        if run_dir is None:
            t = time.perf_counter()
            run_dir = train_vae(Path(tmp) / "vae", seed=seed)
            out["train_s"] = round(time.perf_counter() - t, 1)
        run = load_run(run_dir)
        tc = run.train_cfg
        data = load_dataset(tc.dataset, tc.data_dir, False, tc.image_size)
        t = time.perf_counter()
        encoded = encode_run(run, data, cap=n, seed=seed)
        out.update(run=str(run_dir), model=run.model_cfg.model, dataset=tc.dataset,
                   n=len(encoded), latent_dim=encoded.dim, encode_ms=_ms(time.perf_counter() - t))
    z = encoded.latents

    pca_times, sklearn_times = [], []
    for _ in range(repeats):
        t = time.perf_counter()
        pca_map = project(z, "pca")
        pca_times.append(time.perf_counter() - t)
        t = time.perf_counter()
        PCA(2, random_state=seed).fit_transform(z)
        sklearn_times.append(time.perf_counter() - t)
    out["pca_ms"] = _ms(statistics.median(pca_times))
    out["pca_sklearn_baseline_ms"] = _ms(statistics.median(sklearn_times))
    out["pca_trustworthiness"] = round(float(trustworthiness(z, pca_map.coords, n_neighbors=5)), 4)

    rng = np.random.default_rng(seed)
    t = time.perf_counter()
    pca_lifter = MapLifter(pca_map, z)
    out["pca_lift_build_ms"] = _ms(time.perf_counter() - t)
    out["pca_lift"] = lift_latency(pca_lifter, rng)

    if with_umap:
        t = time.perf_counter()
        project(z, "umap", {"seed": seed})
        out["umap_first_fit_s"] = round(time.perf_counter() - t, 2)
        t = time.perf_counter()
        umap_map = project(z, "umap", {"seed": seed})
        out["umap_warm_fit_s"] = round(time.perf_counter() - t, 2)
        out["umap_trustworthiness"] = round(float(trustworthiness(z, umap_map.coords, n_neighbors=5)), 4)
        t = time.perf_counter()
        umap_lifter = MapLifter(umap_map, z)
        out["umap_lift_build_ms"] = _ms(time.perf_counter() - t)
        out["umap_lift"] = lift_latency(umap_lifter, rng)
        out["umap_lift_scipy_baseline"] = scipy_lift_latency(umap_lifter, rng)
        own = max(float(np.abs(umap_lifter.lift(umap_map.coords[i]).z - z[i]).max()) for i in range(0, len(z), 50))
        out["umap_lift_own_latent_max_error"] = own
    if with_service:
        out.update(service_timings(z, seed))
    return out
