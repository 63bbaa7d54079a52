"""The PixelCNN prior: causal masks (checked by gradients), sampling, training through the
engine, and the command line from a VQ-VAE run to decoded samples."""
import json
import subprocess
import sys

import pytest
import torch

from conftest import ROOT, drive
from explorer.cli import main
from explorer.core import runs
from explorer.core.training.config import make_configs
from explorer.core.training.engine import EpochEnd, Finished, TrainingEngine
from explorer.core.training.prior_runs import create_prior_engine
from models import AUTOREGRESSIVE, CONDITIONAL, GENERATE, ModelConfig, build_model

TINY_VQ = dict(codebook_size=16, code_dim=4, channels=(8, 16))


def run_cli(*args):
    return subprocess.run([sys.executable, "main.py", *args], cwd=ROOT, capture_output=True, text=True, timeout=300)


def tiny_prior(layers=7, channels=8, conditional=False):
    torch.manual_seed(0)
    cfg = ModelConfig(model="pixelcnn", pixelcnn_layers=layers, pixelcnn_channels=channels,
                      pixelcnn_conditional=conditional, **TINY_VQ)
    return build_model(cfg).double().eval()


def input_gradients(net, depth=None, y=None, stack=1):
    """(49, 7, 7): for each position p = (i, j), |d out[p] / d e| summed over channels, where out
    is the logits (depth None) or a stack after `depth` layers (0 vertical, 1 horizontal).
    One backward pass: sample p of the batch carries position p (samples never mix in a conv net)."""
    e = torch.randn(49, net.embed.embedding_dim, 7, 7, dtype=torch.float64, requires_grad=True)
    if y is not None:
        y = y.repeat(49)[:49]
    out = net(e, y) if depth is None else net.stacks(e, y, depth)[stack]
    p = torch.arange(49)
    out[p, :, p // 7, p % 7].sum().backward()
    return e.grad.abs().sum(1)


@pytest.mark.parametrize("conditional", [False, True])
def test_no_position_sees_itself_or_later_ones_and_none_before_is_hidden(conditional):
    model = tiny_prior(conditional=conditional)
    y = torch.tensor([3, 7]) if conditional else None
    order = torch.arange(49).view(7, 7)
    logits, last_h = input_gradients(model.net, y=y), input_gradients(model.net, 7, y)
    first_h, first_v = input_gradients(model.net, 1, y), input_gradients(model.net, 1, y, stack=0)
    for p in range(49):
        i, j = divmod(p, 7)
        before, self_and_after = order < p, order >= p
        assert torch.all(logits[p][self_and_after] == 0), f"logits at {(i, j)} see themselves or later positions"
        # the vertical stack feeds the horizontal one: no blind spot once the net is 7 deep (checked
        # before the head, whose ReLUs can zero a single gradient by chance)
        assert torch.all(last_h[p][before] > 0), f"position {(i, j)} misses earlier positions"
        assert torch.all(last_h[p][self_and_after] == 0)
        assert torch.all(first_h[p][self_and_after] == 0), f"first layer at {(i, j)} sees itself or later"
        assert first_h[p][before].sum() > 0 or p == 0
        assert torch.all(first_v[p][i:] == 0), f"vertical stack at {(i, j)} sees its own row or below"


def test_later_codes_never_change_earlier_logits():
    model = tiny_prior(layers=3)
    g = torch.Generator().manual_seed(1)
    codes = torch.randint(16, (4, 7, 7), generator=g)
    base = model.logits(codes)
    for i, j in [(0, 0), (2, 5), (3, 0), (6, 6)]:
        changed = codes.clone().view(4, -1)
        changed[:, i * 7 + j:] = torch.randint(16, changed[:, i * 7 + j:].shape, generator=g)
        after = model.logits(changed.view(4, 7, 7))
        assert torch.equal(after.flatten(2)[..., :i * 7 + j], base.flatten(2)[..., :i * 7 + j])
        if i * 7 + j < 48:
            assert not torch.equal(after.flatten(2)[..., i * 7 + j + 1:], base.flatten(2)[..., i * 7 + j + 1:])


def test_sampling_picks_each_code_by_the_inverse_cdf_of_the_model():
    model = tiny_prior(layers=4).float()
    u = torch.rand(6, 49, generator=torch.Generator().manual_seed(2))
    codes = model.sample_codes(u)
    assert codes.shape == (6, 7, 7) and codes.dtype == torch.long
    # position p's logits depend on earlier positions only, so the finished grid gives them back
    cdf = model.logits(codes).softmax(1).cumsum(1).permute(0, 2, 3, 1).reshape(6, 49, 16)
    k = codes.view(6, 49, 1)
    upper = cdf.gather(2, k).squeeze(2)
    lower = torch.where(k.squeeze(2) > 0, cdf.gather(2, (k - 1).clamp(min=0)).squeeze(2), torch.zeros(()))
    assert torch.all(lower - 1e-5 <= u) and torch.all(u <= upper + 1e-5)
    z = torch.randn(3, 49, generator=torch.Generator().manual_seed(3))
    a, b = model.decode(z), model.decode(z)
    assert a.shape == (3, 1, 28, 28) and torch.equal(a, b)  # fixed noise, same samples
    assert 0 <= float(a.min()) and float(a.max()) <= 1


def test_capabilities_conditioning_and_frozen_vq():
    plain, cond = tiny_prior(), tiny_prior(conditional=True)
    assert {GENERATE, AUTOREGRESSIVE} <= plain.capabilities and CONDITIONAL not in plain.capabilities
    assert CONDITIONAL in cond.capabilities
    codes = torch.randint(16, (2, 7, 7))
    assert not torch.allclose(cond.logits(codes, torch.tensor([0, 0])), cond.logits(codes, torch.tensor([5, 5])))
    assert torch.equal(plain.logits(codes, torch.tensor([0, 0])), plain.logits(codes, torch.tensor([5, 5])))
    trainable = {id(p) for p in plain.phase_parameters("model")}
    assert not any(id(p) in trainable for p in plain.vq.parameters())
    plain.train()
    assert plain.net.training and not plain.vq.training
    with pytest.raises(ValueError, match="code grids"):
        plain.loss((torch.rand(2, 1, 28, 28),))


@pytest.fixture(scope="module")
def vq_run(tmp_path_factory, mnist_small):
    out = tmp_path_factory.mktemp("vq") / "vq"
    mc, tc = make_configs("vqvae", mnist_small, TINY_VQ, {"epochs": 1, "batch_size": 64})
    drive(TrainingEngine.create(out, mc, tc, data=mnist_small))
    return out


def test_prior_trains_through_the_engine_on_code_grids(tmp_path, vq_run):
    engine = create_prior_engine(vq_run, tmp_path / "prior", {"pixelcnn_layers": 2, "pixelcnn_channels": 8},
                                 {"steps": 70, "batch_size": 128, "n_eval_samples": 20, "log_every": 35})
    events = drive(engine)
    assert engine.x.dtype == torch.long and engine.x.shape[1:] == (7, 7)  # encoded once
    fin = events[-1]
    assert isinstance(fin, Finished)
    epochs = [e for e in events if isinstance(e, EpochEnd)]
    assert epochs[0].metrics["train_bits_per_code"] < 4.0   # log2(16) = 4 bits: learnt something
    assert epochs[-1].metrics["test_bits_per_code"] < epochs[0].metrics["test_bits_per_code"]
    assert 0 <= fin.summary["confident_share"] <= 1 and sum(fin.summary["label_hist"]) == 20
    mc, _, raw = runs.read_config(tmp_path / "prior")
    assert mc.model == "pixelcnn" and mc.vq_run == str(vq_run.resolve()) and mc.codebook_size == 16
    # the VQ-VAE's weights travel with the prior, frozen
    vq_weights, _ = runs.load_weights(vq_run / runs.WEIGHTS)
    prior_weights, _ = runs.load_weights(tmp_path / "prior" / runs.WEIGHTS)
    assert all(torch.equal(vq_weights[k], prior_weights[f"vq.{k}"]) for k in vq_weights)
    assert (tmp_path / "prior" / "samples" / "epoch_0001.png").exists()


def test_cli_from_a_vq_run_to_decoded_samples(tmp_path, vq_run, capsys):
    prior = tmp_path / "prior"
    assert main(["train", "--model", "pixelcnn", "--run", str(vq_run), "--out", str(prior), "--steps", "4",
                 "--pixelcnn-layers", "2", "--pixelcnn-channels", "8", "--batch-size", "32", "--quiet"]) == 0
    line = capsys.readouterr().out.strip().splitlines()[-1]
    assert line.startswith("done: pixelcnn on mnist5k, 4 steps") and "test_bits_per_code" in line
    assert main(["eval", "--run", str(prior)]) == 0
    metrics = json.loads(capsys.readouterr().out)
    assert metrics["model"] == "pixelcnn" and metrics["test_bits_per_code"] > 0
    assert 0 <= metrics["confident_share"] <= 1 and metrics["confident_threshold"] == 0.8
    assert main(["sample", "--run", str(prior), "--n", "8", "--out", str(tmp_path / "g.png")]) == 0
    assert (tmp_path / "g.png").exists()
    assert main(["sample", "--run", str(prior), "--n", "4", "--min-confidence", "0",
                 "--out", str(tmp_path / "kept.png")]) == 0
    assert "acceptance rate 100.0%" in capsys.readouterr().out
    assert main(["train", "--model", "pixelcnn", "--out", str(prior), "--resume", "--steps", "6", "--quiet"]) == 0
    assert "6 steps" in capsys.readouterr().out


@pytest.mark.parametrize("args,needle", [
    (["train", "--model", "pixelcnn", "--out", "x"], "needs --run VQRUN"),
    (["train", "--model", "vae", "--run", "r", "--out", "x"], "--run applies only to --model pixelcnn"),
    (["train", "--model", "pixelcnn", "--run", "r", "--codebook-size", "8", "--out", "x"],
     "--codebook-size does not apply to pixelcnn"),
    (["train", "--model", "pixelcnn", "--run", "r", "--dataset", "digits", "--out", "x"], "do not apply to pixelcnn"),
])
def test_pixelcnn_arguments_exit_2(args, needle, capsys):
    with pytest.raises(SystemExit) as e:
        main(args)
    assert e.value.code == 2 and needle in capsys.readouterr().err


def test_a_prior_needs_a_vq_run(tmp_path, capsys):
    vae = tmp_path / "vae"
    assert main(["train", "--model", "vae", "--dataset", "digits", "--steps", "2", "--hidden", "16",
                 "--out", str(vae), "--quiet"]) == 0
    r = run_cli("train", "--model", "pixelcnn", "--run", str(vae), "--out", str(tmp_path / "p"))
    assert r.returncode == 1 and "needs a VQ-VAE run" in r.stderr and r.stderr.count("\n") == 1
    with pytest.raises(ValueError, match="made from a VQ-VAE run"):
        from explorer.core.data.datasets import load_dataset
        make_configs("pixelcnn", load_dataset("digits"))
