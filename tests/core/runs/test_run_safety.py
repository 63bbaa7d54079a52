"""Run directories protect what is not theirs, verify what they load, and resume honestly."""
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
import torch
from safetensors import safe_open
from safetensors.torch import save_file

from conftest import ROOT, drive, tiny_engine
from explorer.cli import main
from explorer.core import runs
from explorer.core.training.config import TrainConfig, make_configs
from explorer.core.training.engine import EpochEnd, Failed, Finished, RunExists, TrainingEngine
from models import ModelConfig


def make_run(path, data, steps=8, **train):
    events = drive(tiny_engine(path, "vae", data, {"hidden": (32,), "latent_dim": 4},
                               **{"steps": steps, "checkpoint_every_s": 10.0, **train}))
    assert isinstance(events[-1], Finished), events[-1]
    return path


def tree(path):
    """Every file under `path` with its bytes: what must not change."""
    return {p.relative_to(path): p.read_bytes() for p in sorted(path.rglob("*")) if p.is_file()}


def rewrite_weights(run_dir, change, sign=True):
    path = run_dir / runs.WEIGHTS
    with safe_open(str(path), "pt") as f:
        meta, tensors = f.metadata(), {k: f.get_tensor(k) for k in f.keys()}
    meta, tensors = change(meta, tensors)
    save_file(tensors, str(path), metadata=meta)
    if sign:
        runs.write_manifest(run_dir, {**runs.read_manifest(run_dir)["files"],
                                      runs.WEIGHTS: runs.file_entry(path.read_bytes())})


# -- what is not the program's is never deleted or written --------------------------

def test_overwrite_refuses_a_folder_that_is_not_a_run(tmp_path, mnist_small):
    scratch = tmp_path / "scratch"
    (scratch / "src").mkdir(parents=True)
    (scratch / "config.json").write_text("{}")
    (scratch / "src" / "a.c").write_text("x")
    before = tree(scratch)
    mc, tc = make_configs("vae", mnist_small, {}, {"steps": 2})
    for overwrite in (False, True):
        with pytest.raises(runs.RunDirRefused, match="not empty and not a run directory"):
            TrainingEngine.create(scratch, mc, tc, data=mnist_small, overwrite=overwrite)
    assert tree(scratch) == before


@pytest.mark.parametrize("where", ["", ".", "/", "~"])
def test_protected_places_are_refused_whatever_they_hold(tmp_path, monkeypatch, where):
    monkeypatch.chdir(tmp_path)
    with pytest.raises(runs.RunDirRefused) as e:
        runs.prepare_run_dir(where, overwrite=True)
    assert "\n" not in str(e.value)


def test_overwrite_deletes_only_what_the_run_wrote(tmp_path, mnist_small):
    run_dir = make_run(tmp_path / "run", mnist_small)
    (run_dir / "notes.txt").write_text("mine")
    (run_dir / runs.SAMPLES / "my-drawing.png").write_bytes(b"png")
    (run_dir / "data").mkdir()
    (run_dir / "data" / "x.csv").write_text("1,2")
    mc, tc = make_configs("vae", mnist_small, {"hidden": (16,)}, {"steps": 2})
    with pytest.raises(RunExists):
        TrainingEngine.create(run_dir, mc, tc, data=mnist_small)
    drive(TrainingEngine.create(run_dir, mc, tc, data=mnist_small, overwrite=True))
    assert (run_dir / "notes.txt").read_text() == "mine"
    assert (run_dir / runs.SAMPLES / "my-drawing.png").read_bytes() == b"png"
    assert (run_dir / "data" / "x.csv").read_text() == "1,2"
    assert runs.load_run(run_dir).step == 2


def test_a_run_name_that_is_not_utf8_is_refused_before_training(tmp_path):
    bad = os.fsdecode(os.fsencode(str(tmp_path)) + b"/bad\xffname")
    with pytest.raises(runs.RunDirRefused, match="not UTF-8"):
        runs.prepare_run_dir(bad)


# -- what is loaded is verified ----------------------------------------------------

def test_flipped_bytes_are_found_and_named(tmp_path, mnist_small):
    run_dir = make_run(tmp_path / "run", mnist_small)
    path = run_dir / runs.WEIGHTS
    data = bytearray(path.read_bytes())
    for i in range(200):
        data[-400 + i] ^= 0xFF
    path.write_bytes(bytes(data))
    with pytest.raises(runs.CheckpointError, match=r"model.safetensors: damaged: .*SHA-256.*same size"):
        runs.load_run(run_dir)
    path.write_bytes(bytes(data[:1000]))
    with pytest.raises(runs.CheckpointError, match="truncated"):
        runs.load_run(run_dir)


