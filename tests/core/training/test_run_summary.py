"""The run list's summaries are kept between calls, and read again as soon as a file changes."""
import json
import os
import shutil
import time

from explorer.core.places import shipped_runs_dir
from explorer.core.training.follow import run_summary


def test_a_summary_follows_every_change_to_the_run(tmp_path, monkeypatch):
    run = tmp_path / "demo"
    shutil.copytree(shipped_runs_dir() / "demo-vae", run)
    first = run_summary(run)
    assert first["step"] == 1050 and "−ELBO 117.5" in first["headline"]
    assert run_summary(run) == first
    run_summary(run)["headline"] = "changed by a caller"   # callers get their own copy
    assert run_summary(run) == first

    # a record appended (training goes on): the headline follows
    with open(run / "metrics.jsonl", "a") as f:
        f.write(json.dumps({"time": time.time(), "kind": "eval", "step": 1100, "epoch": 31,
                            "test_neg_elbo": 99.0}) + "\n")
    assert "−ELBO 99.0" in run_summary(run)["headline"]

    # state.json replaced (as a checkpoint replaces it), at the same size and mtime: read again
    import explorer.core.training.follow as follow
    reads = []
    monkeypatch.setattr(follow, "_read_summary", lambda d, real=follow._read_summary: reads.append(d) or real(d))
    run_summary(run)
    assert reads == []
    st = os.stat(run / "state.json")
    tmp = run / ".state.json.tmp"
    tmp.write_bytes((run / "state.json").read_bytes())
    os.utime(tmp, ns=(st.st_atime_ns, st.st_mtime_ns))
    os.replace(tmp, run / "state.json")
    assert run_summary(run)["step"] == 1050 and len(reads) == 1

    # the weights removed: no checkpoint
    (run / "model.safetensors").unlink()
    assert run_summary(run)["status"] == "no checkpoint"
