"""Settings that rebuild a model: one flat dataclass, a comment per field.

A field that does not apply to a family is simply ignored by it, so one
config.json format serves every model and the command line can map flags
one-to-one onto fields.
"""
from __future__ import annotations

from dataclasses import asdict, dataclass, fields

MODEL_NAMES = ("ae", "dae", "vae", "cvae", "vqvae", "gan", "dcgan", "cgan")   # trained on a dataset
PRIOR_NAMES = ("pixelcnn",)                                                  # trained on another run's codes
ALL_MODEL_NAMES = MODEL_NAMES + PRIOR_NAMES
FAMILIES = {
    "ae": "autoencoder", "dae": "autoencoder", "vae": "vae", "cvae": "vae",
    "vqvae": "vqvae", "gan": "gan", "dcgan": "gan", "cgan": "gan", "pixelcnn": "prior",
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
    # PixelCNN prior over a VQ-VAE's code grids; the VQ-VAE settings above rebuild its frozen
    # VQ-VAE, whose weights are copied into the prior's run
    pixelcnn_layers: int = 8           # gated layers; each widens the view by a row and a column
    pixelcnn_channels: int = 64        # channels of each stack (vertical and horizontal)
    pixelcnn_conditional: bool = False  # condition on the class label
    pixelcnn_dropout: float = 0.0      # dropout in each layer's residual branch (small datasets overfit)
    vq_run: str = ""                   # the VQ-VAE run whose codes it models (where it came from)
    vq_step: int = 0                   # that run's step when its weights were copied
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
        cfg = cls(**d)
        if cfg.model not in ALL_MODEL_NAMES:
            raise ValueError(f"unknown model {cfg.model!r}; valid: {', '.join(ALL_MODEL_NAMES)}")
        return cfg

    @property
    def family(self) -> str:
        return FAMILIES[self.model]

    @property
    def is_image(self) -> bool:
        return self.data_kind == "image"


SETTING_NAMES = tuple(f.name for f in fields(ModelConfig))
