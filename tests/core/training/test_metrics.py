import numpy as np
import pytest
import torch
from scipy.spatial.distance import pdist

from explorer.core.data.datasets import load_dataset
from explorer.core.training.evaluation import (active_units, codebook_stats, duplicate_threshold,
                                               label_metrics, mean_pairwise_distance, mode_metrics,
                                               near_duplicate_pairs, perplexity)


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
    # a generator split over three modes, a quarter of it between modes
    rng = np.random.default_rng(1)
    three = d.modes[rng.choice([0, 2, 5], 300)] + 0.5 * d.sigma * rng.standard_normal((300, 2))
    between = (d.modes[0] + d.modes[1]) / 2 + d.sigma * rng.standard_normal((100, 2))
    p = mode_metrics(np.concatenate([three, between]), d.modes, d.sigma)
    assert p["modes_captured"] == 3 and p["hq_fraction"] == pytest.approx(0.75)
    assert p["mode_counts"][1] == 0 and sum(p["mode_counts"]) == 300


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


def test_pairwise_diversity_and_near_duplicates():
    f = torch.tensor([[0.0, 0.0], [3.0, 4.0], [3.0, 4.05], [10.0, 0.0]])
    assert mean_pairwise_distance(f) == pytest.approx(pdist(f.numpy()).mean(), rel=1e-6)
    assert near_duplicate_pairs(f, 0.1).tolist() == [[1, 2]]
    assert near_duplicate_pairs(f, 5.01).tolist() == [[0, 1], [1, 2]]
    assert len(near_duplicate_pairs(f[:1], 1.0)) == 0 and mean_pairwise_distance(f[:1]) == 0
    # the threshold: closer than all but 1% of real points come to their nearest neighbour
    real = torch.randn(1000, 8, generator=torch.Generator().manual_seed(0))
    t = duplicate_threshold(real)
    d = torch.cdist(real, real) + torch.eye(1000) * 1e9
    assert (d.min(1).values < t).sum() in (9, 10)
    assert len(near_duplicate_pairs(real[:64], t)) <= 1
    assert len(near_duplicate_pairs(real[:1].repeat(64, 1), t)) == 64 * 63 // 2
