"""`python main.py bench train`: the engine's throughput against bare PyTorch loops.

All loops train the same VAE (784-400-20, BCE, Adam 1e-3, batch 128) on
mnist5k's 4,500 training digits, in this one process, interleaved over
rounds so that a noisy machine hurts them alike; the median of each is kept.

- examples:   pytorch/examples vae/main.py as written: a DataLoader over
              torchvision's MNIST class (IDX files written from mnist5k), ToTensor per sample
- bare:       pre-loaded tensors, index slices, plain Adam
- bare_fused: the same with fused Adam
- trainer:    TrainingEngine, counting only its training steps; trainer_wall
              also counts its per-epoch evaluation, samples and checkpoints
"""
from __future__ import annotations

import statistics
import struct
import tempfile
import time
from pathlib import Path

import numpy as np
import torch
import torch.nn.functional as F
from torch import nn

from explorer.core.data.datasets import load_dataset


class ExamplesVAE(nn.Module):
    """pytorch/examples vae/main.py's model, line for line."""

    def __init__(self):
        super().__init__()
        self.fc1 = nn.Linear(784, 400)
        self.fc21 = nn.Linear(400, 20)
        self.fc22 = nn.Linear(400, 20)
        self.fc3 = nn.Linear(20, 400)
        self.fc4 = nn.Linear(400, 784)

    def encode(self, x):
        h1 = F.relu(self.fc1(x))
        return self.fc21(h1), self.fc22(h1)

    def reparameterize(self, mu, logvar):
        std = torch.exp(0.5 * logvar)
        return mu + torch.randn_like(std) * std

    def decode(self, z):
        return torch.sigmoid(self.fc4(F.relu(self.fc3(z))))

    def forward(self, x):
        mu, logvar = self.encode(x.view(-1, 784))
        return self.decode(self.reparameterize(mu, logvar)), mu, logvar


def median_ms(fn, repeat: int = 30, warmup: int = 2) -> float:
    """Median milliseconds of `repeat` calls of fn(), after `warmup` calls."""
    for _ in range(warmup):
        fn()
    times = []
    for _ in range(repeat):
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return round(1000 * statistics.median(times), 4)


def examples_loss(recon_x, x, mu, logvar):
    bce = F.binary_cross_entropy(recon_x, x.view(-1, 784), reduction="sum")
    kld = -0.5 * torch.sum(1 + logvar - mu.pow(2) - logvar.exp())
    return bce + kld


@torch.no_grad()
def examples_neg_elbo(model: ExamplesVAE, x: torch.Tensor, samples: int = 10, seed: int = 0) -> float:
    torch.manual_seed(seed)
    total = 0.0
    for _ in range(samples):
        recon, mu, logvar = model(x)
        total += float(examples_loss(recon, x, mu, logvar))
    return total / samples / len(x)


def write_idx(root: Path, x: np.ndarray, y: np.ndarray, prefix: str) -> None:
    """MNIST's IDX format (gzip-free), as torchvision's MNIST class reads it."""
    raw = root / "MNIST" / "raw"
    raw.mkdir(parents=True, exist_ok=True)
    imgs = (x.reshape(-1, 28, 28) * 255).round().astype(np.uint8)
    with open(raw / f"{prefix}-images-idx3-ubyte", "wb") as f:
        f.write(struct.pack(">IIII", 2051, len(imgs), 28, 28))
        f.write(imgs.tobytes())
    with open(raw / f"{prefix}-labels-idx1-ubyte", "wb") as f:
        f.write(struct.pack(">II", 2049, len(y)))
        f.write(y.astype(np.uint8).tobytes())


def write_mnist_idx(root: Path, data=None) -> None:
    data = data or load_dataset("mnist5k")
    write_idx(root, data.train_x.numpy(), data.train_y.numpy(), "train")
    write_idx(root, data.test_x.numpy(), data.test_y.numpy(), "t10k")


def run_examples(root: Path, epochs: int, seed: int):
    from torchvision import datasets, transforms

    torch.manual_seed(seed)
    ds = datasets.MNIST(str(root), train=True, download=False, transform=transforms.ToTensor())
    loader = torch.utils.data.DataLoader(ds, batch_size=128, shuffle=True)
    model = ExamplesVAE()
    opt = torch.optim.Adam(model.parameters(), lr=1e-3)
    n = 0
    t = time.perf_counter()
    for _ in range(epochs):
        for data, _ in loader:
            opt.zero_grad()
            recon, mu, logvar = model(data)
            loss = examples_loss(recon, data, mu, logvar)
            loss.backward()
            opt.step()
            n += len(data)
    return n / (time.perf_counter() - t), model


