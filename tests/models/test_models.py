"""Every model family trains real steps on every dataset it supports, through one interface."""
import pytest
import torch

from conftest import subset
from explorer.core.training.config import make_configs
from explorer.core.data.datasets import load_dataset
from explorer.core.training.devices import make_adam
from models import (CONDITIONAL, DECODE, DISCRETE, ENCODE, GENERATE, MODEL_NAMES, POSTERIOR,
                    build_model)

DATASETS = ["mnist5k", "digits", "shapes", "ring8", "grid25", "moons", "spiral"]
TINY = dict(hidden=(32,), channels=(8, 16), latent_dim=4, codebook_size=16, code_dim=4, maxout=0)


def supported(model, dataset):
    return not (model in ("dcgan", "vqvae2") and dataset in ("ring8", "grid25", "moons", "spiral"))


@pytest.fixture(scope="module")
def small_sets():
    return {n: subset(load_dataset(n), 128, 32) for n in DATASETS}


@pytest.mark.parametrize("model_name", MODEL_NAMES)
def test_every_model_trains_on_every_supported_dataset(model_name, small_sets):
    torch.manual_seed(0)
    for name in DATASETS:
        if not supported(model_name, name):
            continue
        data = small_sets[name]
        mc, _ = make_configs(model_name, data, TINY)
        model = build_model(mc)
        before = {k: v.clone() for k, v in model.state_dict().items()}
        opts = {ph: make_adam(model.phase_parameters(ph), 1e-3, (0.5, 0.999)) for ph in model.phases}
        for step in range(4):
            batch = (data.train_x[step * 32:(step + 1) * 32], data.train_y[step * 32:(step + 1) * 32])
            model.begin_step(step)
            for ph in model.phases:
                total, parts = model.loss(batch, ph)
                assert torch.isfinite(total), (model_name, name, ph, parts)
                assert parts and all(v.dim() == 0 for v in parts.values())
                opts[ph].zero_grad(set_to_none=True)
                total.backward()
                opts[ph].step()
            model.after_step(step)
        changed = {k.split(".")[0] for k, v in model.state_dict().items()
                   if v.dtype.is_floating_point and not torch.equal(v, before[k])}
        if len(model.phases) == 2:
            assert {"G", "D"} <= changed, (name, changed)
        else:
            assert changed, name
        _check_interface(model, data)


def _check_interface(model, data):
    model.eval()
    x, y = data.test_x[:5], data.test_y[:5]
    caps = model.capabilities
    with torch.no_grad():
        if ENCODE in caps:
            enc = model.encode(x, y)
            assert enc.z.shape == (5, model.latent.dim)
            assert (enc.mu is not None) == (POSTERIOR in caps)
            assert (enc.indices is not None) == (DISCRETE in caps)
            assert model.decode(enc.z, y).shape == x.shape
        if GENERATE in caps:
            out = model.generate(3)
            assert out.shape == (3, *data.shape)
            if data.kind == "image":
                assert float(out.min()) >= 0 and float(out.max()) <= 1
        if DECODE in caps:
            z = torch.randn(2, model.latent.dim)
            assert model.decode(z, y[:2] if CONDITIONAL in caps else None).shape == (2, *data.shape)


@pytest.mark.parametrize("model_name", ["ae", "dae", "vae", "vqvae"])
def test_autoencoders_learn_a_batch(model_name, mnist_small):
    torch.manual_seed(0)
    mc, _ = make_configs(model_name, mnist_small, dict(hidden=(64,), latent_dim=8, codebook_size=32, code_dim=8))
    model = build_model(mc)
    opt = make_adam(model.parameters(), 2e-3, (0.9, 0.999))
    batch = (mnist_small.train_x[:64], mnist_small.train_y[:64])
    first = float(model.loss(batch)[1]["recon"].detach())
    for _ in range(60):
        total, _ = model.loss(batch)
        opt.zero_grad()
        total.backward()
        opt.step()
        model.after_step(0)
    assert float(model.loss(batch)[1]["recon"].detach()) < 0.7 * first


