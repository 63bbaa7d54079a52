"""What a denoising autoencoder does to one input at a chosen noise level.

The noisy copy comes from the model's own corruption (DenoisingAutoencoder.corrupt:
its noise kind, at the level asked for); the view holds the noisy input, its
reconstruction, and the latents of the noisy and of the clean input, so the map
can draw an arrow from where the noise pushed the input to where it belongs.
One input costs well under a millisecond for the MLP models: fine on a slider.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import torch

from models import CONDITIONAL, DENOISING
from models.nets import eval_mode


@dataclass
class DenoisingView:
    level: float
    clean: torch.Tensor           # (C, H, W) or (D,) the input
    noisy: torch.Tensor           # the corrupted input
    reconstruction: torch.Tensor  # decode(encode(noisy))
    z_clean: np.ndarray           # (d,) latent of the clean input
    z_noisy: np.ndarray           # (d,) latent of the noisy input

    @property
    def latent_shift(self) -> float:
        return float(np.linalg.norm(self.z_noisy - self.z_clean))


@torch.no_grad()
def denoising_view(model, x: torch.Tensor, level: float, seed: int = 0,
                   label: int | None = None) -> DenoisingView:
    """`x` is one input (no batch dimension); the noise is seeded, so a slider moved back
    and forth shows the same noise pattern at each level."""
    if DENOISING not in model.capabilities:
        raise ValueError(f"{model.cfg.model} is not a denoising autoencoder: train a dae to see denoising")
    level = float(level)
    if not level >= 0:
        raise ValueError(f"noise level must be >= 0, got {level}")
    if model.cfg.noise in ("masking", "saltpepper") and level > 1:
        raise ValueError(f"{model.cfg.noise} noise takes a probability in [0, 1], got {level}")
    with eval_mode(model):
        clean = x.unsqueeze(0).to(model.device)
        y = None
        if CONDITIONAL in model.capabilities:
            y = model.condition_labels(1, 0 if label is None else int(label))
        g = torch.Generator(device=model.device).manual_seed(seed)
        noisy = model.corrupt(clean, level, generator=g)
        both = model.encode(torch.cat([clean, noisy]), None if y is None else y.repeat(2))
        recon = model.decode(both.z[1:], y)
    z = both.z.cpu().numpy().astype(np.float64)
    return DenoisingView(level, x.cpu(), noisy[0].cpu(), recon[0].cpu(), z[0], z[1])
