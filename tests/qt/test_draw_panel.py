"""The Draw dock: what is drawn is encoded, marked on the map with its posterior, reconstructed,
and can join the interpolation path. The Reparameterise dock: z = mu + sigma * eps as a cloud on
the map for a VAE, one point for an autoencoder."""
import numpy as np
import pytest

pytest.importorskip("pytestqt")
from PySide6 import QtCore  # noqa: E402
from PySide6.QtTest import QTest  # noqa: E402

from explorer.core.places import shipped_runs_dir  # noqa: E402
from explorer.qt.main_window import MainWindow  # noqa: E402


@pytest.fixture
def window(qtbot, tmp_path):
    settings = QtCore.QSettings(str(tmp_path / "settings.ini"), QtCore.QSettings.IniFormat)
    win = MainWindow(settings=settings, runs_root=tmp_path / "runs", restore=False, map_service=False,
                     open_run=str(shipped_runs_dir() / "demo-vae"))
    qtbot.addWidget(win)
    win.resize(1366, 768)
    win.show()
    qtbot.waitUntil(lambda: win.is_ready, timeout=60_000)
    s = win.latent_session
    qtbot.waitUntil(lambda: s.map is not None and s.lifter is not None and s.points is not None
                    and not win.jobs.busy(), timeout=120_000)
    win.docks["Draw"].show()
    win.docks["Draw"].raise_()
    yield win
    win.close()


def test_a_drawn_copy_of_a_test_image_lands_on_that_image(window):
    s, panel = window.latent_session, window.latent_docks["Draw"]
    enc = s.points.encoded
    rows = np.flatnonzero(enc.split == 1) if (enc.split == 1).any() else np.arange(len(enc.index))
    row = int(rows[7])
    test_index = int(enc.index[row])
    assert panel.usable() is None
    panel.copy_test_image(test_index)
    np.testing.assert_allclose(panel.canvas.pixels, s.data.test_x[test_index][0].numpy(), atol=1e-6)
    # its diamond sits on the test image's own point; the VAE's posterior ellipse is around it
    point = s.map.coords[row]
    spread = np.ptp(s.map.coords, axis=0).max()
    assert np.hypot(*(panel.drawn_xy - point)) < 1e-3 * spread
    assert panel.ellipse is not None and panel.ellipse.exact == s.map.exact
    assert np.hypot(*(panel.ellipse.center - panel.drawn_xy)) < 0.05 * spread
    mark_x, mark_y = window.latent_panel.map.drawn_mark.getData()
    assert (float(mark_x[0]), float(mark_y[0])) == pytest.approx(tuple(panel.drawn_xy), abs=1e-5)
    outline_x, _ = window.latent_panel.map.drawn_ellipse.getData()
    assert outline_x is not None and len(outline_x) > 10
    assert "KL(q(z|x)" in panel.stats.text() and "near the data" in panel.stats.text()
    assert panel.recon.last is not None and tuple(panel.recon.last.shape) == (1, 28, 28)


def test_on_a_pca_map_the_ellipse_is_the_posteriors_exact_image(qtbot, window):
    s, panel = window.latent_session, window.latent_docks["Draw"]
    window.latent_panel.method.setCurrentIndex(window.latent_panel.method.findData("pca"))
    qtbot.waitUntil(lambda: s.map is not None and s.map.method == "pca" and s.lifter is not None, timeout=60_000)
    panel.copy_test_image(3)
    post, ell = panel.posterior, panel.ellipse
    assert ell.exact
    np.testing.assert_allclose(ell.center, s.map.to_map(post.mu[None])[0], atol=1e-9)
    np.testing.assert_allclose(panel.drawn_xy, ell.center, atol=1e-9)
    jac = s.map.to_map(post.mu[None] + np.eye(len(post.mu))) - ell.center
    np.testing.assert_allclose(ell.cov, (jac.T * post.sigma ** 2) @ jac, rtol=1e-9, atol=1e-15)


def test_the_pen_draws_and_the_marker_follows(qtbot, window):
    panel = window.latent_docks["Draw"]
    canvas = panel.canvas
    panel.canvas.clear()
    assert panel.drawn_xy is None and window.latent_panel.map.drawn_mark.getData()[0].size == 0   # nothing drawn
    updates = panel.updates
    size, ox, oy = canvas._cell()

    def at(r, c):   # image row and column -> the widget's coordinates
        return QtCore.QPointF(ox + c * size, oy + r * size)

    QTest.mousePress(canvas, QtCore.Qt.LeftButton, QtCore.Qt.NoModifier, at(4, 14).toPoint())
    before = panel.drawn_xy.copy()   # the first dab is on the map at once
    from PySide6 import QtGui, QtWidgets
    for k in range(1, 12):
        pos = at(4 + k * 18 / 11, 14)
        ev = QtGui.QMouseEvent(QtCore.QEvent.MouseMove, pos, canvas.mapToGlobal(pos), QtCore.Qt.NoButton,
                               QtCore.Qt.LeftButton, QtCore.Qt.NoModifier)
        QtWidgets.QApplication.sendEvent(canvas, ev)
    QTest.mouseRelease(canvas, QtCore.Qt.LeftButton, QtCore.Qt.NoModifier, at(22, 14).toPoint())
    # a vertical stroke down the middle: ink there, none in the corners
    img = canvas.pixels
    assert img[5:22, 13:15].mean() > 0.8 and img[:4, :4].max() == 0.0
    assert panel.updates >= updates + 12              # encoded at the press and every move, not only at the end
    assert np.hypot(*(panel.drawn_xy - before)) > 0   # the diamond moved
    # the drawing joins the interpolation path
    path = window.latent_docks["Interpolation"]
    n = len(path.waypoints)
    panel.waypoint.click()
    assert len(path.waypoints) == n + 1 and path.waypoints[-1][0] == "your drawing"
    np.testing.assert_allclose(path.waypoints[-1][1], panel.posterior.mu)
    # right button erases
    QTest.mousePress(canvas, QtCore.Qt.RightButton, QtCore.Qt.NoModifier, at(14, 14).toPoint())
    QTest.mouseRelease(canvas, QtCore.Qt.RightButton, QtCore.Qt.NoModifier, at(14, 14).toPoint())
    assert canvas.pixels[13:15, 13:15].max() < 0.5


