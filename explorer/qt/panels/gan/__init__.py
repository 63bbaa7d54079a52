"""The GAN monitor tab: the toy view, coverage curves and alerts of an adversarial run
(panel.py ties them together with step mode and the mitigations; each other module draws one)."""
from .alert_list import AlertList
from .coverage_curves import ALERT_SIGNALS, COVERAGE_KEYS, CoverageCurves, LabelsHeatmap
from .panel import SNAPSHOT_MS, GanPanel
from .toy_view_plot import ToyViewPlot, toy_arrays

__all__ = ["ALERT_SIGNALS", "COVERAGE_KEYS", "SNAPSHOT_MS", "AlertList", "CoverageCurves", "GanPanel",
           "LabelsHeatmap", "ToyViewPlot", "toy_arrays"]
