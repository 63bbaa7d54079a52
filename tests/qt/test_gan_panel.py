"""The GAN monitor in the real window, offscreen, during a short real GAN run on ring8:
the toy view and coverage curves follow the run, alerts are listed, marked
and open the sample timeline, step mode moves only the network it names, and other
runs show a placeholder. The coverage metric itself (8 of 8 modes for ring8's own
samples, 1 of 8 for samples all at one mode) is tested in test_metrics.py."""
import numpy as np
import pytest
import torch

pytest.importorskip("pytestqt")
from PySide6 import QtCore, QtTest, QtWidgets  # noqa: E402

from conftest import ROOT, wait_until  # noqa: E402
from explorer.core import runs  # noqa: E402
from explorer.core.training.worker import WorkerSpec
from explorer.qt.app import make_app  # noqa: E402
from explorer.qt.main_window import MainWindow  # noqa: E402

# a small G and D (no batch norm, no maxout): ~10 ms a step on one thread here. Coverage
# every 20 steps; alerts with no warm-up, after two evaluations spanning 20 steps, so the
# first evaluations of a fresh G (fewer than 6 of 8 modes) raise one at step 40
TINY = {"hidden": (32, 32), "maxout": 0, "g_batchnorm": False}
TRAIN = {"steps": 20_000, "batch_size": 100, "eval_every": 20, "log_every": 10, "n_eval_samples": 500,
         "checkpoint_every_s": 1e6, "alert_warmup": 0, "alert_evals": 2, "alert_steps": 20}


@pytest.fixture(scope="module")
def live(tmp_path_factory):
    """One window and one real ring8 GAN run for the module, with the GAN monitor in view."""
    make_app()
    root = tmp_path_factory.mktemp("gan-panel")
    settings = QtCore.QSettings(str(root / "settings.ini"), QtCore.QSettings.IniFormat)
    win = MainWindow(settings=settings, runs_root=root / "runs", restore=False, map_service=False)
    win.resize(1400, 900)
    win.show()
    wait_until(lambda: win.is_ready, what="the window")
    win.views.setCurrentWidget(win.gan_panel)
    panel = win.gan_panel
    assert not any(b.isEnabled() for b in (panel.step_d, panel.step_g, panel.step_both))  # nothing trains
    run = root / "runs" / "ring8-gan"
    assert win.start_run(WorkerSpec(run_dir=str(run), model="gan", dataset="ring8", model_overrides=TINY,
                                    train_overrides=TRAIN, torch_threads=1))
    wait_until(lambda: win.training_panel.state == "training", what="training")
    win.timeline_panel.sample_now.emit()   # samples for the timeline now, near the first alert
    win.run_dir = run
    yield win
    if win.worker is not None and win.worker.running:
        win.worker.stop(timeout=30)
    win.close()


def samples_xy(panel) -> np.ndarray:
    x, y = panel.toy_plot.samples.getData()
    return np.stack([x, y], 1)


def logged(run, kind) -> list[dict]:
    return [r for r in runs.history(runs.read_metrics(run / runs.METRICS)[0]) if r["kind"] == kind]


