"""GAN collapse diagnostics: gradient norms, image-GAN diversity, alerts, rejection
sampling, the toy-view arrays, step mode and mitigations."""
import copy
import json
import math

import numpy as np
import pytest
import torch
from torch import nn

from conftest import drive, subset, tiny_engine
from explorer.cli import main
from explorer.core import runs
from explorer.core.gan.alerts import AlertRules, CollapseMonitor
from explorer.core.training.config import make_configs
from explorer.core.data.datasets import load_dataset
from explorer.core.data.images import grid as image_grid
from explorer.core.gan.drs import drs_sample
from explorer.core.gan.drs_view import BLANK, RECORD_POINTS, draw_drs, side_grids
from explorer.core.training.engine import Finished, Paused, Progress, TrainingEngine
from explorer.core.training.events import AlertRaised
from explorer.core.training.evaluation import Evaluator, mode_metrics
from explorer.core.gan.toy_view import ToyView
from models import build_model

TINY_GAN = {"hidden": (32, 32), "maxout": 0}


@pytest.fixture(scope="module")
def ring8():
    return subset(load_dataset("ring8"), 1000, 200)


def gan_engine(path, data, model=None, **train):
    return tiny_engine(path, "gan", data, {**TINY_GAN, **(model or {})},
                       **{"batch_size": 50, "n_eval_samples": 200, **train})


# -- alerts ------------------------------------------------------------------------

def coverage_series(values, every=500, n=8):
    return [((i + 1) * every, {"modes_captured": round(v * n), "n_modes": n}) for i, v in enumerate(values)]


def feed(monitor, series):
    return [a for step, m in series for a in monitor.update(step, m)]


def test_alert_fires_after_a_sustained_fall_and_not_on_dips_or_warmup():
    # rises by step 1500, falls at 4500: the third evaluation below, 1,000 steps on, fires
    falling = coverage_series([0.125, 0.5, 1, 1, 1, 0.875, 1, 1, 0.25, 0.25, 0.125, 0.125, 0.25])
    alerts = feed(CollapseMonitor(), falling)
    assert [(a.step, a.since_step, a.signal) for a in alerts] == [(5500, 4500, "mode_coverage")]
    assert "mode coverage 1/8 fell below 0.75 since step 4500" in alerts[0].message

    healthy = coverage_series([0.125, 0.25, 0.5, 0.75] + [1, 1, 0.625, 1, 0.5, 0.625, 1, 0.875] * 4)
    assert feed(CollapseMonitor(), healthy) == []

    # back above the threshold re-arms: a second fall is a second alert
    twice = coverage_series([1, 0.25, 0.25, 0.25, 1, 0.5, 0.5, 0.5, 0.5])
    assert [a.step for a in feed(CollapseMonitor(), twice)] == [2000, 4000]


def test_alert_needs_both_the_evaluations_and_the_span():
    # every 100 steps: three evaluations are not enough, 1,000 steps are
    series = [(100, {"modes_captured": 8, "n_modes": 8})] + \
             [(100 * i, {"modes_captured": 2, "n_modes": 8}) for i in range(2, 20)]
    assert [a.step for a in feed(CollapseMonitor(), series)] == [1200]
    rules = AlertRules(evals=5, min_steps=0)
    assert [a.step for a in feed(CollapseMonitor(rules), series)] == [600]
    repeated = [(100, {"modes_captured": 8, "n_modes": 8})] + [(200, {"modes_captured": 1, "n_modes": 8})] * 5
    assert feed(CollapseMonitor(AlertRules(evals=2, min_steps=0)), repeated) == []  # one step counts once


def test_a_run_that_never_covers_alerts_after_the_warmup():
    alerts = feed(CollapseMonitor(), coverage_series([0.125] * 16))
    assert [(a.step, a.since_step) for a in alerts] == [(6000, 5000)]
    assert "has stayed below" in alerts[0].message


def test_image_signals_class_coverage_and_diversity():
    def m(covered, ratio):
        return {"label_hist": [1] * 10, "classes_covered": covered, "diversity_ratio": ratio}

    series = [(s, m(10, 0.9)) for s in (100, 200)] + [(s, m(10, 0.3)) for s in range(300, 1600, 100)]
    alerts = feed(CollapseMonitor(AlertRules(min_steps=500)), series)
    assert [(a.signal, a.step, a.since_step) for a in alerts] == [("diversity", 800, 300)]
    series = [(s, m(10, 0.9)) for s in (100, 200)] + [(s, m(3, 0.9)) for s in range(300, 1600, 100)]
    alerts = feed(CollapseMonitor(AlertRules(min_steps=500)), series)
    assert [(a.signal, a.value) for a in alerts] == [("class_coverage", 0.3)]


