"""The off-manifold cue is measured against the data's local spacing, not a global average."""
import numpy as np
import pytest

from explorer.core.maps.lift import MapLifter
from explorer.core.maps.projection import LatentMap, project

FAR = MapLifter.FAR_FROM_DATA


def disc(rng, n, centre, radius):
    """n points spread uniformly over a disc."""
    angle = rng.uniform(0, 2 * np.pi, n)
    r = radius * np.sqrt(rng.uniform(0, 1, n))
    return np.c_[centre[0] + r * np.cos(angle), centre[1] + r * np.sin(angle)]


def ring(centre, radius, n=8):
    angle = np.linspace(0, 2 * np.pi, n, endpoint=False)
    return np.c_[centre[0] + radius * np.cos(angle), centre[1] + radius * np.sin(angle)]


DENSE, DENSE_R = (0.0, 0.0), 0.2      # 600 points in a disc of radius 0.2
SPARSE, SPARSE_R = (12.0, 0.0), 5.0   # 300 points in a disc of radius 5: ~1,000x less dense


@pytest.fixture(scope="module")
def two_clusters():
    rng = np.random.default_rng(0)
    return np.r_[disc(rng, 600, DENSE, DENSE_R), disc(rng, 300, SPARSE, SPARSE_R)]


@pytest.fixture(scope="module")
def lifter(two_clusters):
    return MapLifter(project(two_clusters, "raw"), two_clusters)


def inside(centre, radius):
    """Clicks inside a cluster: its centre and rings at a quarter and half its radius."""
    return np.r_[np.array([centre]), ring(centre, radius / 4), ring(centre, radius / 2)]


def test_clicks_inside_a_dense_and_a_sparse_cluster_read_near(lifter):
    for centre, radius in ((DENSE, DENSE_R), (SPARSE, SPARSE_R)):
        clicks = inside(centre, radius)
        off = np.array([lifter.off_manifold_at(p) for p in clicks])
        assert (off < FAR).all(), (centre, off.round(2))
    # the global median spacing is the dense cluster's: measured against it, the sparse
    # cluster's inside would read far (the bug this cue fixes)
    clicks = inside(SPARSE, SPARSE_R)
    assert (lifter.tree.query(clicks)[0] / lifter.spacing > FAR).mean() > 0.9


def test_the_empty_space_between_the_clusters_reads_far(lifter):
    # the dense cluster ends at x = 0.2, the sparse one starts at x = 7
    for x in (0.6, 2.0, 3.5, 5.0, 6.0):
        off = lifter.off_manifold_at((x, 0.0))
        assert off > FAR, (x, off)
    assert lifter.off_manifold_at((12.0, 20.0)) > FAR                    # beyond the sparse cluster
    assert lifter.off_manifold_at((0.0, 0.2 + 3 * DENSE_R)) > FAR      # just beside the dense one


def test_local_spacing_follows_the_density(lifter):
    dense, sparse = np.median(lifter.local_spacing[:600]), np.median(lifter.local_spacing[600:])
    # expected nearest-neighbour gap of random points: 1 / (2 sqrt(density))
    for got, n, radius in ((dense, 600, DENSE_R), (sparse, 300, SPARSE_R)):
        expected = 0.5 / np.sqrt(n / (np.pi * radius ** 2))
        assert 0.7 * expected < got < 1.4 * expected, (got, expected)
    assert lifter.local_spacing.shape == (900,) and (lifter.local_spacing > 0).all()
    assert min(dense, sparse) <= lifter.spacing <= max(dense, sparse)   # the global one is kept


def test_all_paths_give_the_same_cue(two_clusters):
    rng = np.random.default_rng(1)
    clicks = np.r_[inside(DENSE, DENSE_R), inside(SPARSE, SPARSE_R), rng.uniform(-2, 18, (20, 2))]
    exact = MapLifter(project(two_clusters, "raw"), two_clusters)
    # a non-exact map (the UMAP/t-SNE path: triangulation, walk, k-nearest weights) without UMAP
    latents = np.c_[two_clusters, two_clusters.sum(1)]
    warped = MapLifter(LatentMap("tsne", {}, two_clusters.astype(np.float32)), latents)
    for lifter in (exact, warped):
        at = np.array([lifter.off_manifold_at(p) for p in clicks])
        lifted = np.array([lifter.lift(p).off_manifold for p in clicks])
        _, many = lifter.lift_many(clicks)
        np.testing.assert_allclose(lifted, at, rtol=1e-12)
        np.testing.assert_allclose(many, at, rtol=1e-12)
        assert lifter.off_manifold_at(lifter.coords[5]) == 0.0
    # a latent placed on the map (what the traversal sliders and prior samples do)
    xy = exact.place(two_clusters[[3]])[0]
    assert exact.off_manifold_at(xy) == pytest.approx(0.0, abs=1e-4)


def test_pca_map_of_clusters_in_three_dimensions():
    rng = np.random.default_rng(2)
    dense = rng.normal(size=(400, 3)) * [0.05, 0.05, 0.01]
    sparse = rng.normal(size=(200, 3)) * [1.5, 1.5, 0.01] + [12.0, 0.0, 0.0]
    z = np.r_[dense, sparse]
    pca = project(z, "pca")
    lifter = MapLifter(pca, z)
    centres = pca.to_map(np.array([[0.0, 0.0, 0.0], [12.0, 0.0, 0.0], [12.0, 0.7, 0.0], [5.0, 0.0, 0.0]]))
    off = [lifter.off_manifold_at(p) for p in centres]
    assert off[0] < FAR and off[1] < FAR and off[2] < FAR and off[3] > FAR, off


@pytest.mark.parametrize("points", [np.zeros((1, 2)), np.array([[0.0, 0.0], [1.0, 0.0]]), np.zeros((20, 2)),
                                    np.r_[np.zeros((12, 2)), np.eye(2)]])
def test_few_or_repeated_points_give_a_finite_cue(points):
    lifter = MapLifter(project(points, "raw"), points)
    assert np.isfinite(lifter.local_spacing).all() and (lifter.local_spacing > 0).all()
    assert lifter.off_manifold_at(points[0]) == 0.0
    assert np.isfinite(lifter.off_manifold_at((3.0, 3.0))) and lifter.off_manifold_at((30.0, 30.0)) > FAR
