"""The GAN monitor moved to the package explorer.qt.panels.gan (a module per view). This
name stays only until explorer/qt/latent_docks.py imports from there; then delete it."""
from .gan import SNAPSHOT_MS, GanPanel  # noqa: F401
