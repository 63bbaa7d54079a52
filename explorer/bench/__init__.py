"""One home for benchmarks: `python main.py bench NAME`, each printing JSON and measuring
against a baseline taken in the same run (this machine is shared and noisy: ratios count).

    train            the engine against bare PyTorch loops (train.py)
    gui              throughput and GUI stalls with the window open (gui.py)
    map              latent-map timings, click-to-decode, 70k-point frames (map.py, map_gui.py)
    faults           kill -9 at 16 moments of a training run; eval and --resume after each (faults.py)
    memory           peak memory of sample --n 3,000,000 and of huge folder images (memory.py)
    codebook         code grids, PixelCNN sampling, usage records, the histogram redraw (codebook.py)
    gan-diagnostics  the toy view's arrays, DRS, when the collapse alert fires (gan_diagnostics.py)
    journey          a newcomer's path through the window: GUI stalls, stale panels (journey.py)
    draw             from a pen move on the Draw canvas to the map and reconstruction updated (draw.py)
    gan-fidelity     the GAN trainer against a bare loop of PacGAN's toy setup, ring8/grid25 (gan_fidelity.py)
    ddp              two processes under torchrun against one with two threads: losses, throughput (ddp.py)
    scale            training on a 200,000-image folder from its uint8 cache against a subset in memory (scale.py)
    device           trainer against a bare loop on the GPU if present (else the CPU), fp32 and bf16 (device.py)
    points           the point map at 1,000,000 points against ScatterPlotItem at 70,000 (points.py)
    umap-scale       UMAP of 70,000 latents: subsample and transform against the full fit (umap_scale.py)

The last twelve, and gui, take their own options (`python main.py bench faults --help`).
"""
from __future__ import annotations

import importlib

SCRIPTS = {"faults": "explorer.bench.faults", "memory": "explorer.bench.memory",
           "codebook": "explorer.bench.codebook", "gan-diagnostics": "explorer.bench.gan_diagnostics",
           "journey": "explorer.bench.journey", "gui": "explorer.bench.gui",
           "draw": "explorer.bench.draw", "gan-fidelity": "explorer.bench.gan_fidelity",
           "ddp": "explorer.bench.ddp", "umap-scale": "explorer.bench.umap_scale",
           "scale": "explorer.bench.scale", "points": "explorer.bench.points",
           "device": "explorer.bench.device"}


def run_script(name: str, argv: list[str]) -> int:
    """A benchmark with options of its own: its module's main(argv)."""
    return importlib.import_module(SCRIPTS[name]).main(argv)
