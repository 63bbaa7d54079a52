"""The training engine, driven as a plain generator: events, commands, failures, resume."""
import json
import math

import pytest
import torch

from conftest import drive, subset, tiny_engine
from explorer.core import runs
from explorer.core.training.config import make_configs
from explorer.core.data.datasets import load_dataset
from explorer.core.training.engine import (Checkpointed, EpochEnd, Evaluated, Failed, Finished, LrChanged,
                                           Notice, Paused, Progress, RunExists, Started,
                                           TrainingEngine)

SMALL_VAE = {"hidden": (64,), "latent_dim": 8}


def vae_engine(tmp_path, data, name="run", **train):
    return tiny_engine(tmp_path / name, "vae", data, SMALL_VAE, **{"iwae_k": 4, **train})


def kinds(events):
    return [type(e).__name__ for e in events]


def test_events_metrics_samples_and_checkpoints(tmp_path, mnist_small):
    events = drive(vae_engine(tmp_path, mnist_small, epochs=2))
    assert isinstance(events[0], Started) and isinstance(events[-1], Finished)
    progress = [e for e in events if isinstance(e, Progress)]
    assert [p.step for p in progress] == list(range(1, 17))  # 512 // 64 = 8 steps an epoch
    recorded = [p.parts for p in progress if p.parts]
    assert recorded and set(recorded[0]) == {"recon", "kl"}
    assert all(not isinstance(v, torch.Tensor) for p in recorded for v in p.values())
    epochs = [e for e in events if isinstance(e, EpochEnd)]
    assert [e.epoch for e in epochs] == [1, 2]
    assert {"test_neg_elbo", "kl_per_dim", "active_units", "train_recon"} <= set(epochs[-1].metrics)
    assert sum(isinstance(e, Checkpointed) for e in events) == 2
    assert "test_iwae_nll" in events[-1].summary
    run = tmp_path / "run"
    assert (run / "samples/epoch_0001.png").exists() and (run / "samples/epoch_0002.png").exists()
    records, _ = runs.read_metrics(run / runs.METRICS)
    assert [r["kind"] for r in records][0] == "start"
    assert {"step", "epoch", "checkpoint", "eval", "end"} <= {r["kind"] for r in records}
    loaded = runs.load_run(run)
    assert loaded.step == 16 and loaded.model_cfg.latent_dim == 8


def test_pause_resume_set_lr_evaluate_stop(tmp_path, mnist_small):
    def at_step(n):
        return lambda e: isinstance(e, Progress) and e.step == n

    events = drive(vae_engine(tmp_path, mnist_small, epochs=5), {
        at_step(2): "pause",
        (lambda e: isinstance(e, Paused)): ("set_lr", 5e-4),
        (lambda e: isinstance(e, LrChanged)): "resume",
        at_step(5): "evaluate",
        at_step(7): ("set_lr", -1),
        at_step(9): "stop",
    })
    names = kinds(events)
    i = names.index("Paused")
    assert names[i:i + 3] == ["Paused", "LrChanged", "Resumed"]
    assert isinstance(events[i + 3], Progress) and events[i + 3].step == 3
    assert events[i + 3].lr == 5e-4
    assert any(isinstance(e, Evaluated) and "test_iwae_nll" in e.metrics for e in events)
    notice = next(e for e in events if isinstance(e, Notice))
    assert "learning rate must be positive" in notice.message
    fin = events[-1]
    assert isinstance(fin, Finished) and fin.stopped and fin.step == 9
    assert runs.load_run(tmp_path / "run").step == 9


def test_nan_loss_stops_with_step_and_part_and_keeps_checkpoint(tmp_path, mnist_small):
    engine = vae_engine(tmp_path, mnist_small, epochs=3)
    gen = engine.run()
    ev = next(gen)
    while not (isinstance(ev, Checkpointed) and ev.step == 8):
        ev = gen.send(None)
    good = runs.load_weights(tmp_path / "run" / runs.WEIGHTS)[0]
    with torch.no_grad():  # poison the decoder: its output, hence the reconstruction term, is NaN
        engine.model.decoder.net[-1].bias.fill_(float("nan"))
    events = list(gen)
    fail = events[-1]
    assert isinstance(fail, Failed)
    assert fail.step == 8 and fail.part == "recon" and fail.checkpoint_step == 8
    assert "step 8" in fail.message and "'recon'" in fail.message and "\n" not in fail.message
    kept = runs.load_weights(tmp_path / "run" / runs.WEIGHTS)[0]
    assert all(torch.equal(kept[k], good[k]) for k in good)
    records, _ = runs.read_metrics(tmp_path / "run" / runs.METRICS)
    assert records[-1]["kind"] == "error"


