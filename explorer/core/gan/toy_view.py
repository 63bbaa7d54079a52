"""What the GAN toy-data view draws (in the spirit of GAN Lab, on the user's own
model): the real density, the generated samples, the discriminator's output as
a heat map behind them, and how the generator deforms a regular grid of noise.

Arrays only, cheap enough to recompute for every redraw; the grid points,
the fixed noise and the density are computed once. Images are
row-major, (ny, nx), row 0 at the bottom (y_min): pyqtgraph's ImageItem with
axisOrder="row-major", placed on the rectangle `extent`.

Packing: D (PacGAN, m > 1) judges packs of m samples. A heat-map point is judged
as a pack of m copies of itself, as drs.py judges single candidates (measured
there to rank samples better than packing them with real ones), so the map is
a function of the position alone. With minibatch-std, D's output also depends
on the batch it sees: here the whole grid, so the map shows D's view of each
position, not its exact training-time output.
"""
from __future__ import annotations

import numpy as np
import torch

from models import ADVERSARIAL
from models.nets import eval_mode

N_SAMPLES = 2500
NOISE_RADIUS = 3.0   # the noise grid spans +-3 standard deviations of N(0, I)


def data_extent(data, pad: float = 0.1) -> tuple[float, float, float, float]:
    """(x_min, x_max, y_min, y_max): a square around the training points, `pad` of its side to spare."""
    x = data.train_x.numpy()
    lo, hi = x.min(0), x.max(0)
    centre, half = (lo + hi) / 2, float((hi - lo).max()) / 2 * (1 + 2 * pad)
    return (float(centre[0] - half), float(centre[0] + half), float(centre[1] - half), float(centre[1] + half))


def grid_centres(extent, resolution: int) -> tuple[np.ndarray, np.ndarray]:
    """The x and y coordinates of the centres of a resolution x resolution grid of cells."""
    x0, x1, y0, y1 = extent
    step_x, step_y = (x1 - x0) / resolution, (y1 - y0) / resolution
    return (x0 + step_x * (np.arange(resolution) + 0.5), y0 + step_y * (np.arange(resolution) + 0.5))


def real_density(data, extent, resolution: int = 64) -> np.ndarray:
    """(ny, nx) density of the training points, integrated over each cell (a narrow
    mode such as ring8's, sigma 0.01, is smaller than a cell: sampling the analytic
    density at cell centres would miss it)."""
    x0, x1, y0, y1 = extent
    x = data.train_x.numpy()
    h, _, _ = np.histogram2d(x[:, 1], x[:, 0], bins=resolution, range=[[y0, y1], [x0, x1]], density=True)
    return h.astype(np.float32)


class ToyView:
    """Everything fixed about one toy view; call `heatmap`, `samples` and `noise_grid`
    with the current model at every redraw."""

    def __init__(self, data, resolution: int = 64, noise_lines: int = 21, seed: int = 0,
                 extent: tuple | None = None):
        if data.kind != "points" or tuple(data.shape) != (2,):
            raise ValueError(f"the toy view needs 2-D points; {data.name} is {data.kind} of shape {data.shape}")
        if resolution < 2 or noise_lines < 2:
            raise ValueError("resolution and noise_lines must be at least 2")
        self.data, self.resolution, self.noise_lines = data, resolution, noise_lines
        self.extent = tuple(extent) if extent is not None else data_extent(data)
        xs, ys = grid_centres(self.extent, resolution)
        gx, gy = np.meshgrid(xs, ys)
        self.points = torch.from_numpy(np.stack([gx.ravel(), gy.ravel()], 1).astype(np.float32))
        self.seed = seed
        u = torch.linspace(-NOISE_RADIUS, NOISE_RADIUS, noise_lines)
        zy, zx = torch.meshgrid(u, u, indexing="ij")
        self.z_grid = torch.stack([zx, zy], -1).reshape(-1, 2)
        self._density: np.ndarray | None = None
        self._z: dict = {}

    def density(self) -> np.ndarray:
        if self._density is None:
            self._density = real_density(self.data, self.extent, self.resolution)
        return self._density

    @torch.no_grad()
    def heatmap(self, model, logits: bool = False) -> np.ndarray:
        """(ny, nx) float32 D(x) = sigmoid(logit) at each cell centre; the logit itself
        with `logits` (a trained D is near 0 or 1 almost everywhere)."""
        if ADVERSARIAL not in model.capabilities:
            raise ValueError(f"{model.cfg.model} has no discriminator to draw")
        with eval_mode(model):
            logit = model.single_logits(self.points.to(model.device))
        out = logit if logits else torch.sigmoid(logit)
        return out.float().cpu().numpy().reshape(self.resolution, self.resolution)

    @torch.no_grad()
    def samples(self, model, z: torch.Tensor | None = None) -> np.ndarray:
        """(n, 2) float32 G(z) for the view's fixed noise (or the z given)."""
        if z is None:
            dim = model.latent.dim
            if dim not in self._z:
                self._z[dim] = torch.randn(N_SAMPLES, dim, generator=torch.Generator().manual_seed(self.seed + 1))
            z = self._z[dim]
        with eval_mode(model):
            return model.decode(z.to(model.device)).float().cpu().numpy()

    @torch.no_grad()
    def noise_grid(self, model) -> np.ndarray:
        """(n, n, 2) float32: entry [i, j] is G(z) for z = (u[j], u[i]), u evenly spaced
        over +-3; rows [i, :] and columns [:, j] are the deformed grid lines."""
        if model.latent.dim != 2:
            raise ValueError(f"the noise grid needs a 2-D latent; this {model.cfg.model} has "
                             f"{model.latent.dim} dimensions")
        with eval_mode(model):
            out = model.decode(self.z_grid.to(model.device)).float().cpu().numpy()
        return out.reshape(self.noise_lines, self.noise_lines, 2)
