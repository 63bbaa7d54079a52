"""The codebook: live usage records and the restart command in the engine, code grids and
their queries, editing a cell, the codebook map, VQ evaluation, and classifier rejection sampling."""
import json

import numpy as np
import pytest
import torch

from conftest import drive, tiny_engine
from explorer.core import runs
from explorer.core.codebook.usage import (CodeEditor, CodeGrids, codebook_map, codebook_vectors, decode_usage,
                                          encode_grids, encode_usage, marker_sizes, usage_record)
from explorer.core.training.config import make_configs
from explorer.core.data.datasets import load_dataset
from explorer.core.training.engine import CodebookUsage, CodesRestarted, EpochEnd, Notice, Progress, TrainingEngine
from explorer.core.maps.projection import project
from explorer.core.training.evaluation import Evaluator
from explorer.core.sampling.rejection import SamplePool, classifier_for, draw_pool, rejection_sample
from models import build_model

TINY_VQ = dict(codebook_size=32, code_dim=8, channels=(8, 16))


def vq_engine(tmp_path, data, name="vq", model=None, **train):
    return tiny_engine(tmp_path / name, "vqvae", data, {**TINY_VQ, **(model or {})}, **train)


# -- usage records --------------------------------------------------------------------------

def test_usage_run_length_format():
    assert encode_usage([0, 0, 0, 5, 7, 0, 2]) == [-3, 5, 7, -1, 2]
    assert encode_usage([0] * 5) == [-5] and encode_usage([1, 2]) == [1, 2]
    rng = np.random.default_rng(0)
    for _ in range(20):
        c = rng.integers(0, 4, rng.integers(1, 60)) * rng.integers(0, 2, 1)
        assert np.array_equal(decode_usage(encode_usage(c), len(c)), c)
        assert len(encode_usage(c)) <= len(c)
    sparse = np.zeros(8192, np.int64)
    sparse[rng.choice(8192, 40, replace=False)] = 1000
    line = json.dumps(usage_record(sparse))
    assert len(line) < 1500, len(line)       # 40 codes of 8,192 used: a short line
    with pytest.raises(ValueError, match="expected 8"):
        decode_usage([-3, 1], 8)
    rec = usage_record(np.full(16, 10))
    assert rec["perplexity"] == pytest.approx(16) and rec["codes_used"] == 16 and rec["dead_codes"] == 0
    assert usage_record([0, 9, 0, 0])["perplexity"] == pytest.approx(1.0)


def test_engine_logs_usage_every_n_steps_cumulative_within_the_epoch(tmp_path, mnist_small):
    engine = vq_engine(tmp_path, mnist_small, epochs=2, usage_every=3)
    events = drive(engine)
    usage = [e for e in events if isinstance(e, CodebookUsage)]
    assert [u.step for u in usage] == [3, 6, 9, 12, 15]      # 8 steps an epoch; none at an epoch's end
    cells = 64 * 7 * 7
    for u in usage:
        steps_into_epoch = u.step - 8 * u.epoch
        assert sum(u.usage) == steps_into_epoch * cells        # cumulative since the epoch began
        assert u.codes_used + u.dead_codes == 32 and len(u.usage) == 32
    records, _ = runs.read_metrics(tmp_path / "vq" / runs.METRICS)
    logged = [r for r in records if r["kind"] == "usage"]
    assert [r["step"] for r in logged] == [u.step for u in usage]
    for r, u in zip(logged, usage):
        assert decode_usage(r["usage_rle"], 32).tolist() == u.usage
        assert r["perplexity"] == pytest.approx(u.perplexity) and r["codes_used"] == u.codes_used
    epoch_end = [e for e in events if isinstance(e, EpochEnd)][0]
    assert sum(epoch_end.metrics["code_usage"]) == 8 * cells


def test_restart_codes_command_brings_unused_codes_into_use(tmp_path, mnist_small):
    # no automatic restarts, and a codebook where only code 0 is ever nearest
    engine = vq_engine(tmp_path, mnist_small, model={"restarts": False}, epochs=2, usage_every=1)
    gen = engine.run()
    ev = next(gen)
    with torch.no_grad():
        q = engine.model.quantizer
        q.codebook.data[:] = 100.0
        q.codebook.data[0] = 0.0
    ev = gen.send(None)
    while not (isinstance(ev, CodebookUsage) and ev.step == 2):
        ev = gen.send(None)
    assert ev.codes_used == 1
    ev = gen.send("restart_codes")
    assert isinstance(ev, CodesRestarted)
    assert sorted(ev.codes) == list(range(1, 32)) and ev.restarts == 31
    while not (isinstance(ev, CodebookUsage) and ev.step == 4):
        ev = gen.send(None)
    assert ev.codes_used > 16      # the re-seeded codes are nearest to some encoder outputs now
    while not isinstance(ev, EpochEnd):
        ev = gen.send(None)
    assert ev.metrics["restarts"] == 31
    ev = gen.send("restart_codes")  # nothing counted yet this epoch: refused, not a wiped codebook
    assert isinstance(ev, Notice) and "no codes assigned yet" in ev.message
    events = [ev] + list(gen)
    records, _ = runs.read_metrics(tmp_path / "vq" / runs.METRICS)
    assert any(r["kind"] == "restart" and r["codes"] == 31 for r in records)


