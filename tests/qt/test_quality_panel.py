"""The Quality tab in the real window, as a user moves: a VAE trained for two epochs shows its
logged FID and k-NN figures over training with the data's own floor; "Measure now" draws the
samples behind the figures in the background; another run replaces all of it (nothing of the
VAE stays), and the VAE's curves come back dashed beside the other run's when compared."""
import pytest

pytest.importorskip("pytestqt")

import conftest  # noqa: E402
from conftest import ROOT, drive, tiny_engine, wait_until  # noqa: E402


@pytest.fixture(scope="module")
def root(tmp_path_factory, mnist_small):
    root = tmp_path_factory.mktemp("runs")
    drive(tiny_engine(root / "vae-small", "vae", mnist_small, {"arch": "mlp", "hidden": (64,)}, epochs=2))
    return root


def logged(run, key: str) -> int:
    """How many of the run's records hold `key` (each epoch's evaluation, and the final one)."""
    from explorer.core.runs import METRICS, read_metrics
    return sum(key in r for r in read_metrics(run / METRICS)[0] if r.get("kind") in ("epoch", "eval"))


def points(curve) -> int:
    x, _ = curve.getData()
    return 0 if x is None else len(x)


def test_quality_tab_follows_the_run_and_shows_the_failures(qtbot, tmp_path, root):
    vae = root / "vae-small"
    win = conftest.open_window(qtbot, tmp_path, root, vae)
    p = win.quality_panel
    win.views.setCurrentWidget(p)
    assert p.shown_run == str(vae) and p.stack.currentIndex() == 1
    for key in ("fid", "precision", "recall", "density", "coverage"):
        assert points(p.curves[key][0]) == logged(vae, key) >= 2, key   # a point per evaluation
    assert p.plots.isVisible()
    assert "Last evaluation" in p.summary.text() and "classifier's features" in p.summary.text()
    wait_until(lambda: bool(p.floor), 120, "the data's own figures")
    assert "The data against itself" in p.summary.text(), p.summary.text()
    assert p.floor["precision"] > 0.8 and p.floor["coverage"] > 0.8

    p.failures_button.click()
    assert not p.failures_button.isEnabled()
    wait_until(lambda: bool(p.failures), 120, "the failures")
    f = p.failures
    assert p.failures_button.isEnabled()
    assert f"{f['n_unsupported']:,} of {f['n']:,} samples" in p.unsupported_title.text()
    assert f"{f['n_uncovered']:,} of {f['n']:,} test images" in p.uncovered_title.text()
    assert f"coverage {f['coverage']:.2f}" in p.failures_status.text()
    for image, key in ((p.unsupported, "n_unsupported"), (p.uncovered, "n_uncovered")):
        assert (image.pixmap_source() is not None) == (f[key] > 0)

    # another run: nothing of the VAE stays, and the VAE can be compared with it
    dcgan = ROOT / "checkpoints" / "demo-dcgan"
    assert win.open_run(str(dcgan))
    assert p.shown_run == str(dcgan)
    assert not p.failures and p.unsupported.pixmap_source() is None and p.uncovered_title.text() == ""
    assert all(points(ours) == 0 for ours, _ in p.curves.values())
    labels = [p.compare.itemText(i) for i in range(p.compare.count())]
    assert "vae-small (vae)" in labels and not any(label.startswith("demo-dcgan") for label in labels)
    p.compare.setCurrentIndex(labels.index("vae-small (vae)"))
    assert points(p.curves["coverage"][1]) == logged(vae, "coverage") and p.plots.isVisible()

    # a result that arrives after the run changed is not shown on the new run
    p.failures_button.click()
    assert win.open_run(str(vae))
    wait_until(lambda: not p.jobs.busy(), 120, "the dropped job")
    assert not p.failures and p.failures_button.isEnabled()
    assert points(p.curves["coverage"][0]) == logged(vae, "coverage")
