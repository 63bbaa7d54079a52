"""The codebook panel in the real window, offscreen: live usage during a real VQ-VAE run,
restart now, the code map (click a cell, change it, re-decode), the codebook map, and a
PixelCNN prior trained from the panel and sampled in it."""
import json

import numpy as np
import pytest
import torch

pytest.importorskip("pytestqt")
from PySide6 import QtCore, QtWidgets  # noqa: E402

import conftest  # noqa: E402
from conftest import ROOT, train_cli as train  # noqa: E402
from explorer.core import runs as R  # noqa: E402
from explorer.core.training.worker import WorkerSpec
from explorer.qt.app import make_app  # noqa: E402

K = 64




@pytest.fixture(scope="module")
def runs(tmp_path_factory):
    root = tmp_path_factory.mktemp("runs")
    vq = train(root / "vq", "--model", "vqvae", "--dataset", "mnist5k", "--codebook-size", str(K),
               "--epochs", "2", "--code-dim", "16")
    prior = train(root / "vq-pixelcnn", "--model", "pixelcnn", "--run", str(vq), "--epochs", "1",
                  "--pixelcnn-layers", "2", "--pixelcnn-channels", "16", "--conditional")
    return {"root": root, "vq": vq, "prior": prior}


def open_window(qtbot, tmp_path, root, run):
    win = conftest.open_window(qtbot, tmp_path, root, run)
    win.views.setCurrentWidget(win.codebook_panel)
    return win


@pytest.fixture
def window(qtbot, tmp_path, runs):
    win = open_window(qtbot, tmp_path, runs["root"], runs["vq"])
    yield win
    win.close()


def wait_grids(qtbot, panel):
    qtbot.waitUntil(lambda: panel.grids is not None and not panel.jobs.busy(), timeout=60_000)


def scene_click(qtbot, view, vb, x, y):
    """A real mouse click at data coordinates (x, y) of view box `vb` in graphics view `view`.
    The view box's range and the layout are settled first: a plot given new data auto-ranges
    at its next paint, and a point mapped before that lands where the old range put it."""
    QtWidgets.QApplication.processEvents()
    vb.prepareForPaint()
    pos = view.mapFromScene(vb.mapViewToScene(QtCore.QPointF(x, y)))
    qtbot.mouseClick(view.viewport(), QtCore.Qt.LeftButton, pos=pos)


def usage_records(run):
    records, _ = R.read_metrics(run / R.METRICS)
    return records


def test_the_codebook_card_shows_the_perplexity_and_the_vq_loss(qtbot, window, runs):
    from explorer.core.training.evaluation import perplexity

    p = window.codebook_panel
    wait_grids(qtbot, p)
    p.usage.card.button.click()
    text = p.usage.card.card.text()
    records = usage_records(runs["vq"])
    last = [r for r in records if r["kind"] == "epoch"][-1]
    assert f"perplexity = <b>{perplexity(np.array(last['code_usage'])):.1f}</b>" in text
    assert "The VQ-VAE loss" in text and "commitment <b>" in text and "At step" in text


