"""A PixelCNN prior's run, made from a VQ-VAE run.

The prior's model config is the VQ-VAE's (which rebuilds the VQ-VAE inside it) with
model="pixelcnn", the path and step of the VQ-VAE run, and the PixelCNN's own settings.
The VQ-VAE's weights are copied into the new run at its start, frozen: resuming or
retraining the VQ-VAE run later cannot make the prior's codes mean something else.
The engine then trains it like any model: it encodes the dataset's images into code
grids once (PixelCNN.prepare_inputs) and steps through those.

Over a VQ-VAE-2 run a prior models one level (prior_level): "top", with attention blocks, and
"bottom", conditioned on the top codes, whose run also copies in a top-level prior run's weights
(top_prior_run) so that it draws images: top codes from that prior, then its own bottom codes.
"""
from __future__ import annotations

from dataclasses import fields, replace
from pathlib import Path

from models import ModelConfig

from explorer.core.training.config import TrainConfig
from explorer.core.data.datasets import load_dataset
from explorer.core.runs import LoadedRun, load_run

PRIOR_SETTINGS = ("pixelcnn_layers", "pixelcnn_channels", "pixelcnn_conditional", "pixelcnn_dropout",
                  "pixelcnn_attention", "prior_level", "top_prior_run")
TOP_ATTENTION = 2   # attention blocks of a top-level prior unless told
PRIOR_TRAIN_DEFAULTS = {"epochs": 30, "lr": 1e-3, "batch_size": 64}


def prior_configs(vq: LoadedRun, model_overrides: dict | None = None,
                  train_overrides: dict | None = None) -> tuple[ModelConfig, TrainConfig]:
    """Settings of a PixelCNN prior over `vq`'s codes; None values are ignored."""
    kind = vq.model_cfg.model
    if kind not in ("vqvae", "vqvae2"):
        raise ValueError(f"{vq.path} holds a {kind} run: a PixelCNN prior needs a VQ-VAE run (vqvae or vqvae2)")
    given = {k: v for k, v in (model_overrides or {}).items() if v is not None}
    foreign = sorted(set(given) - set(PRIOR_SETTINGS))
    if foreign:
        raise ValueError(f"{foreign[0]} does not apply to a PixelCNN prior: the VQ-VAE run in {vq.path} sets it")
    level = given.get("prior_level", "")
    if kind == "vqvae2" and level not in ("top", "bottom"):
        raise ValueError(f"{vq.path} is a VQ-VAE-2 run: its priors model one level each, "
                         "--level top first, then --level bottom --top-prior TOPRUN")
    if kind == "vqvae" and (level or given.get("top_prior_run")):
        raise ValueError(f"--level and --top-prior apply to a VQ-VAE-2 run; {vq.path} is a one-level VQ-VAE")
    if level == "top":
        given.setdefault("pixelcnn_attention", TOP_ATTENTION)
        if given.get("top_prior_run"):
            raise ValueError("--top-prior applies to --level bottom")
    vq_run = str(Path(vq.path).resolve())
    if level == "bottom":
        given.update(top_prior_settings(given.get("top_prior_run", ""), vq_run, vq.step,
                                        bool(given.get("pixelcnn_conditional"))))
    mc = replace(vq.model_cfg, model="pixelcnn", vq_model=kind, vq_run=vq_run, vq_step=vq.step, **given)
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


def top_prior_settings(top_run: str, vq_run: str, vq_step: int, conditional: bool) -> dict:
    """What a bottom-level prior copies from its top-level prior run, after checking that run is
    one, over the same VQ-VAE-2 run at the same step."""
    if not top_run:
        raise ValueError("--level bottom needs --top-prior TOPRUN: the top-level prior its samples draw "
                         "top codes from (train it first with --level top)")
    top = load_run(top_run, "cpu")
    tc = top.model_cfg
    if tc.model != "pixelcnn" or tc.prior_level != "top":
        raise ValueError(f"{top_run} is not a top-level prior run (train one with --model pixelcnn --level top)")
    if tc.vq_run != vq_run or tc.vq_step != vq_step:
        raise ValueError(f"{top_run} is a prior over {tc.vq_run} at step {tc.vq_step}, not over {vq_run} "
                         f"at step {vq_step}: both levels' priors must model the same codes")
    if tc.pixelcnn_conditional != conditional:
        raise ValueError(f"{top_run} is {'' if tc.pixelcnn_conditional else 'not '}class-conditional: "
                         f"give --conditional to both levels or to neither")
    return {"top_prior_run": str(Path(top.path).resolve()), "top_prior_layers": tc.pixelcnn_layers,
            "top_prior_channels": tc.pixelcnn_channels, "top_prior_attention": tc.pixelcnn_attention}


def create_prior_engine(vq_run, run_dir, model_overrides: dict | None = None,
                        train_overrides: dict | None = None, overwrite: bool = False):
    """A TrainingEngine for a new PixelCNN prior over the VQ-VAE run in `vq_run`."""
    from explorer.core.training.engine import TrainingEngine

    vq = load_run(vq_run, "cpu")
    mc, tc = prior_configs(vq, model_overrides, train_overrides)
    data = load_dataset(tc.dataset, tc.data_dir, tc.download, tc.image_size)
    weights = {f"vq.{k}": v for k, v in vq.model.state_dict().items()}
    if mc.top_prior_run:   # the top level's prior, frozen inside the bottom level's run
        top = load_run(mc.top_prior_run, "cpu")
        weights.update({f"top.{k}": v for k, v in top.model.net.state_dict().items()})
    return TrainingEngine.create(run_dir, mc, tc, data=data, overwrite=overwrite, init_weights=weights)
