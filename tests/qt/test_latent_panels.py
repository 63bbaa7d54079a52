"""The latent-space panels in the real window, offscreen: click-to-decode, traversal,
interpolation export, prior sampling, side-by-side runs, denoising, GAN maps."""

import numpy as np
import pytest
import torch
from PIL import Image

pytest.importorskip("pytestqt")
from PySide6 import QtCore  # noqa: E402

from conftest import open_window, train_cli as train  # noqa: E402




@pytest.fixture(scope="module")
def runs(tmp_path_factory):
    root = tmp_path_factory.mktemp("runs")
    return {
        "vae": train(root / "vae", "--model", "vae", "--dataset", "digits", "--epochs", "6", "--hidden", "64",
                     "--latent-dim", "6"),
        "ae": train(root / "ae", "--model", "ae", "--dataset", "digits", "--epochs", "4", "--hidden", "64",
                    "--latent-dim", "6"),
        "dae": train(root / "dae", "--model", "dae", "--dataset", "digits", "--epochs", "3", "--hidden", "32",
                     "--latent-dim", "4"),
        "gan": train(root / "gan", "--model", "gan", "--dataset", "ring8", "--steps", "60", "--hidden", "32,32",
                     "--maxout", "0"),
        "root": root,
    }


@pytest.fixture
def window(qtbot, tmp_path, runs):
    win = open_window(qtbot, tmp_path, runs["root"], runs["vae"])
    win.views.setCurrentIndex(1)
    yield win
    win.close()


def wait_map(qtbot, win):
    s = win.latent_session
    qtbot.waitUntil(lambda: s.map is not None and s.points is not None and not win.jobs.busy(), timeout=60_000)
    return s


def pixels(pix) -> np.ndarray:
    assert pix is not None and not pix.isNull()
    img = pix.toImage().convertToFormat(pix.toImage().Format.Format_Grayscale8)
    return np.array(img.constBits(), np.uint8).reshape(img.height(), img.bytesPerLine())[:, :img.width()]


def decoded_pixels(win) -> np.ndarray:
    return pixels(win.latent_panel.decoded.image.pixmap_source())


def assert_cue_fits_the_distance(panel, s):
    """The cue names the side of the threshold that the probe's distance to the data is on."""
    far = s.probe_off > s.lifter.FAR_FROM_DATA
    text = panel.cue.text()
    assert ("far from the data" in text, "near the data" in text) == (far, not far), (s.probe_off, text)
    assert f"{s.probe_off:.1f}× the usual spacing" in text


def test_click_on_the_map_decodes_the_lifted_latent(qtbot, window):
    from explorer.qt.panels.latent_map_panel import image_pixmap

    s = wait_map(qtbot, window)
    panel = window.latent_panel
    assert s.map.method == "pca" and len(s.map.coords) == len(s.points.vectors)
    # a click on a data point: a decoded image to compare with, and a probe next to the data
    qtbot.mouseClick(panel.map.viewport(), QtCore.Qt.LeftButton, pos=panel.map.map_to_widget(*s.map.coords[0]))
    before = decoded_pixels(window)
    assert s.probe_off < s.lifter.FAR_FROM_DATA and "near the data" in panel.cue.text()
    x, y = (s.map.coords[0] + s.map.coords[1]) / 2          # between two data points
    qtbot.mouseClick(panel.map.viewport(), QtCore.Qt.LeftButton, pos=panel.map.map_to_widget(x, y))
    assert s.probe_z is not None
    lifted = s.lifter.lift(s.probe_xy).z
    np.testing.assert_allclose(s.probe_z, lifted)
    expected = s.decode(lifted, s.probe_row)[0]
    assert torch.allclose(panel.decoded.last, expected)
    # a click lands where the user clicked (to a pixel), and the decoded image is the decoder's output
    got = decoded_pixels(window)
    assert not np.array_equal(before, got)
    np.testing.assert_array_equal(got, pixels(image_pixmap(expected)))
    px, py = panel.map.vb.viewPixelSize()
    assert abs(s.probe_xy[0] - x) < 2 * px and abs(s.probe_xy[1] - y) < 2 * py
    assert_cue_fits_the_distance(panel, s)
    # far outside the data the cue says the decoder is extrapolating
    c = s.map.coords
    s.probe(*(c.max(0) + 3 * (c.max(0) - c.min(0))))
    assert s.probe_off > s.lifter.FAR_FROM_DATA and "far from the data" in panel.cue.text()
    assert_cue_fits_the_distance(panel, s)


