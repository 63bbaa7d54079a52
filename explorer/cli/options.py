"""The flags of every command, checked as they are parsed, and the errors reported in one line."""
from __future__ import annotations

import argparse
import logging


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
    "--top-codebook-size": ("top_codebook_size", dict(type=_positive_int, help="VQ-VAE-2: K codes of the top level")),
    "--bottom-downsample": ("bottom_downsample", dict(type=_positive_int,
                            help="VQ-VAE-2: stride-2 layers to the bottom grid (2: 28x28 -> 7x7; top is half, rounded up)")),
    "--restart-after": ("restart_after", dict(type=_positive_int, help="VQ-VAE: steps unused before a restart")),
    "--loss": ("gan_loss", dict(choices=["ns", "minimax"], help="GAN: non-saturating or original minimax")),
    "--pack": ("pack", dict(type=_positive_int, help="GAN: PacGAN packing degree m")),
    "--label-smoothing": ("label_smoothing", dict(type=_fraction, help="GAN: one-sided label smoothing")),
    "--maxout": ("maxout", dict(type=int, help="GAN: D maxout pieces (0: LeakyReLU)")),
    "--pixelcnn-layers": ("pixelcnn_layers", dict(type=_positive_int, help="PixelCNN: gated layers (8)")),
    "--pixelcnn-channels": ("pixelcnn_channels", dict(type=_positive_int, help="PixelCNN: channels per stack (64)")),
    "--pixelcnn-dropout": ("pixelcnn_dropout", dict(type=_fraction, help="PixelCNN: dropout in each layer")),
    "--attention": ("pixelcnn_attention", dict(type=int, help="PixelCNN: masked self-attention blocks "
                    "(PixelSNAIL-style; --level top: 2)")),
    "--level": ("prior_level", dict(choices=["top", "bottom"], help="PixelCNN over a VQ-VAE-2 run: which "
                "level's codes (bottom: conditioned on the top codes, needs --top-prior)")),
    "--top-prior": ("top_prior_run", dict(metavar="RUN", help="PixelCNN --level bottom: the top-level prior "
                    "run it draws top codes from")),
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
    "--precision": ("precision", dict(choices=["fp32", "bf16"],
                                      help="bf16: mixed precision, the losses in bfloat16 under torch.autocast "
                                           "(GPUs with bfloat16, and the CPU); fp32 by default")),
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


LANGUAGE_CHOICES = ("en", "ko")   # explorer/qt/i18n.py LANGUAGES (no Qt import here)


def build_parser() -> argparse.ArgumentParser:
    from explorer.core.data.datasets import DATASET_NAMES
    from models import ALL_MODEL_NAMES

    p = argparse.ArgumentParser(prog="main.py", description="Latent Explorer: train small generative "
                                "models and look inside them. No command opens the window.")
    sub = p.add_subparsers(dest="command", metavar="COMMAND")

    g = sub.add_parser("gui", help="open the explorer window (the default)")
    g.add_argument("--run", help="run directory to open")
    g.add_argument("--language", choices=LANGUAGE_CHOICES,
                   help="the window's language, remembered (default: the last chosen, else the system's)")

    t = sub.add_parser("train", help="train a model into a run directory")
    t.add_argument("--model", default=None, choices=ALL_MODEL_NAMES, metavar="MODEL",
                   help=f"one of: {', '.join(ALL_MODEL_NAMES)} (pixelcnn: a prior over a VQ-VAE run's codes); "
                        f"a resume takes the run's own")
    t.add_argument("--dataset", default=None, metavar="DATASET",
                   help=f"one of: {', '.join(DATASET_NAMES)} (default mnist5k)")
    t.add_argument("--run", "--vq-run", dest="run", default=None, metavar="VQRUN",
                   help="pixelcnn only: the VQ-VAE run whose code grids it learns (its dataset and decoder); "
                        "under torchrun write --vq-run (torchrun takes --run for its own --run-path)")
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
    e.add_argument("--sample", type=_nonneg_int, default=None, metavar="I",
                   help="VAEs: the ELBO terms of test image I alone, as the window's concept card shows them")
    e.add_argument("--quality-samples", type=_nonneg_int, default=None, metavar="N",
                   help="generators: FID, KID, precision, recall, density and coverage on N samples against "
                        "as many test images (default 5000 or the test split's size; 0: skip)")
    e.add_argument("--inception", action="store_true",
                   help="images: measure FID and the k-NN figures in Inception-v3's features (needs torch-fidelity "
                        "and its weights cached; offline the default is the dataset classifier's features)")
    e.add_argument("--failures", default=None, metavar="PREFIX",
                   help="generators of images: write PREFIX-unsupported.png (samples in no real image's k-NN "
                        "ball: precision's failures) and PREFIX-uncovered.png (test images no sample covers: "
                        "coverage's failures)")

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
    m.add_argument("--umap-fit-limit", type=int, default=None, metavar="N",
                   help="umap: above N latents (default 20000) fit on a stratified sample of N and place "
                        "the rest by its transform; 0 fits all")

    n = sub.add_parser("snapshot", help="render the window and each panel offscreen to PNG files")
    n.add_argument("--out", required=True, help="directory for the PNG files")
    n.add_argument("--run", default=None, help="run to show (default: the demo run)")
    n.add_argument("--umap", action="store_true",
                   help="wait for the UMAP latent map (about a minute the first time) instead of PCA")
    n.add_argument("--language", choices=LANGUAGE_CHOICES, default="en", help="the window's language")

    sub.add_parser("translations", help="refresh the Korean catalogue (.ts) from the program's strings "
                                        "and compile it (.qm), with PySide6's lupdate and lrelease")

    g = sub.add_parser("sign", help="record a run's files in its manifest.json, after editing them by hand "
                                    "or to adopt a run made by an older version")
    g.add_argument("--run", required=True)

    b = sub.add_parser("bench", help="benchmarks; print JSON")
    b.add_argument("what", choices=["train", "map", "gui", "journey", "faults", "memory", "codebook",
                                    "gan-diagnostics"],
                   help="train: engine vs bare PyTorch loops; map: latent-map timings, click-to-decode "
                        "latency, 70k-point frames; gui, journey, faults, memory, codebook, "
                        "gan-diagnostics: see `bench NAME --help`")
    b.add_argument("--run", default=None, help="map: the VAE run to measure (default: train one on mnist5k)")
    b.add_argument("--service", action="store_true", help="map: also time a fresh map service's warm-up")
    b.add_argument("--epochs", type=_positive_int, default=10, help="train: epochs per loop")
    b.add_argument("--rounds", type=_positive_int, default=3, help="train: interleaved repetitions")
    b.add_argument("--no-examples", action="store_true", help="train: skip the DataLoader baseline")
    return p


def _user_errors():
    """The exceptions that mean bad input, not a bug: reported in one line."""
    from explorer.core.data.datasets import DatasetError
    from explorer.core.training.engine import RunExists
    from explorer.core.runs import CheckpointError
    return (DatasetError, CheckpointError, RunExists, ValueError, FileNotFoundError, NotImplementedError)


def _open_run(path, device):
    from explorer.core.training.devices import resolve_device
    from explorer.core.runs import load_run

    try:
        return load_run(path, resolve_device(device))
    except _user_errors() as e:
        raise UserError(str(e))
