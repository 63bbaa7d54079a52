"""`bench ddp`: training on two processes with torchrun (DistributedDataParallel, gloo, one
thread each) against one process with two threads, same seed, same global batch, in one run.

    python main.py bench ddp                          # VAE on digits, 1,000 steps
    python main.py bench ddp --model vae --dataset mnist5k --steps 2000 --keep /tmp/ddp

Both train through `main.py train` with `--log-every 1`, so every step's losses are logged:
prints the first step's loss parts of each and their largest difference, the largest
difference over all steps, the final test -ELBO (or reconstruction) of each and their
relative difference, and the throughput of each (median samples/s over the logged steps,
and wall time) with the ratio two processes / one process. On a 2-core machine two
processes are not expected to win: the gradient exchange costs, and the cores are the same.
"""
from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def _train(out: Path, args, processes: int) -> dict:
    threads = "1" if processes > 1 else str(args.threads)
    env = {**os.environ, "LATENT_EXPLORER_THREADS": threads, "OMP_NUM_THREADS": threads}
    launch = ([sys.executable, "-m", "torch.distributed.run", "--standalone", "--nproc-per-node", str(processes)]
              if processes > 1 else [sys.executable])
    cmd = [*launch, "main.py", "train", "--model", args.model, "--dataset", args.dataset, "--steps", str(args.steps),
           "--seed", str(args.seed), "--log-every", "1", "--quiet", "--out", str(out)]
    t0 = time.perf_counter()
    r = subprocess.run(cmd, cwd=ROOT, env=env, capture_output=True, text=True)
    wall = time.perf_counter() - t0
    if r.returncode != 0:
        raise SystemExit(f"bench ddp: {' '.join(cmd[-14:])} failed: {r.stderr.strip().splitlines()[-1:]}")
    records = [json.loads(line) for line in (out / "metrics.jsonl").read_text().splitlines()]
    steps = [x for x in records if x["kind"] == "step"]
    final = next((x for x in reversed(records) if x["kind"] == "eval" and x.get("final")), {})
    return {"processes": processes, "threads_each": int(threads), "wall_s": round(wall, 1),
            "samples_per_s_median": statistics.median(x["samples_per_s"] for x in steps[5:] or steps),
            "steps": steps, "final": final}


def _parts(step: dict) -> dict:
    return {k: v for k, v in step.items() if k not in ("time", "kind", "step", "epoch", "lr", "samples_per_s")
            and isinstance(v, (int, float))}


def compare(one: dict, two: dict) -> dict:
    first = (_parts(one["steps"][0]), _parts(two["steps"][0]))
    worst = 0.0
    for a, b in zip(one["steps"], two["steps"]):
        pa, pb = _parts(a), _parts(b)
        worst = max([worst, *(abs(pa[k] - pb[k]) for k in pa if k in pb)])
    key = "test_neg_elbo" if "test_neg_elbo" in one["final"] else "test_recon"
    fa, fb = one["final"].get(key), two["final"].get(key)
    return {
        "first_step": {"one_process": first[0], "two_processes": first[1],
                       "max_abs_difference": max(abs(first[0][k] - first[1][k]) for k in first[0] if k in first[1])},
        "max_abs_difference_any_step": worst,
        "final": {"metric": key, "one_process": fa, "two_processes": fb,
                  "relative_difference": None if fa is None or fb is None else abs(fb - fa) / abs(fa)},
        "throughput": {"one_process_samples_per_s": one["samples_per_s_median"],
                       "two_processes_samples_per_s": two["samples_per_s_median"],
                       "ratio_two_over_one": two["samples_per_s_median"] / one["samples_per_s_median"],
                       "wall_s": {"one_process": one["wall_s"], "two_processes": two["wall_s"]}},
    }


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="main.py bench ddp", description=__doc__.split("\n\n")[0])
    p.add_argument("--model", default="vae")
    p.add_argument("--dataset", default="digits")
    p.add_argument("--steps", type=int, default=1000)
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--threads", type=int, default=2, help="the one process's threads (default 2)")
    p.add_argument("--keep", default=None, help="keep both runs under this folder")
    args = p.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        base = Path(args.keep) if args.keep else Path(tmp)
        base.mkdir(parents=True, exist_ok=True)
        one = _train(base / "one_process", args, 1)
        two = _train(base / "two_processes", args, 2)
        out = {"model": args.model, "dataset": args.dataset, "steps": args.steps, "seed": args.seed,
               "cores": os.cpu_count(), **compare(one, two)}
    print(json.dumps(out, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
