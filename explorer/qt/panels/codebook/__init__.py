"""The Codebook tab: a VQ-VAE's codebook usage, code maps, codebook map and PixelCNN prior
(panel.py ties the sections together; each of the other modules draws one of them)."""
from .code_map import CodeGridView
from .panel import CodebookPanel
from .usage_histogram import UsageHistogram

__all__ = ["CodebookPanel", "CodeGridView", "UsageHistogram"]
