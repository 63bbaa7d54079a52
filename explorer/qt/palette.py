"""Every colour the window draws with, named by what it shows.

Panels import their colours from here rather than writing literals, so one colour
means one thing across panels (red: a dead code, a rejected sample, the decoded
point; ERROR: errors, alerts and thresholds) and a change of palette is one edit.
Values are the strings and tuples pyqtgraph and Qt style sheets accept: "k"/"w",
"#rrggbb" or "#rgb", and (r, g, b, a) tuples for translucent brushes.
"""
from __future__ import annotations

import numpy as np
from PySide6 import QtGui

# -- surfaces and ink -------------------------------------------------------------------
PAPER = "w"                            # plot backgrounds; halos and text over coloured cells
PAPER_RGBA = (255, 255, 255, 255)      # the same white, for rasterised maps
INK = "k"                              # axes, outlines and marks
TRANSPARENT = (0, 0, 0, 0)

# -- text -------------------------------------------------------------------------------
TEXT_MUTED = "#555"                    # captions and secondary figures
TEXT_FAINT = "#777"                    # placeholders and hints
TEXT_DISABLED = "#999"                 # what does not apply (an inactive latent dimension)

# -- status -----------------------------------------------------------------------------
ERROR = "#b3261e"                      # errors, alerts, thresholds, "far from the data"
OK = "#2e7d32"                         # "near the data"
NOTIFICATION = {                       # level -> (background, text and border)
    "error": ("#fdecea", ERROR),
    "warning": ("#fff4e5", "#8a5300"),
    "info": ("#e8f1fd", "#1a4f8b"),
}

# -- categorical: matplotlib's tab10 ------------------------------------------------------
BLUE, ORANGE, GREEN, RED, PURPLE = "#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd"
BROWN, PINK, GREY, OLIVE, CYAN = "#8c564b", "#e377c2", "#7f7f7f", "#bcbd22", "#17becf"
CLASS_COLOURS = [BLUE, ORANGE, GREEN, RED, PURPLE, BROWN, PINK, GREY, OLIVE, CYAN]
CONTINUOUS_CMAP = "viridis"            # colouring points by a continuous value

# -- roles ------------------------------------------------------------------------------
ACCENT = BLUE                          # a panel's main series (curves, bars, generated points)
SELECTION = ORANGE                     # the selected code, in the histogram and on the codebook map
DEAD_CODE = RED
KEPT, REJECTED = GREEN, RED            # rejection sampling
DECODED_POINT = RED                    # a decoded 2-D point over the data
DATA_POINTS = (120, 120, 120, 60)      # training data under a decoded point
DATA_POINTS_LIGHT = (150, 150, 150, 50)   # training data under rejection's kept/rejected samples
OUTLINE = (60, 60, 60, 120)            # rings around the codebook map's points
GUIDE = "#999"                         # reference lines (K on the codes-used plot)
PATH = "#222222"                       # an interpolation path and its waypoints' rings
WAYPOINT = "#ffd54f"
DENOISE_ARROW = "#6a1b9a"              # noisy latent -> clean latent
DRAWN = "#00897b"                      # a drawn input on the map, and its posterior's ellipse
DRAWN_FILL = (0, 137, 123, 40)
PRIOR_MARK = "#ffeb3b"                 # the mixture prior's component means
COMPARED_RUN = GREY                    # another run's curve, dashed, beside this one's (GAN coverage)

# -- the GAN monitor's toy view ---------------------------------------------------------
DISCRIMINATOR_CMAP = "CET-D1"          # D(x) behind the points: blue (says fake) - white - red (says real)
REAL_POINTS = (0, 0, 0, 170)           # real data over its density
GENERATED_POINTS = (0, 150, 60, 170)   # G(z)
BEFORE_STEP_POINTS = (110, 110, 110, 110)   # G(z) before the last step of step mode, faint
NOISE_GRID_LINES = (60, 60, 60, 90)    # a regular grid of noise z after G
COLOUR_BAR_OUTLINE = "#666"
LEGEND_BACKGROUND = (255, 255, 255, 200)

LOSS_COLOURS = {                       # a loss part's colour, the same in every run
    "recon": BLUE, "kl": PURPLE, "d_loss": RED, "g_loss": BLUE,
    "d_real": GREEN, "d_fake": ORANGE, "commit": BROWN, "codebook": CYAN,
    "grad_norm_d": RED, "grad_norm_g": BLUE,
}
LOSS_FALLBACK = CLASS_COLOURS[:8]      # parts not named above, in turn


def with_alpha(colour: str, alpha: int) -> QtGui.QColor:
    """`colour` ("#rrggbb") with opacity `alpha` (0-255)."""
    c = QtGui.QColor(colour)
    c.setAlpha(alpha)
    return c


def category_colours(n: int) -> np.ndarray:
    """(n, 4) uint8: CLASS_COLOURS for up to ten categories, evenly spaced hues beyond."""
    import pyqtgraph as pg

    if n <= len(CLASS_COLOURS):
        cols = [pg.mkColor(c) for c in CLASS_COLOURS[:n]]
    else:
        cols = [pg.intColor(i, n, maxValue=220) for i in range(n)]
    return np.array([c.getRgb() for c in cols], np.uint8)


def code_colours(K: int) -> np.ndarray:
    """(K, 3) uint8, one per codebook entry: neighbouring indices get far-apart hues (golden-ratio steps)."""
    import colorsys

    hues = (np.arange(K) * 0.618033988749895) % 1.0
    light = 0.45 + 0.2 * ((np.arange(K) * 7) % 3) / 2
    return np.array([[int(255 * c) for c in colorsys.hls_to_rgb(h, l, 0.65)] for h, l in zip(hues, light)],
                    np.uint8)