def test_the_toy_view_and_coverage_follow_the_live_run(live):
    win, panel = live, live.gan_panel
    # a new run has no checkpoint yet: the monitor is shown all the same
    assert win.context.loaded is None and not (win.run_dir / runs.WEIGHTS).exists()
    assert panel.stack.currentIndex() == 1 and panel.wants_weights
    wait_until(lambda: panel.drawn_step is not None, what="the first drawing")
    assert samples_xy(panel).shape == (2500, 2)
    assert panel.toy_plot.heat.image is not None and panel.toy_plot.heat.image.shape == (64, 64)
    assert panel.toy_plot.density.image is not None and panel.toy_plot.density.image.max() > 0
    assert panel.toy_plot.grid_lines.getData()[0] is not None      # the noise grid, G's 2-D z
    first_step, first = panel.drawn_step, samples_xy(panel)
    assert f"at step {first_step:,}" in panel.toy_status.text()
    # fresh weights from the trainer are drawn again as it trains, and G has moved. The run saves
    # one checkpoint (at its first epoch's end): weights drawn at any other step are the trainer's
    def from_the_trainer():
        step = panel.drawn_step
        saved = {r["step"] for r in logged(win.run_dir, "checkpoint")}
        return step is not None and step >= first_step + 30 and step not in saved

    wait_until(from_the_trainer, what="a later snapshot of the trainer's weights")
    assert not np.allclose(samples_xy(panel), first)
    # the newest weights it holds (a snapshot, or a checkpoint that just landed) get drawn
    wait_until(lambda: panel.model_step == panel.drawn_step and not panel.busy, what="the newest weights drawn")

    # the coverage curves gain a point for each evaluation the run logs
    curve = panel.curves["modes_captured"][1]
    wait_until(lambda: curve.getData()[0] is not None and len(curve.getData()[0]) >= 3, what="3 evaluations")
    n = len(curve.getData()[0])
    wait_until(lambda: len(curve.getData()[0]) >= n + 2, what="more evaluations")
    # One refresh draws every curve from the evaluations polled so far; the log read now may hold
    # newer ones, so compare with the records up to the last step drawn. The reverse KL is
    # undefined (logged as null) while no sample lands near a mode, for hundreds of steps of a
    # fresh G: its curve has a point only where it is defined, and the plot says when none is.
    x, y = curve.getData()
    drawn = [r for r in runs.history(runs.read_metrics(win.run_dir / runs.METRICS)[0])
             if r["kind"] in ("eval", "epoch") and r["step"] <= x[-1]]
    assert [r["step"] for r in drawn] == list(x) and [r["modes_captured"] for r in drawn] == list(y)
    hx, hy = panel.curves["hq_fraction"][1].getData()
    assert list(hx) == list(x) and list(hy) == [r["hq_fraction"] for r in drawn]
    defined = [(r["step"], r["reverse_kl"]) for r in drawn if r.get("reverse_kl") is not None]
    kx, ky = panel.curves["reverse_kl"][1].getData()
    assert list(zip([] if kx is None else kx, [] if ky is None else ky)) == defined
    kl_title = panel.curves["reverse_kl"][0].titleLabel.text
    assert ("(undefined so far)" in kl_title) == (not defined), kl_title
    assert "modes captured" in panel.summary.text() and "of 8" in panel.summary.text()
    assert panel.step_d.isEnabled() and panel.step_g.isEnabled()
    # the concept cards: the game beside the toy view, coverage beside the curves, with live values
    panel.game_card.button.click()
    panel.coverage_card.button.click()
    wait_until(lambda: "D(x) on real data" in panel.game_card.card.text(), what="the game card's numbers")
    import re
    shown = re.search(r"At step ([\d,]+).*D\(x\) on real data = <b>([\d.]+)</b>", panel.game_card.card.text())
    d_real = panel.context.history.series["d_real"]   # the value logged at the step the card names
    at = int(shown.group(1).replace(",", ""))
    assert abs(float(d_real.y[list(d_real.x).index(at)]) - float(shown.group(2))) < 5e-4
    assert "D*(x)" in panel.game_card.card.text() and "of 8 modes captured" in panel.coverage_card.card.text()


