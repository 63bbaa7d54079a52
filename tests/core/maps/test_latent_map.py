"""The latent map's Qt-free core: encoding, projections, lifting, paths, priors, GAN and DAE views."""
import logging
import math

import numpy as np
import pytest
import torch
from PIL import Image

from conftest import drive, subset
from explorer.cli import main
from explorer.core.data.classifier import train_classifier
from explorer.core.training.config import make_configs
from explorer.core.data.datasets import load_dataset
from explorer.core.maps.denoising import denoising_view
from explorer.core.training.devices import make_adam
from explorer.core.training.engine import TrainingEngine
from explorer.core.maps.gan_maps import joint_feature_map, label_samples, noise_map
from explorer.core.maps.interpolation import (decode_frames, lift_path, path_through, resample_by_arc_length,
                                              save_gif, save_strip_png, slerp)
from explorer.core.maps.projection import (LatentMap, MapError, Similarity, map_params, procrustes_alignment,
                                           project, sample_keys)
from explorer.core.maps.cache import MapCache, read_map, write_map
from explorer.core.maps.lift import MapLifter
from explorer.core.maps.encoding import encode_data, encode_run, sample_rows
from explorer.core.sampling.priors import GaussianMixturePrior, prior_for
from explorer.core.runs import load_run
from explorer.core.maps.traversal import axis_directions, pca_directions
from models import build_model

TINY = {"hidden": (64,), "latent_dim": 8}


def trained(name, data, steps=12, batch=64, **overrides):
    """A tiny model of family `name` after a few real optimizer steps, in eval mode."""
    torch.manual_seed(0)
    mc, tc = make_configs(name, data, {**TINY, **overrides})
    model = build_model(mc)
    opts = {ph: make_adam(model.phase_parameters(ph), 2e-3, (0.5, 0.999)) for ph in model.phases}
    n = len(data.train_x)
    for step in range(steps):
        rows = torch.arange(step * batch, (step + 1) * batch) % n
        model.begin_step(step)
        for ph in model.phases:
            total, _ = model.loss((data.train_x[rows], data.train_y[rows]), ph)
            opts[ph].zero_grad(set_to_none=True)
            total.backward()
            opts[ph].step()
        model.after_step(step)
    return model.eval()


@pytest.fixture(scope="module")
def vae_run(tmp_path_factory, mnist_small):
    mc, tc = make_configs("vae", mnist_small, TINY, {"epochs": 2, "batch_size": 64, "checkpoint_every_s": 0,
                                                     "iwae_k": 2})
    run_dir = tmp_path_factory.mktemp("runs") / "vae"
    drive(TrainingEngine.create(run_dir, mc, tc, data=mnist_small))
    return load_run(run_dir)


@pytest.fixture(scope="module")
def vae_encoded(vae_run, mnist_small):
    return encode_run(vae_run, data=mnist_small, cap=None)


@pytest.fixture(scope="module")
def tsne_map(vae_encoded):
    return project(vae_encoded.latents[:300], "tsne", {"perplexity": 20})


# -- encoding ---------------------------------------------------------------------------

def test_encoding_gives_latents_labels_recon_error_and_kl(vae_run, vae_encoded, mnist_small):
    enc = vae_encoded
    n = len(mnist_small.train_x) + len(mnist_small.test_x)
    assert enc.latents.shape == (n, 8) and enc.latents.dtype == np.float32
    assert enc.step == vae_run.step == 16
    test_rows = enc.rows_of("test")
    assert len(test_rows) == len(mnist_small.test_x)
    assert np.array_equal(enc.labels[test_rows], mnist_small.test_y.numpy()[enc.index[test_rows]])
    model = vae_run.model
    row = int(test_rows[5])
    x = enc.inputs(mnist_small, [row])
    assert torch.equal(x[0], mnist_small.test_x[enc.index[row]])
    with torch.no_grad():
        mu, logvar = model.posterior(x)
        recon = model.decode(mu)
    assert np.allclose(enc.latents[row], mu[0].numpy(), atol=1e-5)
    assert math.isclose(enc.recon_error[row], float((recon - x).pow(2).mean()), rel_tol=1e-4)
    assert math.isclose(enc.kl[row], float(model.kl_per_dim(mu, logvar).sum()), rel_tol=1e-4)
    assert (enc.kl >= 0).all() and math.isclose(enc.kl_per_dim.sum(), enc.kl.mean(), rel_tol=1e-4)
    assert enc.active_units.dtype == bool and enc.codes is None