def test_bad_alert_rules_are_refused():
    with pytest.raises(ValueError, match="alert thresholds"):
        AlertRules(coverage=1.5)
    with pytest.raises(ValueError, match="alert_evals"):
        AlertRules(evals=0)


def expected_alerts(records, evals_needed):
    """The steps at which the rules must fire on these logged coverages (alert_steps=10,
    one evaluation every 10 steps, no warm-up)."""
    out, below = [], 0
    for r in records:
        if r["kind"] in ("eval", "epoch"):
            below = below + 1 if r["modes_captured"] / r["n_modes"] < 0.75 else 0
            if below == evals_needed:
                out.append(r["step"])
    return out


def test_a_real_run_logs_alerts_lists_them_in_eval_and_resume_does_not_repeat(tmp_path, ring8, capsys):
    run = tmp_path / "gan"
    events = drive(gan_engine(run, ring8, {"pack": 2}, steps=40, eval_every=10, alert_evals=2,
                              alert_steps=10, alert_warmup=0))
    assert isinstance(events[-1], Finished)
    records = runs.history(runs.read_metrics(run / runs.METRICS)[0])
    expected = expected_alerts(records, 2)
    assert expected, "a 40-step GAN covers ring8 already?"
    logged = [r for r in records if r["kind"] == "alert"]
    raised = [e for e in events if isinstance(e, AlertRaised)]
    assert [a["step"] for a in logged] == [a.step for a in raised] == expected
    assert logged[0]["message"].startswith("mode collapse suspected") and logged[0]["signal"] == "mode_coverage"

    assert main(["eval", "--run", str(run)]) == 0
    listed = json.loads(capsys.readouterr().out)["alerts"]
    assert [(a["step"], a["message"]) for a in listed] == [(a.step, a.message) for a in raised]

    # a resumed run knows its earlier evaluations: a stretch that goes on is not alerted twice
    drive(TrainingEngine.open(run, data=ring8, steps=80))
    records = runs.history(runs.read_metrics(run / runs.METRICS)[0])
    assert [r["step"] for r in records if r["kind"] == "alert"] == expected_alerts(records, 2)

    assert main(["sample", "--run", str(run), "--n", "50", "--drs", "--out", str(tmp_path / "d.npy")]) == 0
    out = capsys.readouterr().out
    assert "acceptance rate" in out and np.load(tmp_path / "d.npy").shape == (50, 2)
    assert main(["sample", "--run", str(run), "--n", "5", "--drs-percentile", "90",
                 "--out", str(tmp_path / "e.npy")]) == 1
    assert "only with --drs" in capsys.readouterr().err


# -- gradient norms ----------------------------------------------------------------

def test_grad_norms_are_the_norms_of_the_logged_steps_gradients(tmp_path, ring8):
    engine = gan_engine(tmp_path / "gn", ring8, steps=10, log_every=5, eval_every=0)
    gen = engine.run()
    ev = next(gen)
    while not (isinstance(ev, Progress) and ev.step == 9):
        ev = gen.send(None)
    # replay step 10 on a copy: same weights, optimizer state, batch and noise
    model, opts = copy.deepcopy((engine.model, engine.optimizers))
    idx = engine.perm[engine.pos * engine.batch_size:(engine.pos + 1) * engine.batch_size]
    batch = (engine.x[idx], engine.y[idx])
    rng = torch.get_rng_state()
    expected = {}
    for phase in model.phases:
        total, _ = model.loss(batch, phase)
        opts[phase].zero_grad(set_to_none=True)
        total.backward()
        grads = [p.grad.flatten() for p in model.phase_parameters(phase) if p.grad is not None]
        expected[phase] = float(torch.cat(grads).norm())
        opts[phase].step()
    torch.set_rng_state(rng)
    events = [gen.send(None)] + list(gen)
    record = next(e for e in events if isinstance(e, Progress) and e.step == 10).parts
    assert record["grad_norm_d"] == pytest.approx(expected["d"], rel=1e-4)
    assert record["grad_norm_g"] == pytest.approx(expected["g"], rel=1e-4)
    steps = [r for r in runs.read_metrics(tmp_path / "gn" / runs.METRICS)[0] if r["kind"] == "step"]
    assert [r["step"] for r in steps] == [5, 10]
    assert all(r["grad_norm_d"] > 0 and r["grad_norm_g"] > 0 for r in steps)