def test_a_model_without_an_encoder_says_why(qtbot, window):
    panel = window.latent_docks["Draw"]
    window.open_run(str(shipped_runs_dir() / "demo-dcgan"))
    qtbot.waitUntil(lambda: window.latent_session.context is not None
                    and window.latent_session.context.path.name == "demo-dcgan", timeout=30_000)
    qtbot.waitUntil(lambda: "no encoder" in panel.message.text(), timeout=30_000)
    assert not panel.canvas.isEnabled() and panel.drawn_xy is None
    assert window.latent_panel.map.drawn_mark.getData()[0] is None or len(window.latent_panel.map.drawn_mark.getData()[0]) == 0


def open_run(qtbot, win, path):
    win.open_run(str(path))
    s = win.latent_session
    qtbot.waitUntil(lambda: s.context is not None and str(s.context.path) == str(path) and s.points is not None
                    and s.lifter is not None and s.map is not None and not win.jobs.busy(), timeout=120_000)
    return s


def test_the_cloud_is_mu_plus_sigma_eps_for_a_vae_and_one_point_for_an_ae(qtbot, window, tmp_path):
    from conftest import train_cli

    s, panel = window.latent_session, window.latent_docks["Reparameterise"]
    window.docks["Reparameterise"].show()
    window.docks["Reparameterise"].raise_()
    s.select(10)
    r, post = panel.samples, panel.posterior
    assert r is not None and post.sigma is not None and len(r.z) == 16
    np.testing.assert_allclose(r.z, post.mu + post.sigma * r.eps)
    cloud_x, cloud_y = panel.cloud.getData()
    assert len(cloud_x) == 16 and np.ptp(cloud_x) + np.ptp(cloud_y) > 0       # a cloud, not a point
    assert panel.mu_bars.opts["height"].shape == (20,)                        # every dimension, by KL
    kl = r.kl[r.order]
    assert np.all(np.diff(kl) <= 1e-12)
    assert panel.strip.pixmap_source() is not None
    assert f"{r.kl.sum():.2f} nats" in panel.stats.text()
    before = r.z.copy()
    panel.resample.click()
    assert not np.allclose(panel.samples.z, before)
    np.testing.assert_allclose(panel.samples.z.mean(0), post.mu, atol=4 * post.sigma.max())
    # the drawing as input
    window.latent_docks["Draw"].copy_test_image(5)
    panel.source.setCurrentIndex(panel.source.findData("drawing"))
    np.testing.assert_allclose(panel.posterior.mu, window.latent_docks["Draw"].posterior.mu)

    # a plain autoencoder: every "sample" is its code
    ae = train_cli(tmp_path / "ae", "--model", "ae", "--dataset", "digits", "--epochs", "2", "--hidden", "32",
                   "--latent-dim", "4")
    s = open_run(qtbot, window, ae)
    panel.source.setCurrentIndex(panel.source.findData("selected"))
    s.select(3)
    r = panel.samples
    assert panel.posterior.sigma is None and r.kl is None
    assert np.all(r.z == panel.posterior.mu)
    cloud_x, cloud_y = panel.cloud.getData()
    assert np.ptp(cloud_x) == 0 and np.ptp(cloud_y) == 0
    assert "one point" in panel.message.text()


def test_the_elbo_card_shows_what_eval_reports_for_that_sample(qtbot, window):
    import json
    import re
    import subprocess
    import sys

    from conftest import ROOT

    panel = window.latent_docks["Draw"]
    panel.copy_test_image(11)
    panel.card.button.click()
    assert panel.card.is_open and panel.card.card.isVisible()
    text = panel.card.card.text()
    out = subprocess.run([sys.executable, "main.py", "eval", "--run", str(shipped_runs_dir() / "demo-vae"),
                          "--sample", "11"], cwd=ROOT, capture_output=True, text=True, check=True)
    reported = json.loads(out.stdout)
    terms = panel.card_terms
    for key in ("log_px_z", "kl", "elbo", "neg_elbo"):
        assert abs(terms[key] - reported[key]) < 1e-4, key
    assert abs(terms["log_px_z"] - terms["kl"] - (-reported["neg_elbo"])) < 1e-4   # the terms sum to eval's
    shown = [float(v) for v in re.findall(r"<b>(-?\d+\.\d{4})</b>", text)]
    assert shown[:4] == [round(terms[k], 4) for k in ("log_px_z", "kl", "elbo", "neg_elbo")]
    # the card takes room under the view; it covers neither the canvas nor the reconstruction
    card = panel.card.card.geometry().translated(panel.card.mapTo(panel, QtCore.QPoint(0, 0)))
    for w in (panel.canvas, panel.recon):
        assert not card.intersects(w.geometry().translated(w.parentWidget().mapTo(panel, QtCore.QPoint(0, 0))))
    # it follows the drawing
    panel.copy_test_image(12)
    assert panel.card.card.text() != text
    panel.card.button.click()
    assert not panel.card.card.isVisible()