def test_dragging_decodes_continuously(qtbot, window):
    s = wait_map(qtbot, window)
    m = window.latent_panel.map
    seen = []
    s.probe_changed.connect(lambda: seen.append(np.array(s.probe_z)))
    a, b = s.map.coords[0], s.map.coords[5]
    qtbot.mousePress(m.viewport(), QtCore.Qt.LeftButton, pos=m.map_to_widget(*a))
    for t in np.linspace(0, 1, 6)[1:]:
        p = m.map_to_widget(*(a + t * (b - a)))
        qtbot.mouseMove(m.viewport(), p)
        # QTest.mouseMove sends no button state: deliver the drag as Qt would
        from PySide6 import QtGui
        ev = QtGui.QMouseEvent(QtCore.QEvent.MouseMove, QtCore.QPointF(p), QtCore.QPointF(m.mapToGlobal(p)),
                               QtCore.Qt.NoButton, QtCore.Qt.LeftButton, QtCore.Qt.NoModifier)
        m.mouseMoveEvent(ev)
    qtbot.mouseRelease(m.viewport(), QtCore.Qt.LeftButton, pos=m.map_to_widget(*b))
    assert len(seen) >= 5
    assert len({tuple(np.round(z, 6)) for z in seen}) >= 4   # a different latent along the drag


def test_lifting_a_mapped_point_returns_its_own_latent(qtbot, window):
    s = wait_map(qtbot, window)
    row = 17
    z = s.lifter.lift(s.map.coords[row]).z
    # PCA to 2-D loses the other dimensions: the lift is the point's projection onto the plane
    proj = s.map.basis.inverse(s.map.basis.transform(s.points.vectors[[row]]))[0]
    np.testing.assert_allclose(z, proj, atol=1e-4)
    s.set_method("tsne")  # no map service in tests: stays exact PCA and says why
    assert "needs the map service" in window.latent_panel.status.text()


def test_traversal_slider_moves_the_decoded_sample(qtbot, window):
    s = wait_map(qtbot, window)
    tp = window.latent_docks["Traversal"]
    qtbot.waitUntil(lambda: len(tp.sliders) == 6)
    assert tp.directions.kind == "axes" and list(tp.directions.scores) == sorted(tp.directions.scores, reverse=True)
    s.probe(*s.map.coords[3])
    z0 = np.array(s.probe_z)
    tp.sliders[0].setValue(tp.sliders[0].maximum())
    j = int(tp.directions.dims[0])
    assert s.probe_z[j] > z0[j]
    others = [k for k in range(6) if k != j]
    np.testing.assert_allclose(s.probe_z[others], z0[others])
    assert torch.allclose(window.latent_panel.decoded.last, s.decode(s.probe_z, s.probe_row)[0])
    tp.kind.setCurrentIndex(1)
    assert tp.directions.kind == "pca" and len(tp.sliders) == 6


def test_interpolation_endpoints_decode_to_the_endpoints_and_gif_reads_back(qtbot, window, tmp_path):
    s = wait_map(qtbot, window)
    ip = window.latent_docks["Interpolation"]
    for row in (2, 40):
        s.select(row)
        ip.add_selected()
    ip.steps.setValue(7)
    assert ip.frames is not None and len(ip.frames) == 7
    za, zb = s.points.vectors[2], s.points.vectors[40]
    assert torch.allclose(ip.frames[0], s.decode(za, 2)[0], atol=1e-5)
    assert torch.allclose(ip.frames[-1], s.decode(zb, 2)[0], atol=1e-5)
    ip.mode.setCurrentIndex(1)  # slerp: still the same endpoints
    assert torch.allclose(ip.frames[-1], s.decode(zb, 2)[0], atol=1e-5)
    gif = ip.export(tmp_path / "path.gif")
    with Image.open(gif) as im:
        assert im.n_frames == 7 and im.info.get("loop") == 0
    png = ip.export(tmp_path / "path.png")
    assert Image.open(png).size[0] > 7 * 8
    line = window.latent_panel.map.path_line.getData()
    assert line[0] is not None and len(line[0]) == 7


def test_freehand_path_is_lifted(qtbot, window):
    s = wait_map(qtbot, window)
    ip = window.latent_docks["Interpolation"]
    ip.draw.setChecked(True)
    assert window.latent_panel.map.draw_mode
    path = np.array([s.map.coords[0], s.map.coords[10], s.map.coords[20]])
    window.latent_panel.map.path_drawn.emit(path)
    assert not window.latent_panel.map.draw_mode and len(ip.frames) == ip.steps.value()
    np.testing.assert_allclose(ip.latents[0], s.lifter.lift(path[0]).z)


