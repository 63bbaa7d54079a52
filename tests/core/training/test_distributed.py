"""Training on two CPU processes through torchrun's own launcher (gloo): one ordinary run
directory that eval reads, the same losses as one process, resume, a refused batch, a
rank that dies. No GPU, no network."""
from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
import torch

ROOT = Path(__file__).resolve().parents[3]


def _env(threads: str) -> dict:
    env = {**os.environ, "LATENT_EXPLORER_THREADS": threads, "OMP_NUM_THREADS": threads}
    env.pop("WORLD_SIZE", None)
    return env


def torchrun(*args, timeout=240, **popen):
    cmd = [sys.executable, "-m", "torch.distributed.run", "--standalone", "--nproc-per-node", "2",
           "main.py", "train", *args]
    if popen:
        return subprocess.Popen(cmd, cwd=ROOT, env=_env("1"), text=True, **popen)
    return subprocess.run(cmd, cwd=ROOT, env=_env("1"), capture_output=True, text=True, timeout=timeout)


def one_process(*args, timeout=240):
    return subprocess.run([sys.executable, "main.py", "train", *args], cwd=ROOT, env=_env("2"),
                          capture_output=True, text=True, timeout=timeout)


def records(run: Path) -> list[dict]:
    return [json.loads(line) for line in (run / "metrics.jsonl").read_text().splitlines()]


def evaluate(run: Path) -> dict:
    r = subprocess.run([sys.executable, "main.py", "eval", "--run", str(run)], cwd=ROOT, env=_env("1"),
                       capture_output=True, text=True, timeout=240)
    assert r.returncode == 0, r.stderr
    return json.loads(r.stdout)


@pytest.mark.parametrize("model, dataset, extra", [("vae", "digits", ()), ("gan", "ring8", ("--pack", "2"))])
def test_two_processes_write_one_ordinary_run(tmp_path, model, dataset, extra):
    run = tmp_path / "run"
    r = torchrun("--model", model, "--dataset", dataset, *extra, "--steps", "30", "--quiet", "--out", str(run))
    assert r.returncode == 0, r.stderr[-2000:]
    assert "on 2 processes (gloo)" in r.stdout
    assert r.stdout.count("done:") == 1   # rank 0 speaks for the run
    recs = records(run)
    starts = [x for x in recs if x["kind"] in ("start", "resume")]
    assert len(starts) == 1 and starts[0]["processes"] == 2 and starts[0]["backend"] == "gloo"
    assert [x["step"] for x in recs if x["kind"] == "end"] == [30]
    assert not list(run.glob(".*.tmp"))
    assert evaluate(run)["step"] == 30


@pytest.mark.parametrize("model, parts, extra", [
    ("vae", ("recon", "kl"), ()),
    # the codebook's k-means start and restarts see the whole batch, gathered from both processes
    ("vqvae", ("recon", "commit", "codebook"), ("--kmeans-init", "--restart-after", "2"))])
def test_two_processes_train_what_one_process_trains(tmp_path, model, parts, extra):
    """Same seed, same global batch: DDP's averaged gradient and the global batch's noise
    give one process's losses, step after step."""
    args = ("--model", model, "--dataset", "digits", *extra, "--steps", "6", "--log-every", "1", "--quiet")
    one = one_process(*args, "--out", str(tmp_path / "one"))
    two = torchrun(*args, "--out", str(tmp_path / "two"))
    assert one.returncode == 0 and two.returncode == 0, two.stderr[-2000:]
    steps = [[x for x in records(tmp_path / r) if x["kind"] == "step"] for r in ("one", "two")]
    assert [x["step"] for x in steps[0]] == [x["step"] for x in steps[1]] == list(range(1, 7))
    for a, b in zip(*steps):
        for part in parts:
            assert b[part] == pytest.approx(a[part], abs=1e-4, rel=1e-5), (a["step"], part)
    assert steps[1][0]["recon"] == pytest.approx(steps[0][0]["recon"], abs=1e-5)
    if model == "vqvae":   # codes were restarted, the same ones to the same vectors
        from explorer.core.runs import load_run
        q = [load_run(tmp_path / r).model.quantizer for r in ("one", "two")]
        assert int(q[0].restarts) > 0 and int(q[0].restarts) == int(q[1].restarts)
        assert torch.allclose(q[0].codebook, q[1].codebook, atol=1e-4)


def test_resume_and_a_batch_that_does_not_split(tmp_path):
    run = tmp_path / "run"
    assert torchrun("--model", "vae", "--dataset", "digits", "--steps", "12", "--quiet", "--out", str(run)).returncode == 0
    r = torchrun("--resume", "--steps", "24", "--quiet", "--out", str(run))
    assert r.returncode == 0, r.stderr[-2000:]
    resumes = [x for x in records(run) if x["kind"] == "resume"]
    assert [x["step"] for x in resumes] == [12] and resumes[0]["processes"] == 2
    assert evaluate(run)["step"] == 24

    odd = tmp_path / "odd"
    r = torchrun("--model", "vae", "--dataset", "digits", "--batch-size", "101", "--steps", "5", "--quiet",
                 "--out", str(odd))
    assert r.returncode != 0
    said = [line for line in r.stderr.splitlines() if line.startswith("error")]
    assert len(said) == 1 and "does not split evenly over 2 processes" in said[0], r.stderr[-2000:]
    assert not odd.exists()


