"""`bench scale`: training on a folder larger than memory would like, against the same
model on a subset held in memory, in one run.

Makes a folder of N procedural 64x64 RGB PNGs (default 200,000; coloured shapes on
gradients, ten labels), decodes it once into its uint8 cache (explorer/core/data/folder_cache.py),
then, each in a fresh process so its peak resident memory is its own:
- store: a VAE trains on the whole folder read from the cache a batch at a time
  (explorer/core/data/store.py);
- memory: the same VAE, same steps and batch, on the first `--subset` training images
  copied into a float32 tensor (what every dataset was before).
JSON: seconds to make and decode the folder, the cache's size, each run's peak RSS
(ru_maxrss of that process) and median samples/s over its logged steps, and the ratio.

    python main.py bench scale [--n 200000] [--subset 40000] [--steps 300] [--work DIR]
"""
from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[2]
SIZE = 64


def make_folder(where: Path, n: int, seed: int = 0) -> float:
    """n PNGs under where/<label>/, written by two processes; seconds taken."""
    t = time.perf_counter()
    half = n // 2
    procs = [subprocess.Popen([sys.executable, "-m", "explorer.bench.scale", "--make", str(where), str(a), str(b),
                               str(seed)], cwd=ROOT) for a, b in ((0, half), (half, n))]
    for p in procs:
        if p.wait() != 0:
            raise SystemExit("bench scale: making the folder failed")
    return time.perf_counter() - t


def _make(where: Path, start: int, stop: int, seed: int) -> None:
    from PIL import Image

    yy, xx = np.mgrid[0:SIZE, 0:SIZE].astype(np.float32) / SIZE
    for label in range(10):
        (where / f"c{label}").mkdir(parents=True, exist_ok=True)
    for i in range(start, stop):
        rng = np.random.default_rng((seed, i))
        label = i % 10
        a, b = rng.uniform(0, 1, 3), rng.uniform(0, 1, 3)
        img = a[None, None] * xx[..., None] + b[None, None] * (1 - yy[..., None])
        cx, cy, r = rng.uniform(0.3, 0.7), rng.uniform(0.3, 0.7), 0.08 + 0.02 * label
        inside = (np.abs(xx - cx) + np.abs(yy - cy) < r) if label % 2 else ((xx - cx) ** 2 + (yy - cy) ** 2 < r * r)
        img[inside] = rng.uniform(0, 1, 3)
        Image.fromarray((np.clip(img, 0, 1) * 255).astype(np.uint8)).save(where / f"c{label}" / f"{i:06d}.png",
                                                                          compress_level=1)


def _child(mode: str, folder: Path, subset: int, steps: int, batch: int) -> None:
    """One training run in this process; prints its JSON (peak RSS, samples/s)."""
    import resource

    from explorer.core.data.datasets import Dataset, load_dataset
    from explorer.core.training import threads
    from explorer.core.training.config import make_configs
    from explorer.core.training.engine import Failed, Progress, TrainingEngine

    threads.apply(threads.choose())
    t = time.perf_counter()
    data = load_dataset(f"folder:{folder}", image_size=SIZE)
    load_s = time.perf_counter() - t
    if mode == "memory":
        data = Dataset(data.name, data.kind, data.train_x[:subset], data.train_y[:subset],
                       data.test_x[:min(subset // 9, len(data.test_x))], data.test_y[:min(subset // 9, len(data.test_y))],
                       data.label_names)
    mc, tc = make_configs("vae", data, {}, {"steps": steps, "batch_size": batch, "seed": 0, "dataset": data.name,
                                           "log_every": 10, "image_size": SIZE})
    rates = []
    with tempfile.TemporaryDirectory() as tmp:
        engine = TrainingEngine.create(Path(tmp) / "run", mc, tc, data=data)
        engine.skip_final_eval = True
        t = time.perf_counter()
        for ev in engine.run():
            if isinstance(ev, Failed):
                raise SystemExit(f"bench scale: training failed: {ev.message}")
            if isinstance(ev, Progress) and ev.step > 20 and ev.parts is not None and ev.samples_per_s == ev.samples_per_s:
                rates.append(ev.samples_per_s)
        train_s = time.perf_counter() - t
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
    print(json.dumps({"mode": mode, "train_images": len(data.train_x), "load_s": round(load_s, 1),
                      "train_s": round(train_s, 1), "samples_per_s": round(statistics.median(rates), 1),
                      "peak_rss_gb": round(peak / 1e9, 3), "x_type": type(data.train_x).__name__}))


def _run_child(*args) -> dict:
    r = subprocess.run([sys.executable, "-m", "explorer.bench.scale", "--child", *map(str, args)], cwd=ROOT,
                       capture_output=True, text=True)
    if r.returncode != 0:
        raise SystemExit(f"bench scale: {args[0]} run failed: {r.stderr.strip().splitlines()[-1:]}")
    return json.loads(r.stdout.strip().splitlines()[-1])


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="bench scale", description=__doc__.split("\n\n")[0])
    p.add_argument("--n", type=int, default=200_000, help="images in the folder")
    p.add_argument("--subset", type=int, default=40_000,
                   help="training images held in memory for the baseline (more than steps x batch: no epoch ends)")
    p.add_argument("--steps", type=int, default=300)
    p.add_argument("--batch-size", type=int, default=128)
    p.add_argument("--work", default=None, help="where to make the folder and its cache (kept when given)")
    args = p.parse_args(argv)
    if args.steps * args.batch_size >= min(args.subset, int(args.n * 0.9)):
        p.error("--steps x --batch-size must stay under --subset (and the folder's training split): "
                "an epoch's end would evaluate inside the timed steps")

    work = Path(args.work) if args.work else Path(tempfile.mkdtemp(prefix="bench-scale-"))
    os.environ["LATENT_EXPLORER_CACHE"] = str(work / "cache")
    folder = work / "images"
    out: dict = {"n": args.n, "image": [3, SIZE, SIZE], "steps": args.steps, "batch_size": args.batch_size,
                 "float32_would_need_gb": round(args.n * 3 * SIZE * SIZE * 4 / 1e9, 2)}
    try:
        if not folder.exists():
            out["make_folder_s"] = round(make_folder(folder, args.n), 1)
        from explorer.core.data.datasets import load_dataset
        t = time.perf_counter()
        d = load_dataset(f"folder:{folder}", image_size=SIZE)   # decoded here once, into the cache
        out["decode_into_cache_s"] = round(time.perf_counter() - t, 1)
        out["cache_gb"] = round(d.train_x.path.stat().st_size / 1e9, 2)
        del d
        store = _run_child("store", folder, args.subset, args.steps, args.batch_size)
        memory = _run_child("memory", folder, args.subset, args.steps, args.batch_size)
        out.update(store=store, memory=memory,
                   throughput_ratio_store_over_memory=round(store["samples_per_s"] / memory["samples_per_s"], 3))
    finally:
        if not args.work:
            shutil.rmtree(work, ignore_errors=True)
    print(json.dumps(out, indent=2))
    return 0


if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] == "--make":
        _make(Path(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4]), int(sys.argv[5]))
    elif len(sys.argv) > 1 and sys.argv[1] == "--child":
        _child(sys.argv[2], Path(sys.argv[3]), int(sys.argv[4]), int(sys.argv[5]), int(sys.argv[6]))
    else:
        sys.exit(main(sys.argv[1:]))
