"""The project's GAN trainer against a bare PyTorch loop of PacGAN's published toy setup.

    python main.py bench gan-fidelity [--steps 20000] [--seeds 0 1 2] [--datasets ring8 grid25]
                                      [--pack 2] [--only trainer|bare] [--bare-variant NAME ...]

Both are scored by the same evaluator on 2,500 samples (VEEGAN/PacGAN's: a sample is of
high quality within 3 sigma of a mode; a mode is captured when it holds one such sample),
G in eval mode. Prints JSON, one entry per dataset and seed, the bare loop beside the
trainer from the same run.

The bare loop is PacGAN's toy code (github.com/fjxmlzn/PacGAN, 2DGrid_GAN&PacGAN) written
in plain PyTorch: G 4x400 ReLU with batch norm (no biases before it), D 3x200 maxout with 5
pieces, N(0, 0.02) weights and zero biases, Adam 1e-4 with beta1 0.8, z ~ N(0, I) in R^2, a
batch of 100 *packs* (100 x m points), each of G's m pack slots drawn by its own call of G
(its own batch statistics), the non-saturating G loss, and D and G updated simultaneously
from one forward pass (ALI's `ali_algorithm`). `--bare-variant` changes one of these at a
time, to find which of them a difference in quality comes from:

    published      the setup above
    alternating    D steps, then G steps against the updated D (as this project's trainer)
    half-batch     a batch of 100 points (100 / m packs, as this project's trainer)
    trainer-like   alternating and half-batch together

`first_step` (always printed) feeds the trainer's model and the bare loop the same initial
weights, real batch and noise and compares their first D and G losses: it shows that the
two compute the same losses on the same packs, so what differs is the schedule.
"""
from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from pathlib import Path

import torch
import torch.nn.functional as F
from torch import nn

VARIANTS = {"published": dict(simultaneous=True, packs=100),
            "alternating": dict(simultaneous=False, packs=100),
            "half-batch": dict(simultaneous=True, packs=None),
            "trainer-like": dict(simultaneous=False, packs=None)}
SCORE_SAMPLES = 2500
SCORE_SEED = 12345


class _Maxout(nn.Module):
    def __init__(self, n_in: int, n_out: int, pieces: int = 5):
        super().__init__()
        self.n_out, self.pieces = n_out, pieces
        self.linear = nn.Linear(n_in, n_out * pieces)

    def forward(self, x):
        return self.linear(x).view(-1, self.n_out, self.pieces).amax(-1)


def bare_nets(pack: int) -> tuple[nn.Module, nn.Module]:
    layers, a = [], 2
    for _ in range(4):
        layers += [nn.Linear(a, 400, bias=False), nn.BatchNorm1d(400, momentum=0.05), nn.ReLU()]
        a = 400
    G = nn.Sequential(*layers, nn.Linear(400, 2))
    D = nn.Sequential(_Maxout(2 * pack, 200), _Maxout(200, 200), _Maxout(200, 200), nn.Linear(200, 1))
    for m in [*G.modules(), *D.modules()]:
        if isinstance(m, nn.Linear):
            nn.init.normal_(m.weight, 0.0, 0.02)
            if m.bias is not None:
                nn.init.zeros_(m.bias)
    return G, D


def _copy_from_project(G: nn.Module, D: nn.Module, model) -> None:
    """The project's G and D have the same layers in the same order: take its weights."""
    g_src = [t for t in model.G.state_dict().values()]
    for (k, t), s in zip(G.state_dict().items(), g_src):
        t.copy_(s)
    d_src = list(model.D.state_dict().values())
    for (k, t), s in zip(D.state_dict().items(), d_src):
        t.copy_(s)


def _fake_packs(G, z: torch.Tensor, per_slot: bool) -> torch.Tensor:
    """z (m, P, 2) -> P packs of m samples, (P, 2m). per_slot: slot i is G(z[i]), one call
    (and batch statistics) per slot, as PacGAN's code; else one call over all P*m."""
    m, P = z.shape[:2]
    if per_slot:
        return torch.cat([G(z[i]) for i in range(m)], 1)
    return G(z.transpose(0, 1).reshape(P * m, -1)).reshape(P, -1)


def bare_loop(x_train: torch.Tensor, pack: int, steps: int, seed: int, simultaneous: bool = True,
              packs: int | None = 100, batch_points: int = 100) -> nn.Module:
    """PacGAN's toy training (see the module's doc); returns G."""
    torch.manual_seed(seed)
    G, D = bare_nets(pack)
    opt_g = torch.optim.Adam(G.parameters(), 1e-4, betas=(0.8, 0.999))
    opt_d = torch.optim.Adam(D.parameters(), 1e-4, betas=(0.8, 0.999))
    P = packs or batch_points // pack
    n = P * pack
    gen = torch.Generator().manual_seed(seed)
    perm, pos = torch.randperm(len(x_train), generator=gen), 0
    for _ in range(steps):
        if pos + n > len(perm):
            perm, pos = torch.randperm(len(x_train), generator=gen), 0
        real = x_train[perm[pos:pos + n]].reshape(P, 2 * pack)
        pos += n
        if simultaneous:
            fake = _fake_packs(G, torch.randn(pack, P, 2), per_slot=True)
            d_real, d_fake = D(real), D(fake)
            loss_d = F.softplus(-d_real).mean() + F.softplus(d_fake).mean()
            loss_g = F.softplus(-d_fake).mean()
            g_d = torch.autograd.grad(loss_d, list(D.parameters()), retain_graph=True)
            g_g = torch.autograd.grad(loss_g, list(G.parameters()))
            for p, g in zip(D.parameters(), g_d):
                p.grad = g
            for p, g in zip(G.parameters(), g_g):
                p.grad = g
            opt_d.step()
            opt_g.step()
        else:
            with torch.no_grad():
                fake = _fake_packs(G, torch.randn(pack, P, 2), per_slot=True)
            loss_d = F.softplus(-D(real)).mean() + F.softplus(D(fake)).mean()
            opt_d.zero_grad(set_to_none=True)
            loss_d.backward()
            opt_d.step()
            D.requires_grad_(False)
            loss_g = F.softplus(-D(_fake_packs(G, torch.randn(pack, P, 2), per_slot=True))).mean()
            opt_g.zero_grad(set_to_none=True)
            loss_g.backward()
            opt_g.step()
            D.requires_grad_(True)
    return G


