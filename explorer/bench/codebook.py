"""Measurements of the VQ-VAE codebook panel; each prints JSON.

    python main.py bench codebook queries --run VQRUN        code grids, queries, one-cell re-decode, codebook map
    python main.py bench codebook sampling --run PRIORRUN    PixelCNN sampling against a full pass per position
    python main.py bench codebook record --codes 8192        size of a usage line in metrics.jsonl
    python main.py bench codebook histogram --codes 8192     the panel's usage histogram redraw (offscreen Qt)

Each timing is the median of repeated calls, beside a baseline measured in the same
process (this machine is shared: ratios are what count).
"""
from __future__ import annotations

import argparse
import json
import statistics
import sys
import time

import numpy as np
import torch

from explorer.core.codebook.usage import CodeEditor, codebook_map, encode_grids, encode_usage, usage_record
from explorer.bench.train import median_ms
from explorer.core.data.datasets import load_dataset
from explorer.core.runs import load_run


def queries(run_dir: str) -> dict:
    run = load_run(run_dir)
    model = run.model
    tc = run.train_cfg
    data = load_dataset(tc.dataset, tc.data_dir, False, tc.image_size)
    t0 = time.perf_counter()
    grids = encode_grids(model, data)
    encode_s = time.perf_counter() - t0
    busiest = int(grids.counts.argmax())
    editor = CodeEditor.for_input(model, data.test_x[0])
    codes = iter(np.random.default_rng(0).integers(0, grids.K, 10_000))
    grid = editor.grid[None]

    @torch.inference_mode()
    def bare_decode():
        model.decode_indices(grid)

    return {
        "run": str(run.path), "images": len(grids), "grid": list(grids.grid_shape), "codes": grids.K,
        "encode_grids_s": round(encode_s, 3),
        "uses_ms": median_ms(lambda: grids.uses(busiest)),
        "top_images_ms": median_ms(lambda: grids.top_images(busiest, 16)),
        "set_cell_ms": median_ms(lambda: editor.set_cell(3 % grid.shape[1], 3 % grid.shape[2], int(next(codes)))),
        "bare_decode_indices_ms": median_ms(bare_decode),
        "codebook_map_pca_ms": median_ms(lambda: codebook_map(model, grids.counts, "pca"), repeat=10),
        "torch_threads": torch.get_num_threads(),
    }


def sampling(run_dir: str, n: int) -> dict:
    run = load_run(run_dir)
    model = run.model
    h, w = model.grid
    u = torch.rand(n, h * w, generator=torch.Generator().manual_seed(0))

    @torch.no_grad()
    def full_pass_per_position():
        codes = torch.zeros(n, h, w, dtype=torch.long)
        for i in range(h):
            for j in range(w):
                p = model.logits(codes)[:, :, i, j].softmax(1)
                codes[:, i, j] = torch.searchsorted(p.cumsum(1), u[:, i * w + j, None].contiguous()).squeeze(1) \
                    .clamp(max=model.cfg.codebook_size - 1)
        return codes

    t0 = time.perf_counter()
    fast = model.sample_codes(u)
    fast_s = time.perf_counter() - t0
    t0 = time.perf_counter()
    naive = full_pass_per_position()
    naive_s = time.perf_counter() - t0
    return {"run": str(run.path), "samples": n, "grid": [h, w], "layers": model.cfg.pixelcnn_layers,
            "channels": model.cfg.pixelcnn_channels, "sample_codes_s": round(fast_s, 3),
            "full_pass_per_position_s": round(naive_s, 3), "speedup": round(naive_s / fast_s, 2),
            "same_codes": bool(torch.equal(fast, naive))}


def record(K: int) -> dict:
    rng = np.random.default_rng(0)
    out = {"codes": K}
    for used in (K // 100, K // 10, K // 2, K):
        counts = np.zeros(K, np.int64)
        counts[rng.choice(K, used, replace=False)] = rng.integers(1, 2000, used)
        out[f"line_bytes_{used}_used"] = len(json.dumps(usage_record(counts)))
        out[f"dense_list_bytes_{used}_used"] = len(json.dumps(counts.tolist()))
        out[f"encode_ms_{used}_used"] = median_ms(lambda: encode_usage(counts), repeat=20)
    return out


def histogram(K: int, repeat: int = 30) -> dict:
    """Redraw of the codebook panel's usage histogram (new counts, sorted, dead codes marked,
    repainted) against the same bars with a brush per bar (red for the dead), in the same
    process; the frame budget is 16.7 ms."""
    import os
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    import pyqtgraph as pg

    from explorer.qt.app import make_app
    from explorer.qt.panels.codebook import UsageHistogram

    app = make_app()
    rng = np.random.default_rng(0)
    frames = []
    for _ in range(repeat + 1):   # usage as training writes it: a long tail, a tenth dead
        c = rng.zipf(1.3, K).astype(np.int64)
        c[rng.random(K) < 0.1] = 0
        frames.append(c)
    hist = UsageHistogram()
    hist.resize(640, 360)
    hist.show()
    bars = pg.PlotWidget(background="w")
    bars.resize(640, 360)
    bars.show()
    item = pg.BarGraphItem(x0=np.arange(K), height=np.zeros(K), width=1.0, brush=(31, 119, 180))
    live, dead = pg.mkBrush(31, 119, 180), pg.mkBrush(214, 39, 40)
    bars.addItem(item)
    app.processEvents()

    def ours(c):
        hist.set_usage(c)
        hist.repaint()   # on screen, not just queued: the widget does not repaint itself
        app.processEvents()

    def baseline(c):
        s = np.sort(c)[::-1]
        item.setOpts(height=np.maximum(s, 0.02 * s.max()), brushes=[live if v else dead for v in s])
        bars.repaint()
        app.processEvents()

    out = {"codes": K}
    for name, fn in (("histogram", ours), ("brush_per_bar", baseline)):
        fn(frames[0])
        times = []
        for c in frames[1:]:
            t0 = time.perf_counter()
            fn(c)
            times.append(1000 * (time.perf_counter() - t0))
        out[f"{name}_redraw_ms_p50"] = round(statistics.median(times), 2)
        out[f"{name}_redraw_ms_max"] = round(max(times), 2)
    out["speedup"] = round(out["brush_per_bar_redraw_ms_p50"] / out["histogram_redraw_ms_p50"], 1)
    out["within_one_frame"] = out["histogram_redraw_ms_p50"] <= 16.7
    return out


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser()
    p.add_argument("what", choices=["queries", "sampling", "record", "histogram"])
    p.add_argument("--run")
    p.add_argument("--n", type=int, default=500)
    p.add_argument("--codes", type=int, default=8192)
    a = p.parse_args(argv)
    if a.what in ("queries", "sampling") and not a.run:
        p.error(f"{a.what} needs --run")
    result = {"queries": lambda: queries(a.run), "sampling": lambda: sampling(a.run, a.n),
              "record": lambda: record(a.codes), "histogram": lambda: histogram(a.codes)}[a.what]()
    print(json.dumps(result, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