# -- image GANs: diversity and near-duplicates ---------------------------------------

def test_image_gan_diversity_and_near_duplicates(tmp_path):
    digits = load_dataset("digits")
    mc, tc = make_configs("gan", digits, {"hidden": (64,)}, {"steps": 3, "batch_size": 32})
    model = build_model(mc)
    ev = Evaluator(digits, 1000)
    m = ev.cheap(model)
    assert {"label_hist", "label_entropy", "classes_covered", "diversity", "diversity_real",
            "diversity_ratio", "near_duplicates"} <= set(m)
    assert m["diversity_ratio"] == pytest.approx(m["diversity"] / m["diversity_real"])
    assert m["diversity_real"] > 0
    # a collapsed G: one image for every z; all 64 fixed-noise samples are duplicates
    last = model.G.net[-1]
    with torch.no_grad():
        last.weight.zero_()
        last.bias.copy_(torch.logit(digits.test_x[0].flatten().clamp(0.02, 0.98)))
    c = ev.cheap(model)
    assert c["near_duplicates"] == 64 * 63 // 2
    assert c["diversity_ratio"] < 0.01 and c["classes_covered"] == 1
    # the engine's timeline noise is what the count is about
    z = torch.randn(10, mc.latent_dim)
    assert Evaluator(digits, 1000, fixed_noise=(z, None)).cheap(model)["near_duplicates"] == 45


# -- discriminator rejection sampling -------------------------------------------------

class NoisyRing(nn.Module):
    """A deliberately noisy generator: z's angle picks a ring8 mode; |z| < 1.18 (half
    of N(0, I)) lands on it, the rest are smeared far beyond 3 sigma."""

    def __init__(self, modes):
        super().__init__()
        self.register_buffer("modes", torch.as_tensor(modes, dtype=torch.float32))

    def forward(self, z):
        k = ((torch.atan2(z[:, 1], z[:, 0]) + math.pi) / (2 * math.pi) * 8).long() % 8
        r = z.norm(dim=1, keepdim=True)
        scale = torch.where(r < 1.18, torch.full_like(r, 0.003), torch.full_like(r, 0.15))
        return self.modes[k] + scale * z


@pytest.mark.parametrize("pack", [1, 2])
def test_drs_raises_the_high_quality_fraction_of_a_noisy_generator(ring8, pack):
    torch.manual_seed(0)
    mc, _ = make_configs("gan", ring8, {**TINY_GAN, "hidden": (64, 64), "pack": pack})
    model = build_model(mc)
    model.G = NoisyRing(ring8.modes)
    opt = torch.optim.Adam(model.phase_parameters("d"), lr=2e-3)
    for step in range(300):  # D only: learn real ring8 against this fixed G
        idx = torch.randint(len(ring8.train_x), (100,))
        loss, _ = model.loss((ring8.train_x[idx], ring8.train_y[idx]), "d")
        opt.zero_grad()
        loss.backward()
        opt.step()
    model.eval()
    plain = mode_metrics(model.generate(2000).detach().numpy(), ring8.modes, ring8.sigma)
    r = drs_sample(model, 2000, ring8, percentile=80, burn_in=2000)
    drs = mode_metrics(r.samples.numpy(), ring8.modes, ring8.sigma)
    assert 0.4 < plain["hq_fraction"] < 0.6
    assert drs["hq_fraction"] > plain["hq_fraction"] + 0.2
    assert drs["modes_captured"] == 8
    assert 0 < r.acceptance_rate < 1 and r.accepted >= 2000 and len(r.samples) == 2000


def test_drs_refuses_what_it_cannot_do(ring8, mnist_small):
    mc, _ = make_configs("gan", ring8, {**TINY_GAN, "pack": 2})
    with pytest.raises(ValueError, match="give the dataset"):
        drs_sample(build_model(mc), 10, partners="real")
    vae, _ = make_configs("vae", mnist_small, {"hidden": (16,)})
    with pytest.raises(ValueError, match="no discriminator"):
        drs_sample(build_model(vae), 10)


