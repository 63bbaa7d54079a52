"""Settings that rebuild a model: one flat dataclass, a comment per field.

A field that does not apply to a family is simply ignored by it, so one
config.json format serves every model and the command line can map flags
one-to-one onto fields.
"""
from __future__ import annotations

from dataclasses import asdict, dataclass, fields

MODEL_NAMES = ("ae", "dae", "vae", "cvae", "vqvae", "vqvae2", "gan", "dcgan", "cgan")   # trained on a dataset
PRIOR_NAMES = ("pixelcnn",)                                                  # trained on another run's codes
ALL_MODEL_NAMES = MODEL_NAMES + PRIOR_NAMES
FAMILIES = {
    "ae": "autoencoder", "dae": "autoencoder", "vae": "vae", "cvae": "vae",
    "vqvae": "vqvae", "vqvae2": "vqvae", "gan": "gan", "dcgan": "gan", "cgan": "gan", "pixelcnn": "prior",
}


@dataclass
class ModelConfig:
    model: str = "vae"                 # one of ALL_MODEL_NAMES
    data_shape: tuple = (1, 28, 28)    # (C, H, W) for images, (D,) for points
    n_classes: int = 10                # label count; conditional models need it
    data_kind: str = "image"           # "image" (values in [0, 1]) or "points"
    latent_dim: int = 20               # size of z (VQ-VAE: ignored, see codes)
    arch: str = "auto"                 # "mlp" | "conv" | "auto" (by data shape and model)
    hidden: tuple = ()                 # MLP hidden sizes; () = the family's default
    channels: tuple = ()               # conv channels per stride-2 layer; () = default
    likelihood: str = "bernoulli"      # images: "bernoulli" (BCE) or "gaussian" (MSE)
    # VAE
    beta: float = 1.0                  # weight of the KL term (beta-VAE)
    kl_warmup: int = 0                 # steps over which the KL weight ramps 0 -> beta
    # denoising AE
    noise: str = "gaussian"            # "gaussian" | "masking" | "saltpepper"
    noise_level: float = 0.3           # std, drop probability, or flip probability
    # VQ-VAE
    codebook_size: int = 512           # K, number of codes
    code_dim: int = 32                 # D, size of each code vector
    commitment: float = 0.25           # beta of the commitment loss (van den Oord et al.)
    ema: bool = False                  # EMA codebook updates instead of the codebook loss
    ema_decay: float = 0.99            # decay of those EMA updates
    restarts: bool = True              # re-seed codes unused for restart_after steps
    restart_after: int = 100           # steps without use before a code counts as dead
    kmeans_init: bool = False          # initialise the codebook by k-means on a first batch
    # VQ-VAE-2 (two levels): codebook_size and code_dim above are the bottom level's
    top_codebook_size: int = 512       # K of the top level's codebook
    bottom_downsample: int = 2         # stride-2 layers to the bottom grid (28x28 -> 7x7); top is half again
    pad_grid: bool = False             # pad the bottom feature map, not the image, to an even grid (new runs:
                                       #   every bottom code covers image pixels; False: 28 -> 32, 8x8 and 4x4)
    # PixelCNN prior over a VQ-VAE's code grids; the VQ-VAE settings above rebuild its frozen
    # VQ-VAE, whose weights are copied into the prior's run
    pixelcnn_layers: int = 8           # gated layers; each widens the view by a row and a column
    pixelcnn_channels: int = 64        # channels of each stack (vertical and horizontal)
    pixelcnn_conditional: bool = False  # condition on the class label
    pixelcnn_dropout: float = 0.0      # dropout in each layer's residual branch (small datasets overfit)
    vq_run: str = ""                   # the VQ-VAE run whose codes it models (where it came from)
    vq_step: int = 0                   # that run's step when its weights were copied
    vq_model: str = "vqvae"            # that run's model: "vqvae" or "vqvae2"
    prior_level: str = ""              # over a VQ-VAE-2: "top" or "bottom" (conditioned on the top codes)
    pixelcnn_attention: int = 0        # masked self-attention blocks among the gated layers (PixelSNAIL-style)
    top_prior_run: str = ""            # bottom level: the top-level prior run it samples top codes from
    top_prior_layers: int = 0          # that prior's gated layers, channels and attention blocks (its weights
    top_prior_channels: int = 0        #   are copied into this run, frozen)
    top_prior_attention: int = 0
    # GANs
    gan_loss: str = "ns"               # "ns" (non-saturating) or "minimax" (original)
    pack: int = 1                      # PacGAN: samples per discriminator input
    minibatch_std: bool = False        # append the batch std feature to D
    label_smoothing: float = 0.0       # one-sided: real targets become 1 - this
    maxout: int = 0                    # D maxout pieces (PacGAN toy setup uses 5); 0 = LeakyReLU
    g_batchnorm: bool = True           # batch norm in G's hidden layers
    init_std: float = 0.0              # N(0, std) weight init (PacGAN: 0.02); 0 = torch default

    def to_dict(self) -> dict:
        d = asdict(self)
        for k in ("data_shape", "hidden", "channels"):
            d[k] = list(d[k])
        return d

    @classmethod
    def from_dict(cls, d: dict) -> "ModelConfig":
        known = {f.name for f in fields(cls)}
        unknown = set(d) - known
        if unknown:
            raise ValueError(f"unknown model settings: {', '.join(sorted(unknown))}")
        d = dict(d)
        for k in ("data_shape", "hidden", "channels"):
            if k in d:
                d[k] = tuple(d[k])
        for k in ("data_shape", "hidden", "channels"):
            if k in d and not isinstance(d[k], (list, tuple)):
                raise ValueError(f"model.{k} must be a list of whole numbers, got {d[k]!r}")
        cfg = cls(**d)
        cfg.validate()
        return cfg

    def validate(self) -> "ModelConfig":
        """Every field checked against its type and range (ValueError naming the field), so
        settings from a file or the command line fail here, before any tensor is built."""
        check_fields(self, "model", MODEL_RULES)
        if self.model not in ALL_MODEL_NAMES:
            raise ValueError(f"unknown model {self.model!r}; valid: {', '.join(ALL_MODEL_NAMES)}")
        if self.data_kind == "image" and len(self.data_shape) != 3:
            raise ValueError(f"model.data_shape must be (channels, height, width) for images, got {list(self.data_shape)}")
        if self.data_kind == "points" and len(self.data_shape) != 1:
            raise ValueError(f"model.data_shape must be (dimensions,) for points, got {list(self.data_shape)}")
        return self

    @property
    def family(self) -> str:
        return FAMILIES[self.model]

    @property
    def is_image(self) -> bool:
        return self.data_kind == "image"


