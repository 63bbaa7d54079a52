"""The command line: train, eval, sample, bench; no arguments opens the window.

Bad arguments exit 2 with a message (argparse's convention); a run or file
that cannot be used exits 1 with one line on stderr.
"""
from __future__ import annotations

import argparse
import json
import logging
import math
import os
import sys
import time
from pathlib import Path

log = logging.getLogger("explorer")


class UserError(Exception):
    """Reported as one line, exit status 1."""


def _hidden(text: str) -> tuple:
    try:
        sizes = tuple(int(t) for t in text.split(",") if t.strip())
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected comma-separated sizes like 400 or 256,256, got {text!r}")
    if not sizes or min(sizes) <= 0:
        raise argparse.ArgumentTypeError("sizes must be positive")
    return sizes


def _checked(convert, ok, need: str):
    """An argparse type: `convert` the text (int or float), then refuse a value failing `ok`
    with "must be <need>"."""
    what = "a whole number" if convert is int else "a number"

    def parse(text: str):
        try:
            v = convert(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"expected {what}, got {text!r}")
        if not ok(v):
            raise argparse.ArgumentTypeError(f"must be {need}, got {text}")
        return v
    return parse


_positive_int = _checked(int, lambda v: v > 0, "positive")
_nonneg_int = _checked(int, lambda v: v >= 0, "0 or more")
_confidence = _checked(float, lambda v: 0 <= v <= 1, "in [0, 1]")
_positive_float = _checked(float, lambda v: 0 < v < float("inf"), "positive")   # NaN fails both comparisons
_fraction = _checked(float, lambda v: 0 <= v < 1, "in [0, 1)")


