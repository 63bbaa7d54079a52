"""The codebook tab moved to the package explorer.qt.panels.codebook (a module per section).
This name stays only until explorer/qt/latent_docks.py imports from there; then delete it."""
from .codebook import CodebookPanel, CodeGridView, UsageHistogram  # noqa: F401
