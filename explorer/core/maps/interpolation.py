"""Paths through latent space and the strips of images decoded along them.

Linear and spherical interpolation (slerp, as White (2016) "Sampling Generative
Networks" recommends for Gaussian priors, where linear midpoints have
unusually small norms), paths through two or more waypoints with N frames in
all, freehand 2-D paths resampled by arc length, and export of the decoded
strip as a PNG and as a looping animated GIF.
"""
from __future__ import annotations

import io
from pathlib import Path

import numpy as np
import torch

from explorer.core.data.images import grid, png_bytes, to_uint8
from explorer.core.runs import atomic_write_bytes
from models.nets import eval_mode

MODES = ("linear", "slerp")


def lerp(z0, z1, t) -> np.ndarray:
    """(len(t), d) points z0 + t (z1 - z0)."""
    z0, z1 = np.asarray(z0, np.float64), np.asarray(z1, np.float64)
    t = np.atleast_1d(np.asarray(t, np.float64))[:, None]
    return z0 + t * (z1 - z0)


def slerp(z0, z1, t) -> np.ndarray:
    """(len(t), d) points along the great circle from z0 to z1 about the origin, the norm
    interpolated linearly; falls back to lerp where the angle or a norm is (nearly) zero."""
    z0, z1 = np.asarray(z0, np.float64), np.asarray(z1, np.float64)
    t = np.atleast_1d(np.asarray(t, np.float64))[:, None]
    n0, n1 = np.linalg.norm(z0), np.linalg.norm(z1)
    if n0 < 1e-12 or n1 < 1e-12:
        return lerp(z0, z1, t[:, 0])
    cos = np.clip(z0 @ z1 / (n0 * n1), -1.0, 1.0)
    omega = np.arccos(cos)
    if np.sin(omega) < 1e-6:
        return lerp(z0, z1, t[:, 0])
    u0, u1 = z0 / n0, z1 / n1
    direction = (np.sin((1 - t) * omega) * u0 + np.sin(t * omega) * u1) / np.sin(omega)
    return direction * ((1 - t) * n0 + t * n1)


def segment_frames(lengths: np.ndarray, n_frames: int) -> np.ndarray:
    """Frames per segment (each at least 1) for n_frames in all, the first waypoint included:
    proportional to the segment lengths, by largest remainder."""
    lengths = np.asarray(lengths, np.float64)
    m = len(lengths)
    spare = n_frames - 1 - m
    if spare < 0:
        raise ValueError(f"a path through {m + 1} waypoints needs at least {m + 1} frames, got {n_frames}")
    share = lengths / lengths.sum() * spare if lengths.sum() > 0 else np.full(m, spare / m)
    counts = np.floor(share).astype(int)
    counts[np.argsort(-(share - counts), kind="stable")[:spare - counts.sum()]] += 1
    return counts + 1


def path_through(waypoints, n_frames: int, mode: str = "linear") -> np.ndarray:
    """(n_frames, d) latents from the first waypoint to the last, passing through every
    waypoint; frames are shared out between segments by their lengths in latent space."""
    if mode not in MODES:
        raise ValueError(f"unknown interpolation {mode!r}; valid: {', '.join(MODES)}")
    w = np.asarray(waypoints, np.float64)
    if w.ndim != 2 or len(w) < 2:
        raise ValueError(f"a path needs at least 2 waypoints as a (k, d) array, got shape {w.shape}")
    if not np.isfinite(w).all():
        raise ValueError("waypoints contain NaN or infinite values")
    per_segment = segment_frames(np.linalg.norm(np.diff(w, axis=0), axis=1), n_frames)
    step = slerp if mode == "slerp" else lerp
    frames = [w[:1]]
    for (a, b), count in zip(zip(w[:-1], w[1:]), per_segment):
        frames.append(step(a, b, np.arange(1, count + 1) / count))
    return np.concatenate(frames)


