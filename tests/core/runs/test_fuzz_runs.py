"""A seeded slice of the run-directory fuzz harness (tests/core/runs/fuzz_runs.py): 40 damaged
copies of small runs through eval, sample, embed and --resume. Every case must end without a
traceback, exit 0 only with valid output, refuse in one "error:" line, and touch nothing
outside its run. The full run is `python tests/core/runs/fuzz_runs.py --cases 2000 --seed 0`."""
import json
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))

pytest.importorskip("hypothesis")
import fuzz_runs  # noqa: E402


def _report(summary: dict) -> str:
    lines = []
    for g in summary["distinct"]:
        ex = g["example"]
        lines.append(f"{g['count']} x {g['signature']}\n    mutations: {ex['mutations']}\n"
                     f"    detail: {ex['detail'][:300]}\n    replay: .venv/bin/python {ex['replay']}")
    return "\n".join(lines)


def test_pristine_bases_pass_every_check(fuzz_summary):
    for name, p in fuzz_summary["pristine"].items():
        assert not p["failures"], f"{name}: {json.dumps(p['failures'])[:1500]}"
        assert p["exit"]["eval"] == 0 and p["exit"]["sample"] == 0 and p["exit"]["resume"] == 0, p


def test_a_seeded_slice_of_damaged_runs_breaks_no_rule(fuzz_summary):
    assert fuzz_summary["cases"] == 40
    assert fuzz_summary["failures"] == 0, (
        f"{fuzz_summary['cases_failing']} of {fuzz_summary['cases']} cases broke a rule "
        f"({fuzz_summary['failure_kinds']}):\n" + _report(fuzz_summary))


def test_the_cases_are_drawn_reproducibly():
    a = fuzz_runs.draw_cases(12, seed=5)
    b = fuzz_runs.draw_cases(12, seed=5)
    assert a == b and len(a) == 12
    assert len({json.dumps(c, sort_keys=True) for c in a}) == 12


def test_the_harness_sees_what_it_must(tmp_path):
    """The checks themselves: a traceback, a changed canary and a bad stderr are caught."""
    ctx = {"case_dir": tmp_path, "run": tmp_path / "run", "out": tmp_path / "out"}
    (tmp_path / "run").mkdir()
    (tmp_path / "out").mkdir()
    fuzz_runs.make_canary(tmp_path)
    ctx["outside"] = fuzz_runs.tree_state(tmp_path, skip=(ctx["run"], ctx["out"]))
    (tmp_path / "canary" / "a.txt").write_text("changed")
    base = {"pristine": {c: 0 for c in fuzz_runs.COMMANDS}, "last_checkpoint": 0}
    res = {"rc": None, "stdout": "", "stderr": "", "traceback": 'Traceback (most recent call last):\n'
           '  File "/x/explorer/core/runs.py", line 1, in load_run\nKeyError: \'step\'\n'}
    kinds = {f["kind"] for f in fuzz_runs.check_command("eval", res, ctx, base, [], {})}
    assert kinds == {"traceback", "outside-touched"}
    res = {"rc": 1, "stdout": "", "stderr": "warning: fine\nsomething\nerror: x\n", "traceback": None}
    assert [f["kind"] for f in fuzz_runs.check_command("eval", res, ctx, base, [], {})] == ["stderr"]
    res = {"rc": 0, "stdout": "", "stderr": "", "traceback": None, "invalid": "stdout is not strict JSON"}
    assert [f["kind"] for f in fuzz_runs.check_command("eval", res, ctx, base, [], {})] == ["invalid-output"]
    with pytest.raises(ValueError):
        fuzz_runs._strict_json('{"a": NaN}')


@pytest.fixture(scope="module")
def fuzz_summary(tmp_path_factory):
    return fuzz_runs.fuzz(cases=40, seed=0, work=tmp_path_factory.mktemp("fuzz"), timeout=60)
