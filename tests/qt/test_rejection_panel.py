"""The rejection-sampling panel on real runs, offscreen: a classifier pool re-split by the
threshold slider with no model work, discriminator rejection sampling on a ring8 GAN, and
one clear line for what cannot work."""
import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import numpy as np  # noqa: E402
import pytest  # noqa: E402

pytest.importorskip("pytestqt")
from PySide6 import QtCore  # noqa: E402

from conftest import train_cli  # noqa: E402
from explorer.core.gan.drs_view import RECORD_POINTS  # noqa: E402
from explorer.core.training.run_context import RunContext
from explorer.qt.app import make_app  # noqa: E402
from explorer.qt.jobs import Jobs  # noqa: E402
from explorer.qt.latent_session import LatentSession  # noqa: E402
from explorer.qt.main_window import LATENT_DOCKS, MainWindow  # noqa: E402
from explorer.qt.panels.rejection_panel import DRS, JOB, SHOWN, RejectionPanel  # noqa: E402


def train(out, *args):
    return str(train_cli(out, *args))


@pytest.fixture(scope="module")
def runs(tmp_path_factory):
    root = tmp_path_factory.mktemp("runs")
    return {
        "vae": train(root / "vae", "--model", "vae", "--dataset", "mnist5k", "--epochs", "1", "--hidden", "64",
                     "--latent-dim", "8", "--iwae-k", "1"),
        "gan": train(root / "gan", "--model", "gan", "--dataset", "ring8", "--steps", "300", "--hidden", "32,32",
                     "--maxout", "0"),
        "ae": train(root / "ae", "--model", "ae", "--dataset", "digits", "--epochs", "1", "--hidden", "32",
                    "--latent-dim", "4", "--iwae-k", "1"),
    }


@pytest.fixture
def panel(qtbot):
    make_app()
    jobs = Jobs()
    session = LatentSession(jobs)
    p = RejectionPanel(session)
    qtbot.addWidget(p)
    p.resize(700, 700)
    p.show()
    yield p
    jobs.shutdown()


def open_run(panel, path):
    panel.session.set_context(RunContext.open(path))


def draw(qtbot, panel, n):
    panel.n.setValue(n)
    assert panel.draw.isEnabled()
    qtbot.mouseClick(panel.draw, QtCore.Qt.LeftButton)
    assert panel.acceptance.text().startswith("drawing…")
    qtbot.waitUntil(lambda: not panel.session.jobs.busy(JOB), timeout=60_000)


def grid_size(view):
    pix = view.pixmap_source()
    return None if pix is None else (pix.width(), pix.height())


def test_classifier_pool_is_split_by_the_slider_without_model_work(qtbot, panel, runs):
    open_run(panel, runs["vae"])
    assert panel.method.count() == 1 and panel.method.currentData() == "classifier"
    assert panel.threshold == 0.80 and panel.n.value() == 256
    n = 200
    draw(qtbot, panel, n)
    pool = panel.pool
    assert pool is not None and len(pool) == n and pool.samples.shape == (n, 1, 28, 28)
    conf = pool.confidence

    model = panel.session.model
    calls = []
    real_generate = model.generate
    model.generate = lambda *a, **k: calls.append(1) or real_generate(*a, **k)

    def check(t):
        sp = panel.split
        assert sp.threshold == pytest.approx(t)
        assert len(sp.kept) + len(sp.rejected) == n
        assert sorted(np.concatenate([sp.kept, sp.rejected]).tolist()) == list(range(n))
        np.testing.assert_array_equal(sp.kept, np.flatnonzero(conf >= t))
        assert (conf[sp.kept] >= t).all() and (conf[sp.rejected] < t).all()
        assert panel.acceptance.text() == (f"acceptance rate {len(sp.kept) / n:.0%} "
                                           f"({len(sp.kept)} of {n} kept)")
        assert f"kept (confidence ≥ {t:.2f})" in panel.kept_title.text()
        assert panel.rejected_title.text().startswith("rejected")
        for view, rows in ((panel.kept_grid, sp.kept), (panel.rejected_grid, sp.rejected)):
            assert (view.pixmap_source() is None) == (len(rows) == 0)
        x, y = panel.curve_line.getData()
        assert y[int(round(t * 100))] == pytest.approx(len(sp.kept) / n)
        assert panel.curve_marker.value() == pytest.approx(t)
        return sp

    check(0.80)
    panel.slider.setValue(0)
    sp = check(0.0)
    assert len(sp.kept) == n and panel.acceptance.text() == f"acceptance rate 100% ({n} of {n} kept)"
    assert panel.rejected_grid.pixmap_source() is None and panel.rejected_grid.text() == "none rejected"
    assert grid_size(panel.kept_grid) == (8 * 30 + 2,) * 2   # the first 64 of 200: 8 x 8 tiles of 28 + 2 px
    panel.slider.setValue(100)
    sp = check(1.0)
    assert set(sp.kept) == set(np.flatnonzero(conf == 1.0))
    median = int(np.median(conf) * 100) / 100
    panel.slider.setValue(int(round(median * 100)))
    sp = check(median)
    assert 0 < len(sp.kept) < n
    # kept and rejected grids have the same size, so a sample is the same size on either side
    assert grid_size(panel.kept_grid) == grid_size(panel.rejected_grid)
    assert min(len(sp.kept), SHOWN) * 28 * 28 <= grid_size(panel.kept_grid)[0] * grid_size(panel.kept_grid)[1]
    assert not calls and panel.pool is pool and not panel.session.jobs.busy()   # the slider drew nothing


