"""A newcomer's whole journey through the real window (explorer/bench/journey.py, without its
UMAP step): functional assertions only, the stalls are the benchmark's to report."""
from __future__ import annotations

import multiprocessing

from explorer.bench.journey import run_journey


def test_a_newcomers_journey_holds_together(qtbot, tmp_path):
    result = run_journey(short=True, tmp=tmp_path)
    for step in result["steps"]:
        assert "error" not in step, step
        assert "timed_out_waiting_for" not in step, step
        assert step["panels_on_current_run"], step   # after each switch, every visible panel shows the run
    assert result["trained_run_mapped_in_the_window"], "a run trained in the window has its map without leaving it"
    assert result["close"]["said_stopping_at_once"]
    assert result["close"]["child_processes_left"] == 0
    assert multiprocessing.active_children() == []
