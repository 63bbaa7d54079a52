"""Training settings and the per-model defaults a new run starts from."""
from __future__ import annotations

from dataclasses import asdict, dataclass, fields, replace

from models import ADVERSARIAL, DISCRETE, PRIOR_NAMES, ModelConfig, capabilities_of
from models.config import check_fields

from explorer.core.data.datasets import Dataset


@dataclass
class TrainConfig:
    dataset: str = "mnist5k"          # a name from datasets.DATASET_NAMES
    epochs: int | None = None         # passes over the training split...
    steps: int | None = None          # ...or optimizer steps (one of the two; default 10 epochs)
    batch_size: int = 128
    batch_of_packs: bool = False      # GANs: batch_size counts D's packs of m samples, as PacGAN's does
                                      # (m x batch_size samples a step); new GAN runs, see samples_per_step
    lr: float = 1e-3
    lr_d: float | None = None         # GANs: discriminator learning rate (None: lr)
    lr_g: float | None = None         # GANs: generator learning rate (None: lr)
    beta1: float = 0.9                # Adam betas
    beta2: float = 0.999
    seed: int = 0                     # same seed, same run on the CPU
    device: str = "auto"              # "auto" | "cpu" | "cuda" | "cuda:1" | "mps"
    precision: str = "fp32"           # "bf16": the losses under torch.autocast in bfloat16 (mixed precision)
    log_every: int = 10               # steps per loss record in metrics.jsonl
    eval_every: int = 0               # steps between cheap metrics (0: once an epoch)
    usage_every: int = 25             # VQ: steps between codebook usage records (0: per epoch only)
    iwae_k: int = 50                  # importance samples for the IWAE bound at evaluation
    n_eval_samples: int = 2500        # generated samples scored by mode/label metrics
    data_dir: str | None = None       # where torchvision sets live (None: the user cache)
    image_size: int = 28              # folder datasets are resized to this side
    download: bool = False            # allow torchvision to download
    slim: bool = False                # keep no optimizer state (small runs to ship)
    checkpoint_every_s: float = 10.0  # epoch-end checkpoints at most this often (0: every
                                      # epoch); the end of a run, stop and save always write one
    # GAN collapse alerts (explorer/core/alerts.py): a signal below its threshold for
    # alert_evals evaluations spanning alert_steps steps
    alert_coverage: float = 0.75      # modes captured / modes, classes covered / classes
    alert_diversity: float = 0.5      # generated / real mean pairwise feature distance
    alert_evals: int = 3
    alert_steps: int = 1000
    alert_warmup: int = 5000          # a signal that never reached its threshold counts from here

    def to_dict(self) -> dict:
        return asdict(self)

    @classmethod
    def from_dict(cls, d: dict) -> "TrainConfig":
        known = {f.name for f in fields(cls)}
        unknown = set(d) - known
        if unknown:
            raise ValueError(f"unknown training settings: {', '.join(sorted(unknown))}")
        return cls(**d).validate()

    def validate(self) -> "TrainConfig":
        """Every field against its type and range (ValueError naming the field)."""
        check_fields(self, "train", TRAIN_RULES)
        if self.epochs is not None and self.steps is not None:
            raise ValueError("train.epochs and train.steps are both set: give one")
        return self

    def lr_for(self, phase: str) -> float:
        return {"d": self.lr_d, "g": self.lr_g}.get(phase) or self.lr


STEPS_MAX = 10 ** 12
TRAIN_RULES = {
    "dataset": ("str", None, None, None),
    "epochs": ("int?", 1, STEPS_MAX, None),
    "steps": ("int?", 1, STEPS_MAX, None),
    "batch_size": ("int", 1, 1_000_000, None),
    "batch_of_packs": ("bool", None, None, None),
    "lr": ("float", 1e-12, 100.0, None),
    "lr_d": ("float?", 1e-12, 100.0, None),
    "lr_g": ("float?", 1e-12, 100.0, None),
    "beta1": ("float", 0.0, 0.999999, None),
    "beta2": ("float", 0.0, 0.999999, None),
    "seed": ("int", 0, 2 ** 63 - 1, None),
    "device": ("str", None, None, None),
    "precision": ("str", None, None, ("fp32", "bf16")),
    "log_every": ("int", 1, STEPS_MAX, None),
    "eval_every": ("int", 0, STEPS_MAX, None),
    "usage_every": ("int", 0, STEPS_MAX, None),
    "iwae_k": ("int", 0, 100_000, None),      # 0: no IWAE bound
    "n_eval_samples": ("int", 1, 10_000_000, None),
    "data_dir": ("str?", None, None, None),
    "image_size": ("int", 1, 16_384, None),
    "download": ("bool", None, None, None),
    "slim": ("bool", None, None, None),
    "checkpoint_every_s": ("float", 0.0, 10 ** 9, None),
    "alert_coverage": ("float", 0.0, 1.0, None),
    "alert_diversity": ("float", 0.0, 100.0, None),
    "alert_evals": ("int", 1, 1_000_000, None),
    "alert_steps": ("int", 0, STEPS_MAX, None),
    "alert_warmup": ("int", 0, STEPS_MAX, None),
}