# flag -> (ModelConfig field, argparse kwargs); None default = the model's own default
MODEL_FLAGS = {
    "--latent-dim": ("latent_dim", dict(type=_positive_int, help="size of z")),
    "--arch": ("arch", dict(choices=["auto", "mlp", "conv"], help="network kind (auto: by data shape)")),
    "--hidden": ("hidden", dict(type=_hidden, help="MLP hidden sizes, e.g. 400 or 256,256")),
    "--likelihood": ("likelihood", dict(choices=["bernoulli", "gaussian"], help="images: BCE or MSE decoder")),
    "--beta": ("beta", dict(type=float, help="VAE: weight of the KL term")),
    "--kl-warmup": ("kl_warmup", dict(type=int, help="VAE: steps to ramp the KL weight up")),
    "--noise": ("noise", dict(choices=["gaussian", "masking", "saltpepper"], help="DAE: noise kind")),
    "--noise-level": ("noise_level", dict(type=float, help="DAE: std or probability")),
    "--codebook-size": ("codebook_size", dict(type=_positive_int, help="VQ-VAE: K codes")),
    "--code-dim": ("code_dim", dict(type=_positive_int, help="VQ-VAE: size of a code vector")),
    "--commitment": ("commitment", dict(type=float, help="VQ-VAE: commitment weight (0.25)")),
    "--ema-decay": ("ema_decay", dict(type=float, help="VQ-VAE: EMA decay (0.99)")),
    "--restart-after": ("restart_after", dict(type=_positive_int, help="VQ-VAE: steps unused before a restart")),
    "--loss": ("gan_loss", dict(choices=["ns", "minimax"], help="GAN: non-saturating or original minimax")),
    "--pack": ("pack", dict(type=_positive_int, help="GAN: PacGAN packing degree m")),
    "--label-smoothing": ("label_smoothing", dict(type=_fraction, help="GAN: one-sided label smoothing")),
    "--maxout": ("maxout", dict(type=int, help="GAN: D maxout pieces (0: LeakyReLU)")),
    "--pixelcnn-layers": ("pixelcnn_layers", dict(type=_positive_int, help="PixelCNN: gated layers (8)")),
    "--pixelcnn-channels": ("pixelcnn_channels", dict(type=_positive_int, help="PixelCNN: channels per stack (64)")),
    "--pixelcnn-dropout": ("pixelcnn_dropout", dict(type=_fraction, help="PixelCNN: dropout in each layer")),
}
MODEL_SWITCHES = {
    "--ema": ("ema", True, "VQ-VAE: EMA codebook updates"),
    "--no-restarts": ("restarts", False, "VQ-VAE: no dead-code restarts"),
    "--kmeans-init": ("kmeans_init", True, "VQ-VAE: k-means codebook initialisation"),
    "--minibatch-std": ("minibatch_std", True, "GAN: minibatch-std feature in D"),
    "--conditional": ("pixelcnn_conditional", True, "PixelCNN: condition on the class label"),
}
TRAIN_FLAGS = {
    "--epochs": ("epochs", dict(type=_positive_int)),
    "--steps": ("steps", dict(type=_positive_int)),
    "--batch-size": ("batch_size", dict(type=_positive_int)),
    "--lr": ("lr", dict(type=_positive_float)),
    "--lr-d": ("lr_d", dict(type=_positive_float, help="GAN: discriminator learning rate")),
    "--lr-g": ("lr_g", dict(type=_positive_float, help="GAN: generator learning rate")),
    "--beta1": ("beta1", dict(type=float, help="Adam beta1")),
    "--seed": ("seed", dict(type=int)),
    "--device": ("device", dict(help="auto, cpu, cuda, cuda:N or mps")),
    "--log-every": ("log_every", dict(type=_positive_int, help="steps per loss record")),
    "--eval-every": ("eval_every", dict(type=int, help="steps between cheap metrics (0: per epoch)")),
    "--usage-every": ("usage_every", dict(type=_nonneg_int, help="VQ-VAE: steps between codebook usage "
                                          "records in metrics.jsonl (0: per epoch only)")),
    "--iwae-k": ("iwae_k", dict(type=int, help="importance samples of the IWAE bound")),
    "--data-dir": ("data_dir", dict(help="where torchvision datasets live")),
    "--image-size": ("image_size", dict(type=_positive_int, help="folder datasets: side in pixels")),
    "--checkpoint-every": ("checkpoint_every_s", dict(type=float, help="seconds between epoch checkpoints")),
    "--alert-coverage": ("alert_coverage", dict(type=_positive_float, help="GAN: collapse alert below this "
                                                "fraction of modes or classes covered (0.75)")),
    "--alert-diversity": ("alert_diversity", dict(type=_positive_float, help="GAN: collapse alert below this "
                                                  "generated/real diversity ratio (0.5)")),
    "--alert-evals": ("alert_evals", dict(type=_positive_int, help="GAN: evaluations below before an alert (3)")),
    "--alert-steps": ("alert_steps", dict(type=int, help="GAN: steps those evaluations must span (1000)")),
    "--alert-warmup": ("alert_warmup", dict(type=int, help="GAN: a signal that never rose counts from this step")),
}


