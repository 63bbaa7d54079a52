"""The packed GAN's batch as PacGAN counts it (issue 17): `batch_size` packs of m samples a
step for new GAN runs, the old count kept for runs made before, and the bare loop of PacGAN's
published setup that `bench gan-fidelity` runs beside the trainer computing the same losses
on the same weights and packs."""
import json

import torch

from conftest import drive, subset
from explorer.bench.gan_fidelity import bare_loop, first_step, score
from explorer.core import runs
from explorer.core.data.datasets import load_dataset
from explorer.core.training.config import TrainConfig, make_configs, samples_per_step
from explorer.core.training.engine import Progress, TrainingEngine


def test_a_packed_gan_step_draws_batch_size_packs_and_an_old_run_keeps_its_count(tmp_path):
    data = subset(load_dataset("ring8"), 600, 100)
    mc, tc = make_configs("gan", data, {"pack": 3, "hidden": (16, 16), "maxout": 0},
                          {"steps": 4, "batch_size": 20, "eval_every": 0, "checkpoint_every_s": 0})
    assert tc.batch_of_packs and samples_per_step(mc, tc) == 60
    run = tmp_path / "gan"
    events = drive(TrainingEngine.create(run, mc, tc, data=data))
    assert json.loads((run / runs.CONFIG).read_text())["train"]["batch_of_packs"] is True
    engine = TrainingEngine.open(run, data=data)
    assert engine.cfg.batch_of_packs and samples_per_step(engine.model_cfg, engine.cfg) == 60
    assert [e.step for e in events if isinstance(e, Progress)] == [1, 2, 3, 4]
    # a run written before packs were counted has no such key: its batch stays 20 samples
    cfg = json.loads((run / runs.CONFIG).read_text())
    del cfg["train"]["batch_of_packs"]
    assert not TrainConfig.from_dict(cfg["train"]).batch_of_packs
    assert samples_per_step(mc, TrainConfig.from_dict(cfg["train"])) == 20
    # the other families count samples
    mv, tv = make_configs("vae", data, {}, {"batch_size": 20})
    assert not tv.batch_of_packs and samples_per_step(mv, tv) == 20


def test_the_bare_pacgan_loop_computes_the_trainers_losses_and_trains():
    data = load_dataset("grid25")
    first = first_step(data, pack=2, seed=0)
    assert first["packs"] == 100 and first["samples"] == 200   # PacGAN's batch: 100 packs of 2
    assert first["max_abs_difference"] < 1e-6
    G = bare_loop(data.train_x[:2000], pack=2, steps=3, seed=0)
    s = score(G, data)
    assert s["n_modes"] == 25 and 0 <= s["hq_percent"] <= 100
    assert not any(torch.isnan(p).any() for p in G.parameters())
