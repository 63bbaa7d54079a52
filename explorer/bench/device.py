"""`bench device`: training throughput on whichever device is here, the trainer against a
bare loop of the same model on the same device, in fp32 and in bf16 mixed precision.

The device is CUDA's first GPU when there is one, else the CPU (the JSON says which, and
says so when there is no GPU). For the VAE and the DCGAN on mnist5k: the trainer
(TrainingEngine, median samples/s over its logged steps after a warm-up) and a bare loop
(the same model's loss, Adam, index slices of the training split on the device), interleaved
over rounds. Then the latency of decoding one latent, as the window's click does, on the CPU
and on the device: which is faster for the window's own copy of the model.

    python main.py bench device [--steps 200] [--rounds 2]
"""
from __future__ import annotations

import argparse
import json
import statistics
import tempfile
import time
from pathlib import Path

import torch


def _device() -> torch.device:
    return torch.device("cuda:0" if torch.cuda.is_available() else "cpu")


def _sync(device) -> None:
    if device.type == "cuda":
        torch.cuda.synchronize(device)


def bare(model_name: str, data, device, steps: int, precision: str, seed: int = 0) -> float:
    """Samples/s of the model's own loss in a plain loop (after 20 warm-up steps)."""
    from explorer.core.training.config import make_configs, samples_per_step
    from explorer.core.training.devices import autocast, make_adam
    from models import build_model

    mc, tc = make_configs(model_name, data, {}, {"seed": seed})
    torch.manual_seed(seed)
    model = build_model(mc).to(device).train()
    opts = {ph: make_adam(model.phase_parameters(ph), tc.lr_for(ph), (tc.beta1, tc.beta2)) for ph in model.phases}
    x, y = data.train_x[:].to(device), data.train_y.to(device)
    n = samples_per_step(mc, tc)
    g = torch.Generator().manual_seed(seed)
    t0 = None
    for step in range(steps + 20):
        if step == 20:
            _sync(device)
            t0 = time.perf_counter()
        idx = torch.randint(len(x), (n,), generator=g).to(device)
        batch = (x[idx], y[idx])
        model.begin_step(step)
        for ph in model.phases:
            with autocast(device, precision):   # the trainer's own mixed precision
                total, _ = model.loss(batch, ph)
            opts[ph].zero_grad(set_to_none=True)
            total.backward()
            opts[ph].step()
        model.after_step(step)
    _sync(device)
    return steps * n / (time.perf_counter() - t0)


def trainer(model_name: str, data, device, steps: int, precision: str, seed: int = 0) -> float:
    from explorer.core.training.config import make_configs
    from explorer.core.training.engine import Failed, Progress, TrainingEngine

    mc, tc = make_configs(model_name, data, {}, {"steps": steps + 20, "seed": seed, "dataset": data.name,
                                                 "device": str(device), "precision": precision,
                                                 "log_every": 10})
    rates = []
    with tempfile.TemporaryDirectory() as tmp:
        engine = TrainingEngine.create(Path(tmp) / "run", mc, tc, data=data)
        engine.skip_final_eval = True
        for ev in engine.run():
            if isinstance(ev, Failed):
                raise SystemExit(f"bench device: {model_name} failed: {ev.message}")
            if isinstance(ev, Progress) and ev.parts is not None and ev.step > 20:
                rates.append(ev.samples_per_s)
    return statistics.median(rates)


def decode_latency_ms(model_name: str, data, device, repeats: int = 200) -> float:
    from explorer.core.training.config import make_configs
    from models import build_model

    mc, _ = make_configs(model_name, data, {}, {})
    model = build_model(mc).to(device).eval()
    z = torch.randn(1, model.latent.dim, device="cpu")
    times = []
    with torch.no_grad():
        for i in range(repeats + 10):
            t = time.perf_counter()
            model.decode(z.to(device)).cpu()   # the window's path: a latent in, an image back on the CPU
            if i >= 10:
                times.append(time.perf_counter() - t)
    return round(statistics.median(times) * 1000, 3)


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="bench device", description=__doc__.split("\n\n")[0])
    p.add_argument("--steps", type=int, default=200)
    p.add_argument("--rounds", type=int, default=2)
    p.add_argument("--models", default="vae,dcgan")
    args = p.parse_args(argv)

    from explorer.core.data.datasets import load_dataset
    from explorer.core.training import threads

    device = _device()
    if device.type == "cpu":
        threads.apply(threads.choose())
    data = load_dataset("mnist5k")
    out: dict = {"device": str(device), "gpu": torch.cuda.get_device_name(0) if device.type == "cuda" else None,
                 "steps": args.steps, "rounds": args.rounds, "torch": torch.__version__}
    if device.type == "cpu":
        out["note"] = "no GPU here: measured on the CPU"
        out["threads"] = torch.get_num_threads()
    out["bf16_supported"] = bool(torch.cuda.is_bf16_supported()) if device.type == "cuda" else True
    for name in args.models.split(","):
        res = {}
        for precision in ("fp32", "bf16"):
            tr, br = [], []
            for _ in range(args.rounds):   # interleaved: a noisy machine hurts both alike
                tr.append(trainer(name, data, device, args.steps, precision))
                br.append(bare(name, data, device, args.steps, precision))
            t, b = statistics.median(tr), statistics.median(br)
            res[precision] = {"trainer_samples_per_s": round(t, 1), "bare_samples_per_s": round(b, 1),
                              "ratio_trainer_over_bare": round(t / b, 3)}
        res["bf16_over_fp32_trainer"] = round(res["bf16"]["trainer_samples_per_s"]
                                              / res["fp32"]["trainer_samples_per_s"], 3)
        out[name] = res
    decode = {"cpu_ms": decode_latency_ms("vae", data, torch.device("cpu"))}
    if device.type == "cuda":
        decode["cuda_ms"] = decode_latency_ms("vae", data, device)
    decode["faster"] = min(decode, key=decode.get).replace("_ms", "")
    out["vae_decode_one_latent"] = decode
    print(json.dumps(out, indent=2))
    return 0