def test_capped_sample_is_seeded_stratified_and_ordered(mnist_small):
    split, index = sample_rows(mnist_small, cap=100, seed=1)
    assert len(index) == 100
    keys = sample_keys(split, index)
    assert np.array_equal(keys, np.sort(keys))
    sources = (mnist_small.train_y.numpy(), mnist_small.test_y.numpy())
    labels = np.array([sources[s][i] for s, i in zip(split, index)])
    assert len(np.unique(labels)) == 10
    assert np.array_equal(index, sample_rows(mnist_small, cap=100, seed=1)[1])
    assert not np.array_equal(index, sample_rows(mnist_small, cap=100, seed=2)[1])
    with pytest.raises(ValueError, match="unknown split"):
        sample_rows(mnist_small, splits=("valid",))


def test_shapes_factors_and_vqvae_codes():
    data = subset(load_dataset("shapes"), 256, 64)
    model = trained("vqvae", data, steps=4, arch="mlp", codebook_size=16, code_dim=4)
    enc = encode_data(model, data, cap=None)
    assert set(enc.factors) == {"shape", "scale", "rotation", "x", "y"}
    rows = enc.rows_of("train")
    assert np.array_equal(enc.factors["scale"][rows], data.train_factors["scale"][enc.index[rows]])
    assert np.array_equal(enc.factors["shape"], enc.labels)
    with torch.no_grad():
        expect = model.encode(enc.inputs(data, np.arange(10)))
    assert enc.latents.shape[1] == model.latent.dim
    assert np.array_equal(enc.codes[:10], expect.indices.numpy())
    assert np.allclose(enc.latents[:10], expect.z.numpy(), atol=1e-5)
    with pytest.raises(ValueError, match="has no encoder"):
        encode_data(trained("gan", data, steps=1), data)


# -- projections, lifting, alignment --------------------------------------------------------

def test_pca_inverse_is_exact_and_lifts_data_points_onto_the_plane(vae_encoded):
    z = vae_encoded.latents.astype(np.float64)
    pca = project(z, "pca")
    basis = pca.basis
    plane = basis.mean + ((z - basis.mean) @ basis.components.T) @ basis.components
    assert np.allclose(pca.from_map(pca.coords), plane, atol=1e-4)
    xy = np.random.default_rng(0).normal(size=(50, 2))
    assert np.allclose(pca.to_map(pca.from_map(xy)), xy, atol=1e-9)
    lifter = MapLifter(pca, z)
    lifted = lifter.lift(pca.coords[7])
    assert lifted.how == "exact" and lifted.off_manifold == 0.0 and lifted.nearest == 7
    assert np.allclose(lifted.z, plane[7], atol=1e-4)
    assert np.allclose(lifter.place(z[:5]), pca.coords[:5], atol=1e-4)
    # a 2-D latent space: PCA is a rotation, so a data point lifts to its own latent
    z2 = z[:, :2]
    pca2 = project(z2, "pca")
    assert np.allclose(MapLifter(pca2, z2).lift(pca2.coords[3]).z, z2[3], atol=1e-5)
    raw = project(z2, "raw")
    assert np.array_equal(MapLifter(raw, z2).lift(raw.coords[3]).z, raw.coords[3].astype(np.float64))
    with pytest.raises(MapError, match="raw map needs a 2-D latent space"):
        project(z, "raw")


def test_delaunay_lift_returns_own_latent_and_interpolates(tsne_map, vae_encoded):
    z = vae_encoded.latents[:300].astype(np.float64)
    assert tsne_map.coords.shape == (300, 2) and tsne_map.method == "tsne"
    lifter = MapLifter(tsne_map, z)
    for i in range(0, 300, 7):
        lifted = lifter.lift(tsne_map.coords[i])
        assert lifted.how == "barycentric" and lifted.off_manifold == 0.0
        assert np.allclose(lifted.z, z[i], atol=1e-4)
    tri = lifter.triangulation
    corners = tri.simplices[10]
    centroid = lifter.coords[corners].mean(0)
    assert np.allclose(lifter.lift(centroid).z, z[corners].mean(0), atol=1e-6)
    far = lifter.coords.max(0) + 50 * lifter.spacing
    outside = lifter.lift(far)
    assert outside.how == "nearest-weights" and outside.off_manifold > MapLifter.FAR_FROM_DATA
    assert np.allclose(lifter.place(z[[4, 9]]), tsne_map.coords[[4, 9]], atol=1e-5)
    latents, off = lifter.lift_many(tsne_map.coords[:3])
    assert np.allclose(latents, z[:3], atol=1e-4) and (off == 0).all()


