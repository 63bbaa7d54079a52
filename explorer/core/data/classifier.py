"""The per-dataset classifier metrics use to label generated images: trained once, cached.

Lookup order: the user cache (LATENT_EXPLORER_CACHE), then classifiers shipped
in explorer/assets, then training one now (a few seconds to a minute on a CPU)
and caching it.
"""
from __future__ import annotations

import hashlib
import logging
from pathlib import Path

import torch

from models import Classifier

from explorer.core.data.datasets import Dataset, cache_dir
from explorer.core.runs import CheckpointError, load_weights, save_weights
from explorer.core.errors import first_line

log = logging.getLogger("explorer")
ASSETS = Path(__file__).resolve().parents[2] / "assets" / "classifiers"   # explorer/assets


def classifier_key(data: Dataset) -> str:
    """Name plus a digest of the data, so a changed folder dataset gets a new classifier."""
    h = hashlib.sha1()
    h.update(data.train_x[:512].numpy().tobytes())
    h.update(data.train_y.numpy().tobytes())
    h.update(repr((data.shape, data.n_classes)).encode())
    safe = "".join(c if c.isalnum() or c in "-_" else "_" for c in data.name)[-40:]
    return f"{safe}-{h.hexdigest()[:12]}"


def classifier_paths(data: Dataset) -> list[Path]:
    key = classifier_key(data) + ".safetensors"
    return [cache_dir() / "classifiers" / key, ASSETS / key]


def train_classifier(data: Dataset, epochs: int | None = None, seed: int = 0, device="cpu",
                     batch_size: int = 128) -> tuple[Classifier, float]:
    """Train on the train split; returns the model (eval mode) and its test accuracy.

    Default length: at least 8 epochs and at least 600 steps (small sets need more passes).
    """
    if epochs is None:
        epochs = max(8, -(-600 // max(1, len(data.train_x) // batch_size)))
    g = torch.Generator().manual_seed(seed)
    torch.manual_seed(seed)
    model = Classifier(data.shape, data.n_classes).to(device)
    opt = torch.optim.Adam(model.parameters(), lr=1e-3)
    x, y = data.train_x.to(device), data.train_y.to(device)
    for _ in range(epochs):
        model.train()
        perm = torch.randperm(len(x), generator=g).to(device)
        for i in range(0, len(x), batch_size):
            idx = perm[i:i + batch_size]
            xb = x[idx]
            if xb.dim() == 4 and xb.shape[-1] >= 16:  # small random shifts: cheap augmentation
                dx, dy = torch.randint(-2, 3, (2,), generator=g).tolist()
                xb = torch.roll(xb, (dy, dx), (2, 3))
            loss = torch.nn.functional.cross_entropy(model(xb), y[idx])
            opt.zero_grad(set_to_none=True)
            loss.backward()
            opt.step()
    model.eval()
    labels, _ = model.predict(data.test_x.to(device))
    acc = float((labels.cpu() == data.test_y).float().mean())
    return model, acc


def get_classifier(data: Dataset, device="cpu", train_if_missing: bool = True) -> Classifier | None:
    for path in classifier_paths(data):
        if path.exists():
            try:
                state, _ = load_weights(path)
                model = Classifier(data.shape, data.n_classes)
                model.load_state_dict(state)
                return model.to(device).eval()
            except (CheckpointError, RuntimeError) as e:
                log.warning("ignoring cached classifier %s: %s", path, first_line(e))
    if not train_if_missing:
        return None
    log.info("training a classifier for %s (once; cached)", data.name)
    model, acc = train_classifier(data, device=device)
    save_weights(classifier_paths(data)[0], model, {"test_accuracy": f"{acc:.4f}", "dataset": data.name})
    log.info("classifier for %s: test accuracy %.3f", data.name, acc)
    return model