def test_restart_codes_on_a_model_without_codebook_is_a_notice(tmp_path, mnist_small):
    mc, tc = make_configs("ae", mnist_small, {"hidden": (16,)}, {"steps": 3, "batch_size": 64})
    events = drive(TrainingEngine.create(tmp_path / "ae", mc, tc, data=mnist_small),
                   {(lambda e: isinstance(e, Progress) and e.step == 1): "restart_codes"})
    assert any(isinstance(e, Notice) and "no codebook" in e.message for e in events)
    assert not any(isinstance(e, CodebookUsage) for e in events)


# -- code grids, editing, the codebook map ------------------------------------------------

@pytest.fixture(scope="module")
def trained_vq(tmp_path_factory, mnist_small):
    out = tmp_path_factory.mktemp("vq")
    drive(vq_engine(out, mnist_small, epochs=2))
    return runs.load_run(out / "vq")


def test_code_grids_and_their_queries(trained_vq, mnist_small):
    grids = encode_grids(trained_vq.model, mnist_small)
    assert grids.codes.shape == (512, 7, 7) and len(grids) == 512
    with torch.no_grad():
        direct = trained_vq.model.encode(mnist_small.train_x).indices.numpy()
    assert np.array_equal(grids.codes, direct)
    flat = grids.codes.reshape(512, -1)
    for code in np.unique(flat)[:8]:
        per_image = (flat == code).sum(1)
        use = grids.uses(code)
        assert use.cells == per_image.sum() and use.images == (per_image > 0).sum()
        rows, cells = grids.top_images(code, k=5)
        expected = np.lexsort((np.arange(512), -per_image))[:min(5, use.images)]
        assert rows.tolist() == expected.tolist() and cells.tolist() == per_image[expected].tolist()
    # a dead code: no cells, no images, no top images. The trained codebook may use every code,
    # so one is made dead here: the cells of the most used code go to another one
    dead = int(np.argmax(grids.counts))
    other = (dead + 1) % 32
    moved = CodeGrids(np.where(grids.codes == dead, other, grids.codes), grids.labels, K=32)
    assert moved.counts[dead] == 0 and moved.counts[other] == grids.counts[dead] + grids.counts[other]
    assert moved.top_images(dead)[0].size == 0 and moved.uses(dead).images == 0 and moved.uses(dead).cells == 0
    assert moved.uses(other).images == ((grids.codes == dead) | (grids.codes == other)).reshape(512, -1).any(1).sum()
    assert grids.stats()["codes_used"] == int((grids.counts > 0).sum())
    with pytest.raises(ValueError, match="0..31"):
        grids.uses(32)
    with pytest.raises(ValueError, match="0..3"):
        CodeGrids(np.array([[[0, 4]]]), np.zeros(1), K=4)


def test_changing_one_cell_decodes_again(trained_vq, mnist_small):
    model = trained_vq.model
    x = mnist_small.test_x[0]
    editor = CodeEditor.for_input(model, x)
    with torch.no_grad():
        assert torch.equal(editor.grid, model.encode(x[None]).indices[0])
        assert torch.allclose(editor.reconstruction, model.reconstruct(x[None])[0], atol=1e-6)
    old = editor.code_at(3, 3)
    new = (old + 1) % 32
    out = editor.set_cell(3, 3, new)
    assert editor.code_at(3, 3) == new and editor.changed.sum() == 1 and editor.changed[3, 3]
    with torch.no_grad():
        expected = model.decode_indices(editor.grid[None])[0]
    assert torch.allclose(out, expected, atol=1e-6)
    assert not torch.allclose(out, editor.reconstruction)
    assert torch.equal(editor.reset(), editor.reconstruction) and editor.changed.sum() == 0
    with pytest.raises(ValueError, match="outside"):
        editor.set_cell(7, 0, 1)
    with pytest.raises(ValueError, match="0..31"):
        editor.set_cell(0, 0, 32)