def test_a_failing_draw_and_a_run_without_a_generator_give_one_line(qtbot, panel, runs):
    open_run(panel, runs["vae"])
    model = panel.session.model
    model.generate = lambda *a, **k: (_ for _ in ()).throw(RuntimeError("out of memory\nsecond line"))
    draw(qtbot, panel, 32)
    assert panel.pool is None and panel.message.text() == "Could not draw samples: out of memory"
    assert panel.draw.isEnabled()    # still usable
    del model.generate
    draw(qtbot, panel, 32)
    assert len(panel.pool) == 32 and "Could not" not in panel.message.text()

    open_run(panel, runs["ae"])    # a new run drops the old pool
    assert panel.pool is None and panel.split is None and panel.kept_grid.pixmap_source() is None
    assert not panel.draw.isEnabled() and "cannot generate" in panel.message.text()
    panel.draw_samples()            # even if asked: a message, no job
    assert not panel.session.jobs.busy(JOB) and "cannot generate" in panel.message.text()


def test_drs_on_a_ring8_gan_shows_kept_and_rejected_points(qtbot, panel, runs):
    open_run(panel, runs["gan"])
    methods = [panel.method.itemData(i) for i in range(panel.method.count())]
    assert methods == ["classifier", DRS] and panel.method.currentData() == DRS   # 2-D data: no classifier
    assert panel.views.currentIndex() == 1 and not panel.threshold_row.isVisibleTo(panel)
    n = 200
    draw(qtbot, panel, n)
    d = panel.drs
    assert d is not None and "Could not" not in panel.message.text()
    assert 0 < d.acceptance_rate <= 1 and d.acceptance_rate == pytest.approx(d.accepted / d.proposed)
    assert len(d.kept) == n and d.kept.shape[1] == 2
    assert len(panel.kept_points.samples.data) == len(d.kept)
    assert len(panel.rejected_points.samples.data) == len(d.rejected) > 0
    assert len(panel.kept_points.data_item.data) > 0      # the training data behind, in grey
    assert panel.acceptance.text().startswith(f"acceptance rate {d.acceptance_rate:.0%} "
                                              f"({d.accepted} of {d.proposed} candidates accepted")
    assert panel.kept_title.text() == f"kept by the discriminator: the first {n} accepted"
    assert "high quality" in panel.acceptance.text() and "modes" in panel.acceptance.text()
    assert 0 <= d.kept_modes["hq_fraction"] <= 1 and d.kept_modes["n_modes"] == 8
    # kept and rejected are disjoint sets of the candidates DRS judged
    cand = {tuple(r) for r in d.candidates.numpy().round(6)}
    kept = {tuple(r) for r in d.kept.numpy().round(6)}
    rejected = {tuple(r) for r in d.rejected.numpy().round(6)}
    assert kept <= cand and rejected <= cand and not kept & rejected
    # the panel keeps every candidate it judged, up to a bound, and all it turned down up to the same
    assert len(d.rejected) == min(d.proposed - d.accepted, RECORD_POINTS)
    assert len(d.candidates) == min(d.proposed, RECORD_POINTS)

    panel.method.setCurrentIndex(0)    # the classifier: there is none for 2-D points
    assert panel.drs is None and not panel.draw.isEnabled()
    assert "No classifier for ring8" in panel.message.text()
    panel.draw_samples()
    assert not panel.session.jobs.busy(JOB) and "No classifier for ring8" in panel.message.text()


def test_the_window_docks_the_panel_on_its_session(qtbot, tmp_path, runs):
    make_app()
    settings = QtCore.QSettings(str(tmp_path / "settings.ini"), QtCore.QSettings.IniFormat)
    win = MainWindow(settings=settings, runs_root=tmp_path, restore=False, map_service=False,
                     open_run=runs["vae"])
    qtbot.addWidget(win)
    win.show()
    qtbot.waitUntil(lambda: win.is_ready, timeout=60_000)
    try:
        panel = win.latent_docks["Rejection sampling"]
        assert "Rejection sampling" in LATENT_DOCKS and isinstance(panel, RejectionPanel)
        assert win.docks["Rejection sampling"].widget() is panel and panel.session is win.latent_session
        assert panel.draw.isEnabled() and "mnist5k classifier" in panel.message.text()
        panel.n.setValue(16)
        panel.draw.click()
        qtbot.waitUntil(lambda: panel.pool is not None, timeout=60_000)
        assert len(panel.pool) == 16
        win.open_run(runs["gan"])     # another run: the pool goes
        assert panel.pool is None and panel.method.currentData() == DRS
    finally:
        win.close()
