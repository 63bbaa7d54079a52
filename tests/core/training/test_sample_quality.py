"""FID, KID, precision/recall and density/coverage (explorer/core/training/sample_quality.py):
the formulas against closed forms and the prdc package, the floor of real against real, and a
collapse made on purpose (one class of real images as the "generator")."""
from __future__ import annotations

import json

import numpy as np
import pytest

from explorer.core.training import sample_quality as Q


def test_fid_matches_the_closed_form_of_two_gaussians():
    rng = np.random.default_rng(0)
    a, b = np.array([1.0, 2.0, 0.5, 3.0]), np.array([2.0, 0.5, 0.5, 1.0])    # diagonal covariances
    mu = np.array([0.5, -1.0, 0.0, 2.0])
    x = rng.standard_normal((40_000, 4)) * np.sqrt(a)
    y = mu + rng.standard_normal((40_000, 4)) * np.sqrt(b)
    exact = (mu ** 2).sum() + (a + b - 2 * np.sqrt(a * b)).sum()
    assert Q.frechet_distance(x, y) == pytest.approx(exact, rel=0.03)
    assert Q.frechet_distance(x, x) == pytest.approx(0.0, abs=1e-6)


def test_kid_is_unbiased_near_zero_for_one_distribution_and_positive_for_two():
    rng = np.random.default_rng(1)
    x, y = rng.standard_normal((2000, 8)), rng.standard_normal((2000, 8))
    same, same_std = Q.kernel_distance(x, y, subsets=50)
    assert abs(same) < 3 * same_std + 1e-3
    shifted, _ = Q.kernel_distance(x, y + 0.5, subsets=50)
    assert shifted > 10 * max(same_std, 1e-3)


def test_precision_recall_density_coverage_are_prdcs_and_their_masks_add_up():
    rng = np.random.default_rng(2)
    real = rng.standard_normal((600, 5)).astype(np.float32)
    fake = (rng.standard_normal((500, 5)) * 0.6 + 0.4).astype(np.float32)
    b = Q.balls(real, fake, 5)
    ref = Q.compute_prdc_quietly(real, fake, 5)
    assert {"precision": b.precision, "recall": b.recall, "density": b.density,
            "coverage": b.coverage} == pytest.approx(ref)
    assert b.fake_in_real_ball.shape == (500,) and b.real_covered.shape == (600,)


@pytest.fixture(scope="module")
def mnist():
    from explorer.core.data.datasets import load_dataset
    return load_dataset("mnist5k")


def test_real_against_real_is_the_floor_and_one_class_is_a_collapse(mnist):
    floor = Q.floor(mnist)
    assert floor["quality_n_real"] == floor["quality_n_fake"] == len(mnist.test_x)
    assert "mnist5k classifier's features" in floor["quality_features"]
    for key in ("precision", "recall", "density", "coverage"):
        assert 0.9 <= floor[key] <= 1.1, (key, floor)
    # a "generator" that only makes threes: precise, but it recalls and covers little
    features, _ = Q.feature_space(mnist)
    real = Q.real_features(mnist, features, len(mnist.test_x))
    threes = features(mnist.train_x[mnist.train_y == 3][:len(mnist.test_x)])
    collapsed = Q.quality(real, threes)
    assert collapsed["precision"] > 0.7 and collapsed["recall"] < 0.3 and collapsed["coverage"] < 0.3
    assert collapsed["fid"] > 10 * floor["fid"] and collapsed["kid"] > 10 * abs(floor["kid"])


def test_eval_reports_sample_quality_for_a_generator_in_one_json_line(tmp_path, capsys):
    from explorer.cli import main

    out = tmp_path / "gan"
    assert main(["train", "--model", "gan", "--dataset", "ring8", "--steps", "40", "--hidden", "32,32",
                 "--maxout", "0", "--out", str(out), "--quiet"]) == 0
    capsys.readouterr()
    assert main(["eval", "--run", str(out), "--quality-samples", "800"]) == 0
    lines = capsys.readouterr().out.strip().splitlines()
    assert len(lines) == 1
    m = json.loads(lines[0])
    assert m["quality_n_real"] == m["quality_n_fake"] == 800 and m["quality_features"] == "ring8 coordinates"
    assert all(k in m for k in ("fid", "kid", "kid_std", "precision", "recall", "density", "coverage"))
    assert main(["eval", "--run", str(out), "--quality-samples", "0"]) == 0
    assert "fid" not in json.loads(capsys.readouterr().out)