def test_the_rejection_panels_drs_draw_keeps_what_it_shows(ring8, mnist_small):
    torch.manual_seed(0)
    mc, _ = make_configs("gan", ring8, TINY_GAN)
    d = draw_drs(build_model(mc), 100, ring8, 50, seed=0, images_shown=16)
    assert d.kept.shape == (100, 2) and d.acceptance_rate == pytest.approx(d.accepted / d.proposed)
    # 2-D data: candidates and rejections recorded for the scatters, up to RECORD_POINTS
    assert len(d.candidates) == min(d.proposed, RECORD_POINTS)
    assert len(d.rejected) == min(d.proposed - d.accepted, RECORD_POINTS) > 0
    cand = {tuple(r) for r in d.candidates.numpy()}
    kept, rejected = {tuple(r) for r in d.kept.numpy()}, {tuple(r) for r in d.rejected.numpy()}
    assert kept <= cand and rejected <= cand and not kept & rejected
    assert d.kept_modes == mode_metrics(d.kept.numpy(), ring8.modes, ring8.sigma)
    assert d.all_modes == mode_metrics(d.candidates.numpy(), ring8.modes, ring8.sigma)
    # images: only as many as the panel draws, and no mode metrics
    mc, _ = make_configs("gan", mnist_small, TINY_GAN)
    d = draw_drs(build_model(mc), 10, mnist_small, 50, seed=0, images_shown=16)
    assert d.kept.shape == (10, 1, 28, 28) and len(d.candidates) == 16 and len(d.rejected) == 16
    assert d.kept_modes is None and d.all_modes is None


def test_side_grids_are_the_same_size_and_blank_past_the_last_image():
    g = torch.Generator().manual_seed(0)
    kept, rejected = torch.rand(10, 1, 28, 28, generator=g), torch.rand(20, 1, 28, 28, generator=g)
    k, r = side_grids(kept, rejected, shown=64, columns=8)
    assert k.shape == r.shape == (3 * 30 + 2, 8 * 30 + 2, 3)       # 20 images: three rows of eight
    np.testing.assert_array_equal(r[:62], image_grid(rejected[:16], nrow=8))
    np.testing.assert_array_equal(k[:32], image_grid(kept[:8], nrow=8)[:32])
    np.testing.assert_array_equal(k[30:62, :62], image_grid(kept[8:], nrow=2))   # the shorter last row
    assert (k[32:, 62:] == BLANK).all() and (k[62:] == BLANK).all() and (r[92 - 30:, 4 * 30 + 2:] == BLANK).all()
    assert (k[30:32] == k[0, 0]).all()     # the padding line above the last row runs the whole width
    k, r = side_grids(kept, rejected[:0], shown=4, columns=8)
    assert r is None and k.shape == (32, 242, 3) and (k[2:, 4 * 30 + 2:] == BLANK).all()


# -- the toy view ------------------------------------------------------------------

def test_toy_view_arrays(ring8):
    mc, _ = make_configs("gan", ring8, {**TINY_GAN, "pack": 2})
    model = build_model(mc)
    view = ToyView(ring8, resolution=24, noise_lines=7)
    x0, x1, y0, y1 = view.extent
    assert x1 - x0 == pytest.approx(y1 - y0) and x0 < -1 and x1 > 1
    heat = view.heatmap(model)
    assert heat.shape == (24, 24) and heat.dtype == np.float32 and ((heat > 0) & (heat < 1)).all()
    # row i, column j is the cell centred at (x[j], y[i]), judged as a pack of two copies
    i, j = 5, 17
    cx, cy = x0 + (j + 0.5) * (x1 - x0) / 24, y0 + (i + 0.5) * (y1 - y0) / 24
    model.eval()
    with torch.no_grad():
        direct = torch.sigmoid(model.discriminate(torch.tensor([[cx, cy], [cx, cy]])))
    assert heat[i, j] == pytest.approx(float(direct), rel=1e-4)
    assert np.allclose(torch.sigmoid(torch.from_numpy(view.heatmap(model, logits=True))).numpy(), heat, atol=1e-6)
    assert model.training is False
    model.train()
    view.heatmap(model)
    assert model.training  # the view leaves the model's mode as it was
    grid = view.noise_grid(model)
    assert grid.shape == (7, 7, 2)
    assert view.samples(model).shape == (2500, 2)
    dens = view.density()
    cell = (x1 - x0) / 24 * (y1 - y0) / 24
    assert dens.shape == (24, 24) and dens.sum() * cell == pytest.approx(1.0, rel=1e-3)
    top = np.unravel_index(dens.argmax(), dens.shape)
    centre = np.array([x0 + (top[1] + 0.5) * (x1 - x0) / 24, y0 + (top[0] + 0.5) * (y1 - y0) / 24])
    assert np.linalg.norm(ring8.modes - centre, axis=1).min() < 2 * (x1 - x0) / 24
    wide, _ = make_configs("gan", ring8, {**TINY_GAN, "latent_dim": 3})
    with pytest.raises(ValueError, match="2-D latent"):
        view.noise_grid(build_model(wide))
    with pytest.raises(ValueError, match="2-D points"):
        ToyView(load_dataset("digits"))


