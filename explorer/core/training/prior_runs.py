"""A PixelCNN prior's run, made from a VQ-VAE run.

The prior's model config is the VQ-VAE's (which rebuilds the VQ-VAE inside it) with
model="pixelcnn", the path and step of the VQ-VAE run, and the PixelCNN's own settings.
The VQ-VAE's weights are copied into the new run at its start, frozen: resuming or
retraining the VQ-VAE run later cannot make the prior's codes mean something else.
The engine then trains it like any model: it encodes the dataset's images into code
grids once (PixelCNN.prepare_inputs) and steps through those.
"""
from __future__ import annotations

from dataclasses import fields, replace
from pathlib import Path

from models import ModelConfig

from explorer.core.training.config import TrainConfig
from explorer.core.data.datasets import load_dataset
from explorer.core.runs import LoadedRun, load_run

PRIOR_SETTINGS = ("pixelcnn_layers", "pixelcnn_channels", "pixelcnn_conditional", "pixelcnn_dropout")
PRIOR_TRAIN_DEFAULTS = {"epochs": 30, "lr": 1e-3, "batch_size": 64}


def prior_configs(vq: LoadedRun, model_overrides: dict | None = None,
                  train_overrides: dict | None = None) -> tuple[ModelConfig, TrainConfig]:
    """Settings of a PixelCNN prior over `vq`'s codes; None values are ignored."""
    if vq.model_cfg.model != "vqvae":
        raise ValueError(f"{vq.path} holds a {vq.model_cfg.model} run: a PixelCNN prior needs a VQ-VAE run")
    given = {k: v for k, v in (model_overrides or {}).items() if v is not None}
    foreign = sorted(set(given) - set(PRIOR_SETTINGS))
    if foreign:
        raise ValueError(f"{foreign[0]} does not apply to a PixelCNN prior: the VQ-VAE run in {vq.path} sets it")
    mc = replace(vq.model_cfg, model="pixelcnn", vq_run=str(Path(vq.path).resolve()), vq_step=vq.step, **given)
    given_t = {k: v for k, v in (train_overrides or {}).items() if v is not None}
    t = {**PRIOR_TRAIN_DEFAULTS, **given_t}
    if "steps" in given_t and "epochs" not in given_t:
        t["epochs"] = None
    src = vq.train_cfg
    base = TrainConfig(dataset=src.dataset, data_dir=src.data_dir, image_size=src.image_size, seed=src.seed)
    known = {f.name for f in fields(TrainConfig)}
    unknown = sorted(set(t) - known)
    if unknown:
        raise ValueError(f"unknown training settings: {', '.join(unknown)}")
    return mc, replace(base, **t)


def create_prior_engine(vq_run, run_dir, model_overrides: dict | None = None,
                        train_overrides: dict | None = None, overwrite: bool = False):
    """A TrainingEngine for a new PixelCNN prior over the VQ-VAE run in `vq_run`."""
    from explorer.core.training.engine import TrainingEngine

    vq = load_run(vq_run, "cpu")
    mc, tc = prior_configs(vq, model_overrides, train_overrides)
    data = load_dataset(tc.dataset, tc.data_dir, tc.download, tc.image_size)
    weights = {f"vq.{k}": v for k, v in vq.model.state_dict().items()}
    return TrainingEngine.create(run_dir, mc, tc, data=data, overwrite=overwrite, init_weights=weights)
