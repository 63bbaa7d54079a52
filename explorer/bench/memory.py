"""Peak resident memory of the commands that used to grow without bound.

Each command runs in a fresh child process, as a user would run it; its peak resident set
is the child's ru_maxrss from os.wait4 (the largest of it and any process it waited for,
not a sum). Measured:

- sample: `main.py sample --run checkpoints/demo-vae --n 3000000 --out s.png` (300 numbered
  PNGs), against a baseline of --n 64 (one PNG: what importing torch and loading the run
  costs);
- folder: training a tiny VAE (--hidden 64) for a few steps on a folder of 60 PNGs of
  4000 x 4000 pixels (mostly flat colour with a few drawn shapes, tens of KB each on disk,
  48 MB each decoded) at --image-size 64, against the same 60 pictures drawn at 64 x 64;
  and loading that folder alone (load_dataset, no training), against the small folder;
- refused: the same folder at --image-size 100000, which must stop with one line before
  allocating.

The target is under 1 GB (2**30 bytes) for each measured case.

    python -m explorer.bench.memory [--quick] [--sample | --folder]

prints the JSON; --quick samples 300,000 instead of 3,000,000 (30 PNGs instead of 300);
--sample or --folder measures one group only.
"""
from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
TARGET_BYTES = 2**30
DEMO_VAE = ROOT / "checkpoints" / "demo-vae"


def peak_rss(args: list, cwd=ROOT, timeout: float = 3600, code: str | None = None) -> dict:
    """Run `python main.py *args` (or `python -c code *args`) in a child; its exit code,
    peak RSS, time and last line of output."""
    t0 = time.perf_counter()
    head = ["-c", code] if code else [str(ROOT / "main.py")]
    with tempfile.TemporaryFile("w+") as out:
        p = subprocess.Popen([sys.executable, *head, *map(str, args)], cwd=cwd,
                             stdout=out, stderr=subprocess.STDOUT, text=True,
                             env={**os.environ, "QT_QPA_PLATFORM": "offscreen"})
        try:
            _, status, usage = _wait4(p, timeout)
        except subprocess.TimeoutExpired:
            p.kill()
            _, status, usage = os.wait4(p.pid, 0)
            p.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        lines = [line for line in out.read().splitlines() if line.strip()]
    # Linux reports kilobytes, macOS bytes
    rss = usage.ru_maxrss * (1 if sys.platform == "darwin" else 1024)
    return {"command": ("python -c LOAD " if code else "main.py ") + " ".join(map(str, args)), "exit": os.waitstatus_to_exitcode(status),
            "peak_rss_bytes": rss, "peak_rss_mb": round(rss / 2**20, 1),
            "seconds": round(time.perf_counter() - t0, 1), "last_line": lines[-1][:400] if lines else ""}


def _wait4(p, timeout: float):
    deadline = time.monotonic() + timeout
    while True:
        pid, status, usage = os.wait4(p.pid, os.WNOHANG)
        if pid:
            p.returncode = os.waitstatus_to_exitcode(status)
            return pid, status, usage
        if time.monotonic() > deadline:
            raise subprocess.TimeoutExpired(p.args, timeout)
        time.sleep(0.05)