def run_bare(x: torch.Tensor, epochs: int, seed: int, fused: bool):
    torch.manual_seed(seed)
    g = torch.Generator().manual_seed(seed)
    model = ExamplesVAE()
    opt = torch.optim.Adam(model.parameters(), lr=1e-3, fused=fused)
    B = 128
    n = 0
    t = time.perf_counter()
    for _ in range(epochs):
        perm = torch.randperm(len(x), generator=g)
        for i in range(0, len(x) - B + 1, B):
            data = x[perm[i:i + B]]
            opt.zero_grad()
            recon, mu, logvar = model(data)
            loss = examples_loss(recon, data, mu, logvar)
            loss.backward()
            opt.step()
            n += len(data)
    return n / (time.perf_counter() - t), model


def run_trainer(data, epochs: int, seed: int, workdir: Path):
    from explorer.core.training.config import make_configs
    from explorer.core.training.engine import Failed, Progress, TrainingEngine
    from explorer.core.runs import load_run

    mc, tc = make_configs("vae", data, {"latent_dim": 20, "hidden": (400,), "arch": "mlp"},
                          {"epochs": epochs, "batch_size": 128, "lr": 1e-3, "seed": seed,
                           "device": "cpu", "iwae_k": 1})
    run_dir = workdir / f"trainer-{time.monotonic_ns()}"
    engine = TrainingEngine.create(run_dir, mc, tc, data=data)
    # a Progress event is yielded right after its step, and epoch-end work happens
    # before EpochEnd is yielded: the time up to each Progress is one step's
    step_time, steps, start, last = 0.0, 0, None, None
    for ev in engine.run():
        now = time.perf_counter()
        if isinstance(ev, Failed):
            raise RuntimeError(ev.message)
        if isinstance(ev, Progress):
            step_time += now - last
            steps = ev.step
        start = start or now
        last = now
    n = steps * engine.batch_size
    return n / step_time, n / (last - start), load_run(run_dir).model


@torch.no_grad()
def engine_neg_elbo(model, x: torch.Tensor, samples: int = 10, seed: int = 0) -> float:
    torch.manual_seed(seed)
    total = 0.0
    for _ in range(samples):
        total += float(-model.log_likelihood_bound(x, k=1).sum())
    return total / samples / len(x)


def bench_train(epochs: int = 10, rounds: int = 3, seed: int = 0, with_examples: bool = True) -> dict:
    data = load_dataset("mnist5k")
    x = data.train_x.reshape(-1, 784).contiguous()
    test = data.test_x.reshape(-1, 784)
    results: dict = {k: [] for k in ("examples", "bare", "bare_fused", "trainer", "trainer_wall")}
    elbo: dict = {}
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        write_mnist_idx(tmp, data)
        for r in range(rounds):
            if with_examples:
                sps, m = run_examples(tmp, epochs, seed + r)
                results["examples"].append(sps)
                elbo.setdefault("examples", []).append(examples_neg_elbo(m, test))
            sps, m = run_bare(x, epochs, seed + r, fused=False)
            results["bare"].append(sps)
            elbo.setdefault("bare", []).append(examples_neg_elbo(m, test))
            sps, _ = run_bare(x, epochs, seed + r, fused=True)
            results["bare_fused"].append(sps)
            sps, wall, m = run_trainer(data, epochs, seed + r, tmp)
            results["trainer"].append(sps)
            results["trainer_wall"].append(wall)
            elbo.setdefault("trainer", []).append(engine_neg_elbo(m, data.test_x))
    med = {k: statistics.median(v) for k, v in results.items() if v}
    out = {
        "benchmark": "train", "model": "vae 784-400-20 (BCE), Adam 1e-3, batch 128",
        "dataset": "mnist5k (4,500 train)", "epochs": epochs, "rounds": rounds,
        "device": "cpu", "torch_threads": torch.get_num_threads(),
        "samples_per_s": {k: round(v, 1) for k, v in med.items()},
        "ratio_trainer_to_bare": round(med["trainer"] / med["bare"], 3),
        "ratio_trainer_to_bare_fused": round(med["trainer"] / med["bare_fused"], 3),
        "ratio_trainer_wall_to_bare": round(med["trainer_wall"] / med["bare"], 3),
        "test_neg_elbo": {k: round(statistics.median(v), 2) for k, v in elbo.items()},
    }
    if "examples" in med:
        out["ratio_trainer_to_examples"] = round(med["trainer"] / med["examples"], 3)
    out["neg_elbo_gap_trainer_vs_bare"] = round(
        out["test_neg_elbo"]["trainer"] / out["test_neg_elbo"]["bare"] - 1, 4)
    return out
