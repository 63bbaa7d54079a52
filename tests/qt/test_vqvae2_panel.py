"""A VQ-VAE-2 in the codebook tab, in the real window as a user moves: both levels' usage, code
grids and editor through the level selector; two images with their levels swapped; and the
priors one level at a time, from the VQ-VAE-2's run to the top level's to the bottom level's,
which samples images."""
import numpy as np
import pytest

pytest.importorskip("pytestqt")

import conftest  # noqa: E402
from conftest import train_cli as train  # noqa: E402
from explorer.core.training.run_context import RunContext  # noqa: E402

SMALL = ["--pixelcnn-layers", "2", "--pixelcnn-channels", "8", "--epochs", "1"]


@pytest.fixture(scope="module")
def runs(tmp_path_factory):
    root = tmp_path_factory.mktemp("runs")
    vq2 = train(root / "vq2", "--model", "vqvae2", "--dataset", "mnist5k", "--codebook-size", "16",
                "--top-codebook-size", "8", "--code-dim", "8", "--epochs", "1")
    top = train(root / "vq2-top", "--model", "pixelcnn", "--run", str(vq2), "--level", "top", *SMALL)
    bottom = train(root / "vq2-bottom", "--model", "pixelcnn", "--run", str(vq2), "--level", "bottom",
                   "--top-prior", str(top), *SMALL)
    return {"root": root, "vq2": vq2, "top": top, "bottom": bottom}


def open_codebook(qtbot, tmp_path, runs, run):
    win = conftest.open_window(qtbot, tmp_path, runs["root"], runs[run])
    win.views.setCurrentWidget(win.codebook_panel)
    return win, win.codebook_panel


def wait_grids(qtbot, p):
    qtbot.waitUntil(lambda: p.grids is not None and not p.jobs.busy(), timeout=60_000)


def picture(img):
    pix = img.pixmap_source()
    return pix is not None and not pix.isNull()


def test_both_levels_in_the_codebook_tab_and_their_swap(qtbot, tmp_path, runs):
    win, p = open_codebook(qtbot, tmp_path, runs, "vq2")
    try:
        assert p.level_row.isVisibleTo(p) and p.swap.isVisibleTo(p)
        wait_grids(qtbot, p)
        assert p.grids.grid_shape == (7, 7) and p.grids.K == 16 and len(p.hist.counts) == 16
        assert p.new_code.maximum() == 15
        swapped = [img.pixmap_source().toImage() for img in p.swap.images]
        assert all(picture(img) for img in p.swap.images)

        # the top level: its own codebook, grids and usage line
        p.level_choice.setCurrentIndex(p.level_choice.findData("top"))
        assert p.level == "top" and p.grids is None
        wait_grids(qtbot, p)
        assert p.grids.grid_shape == (4, 4) and p.grids.K == 8 and len(p.hist.counts) == 8
        counts, record = p.latest_usage()
        assert record is None or record.get("level") == "top" or "top_code_usage" in record
        assert len(counts) == 8
        # a top cell edited: decoded again with the input's own bottom codes
        before = p.editor.decoded.clone()
        p.grid_view.cell_clicked.emit(0, 0)
        p.set_cell(0, 0, (p.editor.code_at(0, 0) + 1) % 8)
        assert p.editor.changed.sum() == 1 and not np.allclose(before.numpy(), p.editor.decoded.numpy())

        # the swap re-decodes at once when image B changes
        p.swap.b.setValue(5)
        assert p.swap.images[1].pixmap_source().toImage() != swapped[1]

        p.level_choice.setCurrentIndex(p.level_choice.findData("bottom"))
        wait_grids(qtbot, p)
        assert p.grids.grid_shape == (7, 7)
        # a one-level run afterwards: no level row, no swap
        assert win.open_run(str(conftest.ROOT / "checkpoints" / "demo-vqvae"))
        wait_grids(qtbot, p)
        assert not p.level_row.isVisibleTo(p) and not p.swap.isVisibleTo(p) and p.grids.grid_shape == (7, 7)
    finally:
        win.close()


def test_priors_level_by_level_from_the_panel(qtbot, tmp_path, runs):
    win, p = open_codebook(qtbot, tmp_path, runs, "vq2")
    try:
        assert p.train_prior.isVisibleTo(p) and "top-level" in p.train_prior.text()
        spec = win.session.prior_spec(runs["root"], {"epochs": 1})
        assert spec.model_overrides["prior_level"] == "top" and spec.vq_run == str(runs["vq2"])

        assert win.open_run(str(runs["top"]))
        wait_grids(qtbot, p)
        assert p.train_prior.isVisibleTo(p) and "bottom-level" in p.train_prior.text()
        assert not p.sample_prior.isVisibleTo(p)
        spec = win.session.prior_spec(runs["root"], {"epochs": 1})
        assert spec.model_overrides["prior_level"] == "bottom"
        assert spec.model_overrides["top_prior_run"] == str(runs["top"])
        assert spec.vq_run == str(runs["vq2"].resolve())

        assert win.open_run(str(runs["bottom"]))
        wait_grids(qtbot, p)
        assert p.sample_prior.isVisibleTo(p) and not p.train_prior.isVisibleTo(p)
        qtbot.waitUntil(lambda: not p.jobs.busy("prior") and picture(p.prior_img), timeout=60_000)
        assert p.level_row.isVisibleTo(p)    # the prior's VQ-VAE-2, level by level
    finally:
        win.close()


def test_eval_and_rejection_sampling_take_the_two_level_prior(runs):
    from explorer.core.sampling.rejection import classifier_for, draw_pool

    ctx = RunContext.open(runs["bottom"])
    pool = draw_pool(ctx.loaded.model, 8, classifier_for(ctx.data()), seed=0)
    assert len(pool) == 8 and pool.split(0.0).acceptance_rate == 1.0
