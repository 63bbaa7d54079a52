"""Where runs live: the demo runs that ship with the program, and the folder new runs go to.

In a checkout both are checkpoints/ (README, "Demo runs"). Installed with pip, the demos are
data files under <prefix>/share/latent-explorer/checkpoints (read, never written into) and new
runs go to the user's data folder.
"""
from __future__ import annotations

import os
import sys
from pathlib import Path

CHECKOUT_RUNS = Path(__file__).resolve().parents[2] / "checkpoints"
INSTALLED_RUNS = Path(sys.prefix) / "share" / "latent-explorer" / "checkpoints"
DEMO_RUN = "demo-vae"


def shipped_runs_dir() -> Path:
    """The folder holding the shipped demo runs."""
    return CHECKOUT_RUNS if CHECKOUT_RUNS.is_dir() else INSTALLED_RUNS


def user_runs_dir() -> Path:
    """Where new runs go: checkpoints/ in a checkout, else the user's data folder."""
    if CHECKOUT_RUNS.is_dir():
        return CHECKOUT_RUNS
    base = os.environ.get("XDG_DATA_HOME") or os.path.expanduser("~/.local/share")
    return Path(base) / "latent-explorer" / "runs"
