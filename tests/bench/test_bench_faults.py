"""`bench faults` in small: a real training run killed with SIGKILL right after a
checkpoint record and during a weights write; eval and --resume must then succeed from the
last checkpoint, leaving no partial metrics line and no temporary file. The full benchmark
is `python -m explorer.bench.faults` (16 moments)."""
import json

from explorer.bench.faults import PLAN, bench_faults, plan


def test_the_plan_covers_every_kind_of_moment():
    kinds = [k for k, _ in plan(16, 0)]
    assert kinds == PLAN
    assert {k: kinds.count(k) for k in set(kinds)} == {
        "random": 4, "random_early": 1, "after_checkpoint": 5,
        "during_model": 2, "during_trainer": 2, "during_other": 2}
    assert plan(16, 3) == plan(16, 3)


def test_two_kill_moments_resume_from_their_checkpoint(tmp_path):
    out = bench_faults(moments=2, seed=0, work=tmp_path)
    assert [r["kind"] for r in out["results"]] == ["after_checkpoint", "during_model"]
    assert out["after_first_checkpoint"] == 2, json.dumps(out, indent=1)[:3000]
    assert out["passed_after_first_checkpoint"] == 2, json.dumps(
        [{k: r[k] for k in ("kind", "kill_why", "problems", "eval", "resume")} for r in out["results"]], indent=1)