def test_procrustes_undoes_rotation_reflection_scale_and_shift(vae_encoded):
    z = vae_encoded.latents
    pca = project(z, "pca")
    angle = 0.7
    rot = np.array([[math.cos(angle), math.sin(angle)], [-math.sin(angle), math.cos(angle)]]) @ np.diag([1, -1])
    moved = Similarity(rot, 2.5, np.array([3.0, -1.0]))
    jumped = LatentMap("pca", {}, moved.apply(pca.coords).astype(np.float32), pca.basis, moved)
    back = jumped.aligned_to(pca)
    assert np.allclose(back.coords, pca.coords, atol=1e-3)
    assert np.allclose(back.from_map(back.coords[:20]), pca.from_map(pca.coords[:20]), atol=1e-3)
    # maps of different samples align on the samples they share
    keys = sample_keys(vae_encoded.split, vae_encoded.index)
    some = np.random.default_rng(0).permutation(len(z))[:200]
    partial = LatentMap("umap", {}, moved.apply(pca.coords[some]).astype(np.float32))
    aligned = partial.aligned_to(pca, keys[some], keys)
    assert np.allclose(aligned.coords, pca.coords[some], atol=1e-3)
    step = procrustes_alignment(pca.coords, moved.apply(pca.coords))
    assert math.isclose(step.scale, 2.5, rel_tol=1e-6) and np.allclose(step.rotation, rot, atol=1e-6)


def test_map_cache_round_trip_and_refusals(tmp_path, vae_encoded, caplog):
    cache = MapCache(tmp_path)
    assert cache.load(vae_encoded, "pca") is None
    base = project(vae_encoded.latents, "pca")
    pca = base.aligned_to(base.coords * 2)  # the alignment is part of what is cached
    path = cache.save(vae_encoded, pca)
    assert path.parent == tmp_path / "maps" and path.name.startswith(f"step{vae_encoded.step}-pca-")
    loaded = cache.load(vae_encoded, "pca")
    assert np.array_equal(loaded.coords, pca.coords) and loaded.params == pca.params
    assert np.allclose(loaded.from_map(loaded.coords[:5]), pca.from_map(pca.coords[:5]))
    assert cache.path(1, "umap", {"n_neighbors": 5}, "s") != cache.path(1, "umap", {"n_neighbors": 30}, "s")
    other = encode_like(vae_encoded, latents=vae_encoded.latents + 1)
    assert cache.load(other, "pca") is None  # other latents, same sample: stale
    path.write_bytes(path.read_bytes()[:200])
    with caplog.at_level(logging.WARNING, logger="explorer"):
        assert cache.load(vae_encoded, "pca") is None
    assert "unreadable map file" in caplog.text
    np.savez(tmp_path / "evil.npz", coords=np.array([object()], dtype=object))
    with pytest.raises(MapError, match="unreadable map file"):
        read_map(tmp_path / "evil.npz")
    with pytest.raises(MapError, match="unknown umap setting 'k'"):
        map_params("umap", {"k": 3})


def test_umap_fit_limit_setting_subsample_and_cached_fitted_rows(tmp_path, vae_encoded):
    from explorer.core.maps.projection import UMAP_FIT_LIMIT, fit_subsample
    # the default limit is not part of the settings: maps cached before it keep their names
    assert map_params("umap", {"fit_limit": UMAP_FIT_LIMIT}) == map_params("umap")
    assert map_params("umap", {"fit_limit": 0})["fit_limit"] == 0
    for bad in (-1, 2.5, "many", True, 3):
        with pytest.raises(MapError, match="fit_limit must be 0 .fit all. or a whole number >= 10"):
            map_params("umap", {"fit_limit": bad})
    with pytest.raises(MapError, match="unknown pca setting 'fit_limit'"):
        map_params("pca", {"fit_limit": 10})
    labels = np.repeat([3, 7, 9], [700, 200, 100])
    rows = fit_subsample(1000, 100, seed=0, strata=labels)
    assert len(set(rows)) == 100 and list(rows) == sorted(rows)
    assert list(np.bincount(labels[rows])[[3, 7, 9]]) == [70, 20, 10]
    assert np.array_equal(rows, fit_subsample(1000, 100, seed=0, strata=labels))
    odd = fit_subsample(10, 4, strata=np.repeat([0, 1, 2], [4, 3, 3]))
    assert len(odd) == 4   # largest remainders take the rows left over
    # a subsampled map keeps which rows were fitted through the cache
    n = len(vae_encoded)
    coords = project(vae_encoded.latents, "pca").coords
    sampled = LatentMap("umap", map_params("umap"), coords, fitted=np.arange(0, n, 3))
    assert sampled.subsampled and not LatentMap("umap", {}, coords).subsampled
    path = tmp_path / "m.npz"
    write_map(path, sampled, "d")
    back, _ = read_map(path)
    assert np.array_equal(back.fitted, sampled.fitted) and back.subsampled
    write_map(path, LatentMap("umap", map_params("umap"), coords, fitted=np.array([n + 5])), "d")
    with pytest.raises(MapError, match="fitted rows do not fit"):
        read_map(path)