SETTING_NAMES = tuple(f.name for f in fields(ModelConfig))


# -- validation ----------------------------------------------------------------------
# field -> (kind, low, high, choices): ranges wide enough for any real use, narrow enough that
# a typo or an edit cannot ask for a tensor the size of the machine's memory without a word

BIG = 1_000_000
MODEL_RULES = {
    "model": ("str", None, None, ALL_MODEL_NAMES),
    "data_shape": ("ints", 1, 100_000, None),
    "n_classes": ("int", 1, BIG, None),
    "data_kind": ("str", None, None, ("image", "points")),
    "latent_dim": ("int", 1, 65_536, None),
    "arch": ("str", None, None, ("auto", "mlp", "conv")),
    "hidden": ("ints", 1, BIG, None),
    "channels": ("ints", 1, 65_536, None),
    "likelihood": ("str", None, None, ("bernoulli", "gaussian")),
    "beta": ("float", 0.0, BIG, None),
    "kl_warmup": ("int", 0, 10 ** 12, None),
    "noise": ("str", None, None, ("gaussian", "masking", "saltpepper")),
    "noise_level": ("float", 0.0, 100.0, None),
    "codebook_size": ("int", 1, BIG, None),
    "code_dim": ("int", 1, 65_536, None),
    "commitment": ("float", 0.0, BIG, None),
    "ema": ("bool", None, None, None),
    "ema_decay": ("float", 0.0, 1.0, None),
    "restarts": ("bool", None, None, None),
    "restart_after": ("int", 1, 10 ** 12, None),
    "kmeans_init": ("bool", None, None, None),
    "top_codebook_size": ("int", 1, BIG, None),
    "bottom_downsample": ("int", 1, 4, None),
    "pad_grid": ("bool", None, None, None),
    "pixelcnn_layers": ("int", 1, 1000, None),
    "pixelcnn_channels": ("int", 1, 65_536, None),
    "pixelcnn_conditional": ("bool", None, None, None),
    "pixelcnn_dropout": ("float", 0.0, 0.999, None),
    "vq_run": ("str", None, None, None),
    "vq_step": ("int", 0, 10 ** 15, None),
    "vq_model": ("str", None, None, ("vqvae", "vqvae2")),
    "prior_level": ("str", None, None, ("", "top", "bottom")),
    "pixelcnn_attention": ("int", 0, 64, None),
    "top_prior_run": ("str", None, None, None),
    "top_prior_layers": ("int", 0, 1000, None),
    "top_prior_channels": ("int", 0, 65_536, None),
    "top_prior_attention": ("int", 0, 64, None),
    "gan_loss": ("str", None, None, ("ns", "minimax")),
    "pack": ("int", 1, 1024, None),
    "minibatch_std": ("bool", None, None, None),
    "label_smoothing": ("float", 0.0, 0.999, None),
    "maxout": ("int", 0, 1024, None),
    "g_batchnorm": ("bool", None, None, None),
    "init_std": ("float", 0.0, 100.0, None),
}


def _is_int(v) -> bool:
    return isinstance(v, int) and not isinstance(v, bool)


def check_fields(cfg, section: str, rules: dict) -> None:
    """Check each field of a settings dataclass against `rules`; ValueError naming the first
    wrong one as `section.field`."""
    import math

    for name, (kind, lo, hi, choices) in rules.items():
        v = getattr(cfg, name)
        where = f"{section}.{name}"
        if kind.endswith("?"):
            if v is None:
                continue
            kind = kind[:-1]
        if kind == "bool":
            if not isinstance(v, bool):
                raise ValueError(f"{where} must be true or false, got {v!r}")
            continue
        if kind == "str":
            if not isinstance(v, str):
                raise ValueError(f"{where} must be text, got {v!r}")
            if choices and v not in choices:
                raise ValueError(f"{where} must be one of {', '.join(choices)}, got {v!r}")
            continue
        if kind == "ints":
            if not isinstance(v, (list, tuple)) or not all(_is_int(x) for x in v):
                raise ValueError(f"{where} must be a list of whole numbers, got {v!r}")
            values = list(v)
        elif kind == "int":
            if not _is_int(v):
                raise ValueError(f"{where} must be a whole number, got {v!r}")
            values = [v]
        else:
            if isinstance(v, bool) or not isinstance(v, (int, float)) or not math.isfinite(v):
                raise ValueError(f"{where} must be a finite number, got {v!r}")
            values = [v]
        for x in values:
            if (lo is not None and x < lo) or (hi is not None and x > hi):
                raise ValueError(f"{where} must be between {lo:g} and {hi:g}, got {x!r}")
