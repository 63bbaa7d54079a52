"""Run directories: round trips, atomic saves under SIGKILL, refusing code, corrupt files."""
import os
import pickle
import signal
import subprocess
import sys
import textwrap
import time

import pytest
import torch

from conftest import ROOT, drive, tiny_engine
from explorer.core import runs
from explorer.core.training.config import make_configs
from explorer.core.training.engine import Failed, TrainingEngine
from models import build_model


def trained_run(tmp_path, data, name="run", steps=8):
    drive(tiny_engine(tmp_path / name, "vae", data, {"hidden": (32,), "latent_dim": 4}, steps=steps,
                      checkpoint_every_s=10.0))
    return tmp_path / name


def test_checkpoint_round_trip_rebuilds_the_same_model(tmp_path, mnist_small):
    run_dir = trained_run(tmp_path, mnist_small)
    a = runs.load_run(run_dir)
    b = runs.load_run(run_dir)
    x = mnist_small.test_x[:8]
    assert torch.equal(a.model.encode(x).z, b.model.encode(x).z)
    assert a.step == 8 and a.train_cfg.dataset == "mnist5k"
    assert not a.model.training
    z = torch.randn(3, 4)
    assert torch.equal(a.model.decode(z), b.model.decode(z))


SAVER = textwrap.dedent("""
    import sys, torch
    sys.path.insert(0, {root!r})
    from explorer.core import runs
    model = torch.nn.Linear(256, 256)
    i = 0
    while True:
        i += 1
        with torch.no_grad():
            model.weight.fill_(i); model.bias.fill_(i)
        runs.save_trainer_state({d!r} + "/trainer.pt", {{"step": i, "blob": torch.full((200_000,), float(i))}})
        runs.save_weights({d!r} + "/model.safetensors", model, {{"step": i}})
        if i == 1:
            print("first", flush=True)
""")


@pytest.mark.parametrize("delay", [0.05, 0.13, 0.31])
def test_kill_during_save_leaves_the_previous_checkpoint_loadable(tmp_path, delay):
    proc = subprocess.Popen([sys.executable, "-c", SAVER.format(root=str(ROOT), d=str(tmp_path))],
                            stdout=subprocess.PIPE, text=True)
    try:
        assert proc.stdout.readline().strip() == "first"
        time.sleep(delay)
    finally:
        proc.send_signal(signal.SIGKILL)
        proc.wait()
    state, meta = runs.load_weights(tmp_path / "model.safetensors")
    step = int(meta["step"])
    assert step >= 1
    assert float(state["weight"].min()) == float(state["weight"].max()) == step  # not a mixture of saves
    trainer = runs.load_trainer_state(tmp_path / "trainer.pt")
    assert trainer["step"] in (step, step + 1)
    assert float(trainer["blob"][-1]) == trainer["step"]


def test_interrupted_write_keeps_old_file(tmp_path, monkeypatch):
    path = tmp_path / "x.bin"
    runs.atomic_write_bytes(path, b"old")

    def boom(*a):
        raise OSError("disk full")

    monkeypatch.setattr(os, "replace", boom)
    with pytest.raises(OSError):
        runs.atomic_write_bytes(path, b"new")
    assert path.read_bytes() == b"old"
    assert [p.name for p in tmp_path.iterdir()] == ["x.bin"]  # no temporary left behind


class Evil:
    def __reduce__(self):
        return (os.system, (f"touch {MARKER}",))


MARKER = "/tmp/latent-explorer-pwned"


def test_pickle_that_would_run_code_is_refused(tmp_path, mnist_small):
    if os.path.exists(MARKER):
        os.unlink(MARKER)
    run_dir = trained_run(tmp_path, mnist_small)
    with open(run_dir / runs.TRAINER, "wb") as f:
        pickle.dump({"step": 8, "x": Evil()}, f)
    with pytest.raises(runs.CheckpointError, match="SHA-256 does not match"):
        runs.load_trainer_state(run_dir / runs.TRAINER)
    runs.sign_run(run_dir)   # even a file its user signed never runs code
    with pytest.raises(runs.CheckpointError) as e:
        runs.load_trainer_state(run_dir / runs.TRAINER)
    assert "refused" in str(e.value) and str(run_dir / runs.TRAINER) in str(e.value)
    events = drive(TrainingEngine.open(run_dir, data=mnist_small, steps=12))
    assert isinstance(events[-1], Failed) and "refused" in events[-1].message
    assert not os.path.exists(MARKER)


def test_pickle_as_weights_is_refused_as_corrupt(tmp_path, mnist_small):
    run_dir = trained_run(tmp_path, mnist_small)
    with open(run_dir / runs.WEIGHTS, "wb") as f:
        pickle.dump(Evil(), f)
    with pytest.raises(runs.CheckpointError, match="damaged"):
        runs.load_run(run_dir)
    (run_dir / runs.MANIFEST).unlink()   # an older run, without a manifest to check against
    with pytest.raises(runs.CheckpointError, match="weights.*damaged|safetensors: damaged"):
        runs.load_run(run_dir)
    assert not os.path.exists(MARKER)