def test_codebook_map_uses_the_shared_projection_and_sizes_by_use(trained_vq):
    usage = np.arange(32)
    cmap = codebook_map(trained_vq.model, usage, "pca")
    vectors = codebook_vectors(trained_vq.model)
    assert vectors.shape == (32, 8)
    assert np.allclose(cmap.coords, project(vectors, "pca").coords)
    sizes = cmap.sizes(2.0, 10.0)
    assert sizes[0] == 2.0 and sizes[-1] == pytest.approx(10.0) and np.all(np.diff(sizes) > 0)
    assert cmap.dead.tolist() == [True] + [False] * 31
    assert np.all(marker_sizes(np.zeros(4)) == 3.0)
    with pytest.raises(ValueError, match="33 counts for 32 codes"):
        codebook_map(trained_vq.model, np.ones(33))


def test_vq_evaluation_names_the_split(trained_vq, mnist_small):
    m = Evaluator(mnist_small, iwae_k=0).epoch(trained_vq.model, full=True)
    for split in ("train", "test"):
        assert 1 <= m[f"{split}_perplexity"] <= 32
        assert m[f"{split}_codes_used_fraction"] == pytest.approx(m[f"{split}_codes_used"] / 32)
    assert "train_perplexity" not in Evaluator(mnist_small, iwae_k=0).epoch(trained_vq.model)


# -- rejection sampling with the classifier -------------------------------------------------

def test_pool_threshold_behaviour():
    pool = SamplePool(torch.zeros(5, 1, 2, 2), np.array([1, 2, 3, 1, 0]),
                      np.array([0.2, 0.8, 0.95, 0.5, 0.8]), np.array([1, 0, 3, 1, 0]))
    s = pool.split(0.8)
    assert s.kept.tolist() == [1, 2, 4] and s.rejected.tolist() == [0, 3] and s.acceptance_rate == 0.6
    assert pool.split(0.0).acceptance_rate == 1.0 and pool.split(1.0).acceptance_rate == 0.0
    assert pool.split(0.8, match_condition=True).kept.tolist() == [2, 4]   # row 1: labelled 2, drawn as 0
    assert pool.acceptance([0.0, 0.5, 0.8, 0.96]).tolist() == [1.0, 0.8, 0.6, 0.0]
    with pytest.raises(ValueError, match=r"\[0, 1\]"):
        pool.split(1.5)


def test_rejection_sampling_keeps_what_the_classifier_is_sure_of(tmp_path):
    data = load_dataset("mnist5k")
    mc, tc = make_configs("vae", data, {"hidden": (64,), "latent_dim": 8}, {"steps": 60, "batch_size": 128, "iwae_k": 0})
    drive(TrainingEngine.create(tmp_path / "vae", mc, tc, data=data))
    model = runs.load_run(tmp_path / "vae").model
    clf = classifier_for(data)
    pool = draw_pool(model, 300, clf, seed=1, batch=128)
    assert len(pool) == 300
    mid = float(np.median(pool.confidence))   # a threshold about half the pool passes
    rates = [pool.split(t).acceptance_rate for t in (0.0, mid / 2, mid, (1 + mid) / 2)]
    assert rates[0] == 1.0 and rates == sorted(rates, reverse=True) and 0.4 < rates[2] < 0.6
    labels, conf = clf.predict(pool.samples)
    assert np.allclose(conf.numpy(), pool.confidence, atol=1e-5) and np.array_equal(labels.numpy(), pool.labels)
    r = rejection_sample(model, 40, clf, mid, seed=2, batch=64)
    assert r.samples.shape == (40, 1, 28, 28) and r.accepted >= 40 and len(r.labels) == 40
    assert float(clf.predict(r.samples)[1].min()) >= mid
    assert float(clf.predict(r.rejected)[1].max()) < mid
    assert r.acceptance_rate == pytest.approx(r.accepted / r.drawn) and r.drawn % 64 == 0
    with pytest.raises(ValueError, match="lower the threshold"):
        rejection_sample(model, 64, clf, mid, batch=64, max_draws=64)
    with pytest.raises(ValueError, match="not conditional"):
        draw_pool(model, 4, clf, condition=3)
    with pytest.raises(ValueError, match="classifier of images"):
        classifier_for(load_dataset("moons"))
    ae = build_model(make_configs("ae", data, {"hidden": (8,)})[0])
    with pytest.raises(ValueError, match="cannot generate"):
        draw_pool(ae, 4, clf)
