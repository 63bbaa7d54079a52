"""The concept cards' numbers: one input's ELBO terms as the evaluation computes them, the
codebook's perplexity, and the cards' text carrying them."""
import json
import subprocess
import sys

import numpy as np

from conftest import ROOT
from explorer.core import concepts
from explorer.core.places import shipped_runs_dir
from explorer.core.runs import load_run, load_run_data
from explorer.core.training.evaluation import vae_metrics


def test_one_samples_elbo_is_the_evaluations_for_a_batch_of_that_sample():
    run = load_run(shipped_runs_dir() / "demo-vae")
    data = load_run_data(run)
    x, y = data.test_x[11:12], data.test_y[11:12]
    terms = concepts.sample_elbo(run.model, x[0])
    run.model.eval()
    ref = vae_metrics(run.model, x, y, seed=concepts.ELBO_SEED)
    assert abs(terms["recon"] - ref["test_recon"]) < 1e-4
    assert abs(terms["kl"] - ref["test_kl"]) < 1e-4
    assert abs(terms["neg_elbo"] - ref["test_neg_elbo"]) < 1e-4
    assert abs(terms["log_px_z"] - terms["kl"] - terms["elbo"]) < 1e-9
    np.testing.assert_allclose(terms["kl_per_dim"].sum(), terms["kl"])
    card = concepts.elbo_card(terms, "test image #11")
    assert f"{terms['elbo']:.4f}" in card and f"{terms['kl']:.4f}" in card and "ELBO" in card


def test_eval_reports_the_same_numbers_for_one_sample():
    run_dir = shipped_runs_dir() / "demo-vae"
    out = subprocess.run([sys.executable, "main.py", "eval", "--run", str(run_dir), "--sample", "11"], cwd=ROOT,
                         capture_output=True, text=True, check=True)
    reported = json.loads(out.stdout)
    run = load_run(run_dir)
    terms = concepts.sample_elbo(run.model, load_run_data(run).test_x[11])
    assert reported["sample"] == 11 and reported["split"] == "test"
    for key in ("recon", "kl", "neg_elbo", "elbo"):
        assert abs(reported[key] - terms[key]) < 1e-4, key


def test_perplexity():
    assert concepts.perplexity([5, 5, 5, 5]) == 4.0
    assert concepts.perplexity([9, 0, 0]) == 1.0
    p = np.array([3.0, 1.0])
    assert abs(concepts.perplexity(p) - np.exp(-(0.75 * np.log(0.75) + 0.25 * np.log(0.25)))) < 1e-12
    assert "217.3" in concepts.perplexity_card(217.34, 512, 487)


def test_kl_card_lists_the_largest_terms_and_their_sum():
    mu, sigma = np.array([0.0, 2.0, 0.5]), np.array([1.0, 0.5, 1.0])
    kl = 0.5 * (mu ** 2 + sigma ** 2 - 1 - np.log(sigma ** 2))
    card = concepts.kl_card(mu, sigma)
    assert f"{kl.sum():.3f}" in card and card.index("z1") < card.index("z2")


def test_the_gan_cards_carry_the_last_logged_values():
    from explorer.core.training.loss_history import LossHistory

    h = LossHistory()
    h.add([{"kind": "step", "step": 100, "epoch": 0, "d_loss": 1.25, "d_real": 0.61, "d_fake": 0.42, "g_loss": 0.9},
           {"kind": "step", "step": 200, "epoch": 0, "d_loss": 1.30, "d_real": 0.55, "d_fake": 0.47, "g_loss": 0.8}])
    card = concepts.gan_value_card(h)
    assert "step 200" in card and "0.550" in card and "0.470" in card and "−1.300" in card and "D*(x)" in card
    assert "−(D's loss)" not in concepts.gan_value_card(h, label_smoothing=0.1)   # not V with smoothed targets
    assert "step" not in concepts.gan_value_card(None).split("V = −log 4")[1]
    cov = concepts.coverage_card({"step": 500, "modes_captured": 6, "n_modes": 8, "hq_fraction": 0.734,
                                  "reverse_kl": 0.25}, 2500)
    assert "6</b> of 8" in cov and "73.4%" in cov and "0.250" in cov and "2500" in cov
    img = concepts.coverage_card({"step": 5, "classes_covered": 9, "label_entropy": 2.1}, 1000, "image")
    assert "9</b> classes" in img and "2.10" in img


def test_the_mixture_and_rejection_cards():
    from explorer.core.sampling.priors import GaussianMixturePrior, StandardNormalPrior

    rng = np.random.default_rng(0)
    z = np.r_[rng.normal(-3, 1, (300, 2)), rng.normal(3, 1, (100, 2))]
    prior = GaussianMixturePrior(z, 2, 0)
    card = concepts.mixture_card(prior, 400)
    w = np.sort(prior.weights)[::-1]
    assert "K = <b>2</b>" in card and f"{w[0]:.3f}" in card and "400 training latents" in card
    assert "N(0, I)" in concepts.mixture_card(StandardNormalPrior(8))
    rej = concepts.rejection_card(37, 64, 0.8)
    assert "37 of 64" in rej and f"{37 / 64:.1%}" in rej and "0.80" in rej
    assert "Azadi" in concepts.rejection_card(10, 50, method="drs")


def test_the_vq_loss_and_iwae_cards():
    from explorer.core.training.loss_history import LossHistory

    h = LossHistory()
    h.add([{"kind": "step", "step": 50, "epoch": 0, "recon": 80.0, "commit": 0.4, "codebook": 0.4}])
    card = concepts.vq_loss_card(h, 0.25)
    assert "80.000" in card and "0.4000" in card and f"{80 + 0.4 + 0.25 * 0.4:.3f}" in card and "sg[" in card
    ema = concepts.vq_loss_card(h, 0.25, ema=True)
    assert "codebook <b>" not in ema and f"{80 + 0.25 * 0.4:.3f}" in ema
    iw = concepts.iwae_card(117.47, 112.68, 50)
    assert "117.47" in iw and "112.68" in iw and "k = 50" in iw and "4.79" in iw