# -- step mode and mitigations ---------------------------------------------------------

def test_step_mode_with_packing_and_minibatch_std(tmp_path, ring8):
    engine = gan_engine(tmp_path / "s", ring8, {"pack": 2, "minibatch_std": True, "maxout": 2}, steps=20)
    gen = engine.run()
    ev = next(gen)
    while not (isinstance(ev, Progress) and ev.step == 2):
        ev = gen.send(None)
    assert isinstance(gen.send("pause"), Paused)

    def state():
        return {n: {k: v.clone() for k, v in getattr(engine.model, n).state_dict().items()} for n in "GD"}

    for which, moved in (("d", "D"), ("g", "G"), ("all", "GD")):
        before = state()
        assert isinstance(gen.send(("step", which)), Progress)
        assert isinstance(gen.send(None), Paused)
        after = state()
        for net in "GD":
            changed = any(not torch.equal(before[net][k], after[net][k]) for k in before[net])
            assert changed == (net in moved), f"step {which}: {net} {'did not move' if net in moved else 'moved'}"
    assert engine.step == 5
    gen.send("stop")


def test_separate_learning_rates_set_the_size_of_each_players_first_step(tmp_path, ring8):
    engine = gan_engine(tmp_path / "lr", ring8, steps=1, lr_d=1e-3, lr_g=1e-5, eval_every=0)
    torch.manual_seed(engine.cfg.seed)  # the engine seeds, then builds: the same initial weights
    start = build_model(engine.model_cfg).state_dict()
    drive(engine)
    end, _ = runs.load_weights(tmp_path / "lr" / runs.WEIGHTS)

    def biggest(prefix):  # Adam's first step moves every parameter by at most lr
        return max(float((end[k] - start[k]).abs().max()) for k in start
                   if k.startswith(prefix) and start[k].is_floating_point() and "running" not in k)

    assert biggest("D.") == pytest.approx(1e-3, rel=0.01)
    assert biggest("G.") == pytest.approx(1e-5, rel=0.01)


def test_label_smoothing_packing_and_minibatch_std_change_what_d_computes(ring8):
    torch.manual_seed(0)
    mc, _ = make_configs("gan", ring8, TINY_GAN)
    plain = build_model(mc)
    smooth = build_model(make_configs("gan", ring8, {**TINY_GAN, "label_smoothing": 0.2})[0])
    smooth.load_state_dict(plain.state_dict())
    x = ring8.train_x[:100]
    losses = []
    for model in (plain, smooth):
        torch.manual_seed(1)
        with torch.no_grad():
            losses.append(float(model.loss((x, ring8.train_y[:100]), "d")[0]))
    with torch.no_grad():
        real_logit = float(plain.discriminate(x).mean())
    # BCE(l, 1 - s) - BCE(l, 1) = s * l: real targets of 0.8 instead of 1
    assert losses[1] - losses[0] == pytest.approx(0.2 * real_logit, rel=1e-4, abs=1e-6)

    packed = build_model(make_configs("gan", ring8, {**TINY_GAN, "pack": 3})[0])
    assert packed.D.body[0][0].in_features == 6 and packed.discriminate(x[:99]).shape == (33,)
    other = x[:99].clone()
    other[1] += 0.5  # the second member of the first pack
    assert packed.discriminate(other)[0] != packed.discriminate(x[:99])[0]
    assert torch.equal(packed.discriminate(other)[1:], packed.discriminate(x[:99])[1:])

    mbstd = build_model(make_configs("gan", ring8, {**TINY_GAN, "minibatch_std": True})[0])
    moved = x.clone()
    moved[50:] *= 3  # D(x[0]) now depends on the rest of the batch
    assert mbstd.discriminate(moved)[0] != mbstd.discriminate(x)[0]
    assert torch.equal(plain.discriminate(moved)[0], plain.discriminate(x)[0])