def test_dae_corruption_kinds():
    data = load_dataset("digits")
    for kind in ("gaussian", "masking", "saltpepper"):
        mc, _ = make_configs("dae", data, {"noise": kind, "noise_level": 0.5})
        model = build_model(mc)
        noisy = model.corrupt(data.test_x[:50])
        assert noisy.shape == data.test_x[:50].shape and not torch.equal(noisy, data.test_x[:50])
        assert 0 <= float(noisy.min()) and float(noisy.max()) <= 1
    with pytest.raises(ValueError, match="model.noise must be one of gaussian, masking, saltpepper"):
        make_configs("dae", data, {"noise": "blur"})
    mc, _ = make_configs("dae", data, {})
    mc.noise = "blur"   # past the settings check: the model refuses it too
    with pytest.raises(ValueError, match="unknown noise"):
        build_model(mc).corrupt(data.test_x[:2])


def test_vae_kl_warmup_and_iwae_bound(mnist_small):
    mc, _ = make_configs("vae", mnist_small, {"kl_warmup": 100, "beta": 2.0, "hidden": (32,)})
    model = build_model(mc)
    model.begin_step(0)
    assert model.kl_weight == 0.0
    model.begin_step(50)
    assert model.kl_weight == pytest.approx(1.0)
    model.begin_step(500)
    assert model.kl_weight == pytest.approx(2.0)
    x = mnist_small.test_x[:20]
    torch.manual_seed(0)
    elbo = model.log_likelihood_bound(x, k=1).mean()
    iwae = model.log_likelihood_bound(x, k=64).mean()
    assert iwae >= elbo  # the importance-weighted bound is tighter


def test_vq_restarts_bring_dead_codes_back(mnist_small):
    torch.manual_seed(0)
    mc, _ = make_configs("vqvae", mnist_small, dict(codebook_size=64, code_dim=8, restart_after=1))
    model = build_model(mc)
    q = model.quantizer
    q.codebook.data[:] = 100.0   # every code far away: only one (the nearest) is ever used
    q.codebook.data[0] = 0.0
    model.loss((mnist_small.train_x[:64],))
    assert int((q.usage > 0).sum()) == 1
    model.after_step(0)          # restarts the 63 unused codes from encoder outputs
    q.usage.zero_()
    model.loss((mnist_small.train_x[:64],))
    assert int((q.usage > 0).sum()) > 32
    assert int(q.restarts) == 63


def test_gan_packing_and_minibatch_std_shapes(mnist_small):
    for extra in ({"pack": 4}, {"minibatch_std": True}, {"pack": 2, "minibatch_std": True}):
        for name in ("gan", "dcgan", "cgan"):
            mc, _ = make_configs(name, mnist_small, {**TINY, **extra})
            model = build_model(mc)
            x = mnist_small.train_x[:16]
            logits = model.discriminate(x, mnist_small.train_y[:16])
            assert logits.shape == (16 // mc.pack,)


def test_minimax_and_nonsaturating_losses_differ(mnist_small):
    torch.manual_seed(0)
    mc, _ = make_configs("gan", mnist_small, TINY)
    model = build_model(mc)
    torch.manual_seed(1)
    ns = float(model.loss((mnist_small.train_x[:32],), "g")[0].detach())
    model.cfg.gan_loss = "minimax"
    torch.manual_seed(1)
    mm = float(model.loss((mnist_small.train_x[:32],), "g")[0].detach())
    assert ns > 0 > mm  # -log D vs log(1 - D)


def test_dcgan_refuses_points():
    mc, _ = make_configs("dcgan", load_dataset("ring8"))
    with pytest.raises(ValueError, match="needs image data"):
        build_model(mc)


def test_unknown_model_lists_valid_names():
    from models import ModelConfig
    with pytest.raises(ValueError, match="valid: ae, dae, vae"):
        build_model(ModelConfig(model="flow"))
