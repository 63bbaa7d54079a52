"""Measurements of the VQ-VAE codebook panel; each prints JSON.

    python main.py bench codebook queries --run VQRUN        code grids, queries, one-cell re-decode, codebook map
    python main.py bench codebook sampling --run PRIORRUN    PixelCNN sampling against a full pass per position
    python main.py bench codebook record --codes 8192        size of a usage line in metrics.jsonl
    python main.py bench codebook histogram --codes 8192     the panel's usage histogram redraw (offscreen Qt)
    python main.py bench codebook heldout --run VQRUN        codes used on the test split against same-sized
                                                             subsets of the training split (issue 17)
    python main.py bench codebook heldout --run VQRUN --hold 1500   the run's settings trained again without
                                                             1,500 training images: codes used on 2,000 held out

Each timing is the median of repeated calls, beside a baseline measured in the same
process (this machine is shared: ratios are what count).
"""
from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from pathlib import Path

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


@torch.no_grad()
def _usage_counts(model, x: torch.Tensor, batch: int = 500) -> torch.Tensor:
    """Per image, how often each code is assigned: (n, K) counts (the bottom level of a VQ-VAE-2)."""
    K = model.latent.codebook_size
    out = []
    for i in range(0, len(x), batch):
        idx = model.encode(x[i:i + batch].to(model.device)).indices.flatten(1).cpu()
        out.append(torch.nn.functional.one_hot(idx, K).sum(1))
    return torch.cat(out)


def heldout(run_dir: str, subsets: int = 20, seed: int = 0) -> dict:
    """Is a test split's lower share of codes used a failure to generalise, or only its size?
    The share on the test split beside the share on random subsets of the *training* split of
    the same size (images the codebook was fitted to), and the share expected when as many
    code assignments are drawn from the training split's code frequencies."""
    run = load_run(run_dir)
    model = run.model.eval()
    data = load_dataset(run.train_cfg.dataset)
    K = model.latent.codebook_size
    train, test = _usage_counts(model, data.train_x), _usage_counts(model, data.test_x)
    n = len(data.test_x)
    positions = int(train[0].sum())
    g = torch.Generator().manual_seed(seed)
    shares = [float((train[torch.randperm(len(train), generator=g)[:n]].sum(0) > 0).float().mean())
              for _ in range(subsets)]
    p = train.sum(0).double() / train.sum()
    expected = float((1 - (1 - p) ** (n * positions)).mean())
    return {"benchmark": "codebook heldout", "run": str(run.path), "K": K, "positions_per_image": positions,
            "train_images": len(train), "test_images": n, "assignments_in_test": n * positions,
            "used_train_split": round(float((train.sum(0) > 0).float().mean()), 4),
            "used_test_split": round(float((test.sum(0) > 0).float().mean()), 4),
            f"used_train_subsets_of_{n}": {"mean": round(statistics.mean(shares), 4), "min": round(min(shares), 4),
                                           "max": round(max(shares), 4), "subsets": subsets},
            "expected_from_train_frequencies": round(expected, 4),
            "codes_rarer_than_one_in_test_assignments": int((p < 1 / (n * positions)).sum())}


def heldout_retrained(run_dir: str, hold: int, seed: int = 0) -> dict:
    """A larger held-out sample than the 500-image test split: the run's settings trained again
    on the training split less `hold` images, then codes used on those images and the test split
    together, beside the same number of the images it was trained on."""
    import tempfile
    from dataclasses import replace

    from explorer.core.runs import read_config
    from explorer.core.training.engine import Failed, TrainingEngine

    mc, tc, _ = read_config(run_dir)
    steps = load_run(run_dir).step   # as many steps as the run took (fewer images make shorter epochs)
    data = load_dataset(tc.dataset)
    perm = torch.randperm(len(data.train_x), generator=torch.Generator().manual_seed(seed))
    held, kept = perm[:hold], perm[hold:]
    fit = replace(data, train_x=data.train_x[kept], train_y=data.train_y[kept], train_factors={}, test_factors={})
    with tempfile.TemporaryDirectory() as tmp:
        engine = TrainingEngine.create(Path(tmp) / "vq", mc, replace(tc, device="cpu", checkpoint_every_s=0, epochs=None, steps=steps), data=fit)
        for ev in engine.run():
            if isinstance(ev, Failed):
                raise RuntimeError(ev.message)
        model = load_run(Path(tmp) / "vq").model.eval()
    heldout_x = torch.cat([data.train_x[held], data.test_x])
    h, t = _usage_counts(model, heldout_x), _usage_counts(model, fit.train_x[:len(heldout_x)])
    return {"benchmark": "codebook heldout (retrained)", "settings_of": run_dir, "K": model.latent.codebook_size,
            "trained_on": len(fit.train_x), "steps": steps, "heldout_images": len(heldout_x),
            "used_heldout": round(float((h.sum(0) > 0).float().mean()), 4),
            "used_as_many_training_images": round(float((t.sum(0) > 0).float().mean()), 4)}


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser()
    p.add_argument("what", choices=["queries", "sampling", "record", "histogram", "heldout"])
    p.add_argument("--run")
    p.add_argument("--n", type=int, default=500)
    p.add_argument("--codes", type=int, default=8192)
    p.add_argument("--hold", type=int, default=0, help="heldout: train the run's settings again without this "
                                                          "many training images and measure on them and the test split")
    a = p.parse_args(argv)
    if a.what in ("queries", "sampling", "heldout") and not a.run:
        p.error(f"{a.what} needs --run")
    result = {"queries": lambda: queries(a.run), "sampling": lambda: sampling(a.run, a.n),
              "record": lambda: record(a.codes), "histogram": lambda: histogram(a.codes),
              "heldout": lambda: heldout_retrained(a.run, a.hold) if a.hold else heldout(a.run)}[a.what]()
    print(json.dumps(result, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