def encode_like(encoded, **changes):
    from dataclasses import replace
    return replace(encoded, **changes)


# -- paths, strips, GIFs ---------------------------------------------------------------------

def test_interpolation_endpoints_decode_to_the_endpoints(vae_run, vae_encoded):
    model = vae_run.model
    waypoints = vae_encoded.latents[[0, 40, 90]].astype(np.float64)
    for mode in ("linear", "slerp"):
        path = path_through(waypoints, 12, mode)
        assert path.shape == (12, 8)
        assert np.allclose(path[0], waypoints[0]) and np.allclose(path[-1], waypoints[-1])
        assert any(np.allclose(p, waypoints[1]) for p in path)
        frames = decode_frames(model, path)
        with torch.no_grad():
            ends = model.decode(torch.as_tensor(waypoints[[0, 2]], dtype=torch.float32))
        assert torch.allclose(frames[[0, -1]], ends, atol=1e-5)
    a, b = waypoints[0], waypoints[2]
    mid = slerp(a, b, [0.5])[0]
    assert math.isclose(np.linalg.norm(mid), (np.linalg.norm(a) + np.linalg.norm(b)) / 2, rel_tol=1e-9)
    with pytest.raises(ValueError, match="at least 3 frames"):
        path_through(waypoints, 2)


def test_freehand_path_is_resampled_by_arc_length_and_lifted(vae_encoded):
    drawn = np.array([[0, 0], [0.1, 0], [0.2, 0], [0.2, 0], [3, 0], [3, 1]], float)
    even = resample_by_arc_length(drawn, 9)
    gaps = np.linalg.norm(np.diff(even, axis=0), axis=1)
    assert np.allclose(gaps, 0.5) and np.allclose(even[[0, -1]], [[0, 0], [3, 1]])
    z = vae_encoded.latents
    pca = project(z, "pca")
    points, latents, off = lift_path(MapLifter(pca, z), pca.coords[[0, 5, 9]], 20)
    assert points.shape == (20, 2) and latents.shape == (20, 8) and off.shape == (20,)
    assert np.allclose(pca.to_map(latents), points, atol=1e-6)


def test_strip_png_and_gif_read_back_with_every_frame(tmp_path, vae_run, vae_encoded):
    z = vae_encoded.latents
    path = np.concatenate([path_through(z[[0, 1]], 6), np.repeat(z[[1]], 3, 0)])  # three identical decodes
    frames = decode_frames(vae_run.model, path)
    png = save_strip_png(frames, tmp_path / "strip.png", scale=2)
    with Image.open(png) as im:
        assert im.size == (2 * (9 * 30 + 2), 2 * 32)
    gif = save_gif(frames, tmp_path / "path.gif", frame_ms=80)
    with Image.open(gif) as im:
        assert im.n_frames == 9 and im.info["loop"] == 0 and im.info["duration"] == 80
    with Image.open(save_gif(frames, tmp_path / "bounce.gif", bounce=True)) as im:
        assert im.n_frames == 16
    with pytest.raises(ValueError, match="at least 10 ms"):
        save_gif(frames, tmp_path / "x.gif", frame_ms=5)


# -- priors, traversal -----------------------------------------------------------------------