def test_histogram_shows_the_runs_latest_usage_with_dead_codes_marked(qtbot, window, runs):
    p = window.codebook_panel
    assert p.stack.currentIndex() == 1
    wait_grids(qtbot, p)
    # a finished run: the last epoch's usage over all its assignments (newer than any "usage" line)
    records = usage_records(runs["vq"])
    assert max(r["step"] for r in records if r["kind"] == "usage") <= records[-1]["step"]
    last = [r for r in records if r["kind"] == "epoch"][-1]
    counts = np.array(last["code_usage"])
    assert "over all of epoch 2" in p.usage_title.text()
    np.testing.assert_array_equal(p.hist.counts, counts)
    heights = p.hist.curve.opts["height"]
    np.testing.assert_array_equal(heights, np.sort(counts)[::-1])   # most used first
    dead = int((counts == 0).sum())
    assert (f"{dead} dead" in p.hist.dead_label.toPlainText()) == (dead > 0)
    assert f"{K - dead} of {K} codes used" in p.usage_title.text()
    p.log_scale.setChecked(True)
    np.testing.assert_allclose(p.hist.curve.opts["height"], np.log10(1 + np.sort(counts)[::-1]))
    # per-epoch curves: one point per epoch, the epochs' perplexity
    epochs = [r for r in usage_records(runs["vq"]) if r["kind"] == "epoch"]
    x, y = p.perplexity_curve.getData()
    assert len(x) == len(epochs) == 2
    np.testing.assert_allclose(y, [r["perplexity"] for r in epochs])
    # a click on a bar picks the code drawn there: the tallest, then one in the middle
    order = np.argsort(-counts, kind="stable")
    vb = p.hist.getPlotItem().vb
    used = K - dead
    for x in (0, used // 2):
        scene_click(qtbot, p.hist, vb, x + 0.5, 0.5)
        assert p.code == int(order[x])
        assert p.hist.selected.value() == x + 0.5
        assert f"code {p.code}:" in p.cell_info.text()


def test_code_map_click_a_cell_change_it_and_decode_again(qtbot, window):
    p = window.codebook_panel
    wait_grids(qtbot, p)
    p.index.setValue(7)
    model = window.context.loaded.model
    x = window.context.data().test_x[7:8]
    with torch.no_grad():
        codes = model.encode(x).indices[0]
    np.testing.assert_array_equal(p.grid_view.grid, codes.numpy())
    # a real click on cell (1, 2)
    scene_click(qtbot, p.grid_view, p.grid_view.vb, 2.5, 1.5)
    assert p.cell == (1, 2)
    code = int(codes[1, 2])
    uses = int((p.grids.codes == code).sum())
    assert f"code {code}:" in p.cell_info.text() and p.grids.uses(code).cells == uses
    assert p.top_img.pixmap_source() is not None
    # change the cell: the grid decodes again, at once, to the decoder's output for the new grid
    before = p.editor.decoded.clone()
    new = (code + 1) % K
    p.new_code.setValue(new)
    p.put.click()
    edited = codes.clone()
    edited[1, 2] = new
    np.testing.assert_array_equal(p.grid_view.grid, edited.numpy())
    with torch.no_grad():
        expected = model.decode_indices(edited[None])[0]
    torch.testing.assert_close(p.editor.decoded, expected)
    assert not torch.equal(before, p.editor.decoded)
    assert p.editor.changed.sum() == 1
    p.reset.click()
    np.testing.assert_array_equal(p.grid_view.grid, codes.numpy())


def test_codebook_map_sizes_by_use_and_a_click_shows_a_codes_uses(qtbot, window):
    p = window.codebook_panel
    wait_grids(qtbot, p)
    pts = p.cb_scatter.points()
    assert len(pts) == K
    sizes = np.array([pt.size() for pt in pts])
    used = p.grids.counts
    assert sizes[np.argmax(used)] == sizes.max()
    # a marker grows with its code's use: more use, larger; the same use, the same size (so
    # unused codes, where there are any, are the smallest) and each unused code, only those, an x
    order = np.argsort(used, kind="stable")
    more_use, larger = np.diff(used[order]), np.diff(sizes[order])
    assert np.all(larger >= 0) and np.array_equal(more_use > 0, larger > 0)
    assert [pt.symbol() == "x" for pt in pts] == (used == 0).tolist()
    # the most isolated used code: nothing else is drawn where the click lands
    c = p.cb_map.coords
    gaps = np.linalg.norm(c[:, None] - c[None], axis=-1) + np.eye(K) * 1e9
    k = int(np.argmax(np.where(used > 0, gaps.min(1), -1)))
    scene_click(qtbot, p.cb_plot, p.cb_plot.getPlotItem().vb, float(c[k, 0]), float(c[k, 1]))
    assert p.code == k
    u = p.grids.uses(k)
    assert f"code {k}: {u.share:.2%} of all grid cells, in {u.images:,}" in p.cell_info.text()


def test_live_run_updates_usage_and_restart_now_reseeds(qtbot, tmp_path, runs):
    win = open_window(qtbot, tmp_path, tmp_path / "runs", runs["vq"])
    p = win.codebook_panel
    try:
        assert not p.restart_now.isEnabled()        # not a run this window trains
        run = tmp_path / "runs" / "live"
        win.start_run(WorkerSpec(run_dir=str(run), model="vqvae", dataset="mnist5k",
                                 model_overrides={"codebook_size": 256, "code_dim": 16},
                                 train_overrides={"epochs": 50, "usage_every": 5}))
        qtbot.waitUntil(lambda: win.training_panel.state == "training", timeout=60_000)
        qtbot.waitUntil(lambda: p.vq is not None and p.hist.counts.sum() > 0, timeout=60_000)
        first = p.hist.counts.sum()
        qtbot.waitUntil(lambda: p.hist.counts.sum() != first, timeout=30_000)   # live: it keeps moving
        assert p.restart_now.isEnabled()
        p.restart_now.click()
        qtbot.waitUntil(lambda: "re-seeded" in p.message.text(), timeout=30_000)
        restarts = [r for r in usage_records(run) if r["kind"] == "restart"]
        assert restarts and f"re-seeded {restarts[-1]['codes']} dead codes" in p.message.text()
        p.auto_restart.setChecked(False)
        qtbot.waitUntil(lambda: any(r["kind"] == "setting" for r in usage_records(run)), timeout=30_000)
        assert [r for r in usage_records(run) if r["kind"] == "setting"][-1]["restarts"] is False
        win.stop_training()
        qtbot.waitUntil(lambda: win.worker is None, timeout=60_000)
        assert not p.restart_now.isEnabled()
    finally:
        win.close()


def test_prior_run_samples_and_a_prior_is_trained_from_the_panel(qtbot, tmp_path, runs):
    win = open_window(qtbot, tmp_path, tmp_path / "runs", runs["prior"])
    p = win.codebook_panel
    try:
        assert p.prior is not None and p.stack.currentIndex() == 1
        assert p.sample_prior.isVisibleTo(p) and not p.train_prior.isVisibleTo(p)
        qtbot.waitUntil(lambda: p.prior_img.pixmap_source() is not None, timeout=60_000)
        assert p.prior_class.count() == 11     # every class, and each of the ten
        p.prior_class.setCurrentIndex(4)
        p.sample_prior.click()
        qtbot.waitUntil(lambda: p.prior_img.pixmap_source() is not None, timeout=60_000)
        # from the VQ-VAE run: the button starts a prior's run over its codes
        assert win.open_run(str(runs["vq"]))
        assert p.train_prior.isVisibleTo(p)
        p.prior_epochs.setValue(1)
        p.train_prior.click()
        qtbot.waitUntil(lambda: win.context is not None and win.context.path.name == "vq-pixelcnn", timeout=60_000)
        cfg = json.loads((tmp_path / "runs" / "vq-pixelcnn" / "config.json").read_text())
        assert cfg["model"]["model"] == "pixelcnn" and cfg["model"]["vq_run"] == str(runs["vq"].resolve())
        assert cfg["model"]["pixelcnn_conditional"] is True
        win.stop_training()
        qtbot.waitUntil(lambda: win.worker is None, timeout=90_000)
    finally:
        win.close()


def test_other_runs_show_the_placeholder(qtbot, tmp_path, runs):
    win = open_window(qtbot, tmp_path, runs["root"], ROOT / "checkpoints" / "demo-vae")
    try:
        assert win.codebook_panel.stack.currentIndex() == 0
        assert win.open_run(str(runs["vq"]))
        assert win.codebook_panel.stack.currentIndex() == 1
    finally:
        win.close()


# -- the first load: the records at once, the rest in the background -------------------------

def shipped(name):
    from explorer.core.training.run_context import RunContext
    return RunContext.open(ROOT / "checkpoints" / name)


@pytest.fixture
def panel(qtbot):
    from explorer.qt.panels.codebook import CodebookPanel

    make_app()
    p = CodebookPanel()
    qtbot.addWidget(p)
    p.resize(1000, 700)
    p.show()
    yield p
    p.jobs.shutdown()


def drain(qtbot, jobs):
    """Wait until every job submitted to `jobs` so far has run (one worker: they run in turn)."""
    done = []
    jobs.submit("drain", lambda: None, lambda _: done.append(True))
    qtbot.waitUntil(lambda: bool(done), timeout=60_000)


def test_a_run_shown_draws_its_usage_at_once_and_its_code_grids_in_the_background(qtbot, panel):
    ctx = shipped("demo-vqvae")
    panel.set_context(ctx)
    # at once: the usage its records hold, and a progress line for the rest
    K = ctx.loaded.model.latent.codebook_size
    assert panel.stack.currentIndex() == 1 and f"of {K:,} codes used" in panel.usage_title.text()
    assert len(panel.hist.counts) == K
    assert panel.grids is None and panel.jobs.busy("grids")
    assert panel.message.text().startswith(("Loading the dataset", "Counting code usage"))
    # the window answers meanwhile: a click on a bar shows the code, saying its uses come later
    panel.show_code(3)
    assert "appear once the images are encoded" in panel.cell_info.text()
    # then the grids, the codebook map and the chosen input's code map
    qtbot.waitUntil(lambda: panel.grids is not None, timeout=60_000)
    assert f"at step {ctx.loaded.step:,}" in panel.message.text()
    assert len(panel.cb_scatter.points()) == K
    assert panel.grid_view.grid is not None and panel.index.maximum() == len(ctx.data().test_x) - 1
    assert "code 3:" in panel.cell_info.text()      # its uses, now that they are counted


def test_a_result_computed_for_the_previous_run_is_not_shown(qtbot, panel):
    panel.set_context(shipped("demo-vqvae"))
    assert panel.jobs.busy("grids")
    panel.set_context(shipped("demo-vae"))       # not a VQ-VAE: the placeholder, nothing of the last run
    drain(qtbot, panel.jobs)                       # the first run's job has finished (or stopped)
    assert panel.stack.currentIndex() == 0 and panel.grids is None
    assert len(panel.cb_scatter.points()) == 0 and len(panel.hist.counts) == 0
    assert panel.grid_view.grid is None and panel.message.text() == ""

    panel.set_context(shipped("demo-vqvae"))
    prior = shipped("demo-pixelcnn")
    panel.set_context(prior)                       # switched again before the grids came
    qtbot.waitUntil(lambda: panel.grids is not None and not panel.jobs.busy(), timeout=60_000)
    drain(qtbot, panel.jobs)
    assert panel.context is prior and panel.grids.step == prior.loaded.step
    assert f"at step {prior.loaded.step:,}" in panel.message.text()
    qtbot.waitUntil(lambda: panel.prior_img.pixmap_source() is not None, timeout=60_000)