def test_signed_weights_of_another_dtype_or_not_finite_are_refused_by_name(tmp_path, mnist_small):
    run_dir = make_run(tmp_path / "run", mnist_small)
    rewrite_weights(run_dir, lambda m, t: (m, {k: v.to(torch.int32) for k, v in t.items()}))
    with pytest.raises(runs.CheckpointError, match="is int32, the model expects float32"):
        runs.load_run(run_dir)

    def nan(m, t):
        k = sorted(t)[0]
        t[k].view(-1)[0] = float("nan")
        return m, t
    make_run(tmp_path / "run2", mnist_small)
    rewrite_weights(tmp_path / "run2", nan)
    with pytest.raises(runs.CheckpointError, match="NaN or infinite values"):
        runs.load_run(tmp_path / "run2")


def test_sign_adopts_a_hand_edit_that_still_loads(tmp_path, mnist_small, capsys):
    run_dir = make_run(tmp_path / "run", mnist_small)
    rewrite_weights(run_dir, lambda m, t: ({**m, "note": "edited"}, t), sign=False)
    assert main(["eval", "--run", str(run_dir)]) == 1
    assert "sign --run" in capsys.readouterr().err
    assert main(["sign", "--run", str(run_dir)]) == 0
    assert main(["eval", "--run", str(run_dir)]) == 0
    json.loads(capsys.readouterr().out.splitlines()[-1])


def test_settings_from_a_file_are_checked_before_anything_is_built(tmp_path, mnist_small, capsys):
    run_dir = make_run(tmp_path / "run", mnist_small)
    raw = json.loads((run_dir / runs.CONFIG).read_text())
    for field, value, says in [("latent_dim", -4, "model.latent_dim must be between"),
                               ("latent_dim", "20", "model.latent_dim must be a whole number"),
                               ("latent_dim", 20.5, "model.latent_dim must be a whole number"),
                               ("hidden", [10 ** 9], "model.hidden must be between"),
                               ("hidden", [1_000_000, 1_000_000], "needs about"),
                               ("beta", float("nan"), "model.beta must be a finite number")]:
        (run_dir / runs.CONFIG).write_text(json.dumps({**raw, "model": {**raw["model"], field: value}}))
        for argv in (["eval", "--run", str(run_dir)], ["sample", "--run", str(run_dir), "--out",
                                                         str(tmp_path / "s.png")]):
            assert main(argv) == 1
            err = capsys.readouterr().err.strip()
            assert says in err and len(err.splitlines()) == 1, err
    with pytest.raises(ValueError, match="train.checkpoint_every_s"):
        TrainConfig(checkpoint_every_s=float("nan")).validate()
    with pytest.raises(ValueError, match="model.beta"):
        ModelConfig(beta=-5).validate()


def test_eval_always_prints_strict_json(tmp_path, mnist_small, capsys, monkeypatch):
    from explorer.core.training import evaluation as metrics

    run_dir = make_run(tmp_path / "run", mnist_small)
    real = metrics.Evaluator.epoch

    def with_nan(self, model, full=False):
        return {**real(self, model, full), "test_kl": float("nan")}
    monkeypatch.setattr(metrics.Evaluator, "epoch", with_nan)
    assert main(["eval", "--run", str(run_dir)]) == 0
    out = json.loads(capsys.readouterr().out, parse_constant=lambda c: pytest.fail(f"bare {c}"))
    assert out["test_kl"] is None and out["nonfinite"] == ["test_kl"]


def test_damaged_informative_files_do_not_block_a_run(tmp_path, mnist_small, caplog):
    run_dir = make_run(tmp_path / "run", mnist_small)
    (run_dir / runs.STATE).write_text("[1]")
    with open(run_dir / runs.METRICS, "a") as f:
        f.write('null\n42\n[1,2,3]\n{"kind":"resume"}\n{"kind":"epoch","step":3,"samples":"../../x.png"}\n')
    assert main(["eval", "--run", str(run_dir)]) == 0
    assert "state.json: damaged" in caplog.text
    skipped = []
    records, _ = runs.read_metrics(run_dir / runs.METRICS, skipped=skipped)
    assert len(skipped) == 5 and all(isinstance(r, dict) and "step" in r for r in records)
    events = drive(TrainingEngine.open(run_dir, steps=12))
    assert isinstance(events[-1], Finished)


# -- resume never goes back, never writes over, says what it skipped ------------------

def test_resume_below_a_logged_checkpoint_is_refused(tmp_path, mnist_small):
    run_dir = make_run(tmp_path / "run", mnist_small)
    before = tree(run_dir)
    for step in ("-5", "3"):
        rewrite_weights(run_dir, lambda m, t: ({**m, "step": step}, t))
        events = drive(TrainingEngine.open(run_dir, data=mnist_small, steps=20))
        assert isinstance(events[-1], Failed) and "the run is unchanged" in events[-1].message
    after = tree(run_dir)
    assert {p for p in after if str(p).startswith("samples")} == {p for p in before if str(p).startswith("samples")}
    assert after[Path(runs.CONFIG)] == before[Path(runs.CONFIG)]


