"""z = mu + sigma * eps: the cloud's sample mean and std approach mu and sigma; an AE is one point."""
import numpy as np

from explorer.core.maps.posterior import Posterior
from explorer.core.maps.reparam import kl_per_dim, reparameterise


def test_the_cloud_approaches_mu_and_sigma():
    rng = np.random.default_rng(3)
    mu, sigma = rng.normal(size=6), rng.uniform(0.05, 2.0, 6)
    for n, tol in ((1_000, 0.15), (100_000, 0.015)):
        r = reparameterise(Posterior(mu, sigma), n=n, seed=1)
        np.testing.assert_allclose(r.z.mean(0), mu, atol=tol * sigma.max())
        np.testing.assert_allclose(r.z.std(0), sigma, rtol=tol)
        np.testing.assert_allclose(r.z, mu + sigma * r.eps)
    # another seed, other draws: the Resample button
    assert not np.allclose(reparameterise(Posterior(mu, sigma), 8, 1).z, reparameterise(Posterior(mu, sigma), 8, 2).z)


def test_kl_per_dimension_and_its_order():
    mu, sigma = np.array([0.0, 2.0, 0.0]), np.array([1.0, 1.0, 0.1])
    kl = kl_per_dim(mu, sigma)
    np.testing.assert_allclose(kl, [0.0, 2.0, 0.5 * (0.01 - 1 - 2 * np.log(0.1))])
    r = reparameterise(Posterior(mu, sigma), 4)
    assert list(r.order) == [1, 2, 0] and np.allclose(r.kl, kl)


def test_a_point_encoding_is_one_point():
    mu = np.array([0.5, -1.0, 3.0])
    r = reparameterise(Posterior(mu, None), n=10)
    assert r.kl is None and np.all(r.z == mu) and np.all(r.eps == 0)
    assert list(r.order) == [2, 1, 0]
