"""Measurements of GAN collapse diagnostics; each prints JSON.

    python main.py bench gan-diagnostics toyview [--run DIR]     per-frame cost of the toy-view arrays
    python main.py bench gan-diagnostics drs --run DIR           DRS against plain sampling, 2,500 samples
    python main.py bench gan-diagnostics alerts --run DIR        when coverage fell and when the alert fired

toyview compares each helper with a bare call of the same network on the same
number of inputs, measured in the same process (this machine is shared: ratios
are what count).
"""
from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

import torch

from explorer.core.gan.alerts import alerts_in
from explorer.bench.train import median_ms
from explorer.core.training.config import make_configs
from explorer.core.data.datasets import load_dataset
from explorer.core.gan.drs import drs_sample
from explorer.core.training.evaluation import mode_metrics
from explorer.core.runs import METRICS, history, load_run, read_metrics
from explorer.core.gan.toy_view import ToyView
from models import build_model


def _model_and_data(run: str | None, dataset: str, pack: int):
    if run:
        r = load_run(run)
        return r.model, load_dataset(r.train_cfg.dataset), str(r.path)
    data = load_dataset(dataset)
    mc, _ = make_configs("gan", data, {"pack": pack})
    torch.manual_seed(0)
    return build_model(mc).eval(), data, f"untrained PacGAN toy model on {dataset}, pack {pack}"


def bench_toyview(args) -> dict:
    model, data, what = _model_and_data(args.run, args.dataset, args.pack)
    out = {"benchmark": "toyview", "model": what, "torch_threads": torch.get_num_threads(), "heatmap_ms": {},
           "bare_d_ms": {}}
    for res in (32, 48, 64, 96):
        view = ToyView(data, resolution=res)
        out["heatmap_ms"][res] = median_ms(lambda: view.heatmap(model))
        packed = torch.randn(res * res * model.cfg.pack, 2)
        with torch.no_grad():
            out["bare_d_ms"][res] = median_ms(lambda: model.D(packed))
    view = ToyView(data, resolution=64, noise_lines=21)
    out["samples_2500_ms"] = median_ms(lambda: view.samples(model))
    z = torch.randn(2500, model.latent.dim)
    with torch.no_grad():
        out["bare_g_2500_ms"] = median_ms(lambda: model.G(z))
    out["noise_grid_21x21_ms"] = median_ms(lambda: view.noise_grid(model))
    t = time.perf_counter()
    view.density()
    out["density_first_ms"] = round((time.perf_counter() - t) * 1e3, 3)
    out["density_cached_ms"] = median_ms(view.density)
    return out


def bench_drs(args) -> dict:
    run = load_run(args.run)
    data = load_dataset(run.train_cfg.dataset)
    model = run.model
    g = torch.Generator().manual_seed(args.seed)
    with torch.no_grad():
        plain = mode_metrics(model.generate(args.n, generator=g).numpy(), data.modes, data.sigma)
    out = {"benchmark": "drs", "run": str(run.path), "step": run.step, "n": args.n,
           "plain": _summary(plain), "drs": []}
    for partners in args.partners:
        for pct in args.percentiles:
            t = time.perf_counter()
            r = drs_sample(model, args.n, data, percentile=pct, partners=partners, seed=args.seed)
            m = mode_metrics(r.samples.numpy(), data.modes, data.sigma)
            out["drs"].append({"partners": partners, "percentile": pct, **_summary(m),
                               "acceptance_rate": round(r.acceptance_rate, 4), "proposed": r.proposed,
                               "seconds": round(time.perf_counter() - t, 2)})
    return out


def _summary(m: dict) -> dict:
    return {"hq_fraction": round(m["hq_fraction"], 4), "modes_captured": m["modes_captured"],
            "n_modes": m["n_modes"], "reverse_kl": None if m["reverse_kl"] is None else round(m["reverse_kl"], 4),
            "min_mode_count": min(m["mode_counts"])}


def bench_alerts(args) -> dict:
    records = history(read_metrics(Path(args.run) / METRICS)[0])
    evals = [r for r in records if r.get("kind") in ("eval", "epoch") and "modes_captured" in r]
    curve = [(r["step"], r["modes_captured"], r["n_modes"], round(r["hq_fraction"], 3)) for r in evals]
    alerts = alerts_in(records)
    falls = []  # the first evaluation below 0.75 after one at or above it
    for prev, cur in zip(evals, evals[1:]):
        if prev["modes_captured"] / prev["n_modes"] >= 0.75 > cur["modes_captured"] / cur["n_modes"]:
            falls.append(cur["step"])
    return {"benchmark": "alerts", "run": args.run, "coverage_falls_at": falls,
            "alerts": [(a["step"], a["since_step"], a["message"]) for a in alerts],
            "coverage_curve": curve}


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = p.add_subparsers(dest="what", required=True)
    t = sub.add_parser("toyview")
    t.add_argument("--run")
    t.add_argument("--dataset", default="ring8")
    t.add_argument("--pack", type=int, default=2)
    d = sub.add_parser("drs")
    d.add_argument("--run", required=True)
    d.add_argument("--n", type=int, default=2500)
    d.add_argument("--seed", type=int, default=0)
    d.add_argument("--percentiles", type=float, nargs="+", default=[50, 80, 90, 95])
    d.add_argument("--partners", nargs="+", default=["real", "copies"])
    a = sub.add_parser("alerts")
    a.add_argument("--run", required=True)
    args = p.parse_args(argv)
    fn = {"toyview": bench_toyview, "drs": bench_drs, "alerts": bench_alerts}[args.what]
    print(json.dumps(fn(args), indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
