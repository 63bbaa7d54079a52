"""The loss plots' smoothing: a debiased EMA in numpy, equal to scipy's IIR filter."""
import numpy as np
import pytest
from hypothesis import given, settings, strategies as st

from explorer.core.training.loss_history import ema


def reference(y, alpha):
    from scipy.signal import lfilter
    s = lfilter([1 - alpha], [1, -alpha], y)
    return s / (1 - alpha ** np.arange(1, len(y) + 1))


@pytest.mark.parametrize("alpha", [0.0, 0.3, 0.6, 0.9, 0.99, 0.999])
@pytest.mark.parametrize("n", [1, 2, 33, 1500, 20_000])
def test_ema_matches_the_filter(alpha, n):
    y = np.random.default_rng(n).standard_normal(n) * 100 + 5
    got = ema(y, alpha)
    if alpha == 0:
        assert got is y
    else:
        np.testing.assert_allclose(got, reference(y, alpha), rtol=1e-9, atol=1e-9)


@settings(max_examples=60, deadline=None)
@given(st.lists(st.floats(-1e6, 1e6), min_size=1, max_size=3000), st.floats(0.01, 0.9999))
def test_ema_stays_finite_and_close(values, alpha):
    y = np.array(values)
    got = ema(y, alpha)
    assert np.isfinite(got).all()
    np.testing.assert_allclose(got, reference(y, alpha), rtol=1e-7, atol=1e-6 * (1 + np.abs(y).max()))