def make_pictures(folder: Path, n: int = 60, side: int = 4000, seed: int = 0) -> dict:
    """n mostly flat RGB PNGs with a few random shapes each, in two label folders."""
    import random

    from PIL import Image, ImageDraw

    rng = random.Random(seed)
    sizes = []
    for i in range(n):
        label = folder / ("warm" if i % 2 else "cool")
        label.mkdir(parents=True, exist_ok=True)
        base = tuple(rng.randrange(256) for _ in range(3))
        im = Image.new("RGB", (side, side), base)
        d = ImageDraw.Draw(im)
        for _ in range(5):
            x0, y0 = rng.randrange(side), rng.randrange(side)
            r = rng.randrange(side // 20, side // 4)
            fill = tuple(rng.randrange(256) for _ in range(3))
            (d.ellipse if rng.random() < 0.5 else d.rectangle)([x0 - r, y0 - r, x0 + r, y0 + r], fill=fill)
        path = label / f"{i:03d}.png"
        im.save(path)
        del im, d
        sizes.append(path.stat().st_size)
    return {"images": n, "side": side, "mean_file_kb": round(sum(sizes) / len(sizes) / 1024, 1),
            "decoded_total_mb": round(n * side * side * 3 / 2**20, 1)}


LOAD = ("import sys; from explorer.core.data.datasets import load_dataset; "
        "d = load_dataset('folder:' + sys.argv[1], image_size=int(sys.argv[2])); "
        "print('loaded', tuple(d.train_x.shape), tuple(d.test_x.shape), *d.warnings)")


def bench_memory(n_samples: int = 3_000_000, steps: int = 5, keep: str | None = None,
                 only: tuple | None = None) -> dict:
    """Peak RSS of the cases above and their baselines; `keep` a directory to leave the
    files in; `only` ("sample", "folder") to measure one group."""
    work = Path(keep) if keep else Path(tempfile.mkdtemp(prefix="bench-memory-"))
    work.mkdir(parents=True, exist_ok=True)
    groups = set(only or ("sample", "folder"))
    cases, out = {}, {"target_bytes": TARGET_BYTES}
    try:
        if "sample" in groups:
            cases["sample"] = peak_rss(["sample", "--run", DEMO_VAE, "--n", n_samples, "--out", work / "s.png"])
            cases["sample"].update(n=n_samples, files=len(list(work.glob("s_*.png"))))
            cases["sample_baseline"] = peak_rss(["sample", "--run", DEMO_VAE, "--n", 64, "--out", work / "b.png"])
        if "folder" in groups:
            big, small = work / "big", work / "small"
            out["pictures"] = make_pictures(big)
            make_pictures(small, side=64)
            # a tiny VAE: the default 400-unit MLP at 3x64x64 has 9.9M parameters (~160 MB with Adam)
            train = ["train", "--model", "vae", "--hidden", "64", "--image-size", "64", "--steps", str(steps),
                     "--quiet"]
            cases["folder"] = peak_rss([*train, "--dataset", f"folder:{big}", "--out", work / "run-big"])
            cases["folder_baseline"] = peak_rss([*train, "--dataset", f"folder:{small}", "--out", work / "run-small"])
            # the dataset alone, without training: what the images themselves cost
            cases["folder_load"] = peak_rss([big, 64], code=LOAD)
            cases["folder_load_baseline"] = peak_rss([small, 64], code=LOAD)
            cases["folder_image_size_100000"] = peak_rss(["train", "--model", "vae", "--image-size", "100000",
                                                          "--steps", "1", "--quiet", "--dataset", f"folder:{big}",
                                                          "--out", work / "run-huge"])
            refused = cases["folder_image_size_100000"]
            refused["refused_in_one_line"] = (refused["exit"] == 1 and "--image-size 100000" in refused["last_line"]
                                              and refused["peak_rss_bytes"] < TARGET_BYTES)
        for name in ("sample", "folder", "folder_load"):
            if name in cases:
                c = cases[name]
                c["under_target"] = c["exit"] == 0 and c["peak_rss_bytes"] < TARGET_BYTES
                c["above_baseline_mb"] = round(c["peak_rss_mb"] - cases[name + "_baseline"]["peak_rss_mb"], 1)
        out["cases"] = cases
        out["all_under_target"] = all(c.get("under_target", c.get("refused_in_one_line", True))
                                      for c in cases.values())
        return out
    finally:
        if not keep:
            import shutil
            shutil.rmtree(work, ignore_errors=True)


def main(argv: list[str] | None = None) -> int:
    import argparse

    p = argparse.ArgumentParser(prog="python main.py bench memory", description=__doc__.split("\n\n")[0])
    p.add_argument("--quick", action="store_true", help="sample 300,000 instead of 3,000,000")
    p.add_argument("--sample", action="store_true", help="only the sample case")
    p.add_argument("--folder", action="store_true", help="only the folder case")
    a = p.parse_args(argv)
    only = tuple(g for g in ("sample", "folder") if getattr(a, g)) or None
    print(json.dumps(bench_memory(300_000 if a.quick else 3_000_000, only=only), indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