def test_alerts_are_listed_marked_and_open_the_sample_timeline(live):
    win, panel = live, live.gan_panel
    # on-demand samples for the timeline: one at the start of the run, two later
    wait_until(lambda: len(win.timeline_panel.entries) >= 1, what="a timeline entry")
    for _ in range(2):
        last = win.timeline_panel.entries[-1].step
        wait_until(lambda: win.context.history.last_step >= last + 150, what="150 more steps")
        n = len(win.timeline_panel.entries)
        win.timeline_panel.sample_now.emit()
        wait_until(lambda: len(win.timeline_panel.entries) > n, what="another timeline entry")

    wait_until(lambda: panel.alerts.count() and panel.alerts.item(0).data(QtCore.Qt.UserRole) is not None,
               what="an alert")
    records = logged(win.run_dir, "alert")
    assert records and records[0]["step"] == 40 and records[0]["message"].startswith("mode collapse suspected")
    wait_until(lambda: panel.alerts.count() == len(logged(win.run_dir, "alert")), what="every alert listed")
    records = logged(win.run_dir, "alert")
    for i, r in enumerate(records):
        item = panel.alerts.item(i)
        assert item.data(QtCore.Qt.UserRole) == r["step"]
        assert item.text() == f"step {r['step']:,}: {r['message']}"
    # a marker at each alert's step on every coverage plot, and on the loss plots
    for plot, _, _, marks in panel.curves.values():
        assert sorted(m.value() for m in marks) == [r["step"] for r in records]
    win.views.setCurrentWidget(win.loss_panel)
    win.loss_panel.refresh(force=True)
    assert {"losses", "D outputs", "gradient norms"} <= set(win.loss_panel.plots)
    for marks in win.loss_panel._alert_marks.values():
        assert [m.value() for m in marks] == [r["step"] for r in records]
    # behind another tab the monitor is not redrawn; brought to the front it catches up at once
    curve, series = panel.curves["modes_captured"][1], win.context.history.epoch_series["modes_captured"]
    hidden_n = len(curve.getData()[0])
    wait_until(lambda: len(series) >= hidden_n + 2, what="two more evaluations")
    assert len(curve.getData()[0]) == hidden_n
    win.views.setCurrentWidget(panel)
    assert len(curve.getData()[0]) == len(series) >= hidden_n + 2

    # clicking the alert moves the timeline to the entry nearest its step
    entries = win.timeline_panel.entries
    assert win.timeline_panel.current_index == len(entries) - 1   # following the newest
    step = records[0]["step"]
    nearest = min(range(len(entries)), key=lambda k: abs(entries[k].step - step))
    assert nearest != len(entries) - 1
    rect = panel.alerts.visualItemRect(panel.alerts.item(0))
    QtTest.QTest.mouseClick(panel.alerts.viewport(), QtCore.Qt.LeftButton, pos=rect.center())
    assert win.timeline_panel.current_index == nearest
    assert f"step {entries[nearest].step}" in win.timeline_panel.position.text()
    shown = win.timeline_panel.scatter.getData()
    np.testing.assert_array_equal(np.stack(shown, 1), np.load(entries[nearest].path))


def test_step_mode_moves_only_the_network_it_names(live):
    win, panel = live, live.gan_panel
    tp, run = win.training_panel, win.run_dir
    QtTest.QTest.mouseClick(tp.pause_button, QtCore.Qt.LeftButton)
    wait_until(lambda: tp.state == "paused", what="the pause")
    assert panel.step_d.isEnabled() and panel.step_g.isEnabled() and panel.step_both.isEnabled()

    def checkpoint():
        """Save now, then read the checkpoint back: (step, G's and D's tensors)."""
        mtime = (run / runs.WEIGHTS).stat().st_mtime_ns if (run / runs.WEIGHTS).exists() else None
        QtTest.QTest.mouseClick(tp.save_button, QtCore.Qt.LeftButton)
        wait_until(lambda: (run / runs.WEIGHTS).exists() and (run / runs.WEIGHTS).stat().st_mtime_ns != mtime,
                   what="the checkpoint")
        state, meta = runs.load_weights(run / runs.WEIGHTS)
        return int(meta["step"]), {net: {k: v for k, v in state.items() if k.startswith(net + ".")} for net in "GD"}

    def settled(step):  # the trainer's weights at `step` are on screen and nothing else is asked for
        wait_until(lambda: panel.drawn_step == step and not panel.busy and not win.gan_link.requests.of(win.worker),
                   what=f"the view at step {step}")

    step0, w0 = checkpoint()
    settled(step0)    # a paused run: one snapshot of its weights is drawn
    seen = (samples_xy(panel), panel.toy_plot.heat.image.copy())

    for button, moved in ((panel.step_d, "D"), (panel.step_g, "G")):
        before_step, before_w = step0, w0
        QtTest.QTest.mouseClick(button, QtCore.Qt.LeftButton)
        settled(before_step + 1)
        assert tp.state == "paused"
        step0, w0 = checkpoint()
        assert step0 == before_step + 1
        for net in "GD":
            changed = any(not torch.equal(before_w[net][k], w0[net][k]) for k in w0[net])
            assert changed == (net == moved), f"Step {moved}: {net} {'did not move' if net == moved else 'moved'}"
        # the window drew exactly these weights
        live_state = panel.model.state_dict()
        assert all(torch.equal(live_state[k], v) for net in "GD" for k, v in w0[net].items())
        # D's map moves with D only, the samples with G only; the samples from before stay faintly
        samples, heat = samples_xy(panel), panel.toy_plot.heat.image
        bx, by = panel.toy_plot.before.getData()
        np.testing.assert_array_equal(np.stack([bx, by], 1), seen[0])
        assert np.array_equal(samples, seen[0]) == (moved == "D")
        assert np.array_equal(heat, seen[1]) == (moved == "G")
        assert f"one {moved} step" in panel.toy_status.text()
        seen = (samples, heat.copy())

    QtTest.QTest.mouseClick(tp.stop_button, QtCore.Qt.LeftButton)
    wait_until(lambda: win.worker is None, what="the run to stop")
    assert not any(b.isEnabled() for b in (panel.step_d, panel.step_g, panel.step_both))
    assert "while this run trains" in panel.step_hint.text()


