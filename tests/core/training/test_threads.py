"""The trainer's and the map service's thread choice (explorer/core/training/threads.py):
functional checks only, no timings."""
from __future__ import annotations

import multiprocessing as mp
import os

import pytest

from explorer.core.training import threads


@pytest.fixture
def env(monkeypatch):
    monkeypatch.delenv(threads.ENV, raising=False)
    for key in ("OMP_NUM_THREADS", "OMP_WAIT_POLICY", "KMP_BLOCKTIME", "NUMBA_NUM_THREADS"):
        monkeypatch.setenv(key, "x")   # registered with monkeypatch, so restored afterwards
        monkeypatch.delenv(key)
    return monkeypatch


@pytest.mark.parametrize("value, expected", [("", "auto"), ("auto", "auto"), ("default", "default"),
                                             ("DEFAULT", "default"), ("2", "2"), ("0", "auto"), ("many", "auto")])
def test_mode_from_the_environment(env, value, expected):
    env.setenv(threads.ENV, value)
    assert threads.mode() == expected


def test_small_steps_get_one_thread_large_ones_leave_a_core():
    assert threads.threads_for(1e8, "cpu", cores=2) == 1
    assert threads.threads_for(None, "cpu", cores=16) == 1
    big = threads.SMALL_STEP_FLOPS * 10
    assert threads.threads_for(big, "cpu", cores=2) == 1
    assert threads.threads_for(big, "cpu", cores=4) == 3
    assert threads.threads_for(big, "cpu", cores=64) == threads.MAX_THREADS
    assert threads.threads_for(big, "cuda", cores=16) == 1
    assert threads.threads_for(big, "cuda:1", cores=16) == 1


def test_step_flops_orders_models_by_their_work():
    from explorer.core.data.datasets import load_dataset
    from explorer.core.training.config import make_configs

    ring, mnist = load_dataset("ring8"), load_dataset("mnist5k")
    toy, _ = make_configs("gan", ring, {}, {"dataset": "ring8"})
    dc, _ = make_configs("dcgan", mnist, {}, {"dataset": "mnist5k"})
    vq, _ = make_configs("vqvae", mnist, {}, {"dataset": "mnist5k"})   # counted on a small real batch
    f_toy, f_dc, f_vq = (threads.step_flops(c, 64) for c in (toy, dc, vq))
    assert 0 < f_toy < threads.SMALL_STEP_FLOPS
    assert f_dc > f_toy and f_vq > 0
    assert threads.step_flops(toy, 128) == pytest.approx(2 * f_toy, rel=0.01)


def test_choose_respects_the_mode_and_an_explicit_request(env):
    assert threads.choose(None) == 1                 # no model: the small-model rule
    assert threads.choose(None, requested=3) == 3
    env.setenv(threads.ENV, "default")
    assert threads.choose(None) is None              # PyTorch's own choice
    assert threads.choose(None, requested=2) == 2
    env.setenv(threads.ENV, "2")
    assert threads.choose(None) == 2


def test_prepare_process_sets_a_passive_wait_unless_told_otherwise(env):
    e: dict = {}
    threads.prepare_process(e)
    assert e == {"OMP_WAIT_POLICY": "PASSIVE", "KMP_BLOCKTIME": "0"}
    e = {"OMP_WAIT_POLICY": "ACTIVE"}                # the user's own setting stays
    threads.prepare_process(e)
    assert e["OMP_WAIT_POLICY"] == "ACTIVE"
    env.setenv(threads.ENV, "default")
    e = {}
    assert threads.prepare_process(e) is False and e == {}


def test_prepare_service(env):
    e: dict = {}
    n = threads.prepare_service(e)
    assert n == threads.service_threads() >= 1
    assert e["NUMBA_NUM_THREADS"] == e["OMP_NUM_THREADS"] == str(n) and e["OMP_WAIT_POLICY"] == "PASSIVE"
    env.setenv(threads.ENV, "default")
    e = {}
    assert threads.prepare_service(e) == 1 and e == {"NUMBA_NUM_THREADS": "1"}
    assert threads.service_threads(2) == threads.service_threads(4) == 1
    assert threads.service_threads(16) > 1


def test_apply_sets_torch_and_the_pools(env):
    import torch

    before = torch.get_num_threads()
    try:
        info = threads.apply(1)
        assert info["torch_threads"] == torch.get_num_threads() == 1
        assert os.environ["OMP_NUM_THREADS"] == "1"
        assert threads.apply(None)["mode"] == "default"
    finally:
        torch.set_num_threads(before)


def _child(q):
    # what worker_main does in its spawned process, reported back
    before_torch = threads.prepare_process()
    import torch

    from explorer.core.data.datasets import load_dataset
    from explorer.core.training.config import make_configs

    class Engine:   # the two attributes setup_trainer reads
        pass

    data = load_dataset("ring8")
    e = Engine()
    e.model_cfg, e.cfg = make_configs("gan", data, {}, {"dataset": "ring8", "device": "cpu"})
    info = threads.setup_trainer(e)
    q.put((before_torch, os.environ.get("OMP_WAIT_POLICY"), torch.get_num_threads(), info.get("chosen")))


def test_a_spawned_trainer_process_takes_one_passive_thread_for_a_toy_gan(env):
    ctx = mp.get_context("spawn")
    q = ctx.Queue()
    p = ctx.Process(target=_child, args=(q,))
    p.start()
    try:
        before_torch, policy, n, chosen = q.get(timeout=120)
    finally:
        p.join(30)
    assert before_torch is True and policy == "PASSIVE"
    assert n == chosen == 1


def test_setup_trainer_never_raises(env):
    class Broken:
        model_cfg = None
        cfg = object()   # no batch size, no device

    info = threads.setup_trainer(Broken())
    assert "error" in info or info.get("chosen") in (1, None)