def test_exception_in_a_run_becomes_failed_event(tmp_path, mnist_small):
    engine = vae_engine(tmp_path, mnist_small, epochs=1)
    gen = engine.run()
    next(gen)
    engine.model.loss = lambda batch, phase=None: (_ for _ in ()).throw(RuntimeError("CUDA out of memory"))
    events = list(gen)
    assert isinstance(events[-1], Failed) and "out of memory" in events[-1].message


def test_same_seed_same_weights_and_resume_continues_exactly(tmp_path, mnist_small):
    a = vae_engine(tmp_path, mnist_small, "a", steps=20, seed=3)
    drive(a)
    b = vae_engine(tmp_path, mnist_small, "b", steps=20, seed=3)
    drive(b)
    wa, _ = runs.load_weights(tmp_path / "a" / runs.WEIGHTS)
    wb, _ = runs.load_weights(tmp_path / "b" / runs.WEIGHTS)
    assert all(torch.equal(wa[k], wb[k]) for k in wa)

    c = vae_engine(tmp_path, mnist_small, "c", steps=20, seed=3)
    drive(c, {(lambda e: isinstance(e, Progress) and e.step == 11): "stop"})
    assert runs.load_run(tmp_path / "c").step == 11
    resumed = TrainingEngine.open(tmp_path / "c", data=mnist_small)
    events = drive(resumed)
    assert events[0].resumed and events[0].step == 11 and events[-1].step == 20
    wc, _ = runs.load_weights(tmp_path / "c" / runs.WEIGHTS)
    assert all(torch.equal(wa[k], wc[k]) for k in wa)
    records, _ = runs.read_metrics(tmp_path / "c" / runs.METRICS)
    assert any(r["kind"] == "resume" and r["step"] == 11 for r in records)
    steps = [r["step"] for r in runs.history(records) if r["kind"] == "step"]
    assert steps == sorted(steps)


def test_existing_run_is_not_overwritten(tmp_path, mnist_small):
    drive(vae_engine(tmp_path, mnist_small, steps=2))
    with pytest.raises(RunExists, match="--resume"):
        vae_engine(tmp_path, mnist_small, steps=2)


def test_gan_phases_log_d_and_g_parts_and_step_mode(tmp_path):
    data = subset(load_dataset("ring8"), 1000, 200)
    mc, tc = make_configs("gan", data, {"hidden": (32, 32), "maxout": 0},
                          {"steps": 40, "batch_size": 50, "eval_every": 10, "n_eval_samples": 200})
    engine = TrainingEngine.create(tmp_path / "gan", mc, tc, data=data)
    gen = engine.run()
    ev = next(gen)
    while not (isinstance(ev, Progress) and ev.step == 3):
        ev = gen.send(None)
    assert set(ev.parts or {}) <= {"d_loss", "g_loss", "d_real", "d_fake"}

    def snapshot():
        return ({k: v.clone() for k, v in engine.model.G.state_dict().items()},
                {k: v.clone() for k, v in engine.model.D.state_dict().items()})

    ev = gen.send("pause")
    assert isinstance(ev, Paused)
    for phase, moved, still in (("d", "D", "G"), ("g", "G", "D")):
        g0, d0 = snapshot()
        ev = gen.send(("step", phase))
        assert isinstance(ev, Progress)
        ev = gen.send(None)
        assert isinstance(ev, Paused)  # one step, then paused again
        g1, d1 = snapshot()
        before, after = {"G": (g0, g1), "D": (d0, d1)}[moved]
        assert any(not torch.equal(before[k], after[k]) for k in before if before[k].is_floating_point())
        b, a = {"G": (g0, g1), "D": (d0, d1)}[still]
        assert all(torch.equal(b[k], a[k]) for k in b), f"step {phase} moved {still}"
    ev = gen.send("resume")
    events = [ev] + list(gen)
    assert isinstance(events[-1], Finished)
    evals = [e for e in events if isinstance(e, Evaluated)]
    assert evals and "modes_captured" in evals[0].metrics and "hq_fraction" in evals[0].metrics


