"""The run-time estimate: real steps of the run's model timed, times the run's length."""
import os
import re

import pytest

from explorer.core.training import estimate as E


def test_durations_read_as_rounded_figures():
    assert E.format_duration(1.2) == "under 5 s"
    assert E.format_duration(41) == "40 s"
    assert E.format_duration(130) == "2 min"
    assert E.format_duration(165) == "3 min"
    assert E.format_duration(25 * 60) == "25 min"
    assert E.format_duration(80 * 60) == "1 h 20 min"
    assert E.format_duration(3 * 86400) == "3 days"
    assert E.format_duration(float("nan")) == "an unknown time"


def _cal(**kw):
    base = dict(step_s=0.01, epoch_overhead_s=0.5, eval_s=0.2, steps_per_epoch=100, device="cpu",
                defaults={"epochs": 10, "steps": None, "eval_every": 0})
    return E.Calibration(**{**base, **kw})


def test_the_length_is_steps_per_epoch_times_epochs_or_the_steps_given():
    cal = _cal()
    by_epochs = cal.estimate({"epochs": 3})
    assert by_epochs.steps == 300
    assert by_epochs.seconds == pytest.approx(300 * 0.01 + 4 * 0.5)   # each epoch's end and the final one
    assert cal.estimate({"steps": 250}).steps == 250
    assert cal.estimate({}).steps == 1000   # the model's default length (10 epochs)
    gan = _cal(defaults={"epochs": None, "steps": 20_000, "eval_every": 500})
    est = gan.estimate({})
    assert est.steps == 20_000
    assert est.seconds == pytest.approx(20_000 * 0.01 + (200 + 1) * 0.5 + 40 * 0.2)
    assert est.text() == "about 5 min on this machine (cpu)"
    assert _cal(step_s=1e-4, epoch_overhead_s=0.0).estimate({"epochs": 1}).text() == "under 5 s on this machine (cpu)"


def test_real_steps_are_timed_and_nothing_is_written(tmp_path, monkeypatch):
    from explorer.core.data.datasets import load_dataset

    monkeypatch.chdir(tmp_path)
    E.clear_cache()
    to = {"batch_size": 64, "device": "cpu", "epochs": 2}
    cal = E.calibrate("ae", "digits", {"latent_dim": 4}, to)
    assert cal.step_s > 0 and cal.epoch_overhead_s >= 0
    assert cal.steps_per_epoch == len(load_dataset("digits").train_x) // 64
    assert cal.device == "cpu"
    est = cal.estimate(to)
    assert est.steps == 2 * cal.steps_per_epoch
    assert re.fullmatch(r"(about|under) .+ on this machine \(cpu\)", est.text())
    # the length is not part of the calibration: another length is answered from the cache
    assert E.cached("ae", "digits", {"latent_dim": 4}, {**to, "epochs": 50}) is cal
    assert E.cached("ae", "digits", {"latent_dim": 8}, to) is None
    assert E.cached("ae", "digits", {"latent_dim": 4}, {**to, "batch_size": 32}) is None
    assert os.listdir(tmp_path) == []


def test_a_gan_with_phases_and_a_vq_codebook_can_be_timed():
    E.clear_cache()
    for model, data in (("gan", "ring8"), ("vqvae", "digits")):
        est = E.estimate(model, data, {}, {"device": "cpu", "steps": 10})
        assert est.steps == 10 and est.seconds > 0


def test_settings_a_run_would_refuse_give_one_line(tmp_path):
    with pytest.raises(E.EstimateError) as e:
        E.calibrate("vae", "nope", {}, {})
    assert "nope" in str(e.value) and "\n" not in str(e.value)
    with pytest.raises(E.EstimateError) as e:   # a torchvision set that is not on disk
        E.calibrate("vae", "fashion-mnist", {}, {"data_dir": str(tmp_path)})
    assert "\n" not in str(e.value)
    with pytest.raises(E.EstimateError):
        E.calibrate("vae", "digits", {"latent_dim": -3}, {})


def test_a_cancelled_calibration_stops():
    with pytest.raises(E.EstimateError, match="cancelled"):
        E.calibrate("ae", "digits", {}, {"device": "cpu"}, use_cache=False, cancelled=lambda: True)


def test_timing_adam_does_adams_arithmetic_without_torch_optim():
    """The estimate's stand-in optimizer follows torch.optim.Adam step for step."""
    import torch

    from explorer.core.training.estimate import TimingAdam

    torch.manual_seed(0)
    a, b = torch.nn.Linear(5, 3), torch.nn.Linear(5, 3)
    b.load_state_dict(a.state_dict())
    mine, ref = TimingAdam(a.parameters(), 1e-2, (0.9, 0.99)), torch.optim.Adam(b.parameters(), 1e-2, (0.9, 0.99))
    for _ in range(5):
        x = torch.randn(8, 5)
        for net, opt in ((a, mine), (b, ref)):
            opt.zero_grad(set_to_none=True)
            net(x).pow(2).sum().backward()
            opt.step()
    for p, q in zip(a.parameters(), b.parameters()):
        torch.testing.assert_close(p, q, rtol=1e-5, atol=1e-6)