def test_resume_after_a_cut_line_starts_a_fresh_one_and_keeps_every_picture(tmp_path, mnist_small):
    run_dir = make_run(tmp_path / "run", mnist_small, steps=16, checkpoint_every_s=1e9)
    pictures = tree(run_dir / runs.SAMPLES)
    with open(run_dir / runs.METRICS, "a") as f:
        f.write('{"kind": "step", "st')
    # the checkpoint (at the end, step 16) is older than two more epochs of pictures
    events = drive(TrainingEngine.open(run_dir, data=mnist_small, steps=40))
    assert isinstance(events[-1], Finished)
    lines = (run_dir / runs.METRICS).read_text().splitlines()
    assert '{"kind": "step", "st' in lines       # kept, alone on its line
    assert all(json.loads(l) for l in lines if l != '{"kind": "step", "st')
    now = tree(run_dir / runs.SAMPLES)
    assert all(now.get(p) == b for p, b in pictures.items())


def test_damaged_trainer_state_offers_a_fresh_optimizer(tmp_path, mnist_small, capsys):
    run_dir = make_run(tmp_path / "run", mnist_small)
    path = run_dir / runs.TRAINER
    path.write_bytes(path.read_bytes()[:300])
    config = (run_dir / runs.CONFIG).read_bytes()
    events = drive(TrainingEngine.open(run_dir, data=mnist_small, steps=16))
    assert isinstance(events[-1], Failed) and "--fresh-optimizer" in events[-1].message
    assert (run_dir / runs.CONFIG).read_bytes() == config    # a failed resume changes nothing
    events = drive(TrainingEngine.open(run_dir, data=mnist_small, steps=16, fresh_optimizer=True))
    assert isinstance(events[-1], Finished) and events[-1].step == 16


def test_stale_temporary_files_go_when_no_trainer_holds_the_run(tmp_path, mnist_small):
    run_dir = make_run(tmp_path / "run", mnist_small)
    stale = [run_dir / ".model.safetensors.abcd1234.tmp", run_dir / ".trainer.pt.zz_12345.tmp"]
    for p in stale:
        p.write_bytes(b"half")
    (run_dir / ".my.notes.tmp").write_text("not ours")
    with runs.RunLock(run_dir):          # a live trainer: its save may be writing them
        runs.load_run(run_dir)
        assert all(p.exists() for p in stale)
        with pytest.raises(runs.CheckpointError, match="another process is training"):
            runs.RunLock(run_dir).acquire()
    runs.load_run(run_dir)
    assert not any(p.exists() for p in stale)
    assert (run_dir / ".my.notes.tmp").exists()


def test_halt_saves_at_the_step_it_stopped(tmp_path, mnist_small):
    run_dir = make_run(tmp_path / "run", mnist_small)
    engine = TrainingEngine.open(run_dir, data=mnist_small, steps=10_000)
    events = drive(engine, {lambda ev: getattr(ev, "step", 0) == 13: "halt"})
    assert isinstance(events[-1], Finished) and events[-1].stopped and events[-1].step == 13
    assert runs.load_run(run_dir).step == 13
    assert not any(isinstance(e, EpochEnd) and e.step > 13 for e in events)


def test_ctrl_c_saves_a_checkpoint_and_reports_its_step(tmp_path):
    run_dir = tmp_path / "run"
    p = subprocess.Popen([sys.executable, "main.py", "train", "--model", "vae", "--dataset", "digits",
                          "--hidden", "32", "--steps", "1000000", "--checkpoint-every", "1e9",
                          "--out", str(run_dir), "--quiet"], cwd=ROOT, stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:   # training is under way once a step is logged
        if (run_dir / runs.METRICS).exists() and '"kind": "step"' in (run_dir / runs.METRICS).read_text():
            break
        time.sleep(0.1)
    p.send_signal(signal.SIGINT)
    _, err = p.communicate(timeout=120)
    assert p.returncode == 130, err
    step = runs.load_run(run_dir).step
    assert step > 0 and f"interrupted at step {step}: checkpoint saved at step {step}" in err


def test_resume_takes_the_model_and_dataset_from_the_run(tmp_path, capsys):
    out = tmp_path / "r"
    assert main(["train", "--model", "vae", "--dataset", "digits", "--hidden", "16", "--steps", "5",
                 "--out", str(out), "--quiet"]) == 0
    assert main(["train", "--resume", "--out", str(out), "--steps", "9", "--quiet"]) == 0
    assert "9 steps" in capsys.readouterr().out
    with pytest.raises(SystemExit):
        main(["train", "--resume", "--out", str(out), "--steps", "12", "--hidden", "64", "--quiet"])
    assert "--hidden cannot change on --resume" in capsys.readouterr().err
