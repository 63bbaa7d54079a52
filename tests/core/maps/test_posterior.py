"""A drawn input's posterior on the map: exact for raw and PCA maps, fitted for UMAP/t-SNE."""
import numpy as np
import pytest
import torch

from explorer.core.data.datasets import load_dataset
from explorer.core.maps.lift import MapLifter
from explorer.core.maps.posterior import encode_posterior, map_ellipse
from explorer.core.maps.projection import LatentMap, project
from explorer.core.training.config import make_configs
from models import build_model


def vae(latent_dim: int, model: str = "vae"):
    data = load_dataset("digits")
    mc, _ = make_configs(model, data, {"latent_dim": latent_dim, "hidden": (32,)}, {"dataset": "digits"})
    torch.manual_seed(0)
    net = build_model(mc)
    with torch.no_grad():   # a posterior with sigmas that differ between dimensions
        for p in net.parameters():
            p.mul_(3.0)
    return net.eval(), data


def latents_of(net, data, n=300):
    with torch.no_grad():
        return net.encode(data.test_x[:n].float()).z.numpy().astype(np.float64)


def test_a_raw_2d_map_gets_the_posteriors_exact_mean_and_axes():
    net, data = vae(2)
    z = latents_of(net, data)
    lifter = MapLifter(project(z, "raw"), z)
    post = encode_posterior(net, data.test_x[7])
    assert post.sigma is not None and post.sigma.shape == (2,)
    ell = map_ellipse(lifter, post)
    assert ell.exact
    np.testing.assert_allclose(ell.center, post.mu, atol=1e-9)
    np.testing.assert_allclose(ell.cov, np.diag(post.sigma ** 2), atol=1e-9)
    lengths, _ = ell.axes
    np.testing.assert_allclose(np.sort(lengths), np.sort(post.sigma), rtol=1e-9)
    outline = ell.outline(16)
    # every outline point is at Mahalanobis distance 1 from the mean
    d = (outline - post.mu) / post.sigma
    np.testing.assert_allclose(np.hypot(d[:, 0], d[:, 1]), 1.0, rtol=1e-9)


def test_a_pca_map_gets_the_linear_image_of_the_posterior():
    net, data = vae(8)
    z = latents_of(net, data)
    lifter = MapLifter(project(z, "pca"), z)
    post = encode_posterior(net, data.test_x[3])
    ell = map_ellipse(lifter, post)
    assert ell.exact
    rng = np.random.default_rng(0)
    samples = lifter.map.to_map(post.mu + post.sigma * rng.standard_normal((200_000, 8)))
    np.testing.assert_allclose(ell.center, samples.mean(0), atol=0.02 * np.sqrt(ell.cov.diagonal().max()))
    np.testing.assert_allclose(ell.cov, np.cov(samples, rowvar=False), rtol=0.03, atol=1e-3 * ell.cov.max())


def test_a_umap_map_fits_the_placed_samples():
    net, data = vae(8)
    z = latents_of(net, data)
    coords = np.random.default_rng(1).normal(size=(len(z), 2)).astype(np.float32)
    lifter = MapLifter(LatentMap(method="umap", params={}, coords=coords), z)
    post = encode_posterior(net, data.test_x[0])
    ell = map_ellipse(lifter, post, n_samples=300)
    assert not ell.exact and ell.cov.shape == (2, 2)
    assert np.all(np.linalg.eigvalsh(ell.cov) >= 0)
    # a posterior as narrow as a point, on a data latent, lands on that point
    from explorer.core.maps.posterior import Posterior
    narrow = map_ellipse(lifter, Posterior(z[5], np.full(8, 1e-9)))
    np.testing.assert_allclose(narrow.center, coords[5], atol=1e-5)


@pytest.mark.parametrize("model", ["ae", "dae", "vqvae"])
def test_a_point_encoding_has_no_ellipse(model):
    data = load_dataset("digits")
    mc, _ = make_configs(model, data, {}, {"dataset": "digits"})
    net = build_model(mc).eval()
    post = encode_posterior(net, data.test_x[0])
    assert post.sigma is None and post.mu.ndim == 1
    z = latents_of(net, data, 50)
    assert post.mu.shape == (z.shape[1],)
    np.testing.assert_allclose(post.mu, z[0], rtol=1e-5, atol=1e-5)
    assert map_ellipse(MapLifter(project(z, "pca"), z), post) is None