def test_vq_epoch_metrics_report_usage(tmp_path, mnist_small):
    mc, tc = make_configs("vqvae", mnist_small, {"codebook_size": 32, "code_dim": 8, "channels": (8, 16)},
                          {"epochs": 1, "batch_size": 64})
    events = drive(TrainingEngine.create(tmp_path / "vq", mc, tc, data=mnist_small))
    m = next(e for e in events if isinstance(e, EpochEnd)).metrics
    assert len(m["code_usage"]) == 32 and sum(m["code_usage"]) == 512 // 64 * 64 * 49
    assert 1 <= m["perplexity"] <= 32 and m["codes_used"] + m["dead_codes"] == 32
    assert {"train_recon", "train_commit", "train_codebook", "test_recon"} <= set(m)


def test_metrics_lines_are_standard_json(tmp_path, mnist_small):
    drive(vae_engine(tmp_path, mnist_small, steps=8))
    for line in (tmp_path / "run" / runs.METRICS).read_text().splitlines():
        json.loads(line, parse_constant=lambda c: pytest.fail(f"non-standard JSON constant {c}"))
    assert math.isfinite(runs.read_state(tmp_path / "run")["step"])


def test_thinned_timeline_keeps_first_newest_and_an_even_stride():
    from explorer.core.training.timeline import thinned_epochs, timeline_stride

    for keep in (4, 8, 256):
        on_disk = set()
        for epoch in range(1, 5 * keep + 40):
            on_disk.add(epoch)
            on_disk -= set(thinned_epochs(epoch, keep))
            stride = timeline_stride(epoch, keep)
            assert on_disk == {1, epoch} | set(range(stride, epoch + 1, stride)), (keep, epoch)
            assert len(on_disk) <= keep + 2


def test_a_long_run_keeps_a_bounded_timeline_that_the_follower_sees(tmp_path, mnist_small, monkeypatch):
    """Pictures thinned out by the engine leave the disk and the follower's timeline alike."""
    from explorer.core.training import timeline as sampling
    from explorer.core.training.follow import RunFollower

    monkeypatch.setattr(sampling, "TIMELINE_KEEP", 4)
    data = subset(mnist_small, 64, 16)                 # one step an epoch
    engine = vae_engine(tmp_path, data, epochs=13, checkpoint_every_s=1e6)
    follower = RunFollower(tmp_path / "run")
    seen = []
    for ev in engine.run():
        if isinstance(ev, EpochEnd):
            follower.poll()
            seen.append([t.epoch for t in follower.timeline()])
    on_disk = sorted(int(p.stem.split("_")[1]) for p in (tmp_path / "run" / runs.SAMPLES).glob("epoch_*.png"))
    assert on_disk == [1, 4, 8, 12, 13]                # stride 4 once past 4 x 2 epochs
    assert seen[-1] == on_disk
    assert seen[4] == [1, 2, 4, 5]                     # epoch 5: stride 2, the newest kept
    dropped = [r for r in runs.read_metrics(tmp_path / "run" / runs.METRICS)[0] if r.get("dropped")]
    assert dropped and all(r["kind"] == "epoch" for r in dropped)


def test_the_thread_tuner_times_each_step_and_its_choice_is_logged(tmp_path, mnist_small):
    from explorer.core.training import threads

    applied = []
    engine = vae_engine(tmp_path, mnist_small, epochs=2)
    engine.tuner = threads.ThreadTuner(1, 2, apply=applied.append)
    engine.tuner.PROBE_S = 0.0   # decide on step counts alone: 3 settle + 5 + 3 settle + 5 steps
    drive(engine)
    records, _ = runs.read_metrics(tmp_path / "run" / runs.METRICS)
    chosen = [r for r in records if r["kind"] == "threads"]
    assert len(chosen) == 1 and chosen[0]["step"] == 16 and chosen[0]["tried"] == 2
    assert set(chosen[0]["steps_per_s"]) == {"1", "2"} and applied[0] == 2