def wait_for_checkpoints(run: Path, n: int, timeout: float = 180) -> None:
    """Until the run's metrics record n checkpoints (a condition, not a guess at a time)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        m = run / "metrics.jsonl"
        if m.exists() and m.read_text().count('"kind": "checkpoint"') >= n:
            return
        time.sleep(0.1)
    pytest.fail(f"fewer than {n} checkpoints within {timeout:.0f} s")


def _children(pid: int) -> list[int]:
    out = []
    for task in os.listdir(f"/proc/{pid}/task"):
        with open(f"/proc/{pid}/task/{task}/children") as f:
            out += [int(c) for c in f.read().split()]
    return out


def _rank_of(pid: int) -> int | None:
    with open(f"/proc/{pid}/environ", "rb") as f:
        env = dict(kv.split(b"=", 1) for kv in f.read().split(b"\0") if b"=" in kv)
    return int(env[b"RANK"]) if b"RANK" in env else None


@pytest.mark.skipif(not Path("/proc/self/task").exists(), reason="finds the ranks through /proc")
def test_a_rank_that_dies_stops_the_run_with_a_message(tmp_path):
    run = tmp_path / "run"
    p = torchrun("--model", "vae", "--dataset", "digits", "--steps", "100000", "--checkpoint-every", "0",
                 "--quiet", "--out", str(run), stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    try:
        wait_for_checkpoints(run, 2)   # the run is training
        ranks = {_rank_of(c): c for c in _children(p.pid)}
        os.kill(ranks[1], signal.SIGKILL)
        out, _ = p.communicate(timeout=180)
    finally:
        if p.poll() is None:
            p.kill()
    assert p.returncode != 0
    errors = [x for x in records(run) if x["kind"] == "error"]
    assert len(errors) == 1 and "another training process stopped" in errors[0]["message"], out[-2000:]
    assert "last good checkpoint" in errors[0]["message"]
    assert evaluate(run)["step"] > 0   # the last checkpoint loads


def test_ctrl_c_in_the_terminal_stops_every_process_at_one_step_and_saves(tmp_path):
    """A terminal's Ctrl-C reaches the whole process group, and torchrun forwards it again:
    every rank stops after the same step (a stop answered to any event of a step, rank 0's
    epoch-end ones included, is agreed at the step's end), rank 0 saves, nobody errs."""
    run = tmp_path / "run"
    p = torchrun("--model", "vae", "--dataset", "digits", "--steps", "100000", "--out", str(run),
                 stdout=subprocess.PIPE, stderr=subprocess.STDOUT, start_new_session=True)
    try:
        wait_for_checkpoints(run, 1)   # past an epoch's end: the run is training
        os.killpg(p.pid, signal.SIGINT)
        out, _ = p.communicate(timeout=180)
    finally:
        if p.poll() is None:
            os.killpg(p.pid, signal.SIGKILL)
    recs = records(run)
    assert not [x for x in recs if x["kind"] == "error"], out[-3000:]
    assert "error" not in [line.split(" ")[0].rstrip(":") for line in out.splitlines()], out[-3000:]
    ends = [x for x in recs if x["kind"] == "end"]
    assert len(ends) == 1 and ends[0]["stopped"] is True
    assert "interrupted at step" in out and "checkpoint saved" in out
    assert evaluate(run)["step"] == ends[0]["step"]


def _free_port() -> int:
    import socket
    with socket.socket() as s:
        s.bind(("localhost", 0))
        return s.getsockname()[1]


def test_two_machines_that_do_not_agree_on_the_run_are_refused_in_one_line(tmp_path):
    """The README's two-machine command, as two launchers here (static rendezvous): the same
    run trains; launchers given different runs (here: different --steps) are refused by
    every process before anything trains, instead of waiting on each other."""
    port = _free_port()

    def machines(steps_of):
        ps = [subprocess.Popen([sys.executable, "-m", "torch.distributed.run", "--nnodes", "2", "--nproc-per-node",
                                "1", "--node-rank", str(r), "--master-addr", "localhost", "--master-port", str(port),
                                "main.py", "train", "--model", "vae", "--dataset", "digits", "--steps",
                                str(steps_of(r)), "--quiet", "--out", str(tmp_path / f"run{steps_of(0)}")],
                               cwd=ROOT, env=_env("1"), text=True, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
              for r in (0, 1)]
        outs = [p.communicate(timeout=240) for p in ps]
        return [(p.returncode, out, err) for p, (out, err) in zip(ps, outs)]

    same = machines(lambda r: 12)
    assert [rc for rc, _, _ in same] == [0, 0], same[0][2][-2000:]
    assert "on 2 processes (gloo)" in same[0][1]
    port = _free_port()
    differ = machines(lambda r: 20 + r)
    assert [rc for rc, _, _ in differ] == [1, 1]
    for rc, out, err in differ:
        said = [line for line in err.splitlines() if line.startswith("error")]
        assert len(said) == 1 and "do not see the same dataset or run" in said[0], err[-2000:]
    assert not (tmp_path / "run20" / "model.safetensors").exists()