def test_mixture_prior_samples_decode_for_an_autoencoder(qtbot, window, runs):
    window.open_run(str(runs["ae"]))
    s = wait_map(qtbot, window)
    pp = window.latent_docks["Sampling"]
    assert [pp.kind.itemData(i) for i in range(pp.kind.count())] == ["mixture"]  # an AE has no N(0, I)
    pp.k.setValue(4)
    pp.fit_mixture()
    qtbot.waitUntil(lambda: pp.prior is not None, timeout=60_000)
    assert pp.prior.k == 4 and len(pp.marks.data) == 4
    pp.draw_samples()
    assert pp.samples.shape == (16, 1, 8, 8) and float(pp.samples.min()) >= 0 and float(pp.samples.max()) <= 1
    assert len(torch.unique(pp.samples.flatten(1), dim=0)) > 1
    # its concept card: p(z) as a sum of the fitted components, with their weights
    pp.card.button.click()
    text = pp.card.card.text()
    assert "K = <b>4</b>" in text and f"{pp.prior.weights.max():.3f}" in text and "π" in text


def test_vae_offers_its_normal_prior(qtbot, window):
    wait_map(qtbot, window)
    pp = window.latent_docks["Sampling"]
    assert pp.kind.itemData(0) == "normal"
    pp.draw_samples()
    assert pp.samples.shape[0] == 16


def test_two_runs_side_by_side_link_the_same_sample(qtbot, window, runs):
    s = wait_map(qtbot, window)
    cp = window.latent_docks["Compare runs"]
    paths = [cp.choice.itemData(i) for i in range(cp.choice.count())]
    assert str(runs["ae"]) in paths and str(runs["gan"]) not in paths   # same dataset only
    assert cp.compare_with(str(runs["ae"]))
    qtbot.waitUntil(lambda: cp.other.map is not None and not cp.other.jobs.busy(), timeout=60_000)
    s.select(25)
    main_row, other_row = cp.linked_rows
    assert main_row == 25 and other_row >= 0
    enc_a, enc_b = s.points.encoded, cp.other.points.encoded
    assert (enc_a.split[main_row], enc_a.index[main_row]) == (enc_b.split[other_row], enc_b.index[other_row])
    assert len(cp.map.marks.data) == 1 and len(window.latent_panel.map.marks.data) == 1


def test_denoising_panel_arrow_and_images(qtbot, window, runs):
    window.open_run(str(runs["dae"]))
    s = wait_map(qtbot, window)
    dp = window.latent_docks["Denoising"]
    assert dp.isEnabled()
    s.select(5)
    dp.level.setValue(80)
    v = dp.view
    assert not torch.equal(v.noisy, v.clean) and v.reconstruction.shape == v.clean.shape
    m = window.latent_panel.map
    assert m.arrow_line.isVisible()
    xs, ys = m.arrow_line.getData()
    np.testing.assert_allclose([xs[1], ys[1]], s.lifter.place(v.z_clean)[0], atol=1e-6)
    window.open_run(str(runs["vae"]))
    wait_map(qtbot, window)
    assert not dp.isEnabled() and not m.arrow_line.isVisible()


def test_gan_noise_map_decodes_generator_outputs(qtbot, window, runs):
    window.open_run(str(runs["gan"]))
    s = wait_map(qtbot, window)
    assert s.points.source == "noise" and s.map.method == "raw"   # a 2-D noise space maps as itself
    assert "label of G(z)" in s.points.colorings
    s.probe(*s.map.coords[4])
    np.testing.assert_allclose(s.probe_z, s.points.vectors[4], atol=1e-5)
    out = window.latent_panel.decoded.last
    assert out.shape == (2,)   # a 2-D point, shown over the data
    assert window.latent_panel.decoded.currentWidget() is window.latent_panel.decoded.points


def test_the_points_control_sets_how_many_samples_are_encoded_and_mapped(qtbot, window):
    s = wait_map(qtbot, window)
    panel = window.latent_panel
    assert panel.cap.currentData() == s.cap == 5000 and len(s.points.vectors) == 1797   # digits: all of them
    s.set_cap(600)   # fewer than the data: a stratified sample, mapped again
    qtbot.waitUntil(lambda: s.points is not None and len(s.points.vectors) == 600 and s.map is not None
                    and len(s.map.coords) == 600 and not window.jobs.busy(), timeout=60_000)
    assert len(np.unique(s.points.labels)) == 10
    panel.cap.setCurrentIndex(panel.cap.findData(20_000))   # the user's choice reaches the session
    assert s.cap == 20_000
    qtbot.waitUntil(lambda: s.points is not None and len(s.points.vectors) == 1797 and s.map is not None
                    and len(s.map.coords) == 1797 and not window.jobs.busy(), timeout=60_000)