# PacGAN's published toy setup (Lin et al. 2018, Appendix; VEEGAN's too):
# G 4x400 ReLU + batch norm, D 3x200 maxout (5 pieces), Adam 1e-4, beta1 0.8, batch 100, z in R^2.
PACGAN_TOY_MODEL = dict(latent_dim=2, maxout=5, init_std=0.02, g_batchnorm=True)
PACGAN_TOY_TRAIN = dict(lr=1e-4, beta1=0.8, batch_size=100, steps=20_000, eval_every=500)


def samples_per_step(model_cfg, train_cfg) -> int:
    """Samples one training step draws: batch_size, or for a GAN run made since packs were
    counted (batch_of_packs) batch_size packs of m. PacGAN's batch of 100 is 100 packs: with
    100 samples a step (50 packs of 2) the packed grid25 GAN reached 25% high-quality samples
    in 20,000 steps against 47% with 100 packs (`python main.py bench gan-fidelity`)."""
    m = max(1, int(getattr(model_cfg, "pack", 1) or 1)) if train_cfg.batch_of_packs else 1
    return train_cfg.batch_size * m


def defaults_for(model: str, data: Dataset | str) -> tuple[dict, dict]:
    """(model settings, training settings) a new run of `model` on `data` (a Dataset,
    or its kind: "image" or "points") starts from."""
    toy = (data if isinstance(data, str) else data.kind) == "points"
    m: dict = {"latent_dim": 2 if toy else 20}
    t: dict = {}
    caps = capabilities_of(model)
    if ADVERSARIAL in caps:
        t["batch_of_packs"] = True
        if toy:
            m.update(PACGAN_TOY_MODEL)
            t.update(PACGAN_TOY_TRAIN)
        else:
            m.update(latent_dim=64)
            t.update(lr=2e-4, beta1=0.5, batch_size=64, epochs=20)
    elif DISCRETE in caps:
        t.update(lr=1e-3, epochs=10)
        if model == "vqvae2":
            # without them both levels collapse onto a code or two in the first steps (random
            # encoders give nearly equal outputs): k-means seeds each codebook from a first batch
            m.update(ema=True, kmeans_init=True, pad_grid=True)
            # K = 128 bottom, 64 top: about the one-level 512 x 7x7's code bits on MNIST (439
            # against 441), and a top prior that generalises: at top K = 512, 16 positions over
            # 5,000 images, its test NLL was 10.8 bits a code, worse than uniform (9), and
            # 65% of the two-level samples were confident; at 64, 73% (ARCHITECTURE, VQ-VAE-2)
            if not toy:
                m.update(codebook_size=128, top_codebook_size=64)
        if toy:
            m.update(codebook_size=64, code_dim=2)
    else:
        t.update(epochs=10)
        if toy:
            t.update(epochs=2, batch_size=256)
    return m, t


def make_configs(model: str, data: Dataset, model_overrides: dict | None = None,
                 train_overrides: dict | None = None) -> tuple[ModelConfig, TrainConfig]:
    """Defaults for the pair, then the user's overrides (None values are ignored)."""
    if model in PRIOR_NAMES:
        raise ValueError(f"a {model} prior is made from a VQ-VAE run, not a dataset: "
                         f"use prior_runs.create_prior_engine (train --model {model} --run VQRUN)")
    m, t = defaults_for(model, data)
    m.update({k: v for k, v in (model_overrides or {}).items() if v is not None})
    given = {k: v for k, v in (train_overrides or {}).items() if v is not None}
    # a length given by the user replaces the default length, whichever unit it is in
    if "steps" in given and "epochs" not in given:
        t["epochs"] = None
    if "epochs" in given and "steps" not in given:
        t["steps"] = None
    t.update(given)
    mc = ModelConfig.from_dict({**m, "model": model, "data_shape": tuple(data.shape),
                                "n_classes": data.n_classes, "data_kind": data.kind})
    tc = replace(TrainConfig(dataset=data.name), **t).validate()
    return mc, tc