def test_mixture_prior_samples_decode_for_an_autoencoder_and_a_vae(mnist_small, vae_run, vae_encoded, tsne_map):
    ae = trained("ae", mnist_small)
    ae_latents = encode_data(ae, mnist_small, cap=None).latents
    with pytest.raises(ValueError, match="ae has no prior"):
        prior_for(ae, "normal")
    for model, latents in ((ae, ae_latents), (vae_run.model, vae_encoded.latents)):
        prior = prior_for(model, "mixture", latents, k=3, seed=0)
        assert isinstance(prior, GaussianMixturePrior) and prior.means.shape == (3, 8)
        z = prior.sample(64, seed=1)
        images = decode_frames(model, z)
        assert images.shape == (64, 1, 28, 28) and torch.isfinite(images).all()
        assert images.min() >= 0 and images.max() <= 1
        one = prior.sample(400, seed=2, component=1)
        assert np.linalg.norm(one.mean(0) - prior.means[1]) < 0.5 * np.linalg.norm(prior.means[1] - prior.means[0])
    normal = prior_for(vae_run.model, "normal")
    assert normal.sample(5).shape == (5, 8)
    # component means on the map: exact on PCA, by nearest latents on t-SNE
    prior = GaussianMixturePrior(vae_encoded.latents[:300], k=4)
    pca = project(vae_encoded.latents[:300], "pca")
    assert np.allclose(MapLifter(pca, vae_encoded.latents[:300]).place(prior.means), pca.to_map(prior.means))
    placed = MapLifter(tsne_map, vae_encoded.latents[:300]).place(prior.means)
    lo, hi = tsne_map.coords.min(0), tsne_map.coords.max(0)
    assert placed.shape == (4, 2) and ((placed >= lo) & (placed <= hi)).all()
    with pytest.raises(ValueError, match="whole number >= 1"):
        GaussianMixturePrior(vae_encoded.latents, k=0)


def test_traversal_directions_by_kl_and_by_principal_axes(vae_encoded):
    axes = axis_directions(vae_encoded)
    assert list(axes.scores) == sorted(axes.scores, reverse=True)
    assert np.array_equal(axes.active, vae_encoded.mu_variance[axes.dims] > 0.01)
    z = vae_encoded.latents[0].astype(np.float64)
    moved = axes.with_value(z, 0, 2.0)
    changed = np.flatnonzero(~np.isclose(moved, z))
    assert list(changed) == [axes.dims[0]] and math.isclose(moved[axes.dims[0]], 2.0)
    assert (axes.ranges[:, 0] <= -3).all() and (axes.ranges[:, 1] >= 3).all()
    pcs = pca_directions(vae_encoded, k=4)
    assert np.allclose(pcs.vectors @ pcs.vectors.T, np.eye(4), atol=1e-8)
    sweep = pcs.sweep(z, 1, n=5)
    assert np.allclose(pcs.coordinates(sweep)[:, 1], np.linspace(*pcs.ranges[1], 5))
    assert np.allclose(pcs.coordinates(sweep)[:, [0, 2, 3]], pcs.coordinates(z)[[0, 2, 3]])
    assert list(pcs.scores) == sorted(pcs.scores, reverse=True)


# -- GANs and denoising ------------------------------------------------------------------------

def test_gan_noise_map_and_joint_feature_map(mnist_small):
    gan = trained("gan", mnist_small, steps=6)
    classifier, _ = train_classifier(mnist_small, epochs=1)
    noise = noise_map(gan, mnist_small, classifier, n=300, seed=3)
    assert noise.z.shape == (300, 8) and noise.condition is None
    with torch.no_grad():
        labels, _ = classifier.predict(gan.decode(torch.as_tensor(noise.z)))
    assert np.array_equal(noise.labels, labels.numpy())
    joint = joint_feature_map(gan, mnist_small, classifier, n_real=100, n_generated=150, seed=3)
    assert joint.features.shape == (250, 128)
    assert (joint.source[:100] == 0).all() and (joint.source[100:] == 1).all()
    assert np.array_equal(joint.labels[:100], mnist_small.test_y.numpy()[joint.index[:100]])
    assert joint.coverage.sum() == 150 and (joint.index[100:] == -1).all()
    real_f = joint.features[:100]
    nearest = np.linalg.norm(joint.features[100:, None] - real_f[None], axis=-1).argmin(1)
    assert np.array_equal(joint.nearest_real_label, joint.labels[:100][nearest])
    assert set(joint.missing_classes) == {str(i) for i in np.flatnonzero(joint.coverage < 1.5)}

    ring = subset(load_dataset("ring8"), 2000, 200)
    toy = noise_map(trained("gan", ring, steps=3, latent_dim=2), ring, n=200)
    modes, _ = label_samples(torch.as_tensor(ring.modes, dtype=torch.float32), ring)
    assert np.array_equal(modes, np.arange(8)) and toy.labels.max() < 8