@torch.no_grad()
def score(G_or_model, data) -> dict:
    from explorer.core.training.evaluation import mode_metrics
    g = torch.Generator().manual_seed(SCORE_SEED)
    z = torch.randn(SCORE_SAMPLES, 2, generator=g)
    net = G_or_model
    was = net.training
    net.eval()
    x = net.decode(z) if hasattr(net, "decode") else net(z)
    net.train(was)
    m = mode_metrics(x.numpy(), data.modes, data.sigma)
    return {"modes": m["modes_captured"], "n_modes": m["n_modes"], "hq_percent": round(100 * m["hq_fraction"], 1)}


def trainer_run(data, dataset: str, pack: int, steps: int, seed: int, workdir: Path):
    from explorer.core.runs import load_run
    from explorer.core.training.config import make_configs
    from explorer.core.training.engine import Failed, TrainingEngine
    mc, tc = make_configs("gan", data, {"pack": pack}, {"steps": steps, "seed": seed, "device": "cpu"})
    run_dir = workdir / f"{dataset}-pack{pack}-seed{seed}-{time.monotonic_ns()}"
    for ev in TrainingEngine.create(run_dir, mc, tc, data=data).run():
        if isinstance(ev, Failed):
            raise RuntimeError(ev.message)
    return load_run(run_dir).model, tc


def first_step(data, pack: int, seed: int) -> dict:
    """The same weights, real packs and noise through the trainer's loss and the bare loop's."""
    from explorer.core.training.config import make_configs, samples_per_step
    from models import build_model
    mc, tc = make_configs("gan", data, {"pack": pack}, {"seed": seed, "device": "cpu"})
    torch.manual_seed(seed)
    model = build_model(mc).train()
    G, D = bare_nets(pack)
    _copy_from_project(G, D, model)
    n = samples_per_step(mc, tc)
    n -= n % pack
    real = data.train_x[:n]
    z = torch.randn(n, 2, generator=torch.Generator().manual_seed(seed))
    model.batch_noise = lambda shape, device, uniform=False: z[:shape[0]]   # the loss draws its z here
    d_ours = float(model.loss((real, data.train_y[:n]), "d")[0].detach())
    g_ours = float(model.loss((real, data.train_y[:n]), "g")[0].detach())
    P = n // pack
    with torch.no_grad():
        fake = _fake_packs(G, z.reshape(P, pack, 2).transpose(0, 1), per_slot=False)
        d_bare = float(F.softplus(-D(real.reshape(P, -1))).mean() + F.softplus(D(fake)).mean())
        g_bare = float(F.softplus(-D(fake)).mean())
    return {"samples": n, "packs": n // pack, "d_loss_trainer": d_ours, "d_loss_bare": d_bare, "g_loss_trainer": g_ours, "g_loss_bare": g_bare,
            "max_abs_difference": max(abs(d_ours - d_bare), abs(g_ours - g_bare))}


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--steps", type=int, default=20_000)
    p.add_argument("--seeds", type=int, nargs="+", default=[0, 1, 2])
    p.add_argument("--datasets", nargs="+", default=["ring8", "grid25"], choices=["ring8", "grid25"])
    p.add_argument("--pack", type=int, default=2)
    p.add_argument("--only", choices=["trainer", "bare"])
    p.add_argument("--bare-variant", nargs="+", default=["published"], choices=sorted(VARIANTS))
    args = p.parse_args(argv)
    from explorer.core.data.datasets import load_dataset
    from explorer.core.training import threads
    threads.apply(1)   # one thread per process: two runs of this bench can share the 2 cores
    out = {"benchmark": "gan-fidelity", "steps": args.steps, "pack": args.pack, "samples": SCORE_SAMPLES,
           "torch_threads": torch.get_num_threads(), "results": []}
    with tempfile.TemporaryDirectory() as tmp:
        for name in args.datasets:
            data = load_dataset(name)
            out.setdefault("first_step", {})[name] = first_step(data, args.pack, args.seeds[0])
            for seed in args.seeds:
                row = {"dataset": name, "seed": seed}
                if args.only != "bare":
                    t = time.perf_counter()
                    model, _ = trainer_run(data, name, args.pack, args.steps, seed, Path(tmp))
                    row["trainer"] = {**score(model, data), "s": round(time.perf_counter() - t, 1)}
                if args.only != "trainer":
                    for v in args.bare_variant:
                        t = time.perf_counter()
                        G = bare_loop(data.train_x, args.pack, args.steps, seed, **VARIANTS[v])
                        row[f"bare_{v}"] = {**score(G, data), "s": round(time.perf_counter() - t, 1)}
                out["results"].append(row)
                print(json.dumps(row), file=sys.stderr, flush=True)
    print(json.dumps(out, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