def test_cli_exposes_the_mitigations(tmp_path, capsys):
    out = tmp_path / "m"
    assert main(["train", "--model", "gan", "--dataset", "ring8", "--steps", "2", "--hidden", "16",
                 "--pack", "3", "--minibatch-std", "--label-smoothing", "0.1", "--lr-d", "3e-4",
                 "--lr-g", "1e-4", "--alert-evals", "4", "--out", str(out), "--quiet"]) == 0
    model_cfg, train_cfg, _ = runs.read_config(out)
    assert (model_cfg.pack, model_cfg.minibatch_std, model_cfg.label_smoothing) == (3, True, 0.1)
    assert (train_cfg.lr_d, train_cfg.lr_g, train_cfg.alert_evals) == (3e-4, 1e-4, 4)
    assert main(["train", "--model", "gan", "--dataset", "ring8", "--steps", "3", "--lr-d", "5e-4",
                 "--resume", "--out", str(out), "--quiet"]) == 0
    assert runs.read_config(out)[1].lr_d == 5e-4
    assert main(["train", "--model", "gan", "--dataset", "ring8", "--steps", "2", "--alert-coverage", "1.5",
                 "--out", str(tmp_path / "bad"), "--quiet"]) == 1
    assert "--alert-coverage must be between 0 and 1, got 1.5" in capsys.readouterr().err
    assert not (tmp_path / "bad").exists()


def test_an_alert_is_said_again_in_the_windows_language_new_records_and_old():
    """A record carries its template (said); one written before that (the shipped demo runs)
    is read back from its English words. Both say the same English, and the same in Korean."""
    from explorer.core import text
    from explorer.core.gan.alerts import AlertRules, CollapseMonitor, alert_message, alert_record

    mon = CollapseMonitor(AlertRules(evals=1, min_steps=0, warmup=0))
    assert mon.update(50, {"n_modes": 8, "modes_captured": 8}) == []   # it rose: a fall is a fall
    alert = mon.update(100, {"n_modes": 8, "modes_captured": 2})[0]
    new = alert_record(alert)
    old = {k: v for k, v in new.items() if k != "said"}
    assert alert_message(new) == alert_message(old) == new["message"] == str(alert.message)
    assert new["message"] == "mode collapse suspected: mode coverage 2/8 fell below 0.75 since step 100"
    korean = {"mode coverage {k}/{n}": "모드 커버리지 {k}/{n}",
              "mode collapse suspected: {signal} fell below {limit:g} since step {since}":
              "모드 붕괴 의심: {since} 스텝부터 {signal}이(가) {limit:g} 아래로 떨어졌습니다"}
    text.set_translator(lambda s: korean.get(s, s))
    try:
        assert alert_message(new) == alert_message(old) == "모드 붕괴 의심: 100 스텝부터 모드 커버리지 2/8이(가) 0.75 아래로 떨어졌습니다"
        assert alert_message({"message": "a line of another kind"}) == "a line of another kind"
    finally:
        text.set_translator(None)


def test_a_fall_of_recall_or_coverage_while_precision_holds_is_a_collapse_alert():
    from explorer.core.gan.alerts import AlertRules, CollapseMonitor

    rules = AlertRules(evals=2, min_steps=0, warmup=0)
    held, lost = CollapseMonitor(rules), CollapseMonitor(rules)
    fine = {"precision": 0.9, "recall": 0.9, "coverage": 0.9}
    assert held.update(10, fine) == [] and lost.update(10, fine) == []
    fired = []
    for step in (20, 30):
        fired += held.update(step, {"precision": 0.85, "recall": 0.2, "coverage": 0.25})
        # precision gone as well: bad samples, not a collapse; these signals stay quiet
        assert lost.update(step, {"precision": 0.3, "recall": 0.2, "coverage": 0.25}) == []
    assert sorted(a.signal for a in fired) == ["coverage", "recall"]
    assert all(a.step == 30 and a.since_step == 20 for a in fired)
    assert "recall 0.20 while precision is 0.85 fell below 0.3 since step 20" in str(fired[0].message) + str(fired[1].message)
