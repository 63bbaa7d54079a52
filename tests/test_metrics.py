import numpy as np
import pytest
import torch

from explorer.core.datasets import load_dataset
from explorer.core.metrics import active_units, codebook_stats, label_metrics, mode_metrics, perplexity


def test_perplexity_uniform_is_k_and_single_code_is_one():
    assert perplexity(np.full(512, 7)) == pytest.approx(512)
    one = np.zeros(512)
    one[3] = 1000
    assert perplexity(one) == pytest.approx(1.0)
    s = codebook_stats(one)
    assert s["codes_used"] == 1 and s["dead_codes"] == 511


def test_mode_coverage_on_ring8_itself_and_on_a_collapsed_generator():
    d = load_dataset("ring8")
    real = d.test_x[:2500].numpy()
    m = mode_metrics(real, d.modes, d.sigma)
    assert m["modes_captured"] == 8 and m["hq_fraction"] > 0.98 and m["reverse_kl"] < 0.01
    collapsed = d.modes[3] + d.sigma * np.random.default_rng(0).standard_normal((2500, 2))
    c = mode_metrics(collapsed, d.modes, d.sigma)
    assert c["modes_captured"] == 1 and c["reverse_kl"] == pytest.approx(np.log(8))
    off = mode_metrics(np.zeros((100, 2)), d.modes, d.sigma)  # the centre is far from every mode
    assert off["hq_fraction"] == 0 and off["modes_captured"] == 0 and off["reverse_kl"] is None


def test_grid25_coverage():
    d = load_dataset("grid25")
    m = mode_metrics(d.test_x[:2500].numpy(), d.modes, d.sigma)
    assert m["modes_captured"] == 25 and m["n_modes"] == 25


def test_label_metrics():
    m = label_metrics(np.repeat(np.arange(10), 100), 10)
    assert m["classes_covered"] == 10 and m["label_entropy"] == pytest.approx(np.log(10))
    m = label_metrics(np.array([2] * 990 + list(range(10))), 10)
    assert m["classes_covered"] == 1


def test_active_units():
    mu = torch.zeros(100, 4)
    mu[:, 1] = torch.randn(100)
    assert active_units(mu) == 1