def build_parser() -> argparse.ArgumentParser:
    from explorer.core.datasets import DATASET_NAMES
    from models import ALL_MODEL_NAMES

    p = argparse.ArgumentParser(prog="main.py", description="Latent Explorer: train small generative "
                                "models and look inside them. No command opens the window.")
    sub = p.add_subparsers(dest="command", metavar="COMMAND")

    g = sub.add_parser("gui", help="open the explorer window (the default)")
    g.add_argument("--run", help="run directory to open")

    t = sub.add_parser("train", help="train a model into a run directory")
    t.add_argument("--model", default=None, choices=ALL_MODEL_NAMES, metavar="MODEL",
                   help=f"one of: {', '.join(ALL_MODEL_NAMES)} (pixelcnn: a prior over a VQ-VAE run's codes); "
                        f"a resume takes the run's own")
    t.add_argument("--dataset", default=None, metavar="DATASET",
                   help=f"one of: {', '.join(DATASET_NAMES)} (default mnist5k)")
    t.add_argument("--run", default=None, metavar="VQRUN",
                   help="pixelcnn only: the VQ-VAE run whose code grids it learns (its dataset and decoder)")
    t.add_argument("--out", required=True, help="run directory to write")
    t.add_argument("--resume", action="store_true", help="continue the run in --out")
    t.add_argument("--overwrite", action="store_true",
                   help="replace an existing run in --out (only the files this program wrote there are deleted)")
    t.add_argument("--fresh-optimizer", action="store_true",
                   help="with --resume: continue from the weights with a new optimizer (when trainer.pt is damaged)")
    t.add_argument("--download", action="store_true", help="let torchvision download the dataset")
    t.add_argument("--slim", action="store_true", help="keep no optimizer state (small runs to ship)")
    t.add_argument("--quiet", action="store_true", help="no progress bar")
    for flag, (_, kw) in {**TRAIN_FLAGS, **MODEL_FLAGS}.items():
        t.add_argument(flag, default=None, **kw)
    for flag, (_, _, help_) in MODEL_SWITCHES.items():
        t.add_argument(flag, action="store_true", help=help_)

    e = sub.add_parser("eval", help="print test metrics of a run as one JSON object")
    e.add_argument("--run", required=True)
    e.add_argument("--device", default="auto")
    e.add_argument("--iwae-k", type=int, default=None, help="importance samples (default: the run's)")
    e.add_argument("--data-dir", default=None)

    s = sub.add_parser("sample", help="write samples of a run: a PNG grid, or .npy for 2-D points")
    s.add_argument("--run", required=True)
    s.add_argument("--n", type=_positive_int, default=64)
    s.add_argument("--out", required=True)
    s.add_argument("--seed", type=int, default=0)
    s.add_argument("--label", type=int, default=None, help="conditional models: the class to draw")
    s.add_argument("--device", default="auto")
    s.add_argument("--drs", action="store_true",
                   help="GANs: discriminator rejection sampling (Azadi et al. 2019); prints the acceptance rate")
    s.add_argument("--min-confidence", type=_confidence, default=None, metavar="P",
                   help="keep only samples the dataset's classifier labels with confidence >= P (e.g. 0.8); "
                        "prints the acceptance rate")
    s.add_argument("--rejected", default=None, metavar="PNG",
                   help="with --min-confidence: also write up to --n rejected samples to this PNG")
    s.add_argument("--drs-percentile", type=float, default=None,
                   help="DRS: the percentile of F(x) that sets gamma (default 80; higher keeps fewer, better samples)")

    m = sub.add_parser("embed", help="write a run's latents, their 2-D map and labels to an .npz file")
    m.add_argument("--run", required=True)
    m.add_argument("--method", required=True, choices=["raw", "pca", "umap", "tsne"],
                   help="raw needs a 2-D latent space; umap compiles for about a minute on first use")
    m.add_argument("--out", required=True, help="the .npz file to write")
    m.add_argument("--cap", type=_positive_int, default=5000, help="at most this many samples (stratified)")
    m.add_argument("--seed", type=int, default=0, help="seeds the sample and the map")
    m.add_argument("--device", default="auto")
    m.add_argument("--no-cache", action="store_true", help="neither read nor write the run's map cache")

    n = sub.add_parser("snapshot", help="render the window and each panel offscreen to PNG files")
    n.add_argument("--out", required=True, help="directory for the PNG files")
    n.add_argument("--run", default=None, help="run to show (default: the demo run)")
    n.add_argument("--umap", action="store_true",
                   help="wait for the UMAP latent map (about a minute the first time) instead of PCA")

    g = sub.add_parser("sign", help="record a run's files in its manifest.json, after editing them by hand "
                                    "or to adopt a run made by an older version")
    g.add_argument("--run", required=True)

    b = sub.add_parser("bench", help="benchmarks; print JSON")
    b.add_argument("what", choices=["train", "gui", "map"],
                   help="train: engine vs bare PyTorch loops; gui: throughput and stalls with the window open; "
                        "map: latent-map timings, click-to-decode latency, 70k-point frames")
    b.add_argument("--run", default=None, help="map: the VAE run to measure (default: train one on mnist5k)")
    b.add_argument("--service", action="store_true", help="map: also time a fresh map service's warm-up")
    b.add_argument("--epochs", type=_positive_int, default=10, help="train: epochs per loop")
    b.add_argument("--rounds", type=_positive_int, default=3, help="train: interleaved repetitions")
    b.add_argument("--no-examples", action="store_true", help="train: skip the DataLoader baseline")
    b.add_argument("--seconds", type=_positive_float, default=20.0, help="gui: seconds of training measured")
    b.add_argument("--backend", choices=["process", "thread"], default="process",
                   help="gui: where the trainer runs")
    return p


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    logging.basicConfig(format="%(levelname)s: %(message)s", level=logging.INFO)
    logging.getLogger().handlers[0].setFormatter(_LowerFormatter())
    if not argv or argv[0] == "gui":
        # the window's path imports no torch before the window is on screen
        gui = argparse.ArgumentParser(prog="main.py gui", description="Open the explorer window.")
        gui.add_argument("--run", help="run directory to open")
        return run_gui(gui.parse_args(argv[1:]).run)
    parser = build_parser()
    args = parser.parse_args(argv)
    command = args.command or "gui"
    try:
        if command == "gui":
            return run_gui(getattr(args, "run", None))
        if command == "train":
            return cmd_train(args, parser)
        if command == "eval":
            return cmd_eval(args)
        if command == "sample":
            return cmd_sample(args)
        if command == "bench":
            return cmd_bench(args)
        if command == "snapshot":
            return cmd_snapshot(args)
        if command == "embed":
            return cmd_embed(args)
        if command == "sign":
            return cmd_sign(args)
    except UserError as e:
        print(f"error: {e}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:   # `main.py eval ... | head`: the reader left; nothing to report
        try:
            sys.stdout = open(os.devnull, "w")
        except OSError:
            pass
        return 141
    parser.error(f"unknown command {command}")
    return 2


class _LowerFormatter(logging.Formatter):
    def format(self, record):
        return f"{record.levelname.lower()}: {record.getMessage()}"


def _user_errors():
    """The exceptions that mean bad input, not a bug: reported in one line."""
    from explorer.core.datasets import DatasetError
    from explorer.core.engine import RunExists
    from explorer.core.runs import CheckpointError
    return (DatasetError, CheckpointError, RunExists, ValueError, FileNotFoundError, NotImplementedError)


# -- train ----------------------------------------------------------------------

def cmd_train(args, parser) -> int:
    from explorer.core.config import make_configs
    from explorer.core.datasets import DatasetError, check_name, load_dataset
    from explorer.core.engine import TrainingEngine

    dataset = args.dataset or "mnist5k"
    try:
        check_name(dataset)
    except DatasetError as e:
        parser.error(str(e))
    if args.model is None and not args.resume:
        parser.error("--model is required for a new run (a --resume takes the run's own)")
    if args.fresh_optimizer and not args.resume:
        parser.error("--fresh-optimizer applies only with --resume")
    if args.resume and args.overwrite:
        parser.error("give --resume or --overwrite, not both")
    if args.epochs is not None and args.steps is not None:
        parser.error("give --epochs or --steps, not both")
    train_over = {field: getattr(args, flag[2:].replace("-", "_")) for flag, (field, _) in TRAIN_FLAGS.items()}
    train_over.update(download=args.download or None, slim=args.slim or None)
    model_over = {field: getattr(args, flag[2:].replace("-", "_")) for flag, (field, _) in MODEL_FLAGS.items()}
    for flag, (field, value, _) in MODEL_SWITCHES.items():
        if getattr(args, flag[2:].replace("-", "_")):
            model_over[field] = value
    if args.resume:
        return _resume(args, parser, model_over, train_over)
    if args.model == "pixelcnn":
        return _train_prior(args, parser, model_over, train_over)
    if args.run:
        parser.error(f"--run applies only to --model pixelcnn (the VQ-VAE run it models), not {args.model}")
    try:
        data = load_dataset(dataset, args.data_dir, args.download, args.image_size or 28)
        mc, tc = make_configs(args.model, data, model_over, {**train_over, "dataset": data.name})
        engine = TrainingEngine.create(args.out, mc, tc, data=data, overwrite=args.overwrite)
    except _user_errors() as e:
        raise UserError(str(e))
    return _drive(engine, quiet=args.quiet)


def _resume(args, parser, model_over: dict, train_over: dict) -> int:
    """train --resume --out RUN: the run's own model, dataset and settings, except those
    RESUME_SETTINGS a flag changes."""
    from explorer.core.engine import RESUME_SETTINGS, TrainingEngine
    from explorer.core.runs import read_config

    fields = {**{f: flag for flag, (f, _) in {**TRAIN_FLAGS, **MODEL_FLAGS}.items()},
              **{f: flag for flag, (f, _, _) in MODEL_SWITCHES.items()}, "download": "--download", "slim": "--slim"}
    try:
        mc, tc, _ = read_config(args.out)
        # the run's own settings stay; a flag repeating one is fine, a flag changing one is refused
        own = {**mc.to_dict(), **tc.to_dict()}
        fixed = [fields[f] for f, v in {**model_over, **train_over}.items()
                 if v is not None and f not in RESUME_SETTINGS and own.get(f) != (list(v) if isinstance(v, tuple) else v)]
        if fixed:
            parser.error(f"{fixed[0]} cannot change on --resume: the run keeps its own (a resume can change "
                         f"{', '.join('--' + s.replace('_', '-') for s in RESUME_SETTINGS)})")
        for given, own, flag in ((args.model, mc.model, "--model"), (args.dataset, tc.dataset, "--dataset")):
            if given is not None and given != own:
                raise UserError(f"{args.out} is a {mc.model} run on {tc.dataset}: {flag} {given} does not match")
        if args.run:
            parser.error("--run applies only to a new pixelcnn prior")
        engine = TrainingEngine.open(args.out, fresh_optimizer=args.fresh_optimizer,
                                     **{k: v for k, v in train_over.items() if k in RESUME_SETTINGS})
    except _user_errors() as e:
        raise UserError(str(e))
    return _drive(engine, quiet=args.quiet)


PRIOR_FLAGS = ("--pixelcnn-layers", "--pixelcnn-channels", "--pixelcnn-dropout", "--conditional")


def _train_prior(args, parser, model_over: dict, train_over: dict) -> int:
    """train --model pixelcnn --run VQRUN: a prior over that VQ-VAE run's code grids."""
    from explorer.core.engine import TrainingEngine
    from explorer.core.prior_runs import create_prior_engine

    fields = {**{f: flag for flag, (f, _) in MODEL_FLAGS.items()},
              **{f: flag for flag, (f, _, _) in MODEL_SWITCHES.items()}}
    foreign = [fields[f] for f, v in model_over.items() if v is not None and fields[f] not in PRIOR_FLAGS]
    if foreign:
        parser.error(f"{foreign[0]} does not apply to pixelcnn: the VQ-VAE run given with --run sets it")
    if args.dataset is not None or args.image_size is not None:
        parser.error("--dataset and --image-size do not apply to pixelcnn: it trains on the VQ-VAE run's dataset")
    if not args.run:
        parser.error("--model pixelcnn needs --run VQRUN, the VQ-VAE run whose codes it models")
    try:
        engine = create_prior_engine(args.run, args.out, {k: v for k, v in model_over.items() if v is not None},
                                     train_over, overwrite=args.overwrite)
    except _user_errors() as e:
        raise UserError(str(e))
    return _drive(engine, quiet=args.quiet)


def _drive(engine, quiet: bool = False) -> int:
    """Run the engine with a progress bar. The first Ctrl-C halts it at the step it reached
    (a checkpoint is saved there, the final evaluation skipped); a second one ends at once."""
    import signal

    from tqdm import tqdm

    from explorer.core.engine import EpochEnd, Failed, Finished, Progress, Started

    bar = None
    t0 = time.time()
    rate = 0.0
    interrupted = []

    def on_sigint(signum, frame):
        if interrupted:
            raise KeyboardInterrupt
        interrupted.append(True)
        print("\nstopping: saving a checkpoint at this step (Ctrl-C again to quit without it)", file=sys.stderr)

    try:
        previous = signal.signal(signal.SIGINT, on_sigint)
    except ValueError:   # not the main thread: Ctrl-C stays Python's
        previous = None
    gen = engine.run()
    try:
        ev = next(gen)
        while True:
            if isinstance(ev, Started):
                if not quiet:
                    bar = tqdm(total=ev.total_steps, initial=ev.step, unit="step", dynamic_ncols=True,
                               desc=f"{ev.model} on {ev.dataset} ({ev.device})", file=sys.stderr)
            elif isinstance(ev, Progress):
                rate = ev.samples_per_s or rate
                if bar is not None:
                    bar.update(ev.step - bar.n)
                    if ev.parts:
                        bar.set_postfix({k: f"{v:.4g}" for k, v in list(ev.parts.items())[:4]}, refresh=False)
            elif isinstance(ev, EpochEnd) and bar is not None:
                bar.set_description(f"epoch {ev.epoch}")
            elif isinstance(ev, Failed):
                if bar is not None:
                    bar.close()
                print(f"error: {ev.message}", file=sys.stderr)
                return 1
            elif isinstance(ev, Finished):
                if bar is not None:
                    bar.close()
                if interrupted:
                    print(f"interrupted at step {ev.step}: checkpoint saved at step {ev.step}; "
                          f"continue with --resume --out {engine.run_dir}", file=sys.stderr)
                    return 130
                print(_summary(engine, ev, time.time() - t0, rate))
                return 0
            try:
                ev = gen.send("halt" if interrupted else None)
            except StopIteration:
                return 1
    except KeyboardInterrupt:
        gen.close()
        if bar is not None:
            bar.close()
        saved = (f"the last checkpoint is at step {engine.checkpoint_step}" if engine.checkpoint_step is not None
                 else "no checkpoint was saved")
        print(f"interrupted at step {engine.step}; {saved}; continue with --resume --out {engine.run_dir}",
              file=sys.stderr)
        return 130
    finally:
        if previous is not None:
            signal.signal(signal.SIGINT, previous)


SUMMARY_KEYS = ("test_neg_elbo", "test_iwae_nll", "test_recon", "active_units", "perplexity",
                "test_perplexity", "test_codes_used", "train_codes_used_fraction", "test_bits_per_code",
                "confident_share", "modes_captured", "hq_fraction", "reverse_kl",
                "classes_covered", "label_entropy", "diversity_ratio", "near_duplicates")


def _summary(engine, ev, seconds: float, rate: float) -> str:
    shown = []
    for k in SUMMARY_KEYS:
        v = ev.summary.get(k)
        if isinstance(v, float):
            shown.append(f"{k} {v:.4g}")
        elif isinstance(v, int):
            shown.append(f"{k} {v}")
    status = "stopped" if ev.stopped else "done"
    return (f"{status}: {engine.model_cfg.model} on {engine.cfg.dataset}, {ev.step} steps "
            f"({ev.epoch} epochs) in {seconds:.1f} s, {rate / 1000:.1f}k samples/s"
            + (f"; {', '.join(shown)}" if shown else "") + f" -> {engine.run_dir}")


# -- eval / sample ------------------------------------------------------------------

def _open_run(path, device):
    from explorer.core.engine import resolve_device
    from explorer.core.runs import load_run

    try:
        return load_run(path, resolve_device(device))
    except _user_errors() as e:
        raise UserError(str(e))


def cmd_eval(args) -> int:
    from explorer.core.alerts import alerts_in
    from explorer.core.datasets import load_dataset
    from explorer.core.metrics import Evaluator
    from explorer.core.runs import METRICS, clean_for_json, history, read_metrics
    from explorer.core.sampling import Timeline

    run = _open_run(args.run, args.device)
    tc = run.train_cfg
    try:
        data = load_dataset(tc.dataset, args.data_dir or tc.data_dir, False, tc.image_size)
    except _user_errors() as e:
        raise UserError(str(e))
    k = args.iwae_k if args.iwae_k is not None else tc.iwae_k
    timeline = Timeline(run.model, data, tc.seed)  # the run's fixed noise, for near-duplicates
    fixed = (timeline.z, timeline.y) if timeline.generated and not timeline.points else None
    metrics = Evaluator(data, tc.n_eval_samples, k, fixed_noise=fixed).epoch(run.model, full=True)
    try:
        records, _ = read_metrics(run.path / METRICS)
    except _user_errors() as e:
        raise UserError(str(e))
    out = {"run": str(run.path), "model": run.model_cfg.model, "dataset": tc.dataset,
           "step": run.step, **metrics, "alerts": alerts_in(history(records))}
    bad = sorted(k for k, v in metrics.items() if isinstance(v, float) and not math.isfinite(v))
    if bad:   # strict JSON has no NaN: null, and a field naming them
        out["nonfinite"] = bad
    print(json.dumps(clean_for_json(out), default=float, allow_nan=False))
    return 0


def cmd_sign(args) -> int:
    from explorer.core.runs import sign_run

    try:
        names = sign_run(args.run)
    except _user_errors() as e:
        raise UserError(str(e))
    print(f"signed {', '.join(names) or 'no checkpoint files'} in {Path(args.run) / 'manifest.json'}")
    return 0


def cmd_sample(args) -> int:
    from explorer.core.images import plan_sample_files, write_samples
    from explorer.core.priors import SAMPLE_BLOCK, sample_blocks

    run = _open_run(args.run, args.device)
    out = Path(args.out)
    points = run.model_cfg.data_kind == "points"
    allowed = (".npy",) if points else (".png", ".npy")
    if out.suffix.lower() not in allowed:
        raise UserError(f"{run.model_cfg.model} on {run.train_cfg.dataset} makes "
                        f"{'2-D points' if points else 'images'}: --out must end in {' or '.join(allowed)}")
    if args.drs_percentile is not None and not args.drs:
        raise UserError("--drs-percentile applies only with --drs")
    if args.rejected is not None and args.min_confidence is None:
        raise UserError("--rejected applies only with --min-confidence")
    if args.drs and args.min_confidence is not None:
        raise UserError("choose --drs or --min-confidence, not both")
    kind, shape = ("points" if points else "image"), tuple(run.model_cfg.data_shape)
    n, rejected, extra = args.n, None, ""
    try:
        # where everything goes is checked first: nothing is drawn for output that would be refused
        paths = plan_sample_files(out, n, shape, kind)
        if args.drs or args.min_confidence is not None:  # these hold their n samples in memory
            x, note, rejected = _drs_samples(run, args) if args.drs else _classifier_samples(run, args)
            if len(x) != n:
                n, paths = len(x), plan_sample_files(out, len(x), shape, kind)
            blocks = x.split(SAMPLE_BLOCK)
        else:  # drawn and written a block at a time: memory stays flat however large n is
            blocks, note = sample_blocks(run, n, seed=args.seed, label=args.label)
        if rejected is not None and len(rejected):
            rejected_paths = plan_sample_files(Path(args.rejected), len(rejected), shape, kind)
        where = write_samples(blocks, n, paths, shape, kind)
        if rejected is not None:
            if len(rejected):
                extra = (f"; {len(rejected)} rejected written to "
                         f"{write_samples(rejected.split(SAMPLE_BLOCK), len(rejected), rejected_paths, shape, kind)}")
            else:
                extra = "; none rejected"
    except _user_errors() as e:
        raise UserError(str(e))
    except OSError as e:
        raise UserError(f"--out {out}: cannot write ({e.strerror or e})")
    print(f"wrote {n} samples to {where}" + (f" ({note}{extra})" if note or extra else ""))
    return 0


def _check_held(run, args, what: str, copies: int) -> None:
    """Refuse an --n whose samples, held in memory `copies` times, would not fit."""
    import math

    from explorer.core.memory import check_fits
    values = math.prod(run.model_cfg.data_shape)
    check_fits(args.n * values * 4 * copies, f"--n {args.n} with {what} (all samples held in memory, "
                                             f"{copies} float32 copies of {values:,} values each)", UserError)


def _classifier_samples(run, args):
    """(samples, note, rejected or None)."""
    from explorer.core.datasets import load_dataset
    from explorer.core.rejection import classifier_for, rejection_sample

    if args.rejected is not None and Path(args.rejected).suffix.lower() != ".png":
        raise ValueError(f"--rejected must end in .png, got {Path(args.rejected).name}")
    _check_held(run, args, "--min-confidence", 4 if args.rejected is not None else 2)
    tc = run.train_cfg
    data = load_dataset(tc.dataset, tc.data_dir, False, tc.image_size)
    r = rejection_sample(run.model, args.n, classifier_for(data, run.model.device), args.min_confidence,
                         seed=args.seed, condition=args.label)
    note = (f"classifier rejection sampling: acceptance rate {r.acceptance_rate:.1%}, {r.accepted} of "
            f"{r.drawn} samples labelled with confidence >= {r.threshold:g}")
    return r.samples, note, (r.rejected if args.rejected is not None else None)


def _drs_samples(run, args):
    """(samples, note, None)."""
    from explorer.core.drs import DEFAULT_PERCENTILE, drs_sample

    _check_held(run, args, "--drs", 2)
    pct = DEFAULT_PERCENTILE if args.drs_percentile is None else args.drs_percentile
    r = drs_sample(run.model, args.n, percentile=pct, seed=args.seed, condition=args.label)
    return r.samples, (f"discriminator rejection sampling: acceptance rate {r.acceptance_rate:.1%}, "
                       f"{r.accepted} of {r.proposed} candidates kept, gamma at the {pct:g}th percentile"), None


def cmd_embed(args) -> int:
    from explorer.core.latent_map import MapCache, MapError, project, write_embedding
    from explorer.core.latents import encode_run

    out = Path(args.out)
    if out.suffix.lower() != ".npz":
        raise UserError(f"--out must end in .npz, got {out.name}")
    run = _open_run(args.run, args.device)
    if args.method == "raw" and run.model.latent.dim != 2:
        raise UserError(f"--method raw needs a 2-D latent space; {run.model_cfg.model} in {run.path} "
                        f"has {run.model.latent.dim} dimensions: use pca, umap or tsne")
    params = {"seed": args.seed} if args.method in ("umap", "tsne") else {}
    try:
        encoded = encode_run(run, cap=args.cap, seed=args.seed)
        cache = None if args.no_cache else MapCache(run.path)
        latent_map = cache.load(encoded, args.method, params) if cache else None
        if latent_map is None:
            if args.method == "umap":
                log.info("umap: the first fit in a process compiles for about a minute")
            latent_map = project(encoded.latents, args.method, params)
            if cache:
                try:
                    cache.save(encoded, latent_map)
                except OSError as e:  # a read-only run still gets its export
                    log.warning("could not cache the map in %s: %s", cache.dir, e)
    except (MapError, *_user_errors()) as e:
        raise UserError(str(e).strip().splitlines()[0] if str(e).strip() else type(e).__name__)
    try:
        write_embedding(out, encoded, latent_map)
    except OSError as e:
        raise UserError(f"cannot write {out}: {e.strerror or e}")
    print(f"wrote {len(encoded)} {args.method} map points of {encoded.dim}-D latents "
          f"(step {encoded.step}) to {out}")
    return 0


def cmd_snapshot(args) -> int:
    if args.run:
        from explorer.core.runs import has_checkpoint, read_config
        try:
            read_config(args.run)
        except _user_errors() as e:
            raise UserError(str(e))
        if has_checkpoint(args.run):
            _open_run(args.run, "cpu")   # damaged weights: one line now, not a window waiting on them
    from explorer.qt.snapshot import snapshot
    for path in snapshot(args.out, args.run, slow_map=args.umap):
        print(path)
    return 0


# -- bench ----------------------------------------------------------------------

def cmd_bench(args) -> int:
    if args.what == "train":
        from explorer.core.bench import bench_train
        print(json.dumps(bench_train(args.epochs, args.rounds, with_examples=not args.no_examples), indent=2))
    elif args.what == "gui":
        from explorer.qt.bench_gui import bench_gui
        print(json.dumps(bench_gui(args.seconds, args.backend), indent=2))
    elif args.what == "map":
        from explorer.qt.bench_map_gui import bench_map_all
        print(json.dumps(bench_map_all(args.run, with_service=args.service), indent=2))
    return 0


# -- the window -----------------------------------------------------------------

def has_display() -> bool:
    platform = os.environ.get("QT_QPA_PLATFORM", "")
    if platform and platform.split(":")[0] in ("offscreen", "minimal", "vnc", "eglfs", "linuxfb"):
        return True
    if sys.platform in ("darwin", "win32"):
        return True
    return bool(os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY"))


def run_gui(run: str | None) -> int:
    if not has_display():
        print("no display found: run the window under a virtual screen with `xvfb-run -a python main.py`, "
              "or use the command line (`python main.py train --help`)", file=sys.stderr)
        return 1
    from explorer.qt.app import run_app
    return run_app(run)