def test_other_models_show_a_placeholder_and_gan_runs_the_monitor(live):
    win, panel = live, live.gan_panel
    if win.worker is not None and win.worker.running:
        win.worker.stop(timeout=30)
        wait_until(lambda: win.worker is None)
    assert win.open_run(str(ROOT / "checkpoints" / "demo-vae"))
    assert panel.stack.currentWidget() is panel.placeholder and not panel.wants_weights
    assert win.open_run(str(win.run_dir))
    assert panel.stack.currentIndex() == 1
    step = int(runs.load_weights(win.run_dir / runs.WEIGHTS)[1]["step"])
    wait_until(lambda: panel.drawn_step == step, what="the checkpoint drawn")   # its last checkpoint
    assert samples_xy(panel).shape == (2500, 2)
    assert panel.alerts.count() == len(logged(win.run_dir, "alert")) >= 1
    assert not panel.step_d.isEnabled()


def test_try_a_fix_trains_a_new_run_with_the_mitigations(live):
    win, panel = live, live.gan_panel
    if win.worker is not None and win.worker.running:
        win.worker.stop(timeout=30)
        wait_until(lambda: win.worker is None)
    assert win.open_run(str(win.run_dir))
    panel.pack.setValue(3)
    panel.mbstd.setChecked(True)
    panel.lr_d.setText("4e-4")
    go = next(b for b in panel.findChildren(QtWidgets.QPushButton) if b.text() == "Train it")
    QtTest.QTest.mouseClick(go, QtCore.Qt.LeftButton)
    fixed = win.run_dir.parent / f"{win.run_dir.name}-pack3"
    wait_until(lambda: win.training_panel.state == "training" and win.context.path == fixed, what="the new run")
    model_cfg, train_cfg, _ = runs.read_config(fixed)
    old_model, old_train, _ = runs.read_config(win.run_dir)
    assert (model_cfg.pack, model_cfg.minibatch_std, train_cfg.lr_d) == (3, True, 4e-4)
    assert model_cfg.hidden == old_model.hidden and train_cfg.eval_every == old_train.eval_every
    win.worker.stop(timeout=30)


def test_a_coverage_plot_with_one_point_spans_the_steps_from_zero():
    from explorer.qt.panels.gan.coverage_curves import single_point_ranges

    x_lo, x_hi, y_lo, y_hi = single_point_ranges([500], [4.0])
    assert x_lo == 0 and x_hi >= 500 and y_lo == 0 and y_hi > 4      # not 499.6..500.4
    assert single_point_ranges([0], [0.5])[:2] == (0, 10)             # integer ticks at step 0 too
    assert single_point_ranges([100, 200], [1, 2]) is None             # two steps: auto-range
    assert single_point_ranges([], []) is None