def test_denoising_view_noisy_input_reconstruction_and_latents(mnist_small, vae_run):
    dae = trained("dae", mnist_small)
    x = mnist_small.test_x[0]
    clean = denoising_view(dae, x, 0.0)
    assert torch.equal(clean.noisy, x) and np.allclose(clean.z_noisy, clean.z_clean)
    view = denoising_view(dae, x, 0.5, seed=1)
    assert not torch.equal(view.noisy, x) and view.latent_shift > 0
    with torch.no_grad():
        assert torch.allclose(view.reconstruction, dae.reconstruct(view.noisy[None])[0], atol=1e-6)
        assert np.allclose(view.z_clean, dae.encode(x[None]).z[0].numpy(), atol=1e-5)
    assert torch.equal(denoising_view(dae, x, 0.5, seed=1).noisy, view.noisy)
    with pytest.raises(ValueError, match="not a denoising autoencoder"):
        denoising_view(vae_run.model, x, 0.5)


# -- the embed command ---------------------------------------------------------------------------

def test_embed_command_writes_a_readable_npz(tmp_path, capsys):
    run = tmp_path / "vae"
    assert main(["train", "--model", "vae", "--dataset", "digits", "--steps", "10", "--hidden", "32",
                 "--latent-dim", "2", "--out", str(run), "--quiet"]) == 0
    capsys.readouterr()
    out = tmp_path / "map.npz"
    assert main(["embed", "--run", str(run), "--method", "pca", "--out", str(out)]) == 0
    assert "wrote 1797 pca map points" in capsys.readouterr().out
    with np.load(out, allow_pickle=False) as f:
        assert f["latents"].shape == (1797, 2) and f["coords"].shape == (1797, 2)
        assert f["labels"].shape == (1797,) and set(np.unique(f["labels"])) == set(range(10))
        assert str(f["method"]) == "pca"
    assert len(list((run / "maps").glob("step10-pca-*.npz"))) == 1
    assert main(["embed", "--run", str(run), "--method", "raw", "--out", str(out), "--cap", "300"]) == 0
    with np.load(out, allow_pickle=False) as f:
        assert np.array_equal(f["coords"], f["latents"]) and len(f["coords"]) == 300
    capsys.readouterr()
    assert main(["embed", "--run", str(tmp_path / "missing"), "--method", "pca", "--out", str(out)]) == 1
    assert "missing: no such directory" in capsys.readouterr().err
    assert main(["embed", "--run", str(run), "--method", "pca", "--out", str(tmp_path / "m.csv")]) == 1
    assert "--out must end in .npz" in capsys.readouterr().err
    with pytest.raises(SystemExit) as e:
        main(["embed", "--run", str(run), "--method", "isomap", "--out", str(out)])
    assert e.value.code == 2


def test_embed_raw_on_a_latent_space_other_than_2d_is_one_line_exit_1(tmp_path, vae_run, capsys):
    assert main(["embed", "--run", str(vae_run.path), "--method", "raw", "--out", str(tmp_path / "m.npz")]) == 1
    err = capsys.readouterr().err.strip()
    assert err.startswith("error: --method raw needs a 2-D latent space") and "\n" not in err


def test_a_shipped_demo_run_is_never_written_into(tmp_path):
    """Maps of a shipped demo are cached in the user's cache; the demo's own map is still read."""
    from explorer.core.maps.cache import MapCache
    from explorer.core.places import shipped_runs_dir
    from explorer.core.maps.encoding import encode_run
    from explorer.core.runs import load_run

    demo = shipped_runs_dir() / "demo-vae"
    before = {p: p.stat().st_mtime_ns for p in demo.rglob("*")}
    cache = MapCache(demo)
    assert demo not in cache.dir.parents and cache.dir != demo / "maps"
    run = load_run(demo)
    encoded = encode_run(run, cap=300, seed=0)
    pca = project(encoded.latents, "pca")
    written = cache.save(encoded, pca)
    assert written.parent == cache.dir and cache.load(encoded, "pca") is not None
    assert {p: p.stat().st_mtime_ns for p in demo.rglob("*")} == before
    assert demo / "maps" in cache.dirs   # the UMAP that ships with the demo is looked for first
