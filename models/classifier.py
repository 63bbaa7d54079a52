"""A small classifier per dataset, used by metrics to label generated samples."""
from __future__ import annotations

import torch
from torch import Tensor, nn

from .nets import eval_mode, flat_size


class Classifier(nn.Module):
    """Conv net for images of 16 px and more, an MLP otherwise.

    `features` gives the penultimate layer: the space in which diversity and
    the joint real/generated maps are measured.
    """

    def __init__(self, data_shape: tuple, n_classes: int):
        super().__init__()
        self.data_shape, self.n_classes = tuple(data_shape), n_classes
        if len(data_shape) == 3 and min(data_shape[1:]) >= 16:
            c, h, w = data_shape
            self.body = nn.Sequential(
                nn.Conv2d(c, 32, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
                nn.Conv2d(32, 64, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
                nn.Flatten(), nn.Linear(64 * (h // 4) * (w // 4), 128), nn.ReLU())
        else:
            self.body = nn.Sequential(nn.Flatten(), nn.Linear(flat_size(data_shape), 256), nn.ReLU(),
                                      nn.Linear(256, 128), nn.ReLU())
        self.dropout = nn.Dropout(0.3)
        self.head = nn.Linear(128, n_classes)

    def features(self, x: Tensor) -> Tensor:
        return self.body(x)

    def forward(self, x: Tensor) -> Tensor:
        return self.head(self.dropout(self.body(x)))

    @torch.no_grad()
    def predict(self, x: Tensor, batch: int = 1024) -> tuple[Tensor, Tensor]:
        """(labels, confidences) for a batch of samples, in eval mode."""
        with eval_mode(self):
            probs = torch.cat([torch.softmax(self(x[i:i + batch]), 1) for i in range(0, len(x), batch)])
        conf, labels = probs.max(1)
        return labels, conf
