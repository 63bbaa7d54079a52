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


def test_prepare_process_sets_a_short_spin_unless_told_otherwise(env):
    e: dict = {}
    threads.prepare_process(e)
    assert e == {"GOMP_SPINCOUNT": "100000", "KMP_BLOCKTIME": "0"}
    e = {"OMP_WAIT_POLICY": "ACTIVE"}                # the user's own setting stays
    threads.prepare_process(e)
    assert e == {"OMP_WAIT_POLICY": "ACTIVE"}
    e = {"GOMP_SPINCOUNT": "5"}
    threads.prepare_process(e)
    assert e["GOMP_SPINCOUNT"] == "5"
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
    q.put((before_torch, os.environ.get("GOMP_SPINCOUNT"), torch.get_num_threads(), info.get("chosen"),
           info.get("tuned_between")))


def test_a_spawned_trainer_process_starts_a_toy_gan_on_one_thread_and_tunes_it(env):
    ctx = mp.get_context("spawn")
    q = ctx.Queue()
    p = ctx.Process(target=_child, args=(q,))
    p.start()
    try:
        before_torch, spin, n, chosen, tuned = q.get(timeout=120)
    finally:
        p.join(30)
    assert before_torch is True and spin == "100000"
    assert n == chosen == 1
    assert tuned == ([1, 2] if threads.usable_cores() >= 2 else None)


class Steps:
    """A trainer whose step takes `cost[threads]` seconds, recording what the tuner applies."""

    def __init__(self, cost: dict, start: int = 1):
        self.cost, self.threads, self.applied = dict(cost), start, []
        self.tuner = threads.ThreadTuner(start, start + 1, apply=self.apply)

    def apply(self, n):
        self.threads = n
        self.applied.append(n)

    def run(self, seconds: float) -> list:
        decisions, t = [], 0.0
        while t < seconds:
            dt = self.cost[self.threads]
            t += dt
            d = self.tuner.record(dt)
            if d:
                decisions.append(d)
        return decisions


def test_the_tuner_keeps_two_threads_where_they_are_faster_and_rechecks():
    s = Steps({1: 1 / 70, 2: 1 / 98})
    decisions = s.run(3.0)
    assert decisions[0]["threads"] == 2 and s.threads == 2
    assert decisions[0]["steps_per_s"] == {"1": 70.0, "2": 98.0}
    s.cost = {1: 1 / 70, 2: 1 / 13}        # then another program takes a core
    later = s.run(threads.ThreadTuner.HOLD_S + 5.0)
    assert later and later[-1]["threads"] == 1 and s.threads == 1


def test_the_tuner_stays_on_one_thread_where_two_lose_and_probes_less_often():
    s = Steps({1: 1 / 64, 2: 1 / 58})
    decisions = s.run(400.0)
    assert decisions and all(d["threads"] == 1 for d in decisions)
    assert s.threads == 1 and s.applied[-1] == 1
    # held 20, 40, 80, 160 s between probes: about 5 probes in 400 s, not 20
    assert 3 <= len(decisions) <= 6
    assert s.tuner.hold == threads.ThreadTuner.MAX_HOLD_S


def test_a_small_gain_is_not_a_reason_to_switch():
    s = Steps({1: 1 / 64, 2: 1 / 66})      # within the noise of two one-second measurements
    s.run(3.0)
    assert s.threads == 1


def test_no_tuner_where_the_count_is_not_ours_to_change(env):
    assert threads.tuner_for(1, "cpu", cores=2) is not None
    assert threads.tuner_for(1, "cpu", requested=1, cores=2) is None      # the user's --threads
    assert threads.tuner_for(1, "cuda", cores=2) is None
    assert threads.tuner_for(1, "cpu", cores=1) is None
    assert threads.tuner_for(None, "cpu", cores=2) is None                # PyTorch's own choice
    env.setenv("WORLD_SIZE", "2")
    assert threads.tuner_for(1, "cpu", cores=2) is None                   # torchrun's ranks
    env.delenv("WORLD_SIZE")
    env.setenv(threads.ENV, "1")
    assert threads.tuner_for(1, "cpu", cores=2) is None


def test_setup_trainer_never_raises(env):
    class Broken:
        model_cfg = None
        cfg = object()   # no batch size, no device

    info = threads.setup_trainer(Broken())
    assert "error" in info or info.get("chosen") in (1, None)
