"""The one interface every model family answers (see docs/ARCHITECTURE.md).

Panels and the training engine never switch on a model's class: they read
`capabilities`, `latent` and `phases`, and call the methods below.
"""
from __future__ import annotations

from dataclasses import dataclass

import torch
from torch import Tensor, nn

from .config import ModelConfig

# What a model can do. Panels enable themselves from these names.
ENCODE = "encode"            # encode(x) -> Encoding
DECODE = "decode"            # decode(z) -> x
GENERATE = "generate"        # generate(n) -> x
CONDITIONAL = "conditional"  # encode/decode/generate take class labels
POSTERIOR = "posterior"      # Encoding carries mu/logvar (VAEs)
DISCRETE = "discrete"        # Encoding carries code indices (VQ-VAE)
ADVERSARIAL = "adversarial"  # has a discriminator (GANs)
DENOISING = "denoising"      # corrupt(x) exists
AUTOREGRESSIVE = "autoregressive"  # loss is an exact NLL; samples position by position (PixelCNN)


@dataclass(frozen=True)
class LatentSpec:
    dim: int                         # length of the flat latent vector z
    prior: str                       # "normal" | "none" | "codebook"
    discrete: bool = False
    grid: tuple | None = None        # VQ-VAE: (h, w) code grid
    codebook_size: int | None = None
    code_dim: int | None = None
    levels: tuple = ()               # VQ-VAE-2: ((name, (h, w), K), ...) top first; () for one level


@dataclass
class Encoding:
    z: Tensor                        # (n, latent.dim); VAEs: the posterior mean
    mu: Tensor | None = None
    logvar: Tensor | None = None
    indices: Tensor | None = None    # VQ-VAE: (n, h, w) code indices (VQ-VAE-2: the bottom level's)
    top_indices: Tensor | None = None  # VQ-VAE-2: (n, ht, wt) top-level code indices


class GenerativeModel(nn.Module):
    capabilities: frozenset = frozenset()
    phases: tuple = ("model",)       # one optimizer per phase, stepped in this order

    def __init__(self, cfg: ModelConfig):
        super().__init__()
        self.cfg = cfg

    # -- the questions every family answers, where it can -----------------
    @property
    def latent(self) -> LatentSpec:
        raise NotImplementedError

    def encode(self, x: Tensor, y: Tensor | None = None) -> Encoding:
        raise NotImplementedError(f"{self.cfg.model} has no encoder")

    def decode(self, z: Tensor, y: Tensor | None = None) -> Tensor:
        raise NotImplementedError(f"{self.cfg.model} has no decoder")

    def generate(self, n: int, condition=None, generator: torch.Generator | None = None) -> Tensor:
        return self.decode(self.sample_prior(n, generator), self.condition_labels(n, condition))

    def sample_prior(self, n: int, generator: torch.Generator | None = None) -> Tensor:
        return torch.randn(n, self.latent.dim, generator=generator, device=self.device)

    # A training step's part of a larger batch: (its first sample, the whole batch's size),
    # set by a distributed trainer around each step; None otherwise.
    batch_part: tuple[int, int] | None = None

    def batch_noise(self, shape, device, uniform: bool = False) -> Tensor:
        """A training step's noise for `shape` (first dimension: the batch). Where the step
        holds part of a larger batch, the whole batch's noise is drawn and this part taken:
        each process then draws exactly what one process training the whole batch would."""
        draw = torch.rand if uniform else torch.randn
        part = self.batch_part
        if part is None:
            return draw(tuple(shape), device=device)
        start, total = part
        return draw((total, *shape[1:]), device=device)[start:start + shape[0]]

    def reconstruct(self, x: Tensor, y: Tensor | None = None) -> Tensor:
        return self.decode(self.encode(x, y).z, y)

    def loss(self, batch: tuple, phase: str | None = None) -> tuple[Tensor, dict]:
        """(total, parts): parts are named scalar tensors, detached by the caller."""
        raise NotImplementedError

    def phase_parameters(self, phase: str) -> list:
        return list(self.parameters())

    # -- hooks the engine calls around an optimizer step ------------------
    def begin_step(self, step: int) -> None:
        """Called before the step's losses (e.g. KL warm-up)."""

    def after_step(self, step: int) -> None:
        """Called after all phases stepped (e.g. dead-code restarts)."""

    def prepare_inputs(self, x: Tensor) -> Tensor:
        """What loss() takes as batch[0], computed once from a split's samples by the
        engine and the evaluator: the samples themselves, or e.g. a prior's code grids."""
        return x

    # -- codebook hooks (discrete models); the engine logs what they report --
    def code_usage(self) -> Tensor | None:
        """Uses of each code in training since reset_code_usage(); None without a codebook."""
        return None

    def code_usage_levels(self) -> dict:
        """Models with two codebooks (VQ-VAE-2): {"top": uses, "bottom": uses}; others {}."""
        return {}

    def reset_code_usage(self) -> None:
        """Start counting code uses afresh (the engine does at each epoch's end)."""

    def restart_codes(self) -> Tensor:
        """Re-seed the codes unused since the last reset from current encoder outputs;
        returns their indices."""
        raise ValueError(f"{self.cfg.model} has no codebook to restart")

    @property
    def code_restarts(self) -> int:
        """Codes re-seeded so far, automatically or on demand."""
        return 0

    # -- helpers ----------------------------------------------------------
    @property
    def device(self) -> torch.device:
        return next(self.parameters()).device

    def condition_labels(self, n: int, condition) -> Tensor | None:
        """Labels for conditional models: None cycles through the classes."""
        if CONDITIONAL not in self.capabilities:
            return None
        if condition is None:
            return torch.arange(n, device=self.device) % self.cfg.n_classes
        if isinstance(condition, int):
            return torch.full((n,), condition, dtype=torch.long, device=self.device)
        return torch.as_tensor(condition, dtype=torch.long, device=self.device)

    def one_hot(self, y: Tensor) -> Tensor:
        return nn.functional.one_hot(y.long(), self.cfg.n_classes).float()

    def output(self, logits: Tensor) -> Tensor:
        """Decoder logits to data space: probabilities for Bernoulli images."""
        if self.cfg.is_image and self.cfg.likelihood == "bernoulli":
            return torch.sigmoid(logits)
        if self.cfg.is_image:
            return logits.clamp(0, 1)
        return logits

    def recon_loss(self, logits: Tensor, x: Tensor) -> Tensor:
        """Per-sample reconstruction term, summed over data dimensions: shape (n,).

        Bernoulli: the negative log-likelihood in nats. Gaussian: the squared
        error, i.e. the NLL for variance 1/2 up to a constant.
        """
        if self.cfg.is_image and self.cfg.likelihood == "bernoulli":
            per = nn.functional.binary_cross_entropy_with_logits(logits, x, reduction="none")
        else:
            per = (logits - x) ** 2
        return per.flatten(1).sum(1)