def test_the_failures_behind_precision_and_coverage_are_the_samples_a_collapse_misses(mnist, tmp_path, capsys):
    """A "generator" of threes: the test images it leaves uncovered are almost all other digits,
    and eval --failures writes both grids."""
    import torch

    from explorer.cli import main

    class Threes(torch.nn.Module):
        capabilities = frozenset({"generate"})
        cfg = None

        def __init__(self):
            super().__init__()
            self.w = torch.nn.Parameter(torch.zeros(1))
            self.pool = mnist.train_x[mnist.train_y == 3]

        @property
        def device(self):
            return self.w.device

        def condition_labels(self, n, condition):
            return None

        def generate(self, n, condition=None, generator=None):
            return self.pool[torch.randint(len(self.pool), (n,), generator=generator)]

    f = Q.failures(Threes(), mnist, 400, show=500)
    labels = mnist.test_y[torch.randperm(len(mnist.test_x), generator=torch.Generator().manual_seed(0))[:400]]
    assert f["n_uncovered"] == len(f["uncovered"]) and f["n_uncovered"] > 0.7 * 400
    assert abs(f["coverage"] - (1 - f["n_uncovered"] / 400)) < 1e-9
    uncovered_threes = sum(bool((img == mnist.test_x).flatten(1).all(1)[mnist.test_y == 3].any()) for img in f["uncovered"])
    assert uncovered_threes < 0.2 * int((labels == 3).sum()) + 5   # what it misses is the other digits
    assert f["n_unsupported"] < 0.3 * 400                            # what it makes is real-looking

    out = tmp_path / "gan"
    assert main(["train", "--model", "dcgan", "--dataset", "mnist5k", "--steps", "3", "--out", str(out), "--quiet"]) == 0
    capsys.readouterr()
    assert main(["eval", "--run", str(out), "--quality-samples", "200", "--failures", str(tmp_path / "f" / "x")]) == 0
    m = json.loads(capsys.readouterr().out)
    assert m["failures_n"] == 200 and (tmp_path / "f" / "x-uncovered.png").exists()
    assert (tmp_path / "f" / "x-unsupported.png").exists() == (m["n_unsupported"] > 0)
    assert 0 <= m["n_unsupported"] <= 200 and 0 < m["n_uncovered"] <= 200


def test_eval_inception_says_in_one_line_what_is_missing_and_measures_where_the_weights_are(tmp_path, capsys,
                                                                                            monkeypatch):
    """eval --inception: with no cached Inception weights one line names the file and the
    fallback, before any sample is drawn; with torch-fidelity and a weights file in torch hub's
    cache (random weights here: no network) the figures are in Inception's 2048-d features."""
    import torch

    from explorer.cli import main

    monkeypatch.setenv("TORCH_HOME", str(tmp_path / "torch"))
    out = tmp_path / "gan"
    assert main(["train", "--model", "dcgan", "--dataset", "mnist5k", "--steps", "2", "--out", str(out), "--quiet"]) == 0
    capsys.readouterr()
    assert main(["eval", "--run", str(out), "--inception"]) == 1
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and "Inception" in err and "classifier's features" in err, err
    assert main(["eval", "--run", str(out), "--inception", "--quality-samples", "0"]) == 1
    assert "--quality-samples" in capsys.readouterr().err

    fe = pytest.importorskip("torch_fidelity.feature_extractor_inceptionv3")
    with monkeypatch.context() as m:   # an untrained network, saved where torch-fidelity keeps its weights
        m.setattr(fe, "load_state_dict_from_url", lambda *a, **k: {})
        m.setattr(fe.FeatureExtractorInceptionV3, "load_state_dict", lambda self, *a, **k: None)
        net = fe.FeatureExtractorInceptionV3("inception-v3-compat", ["2048"])
    Q.inception_weights().parent.mkdir(parents=True)
    torch.save(net.state_dict(), Q.inception_weights())
    assert main(["eval", "--run", str(out), "--inception", "--quality-samples", "12"]) == 0
    m = json.loads(capsys.readouterr().out)
    assert m["quality_features"].startswith("Inception-v3") and m["quality_n_fake"] == 12
    assert m["quality_floor"]["quality_n_real"] == 12 and "precision" in m["quality_floor"]
