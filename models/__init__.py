"""Torch modules only: no Qt, no files, no plotting (see docs/ARCHITECTURE.md)."""
from __future__ import annotations

from .autoencoders import VAE, Autoencoder, ConditionalVAE, DenoisingAutoencoder
from .base import (ADVERSARIAL, AUTOREGRESSIVE, CONDITIONAL, DECODE, DENOISING, DISCRETE, ENCODE,
                   GENERATE, POSTERIOR, Encoding, GenerativeModel, LatentSpec)
from .classifier import Classifier
from .config import ALL_MODEL_NAMES, FAMILIES, MODEL_NAMES, PRIOR_NAMES, ModelConfig
from .gan import DCGAN, GAN, ConditionalGAN
from .pixelcnn import PixelCNN
from .vqvae import VQVAE
from .vqvae2 import VQVAE2

MODEL_CLASSES = {
    "ae": Autoencoder, "dae": DenoisingAutoencoder, "vae": VAE, "cvae": ConditionalVAE,
    "vqvae": VQVAE, "vqvae2": VQVAE2, "gan": GAN, "dcgan": DCGAN, "cgan": ConditionalGAN, "pixelcnn": PixelCNN,
}
assert set(MODEL_CLASSES) == set(ALL_MODEL_NAMES)


def capabilities_of(model: str) -> frozenset:
    """What a family can do (models/base.py), from its name alone, without building it."""
    if model not in MODEL_CLASSES:
        raise ValueError(f"unknown model {model!r}; valid: {', '.join(ALL_MODEL_NAMES)}")
    return MODEL_CLASSES[model].capabilities


def build_model(cfg: ModelConfig) -> GenerativeModel:
    if cfg.model not in MODEL_CLASSES:
        raise ValueError(f"unknown model {cfg.model!r}; valid: {', '.join(ALL_MODEL_NAMES)}")
    return MODEL_CLASSES[cfg.model](cfg)


__all__ = [
    "ADVERSARIAL", "AUTOREGRESSIVE", "CONDITIONAL", "DECODE", "DENOISING", "DISCRETE", "ENCODE", "GENERATE",
    "POSTERIOR", "Encoding", "GenerativeModel", "LatentSpec", "Classifier", "FAMILIES",
    "MODEL_NAMES", "PRIOR_NAMES", "ALL_MODEL_NAMES", "ModelConfig", "MODEL_CLASSES", "build_model", "capabilities_of",
]