def resample_by_arc_length(points, n: int) -> np.ndarray:
    """(n, 2) points evenly spaced along a freehand polyline (e.g. mouse positions)."""
    p = np.asarray(points, np.float64).reshape(-1, 2)
    if n < 2:
        raise ValueError(f"resampling needs at least 2 points, got {n}")
    keep = np.concatenate([[True], np.linalg.norm(np.diff(p, axis=0), axis=1) > 0])
    p = p[keep]
    if len(p) < 2:
        raise ValueError("a path needs at least two distinct points")
    s = np.concatenate([[0.0], np.cumsum(np.linalg.norm(np.diff(p, axis=0), axis=1))])
    targets = np.linspace(0.0, s[-1], n)
    return np.column_stack([np.interp(targets, s, p[:, 0]), np.interp(targets, s, p[:, 1])])


def lift_path(lifter, points, n: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """A freehand map path as (map points (n, 2), latents (n, d), off-manifold (n,))."""
    resampled = resample_by_arc_length(points, n)
    latents, off = lifter.lift_many(resampled)
    return resampled, latents, off


@torch.no_grad()
def decode_frames(model, latents, labels=None, batch: int = 256) -> torch.Tensor:
    """Decode latents (n, d) in eval mode; `labels` (an int or n of them) for conditional models."""
    z = torch.as_tensor(np.asarray(latents), dtype=torch.float32)
    y = None
    if labels is not None:
        y = model.condition_labels(len(z), labels if isinstance(labels, int) else list(np.asarray(labels)))
    with eval_mode(model):
        out = [model.decode(z[i:i + batch].to(model.device), None if y is None else y[i:i + batch])
               for i in range(0, len(z), batch)]
    return torch.cat(out).cpu()


def _check_images(frames: torch.Tensor) -> None:
    if frames.dim() != 4:
        raise ValueError(f"a strip needs decoded images (n, C, H, W), got shape {tuple(frames.shape)}: "
                         f"2-D point models draw their paths on the map instead")
    if len(frames) == 0:
        raise ValueError("a strip needs at least one frame")


def strip_image(frames: torch.Tensor, per_row: int | None = None) -> np.ndarray:
    """The decoded frames side by side (one row unless per_row is given), uint8 (H, W, 3)."""
    _check_images(frames)
    return grid(frames, nrow=per_row or len(frames))


def save_strip_png(frames: torch.Tensor, path, per_row: int | None = None, scale: int = 2) -> Path:
    path = Path(path)
    atomic_write_bytes(path, png_bytes(strip_image(frames, per_row), scale), durable=False)
    return path


PROGRESS_BAR_PX = 4


def gif_frames(frames: torch.Tensor, scale: int = 4) -> list:
    """PIL images for a GIF: each decoded frame enlarged, above a thin bar showing how far
    along the path it is. The bar also keeps consecutive frames distinct (it grows by at
    least a pixel a frame: the scale is raised for paths longer than the image is wide);
    Pillow merges identical consecutive frames, which would lose frames of a path whose
    decodes do not change (e.g. a VQ-VAE's codes staying the same)."""
    from PIL import Image

    _check_images(frames)
    imgs = to_uint8(frames)
    if imgs.shape[-1] == 1:
        imgs = np.repeat(imgs, 3, -1)
    n, h, w, _ = imgs.shape
    scale = max(1, int(scale), -(-n // w))
    width = w * scale
    out = []
    for i, img in enumerate(imgs):
        canvas = np.full((h * scale + PROGRESS_BAR_PX, width, 3), 40, np.uint8)
        canvas[:h * scale] = img.repeat(scale, 0).repeat(scale, 1)
        canvas[h * scale:, :round(width * (i + 1) / n)] = (230, 160, 40)
        out.append(Image.fromarray(canvas))
    return out


def save_gif(frames: torch.Tensor, path, frame_ms: int = 100, scale: int = 4, bounce: bool = False) -> Path:
    """An animated GIF, one frame per decoded image, looping forever. `bounce` plays the path
    forward then back."""
    if frame_ms < 10:
        raise ValueError(f"frame duration must be at least 10 ms (the GIF format counts hundredths), "
                         f"got {frame_ms}")
    images = gif_frames(frames, scale)
    if bounce and len(images) > 2:
        images = images + images[-2:0:-1]
    buf = io.BytesIO()
    images[0].save(buf, format="GIF", save_all=True, append_images=images[1:], duration=int(frame_ms),
                   loop=0, disposal=1)
    path = Path(path)
    atomic_write_bytes(path, buf.getvalue(), durable=False)
    return path