def test_truncated_or_corrupt_weights_give_one_line_naming_the_file(tmp_path, mnist_small):
    run_dir = trained_run(tmp_path, mnist_small)
    path = run_dir / runs.WEIGHTS
    data = path.read_bytes()
    for broken in (data[: len(data) // 2], b"\x00" * 100, b""):
        path.write_bytes(broken)
        with pytest.raises(runs.CheckpointError) as e:
            runs.load_run(run_dir)
        assert str(path) in str(e.value) and "\n" not in str(e.value)


def test_truncated_trainer_state(tmp_path, mnist_small):
    run_dir = trained_run(tmp_path, mnist_small)
    path = run_dir / runs.TRAINER
    path.write_bytes(path.read_bytes()[:300])
    with pytest.raises(runs.CheckpointError, match=r"trainer.pt: damaged: .*truncated"):
        runs.load_trainer_state(path)
    (run_dir / runs.MANIFEST).unlink()
    with pytest.raises(runs.CheckpointError, match="corrupt or truncated trainer state"):
        runs.load_trainer_state(path)


def test_not_a_run_and_bad_config(tmp_path):
    with pytest.raises(runs.CheckpointError, match="not a run directory"):
        runs.load_run(tmp_path)
    (tmp_path / runs.CONFIG).write_text("{ not json")
    with pytest.raises(runs.CheckpointError, match="config.json: damaged: not valid JSON"):
        runs.load_run(tmp_path)
    with pytest.raises(runs.CheckpointError, match="nope: no such directory"):
        runs.load_run(tmp_path / "nope")
    with pytest.raises(runs.CheckpointError, match="not a directory"):
        runs.load_run(tmp_path / runs.CONFIG)


def test_weights_that_do_not_fit_the_config(tmp_path, mnist_small):
    run_dir = trained_run(tmp_path, mnist_small)
    mc, tc, raw = runs.read_config(run_dir)
    mc.latent_dim = 7
    runs.write_config(run_dir, mc, tc)
    with pytest.raises(runs.CheckpointError, match="do not fit"):
        runs.load_run(run_dir)


def test_metrics_follower_skips_partial_lines_and_resumes(tmp_path):
    path = tmp_path / "metrics.jsonl"
    log = runs.MetricsLog(path)
    log.write({"kind": "step", "step": 1})
    with open(path, "a") as f:
        f.write('{"kind": "step", "st')   # a writer in the middle of a line
    recs, off = runs.read_metrics(path)
    assert [r["step"] for r in recs] == [1]
    with open(path, "a") as f:
        f.write('ep": 2}\n')
    recs, off = runs.read_metrics(path, off)
    assert [r["step"] for r in recs] == [2]
    hist = runs.history([{"kind": "step", "step": s} for s in (1, 2, 3)] + [{"kind": "resume", "step": 2},
                                                                         {"kind": "step", "step": 3}])
    assert [r["step"] for r in hist if r["kind"] == "step"] == [1, 2, 3]


def test_model_builds_from_saved_config_alone(tmp_path, mnist_small):
    run_dir = trained_run(tmp_path, mnist_small)
    mc, _, _ = runs.read_config(run_dir)
    expected, _ = make_configs("vae", mnist_small, {"hidden": (32,), "latent_dim": 4}, {"steps": 8, "batch_size": 64})
    assert mc == expected   # every model setting comes back from config.json, none from defaults
    state, _ = runs.load_weights(run_dir / runs.WEIGHTS)
    model = build_model(mc)
    fresh = {k: v.clone() for k, v in model.state_dict().items()}
    result = model.load_state_dict(state)
    assert result.missing_keys == [] and result.unexpected_keys == []
    assert set(model.state_dict()) == set(state)
    assert any(not torch.equal(fresh[k], state[k]) for k in state)   # the trained weights, not a fresh init
    model.eval()
    z = torch.randn(5, 4)
    assert torch.equal(model.decode(z), runs.load_run(run_dir).model.decode(z))


def test_follower_timeline_follows_epochs_resumes_and_late_images(tmp_path):
    """The timeline is built record by record: images in step order, a resume drops the ones
    logged after its checkpoint, and an image named before it is on disk appears once it is."""
    from explorer.core.training.follow import RunFollower

    samples = tmp_path / runs.SAMPLES
    samples.mkdir()
    log = runs.MetricsLog(tmp_path / runs.METRICS)

    def epoch(e, step, write=True):
        name = f"epoch_{e:04d}.png"
        if write:
            (samples / name).write_bytes(b"png")
        log.write({"kind": "epoch", "step": step, "epoch": e, "samples": name})

    follower = RunFollower(tmp_path)
    for e in (1, 2, 3):
        epoch(e, 10 * e)
    epoch(4, 40, write=False)              # still being copied from another machine
    follower.poll()
    assert [(t.epoch, t.step) for t in follower.timeline()] == [(1, 10), (2, 20), (3, 30)]
    (samples / "epoch_0004.png").write_bytes(b"png")
    assert [t.epoch for t in follower.timeline()] == [1, 2, 3, 4]

    (samples / "step_0000035.png").write_bytes(b"png")   # "Sample now" between epochs
    log.write({"kind": "samples", "step": 35, "epoch": 3, "samples": "step_0000035.png"})
    log.write({"kind": "resume", "step": 20, "epoch": 2})  # continued from the step-20 checkpoint
    epoch(3, 30)
    follower.poll()
    assert [(t.path.name, t.step) for t in follower.timeline()] == [
        ("epoch_0001.png", 10), ("epoch_0002.png", 20), ("epoch_0003.png", 30)]
    assert follower.timeline() == follower.timeline()   # nothing new: the same answer
