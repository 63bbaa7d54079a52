"""VQ-VAE-2: two code levels, priors over each (attention at the top, the top codes as a map at
the bottom), their masks checked by gradients, and the command line from a run to samples."""
import json

import pytest
import torch

from conftest import drive
from explorer.cli import main
from explorer.core.training.config import make_configs
from explorer.core.training.engine import TrainingEngine
from models import AUTOREGRESSIVE, GENERATE, ModelConfig, build_model
from models.pixelcnn import draw_by_passes, draw_by_rows

TINY_VQ2 = dict(codebook_size=16, top_codebook_size=8, code_dim=4, channels=(8,))


def vq2(shape=(1, 28, 28), **kw):
    torch.manual_seed(0)
    return build_model(ModelConfig(model="vqvae2", data_shape=shape, **{**TINY_VQ2, **kw}).validate()).eval()


@pytest.mark.parametrize("shape, pad_grid, top, bottom", [
    ((1, 28, 28), False, (4, 4), (8, 8)),    # runs made before pad_grid: the image padded to 32x32
    ((1, 28, 28), True, (4, 4), (7, 7)),     # the bottom feature map padded: every bottom code sees pixels
    ((3, 64, 64), True, (8, 8), (16, 16))])
def test_two_levels_of_codes_and_back(shape, pad_grid, top, bottom):
    m = vq2(shape, pad_grid=pad_grid)
    assert m.grids == {"top": top, "bottom": bottom}
    assert [lv for lv, _, _ in m.latent.levels] == ["top", "bottom"]
    x = torch.rand(3, *shape)
    enc = m.encode(x)
    assert enc.top_indices.shape == (3, *top) and enc.indices.shape == (3, *bottom)
    with torch.no_grad():
        out = m.decode(enc.z)
        assert out.shape == x.shape   # padded inside, cropped back
        assert torch.allclose(out, m.decode_levels(enc.top_indices, enc.indices))
        # the decoder reads both levels: other top codes, same bottom codes, another image
        other = (enc.top_indices + 1) % m.level_size("top")
        assert not torch.allclose(out, m.decode_levels(other, enc.indices))


def test_swapping_levels_decodes_one_images_top_codes_with_the_others_bottom_codes():
    from explorer.core.codebook.usage import CodeEditor, swap_levels, vq_model

    m = vq2()
    a, b = torch.rand(2, 1, 28, 28)
    out = swap_levels(m, a, b)
    enc = m.encode(torch.stack([a, b]))
    with torch.no_grad():
        assert torch.allclose(out["a"], m.reconstruct(a[None])[0], atol=1e-6)
        mixed = m.decode_levels(enc.top_indices[:1], enc.indices[1:])[0]
    assert torch.allclose(out["top_a_bottom_b"], mixed, atol=1e-6)
    # one level edited, the other kept as the input has it
    top = CodeEditor.for_input(vq_model(m, "top"), a)
    assert top.grid.shape == (4, 4) and torch.allclose(top.reconstruction, out["a"], atol=1e-6)
    top.set_cell(0, 0, (top.code_at(0, 0) + 1) % 8)
    assert top.changed.sum() == 1


def test_both_codebooks_learn_restart_and_are_counted():
    m = vq2(restart_after=1).train()
    x = torch.rand(16, 1, 28, 28)
    m.loss((x,))
    assert all(float(u.sum()) > 0 for u in m.code_usage_levels().values())
    m.after_step(0)
    m.after_step(1)
    assert m.code_restarts > 0   # dead codes of both levels re-seeded
    total, parts = m.loss((x,))
    assert {"recon", "commit", "top_commit"} <= set(parts)
    total.backward()
    assert m.enc_t[0].weight.grad.abs().sum() > 0   # the top encoder learns through the decoder


def prior(level, attention=0, layers=3, **kw):
    torch.manual_seed(0)
    cfg = ModelConfig(model="pixelcnn", vq_model="vqvae2", prior_level=level, pixelcnn_layers=layers,
                      pixelcnn_channels=8, pixelcnn_attention=attention, top_prior_layers=2,
                      top_prior_channels=8, top_prior_attention=1, **TINY_VQ2, **kw)
    return build_model(cfg.validate()).double().eval()


def logit_gradients(model, top=None, logits=True):
    """(P, h, w): |d logits at p / d embedded input| for each position p of the grid (or of the
    horizontal stack's features, before the head whose ReLUs can zero one gradient by chance)."""
    h, w = model.grid
    P = h * w
    e = torch.randn(P, model.net.embed.embedding_dim, h, w, dtype=torch.float64, requires_grad=True)
    s = None if top is None else model.top_condition(top.repeat(P, 1, 1))
    out = model.net(e, None, s) if logits else model.net.stacks(e, None, s=s)[1]
    p = torch.arange(P)
    out[p, :, p // w, p % w].sum().backward()
    return e.grad.abs().sum(1)


@pytest.mark.parametrize("level, attention, pad_grid", [("top", 2, False), ("bottom", 0, False), ("bottom", 1, False),
                                                        ("bottom", 1, True)])
def test_no_position_sees_itself_or_later_ones(level, attention, pad_grid):
    model = prior(level, attention, layers=4, pad_grid=pad_grid)
    top = torch.randint(8, (1, 4, 4)) if level == "bottom" else None
    g = logit_gradients(model, top)
    h, w = model.grid
    order = torch.arange(h * w).view(h, w)
    for p in range(h * w):
        assert torch.all(g[p][order >= p] == 0), f"logits at {divmod(p, w)} see themselves or later positions"
    if attention:   # the attention block puts every earlier position in view, even with 4 layers on 8 columns
        g = logit_gradients(model, top, logits=False)
        for p in range(h * w):
            assert torch.all(g[p][order < p] > 0), f"position {divmod(p, w)} misses earlier positions"
            assert torch.all(g[p][order >= p] == 0)


def test_bottom_codes_follow_the_top_codes_and_both_ways_of_drawing_agree():
    model = prior("bottom")
    codes = torch.randint(16, (2, 8, 8))
    top = torch.randint(8, (2, 4, 4))
    other = (top + 3) % 8
    assert not torch.allclose(model.logits(codes, None, top), model.logits(codes, None, other))
    u = torch.rand(2, 64, dtype=torch.float64)
    s = model.top_condition(top)
    assert torch.equal(draw_by_rows(model.net, model.grid, u, None, s), draw_by_passes(model.net, model.grid, u, None, s))


def test_a_top_prior_draws_codes_and_the_bottom_prior_draws_images():
    top, bottom = prior("top", 2), prior("bottom")
    assert GENERATE not in top.capabilities and AUTOREGRESSIVE in top.capabilities
    assert top.sample_top(3).shape == (3, 4, 4)
    with pytest.raises(ValueError, match="bottom-level prior"):
        top.decode(torch.randn(2, top.latent.dim))
    assert bottom.latent.dim == 16 + 64 and GENERATE in bottom.capabilities
    assert bottom.generate(2).shape == (2, 1, 28, 28)
    x = torch.rand(3, 1, 28, 28, dtype=torch.float64)
    rows = bottom.prepare_inputs(x)
    assert rows.shape == (3, 80) and rows.dtype == torch.long
    assert torch.isfinite(bottom.loss((rows,))[0])


@pytest.fixture(scope="module")
def vq2_run(tmp_path_factory, mnist_small):
    out = tmp_path_factory.mktemp("vq2") / "vq2"
    mc, tc = make_configs("vqvae2", mnist_small, TINY_VQ2, {"epochs": 1, "batch_size": 64, "usage_every": 2})
    drive(TrainingEngine.create(out, mc, tc, data=mnist_small))
    return out


def test_a_run_logs_each_levels_usage(vq2_run):
    records = [json.loads(line) for line in (vq2_run / "metrics.jsonl").read_text().splitlines()]
    usage = [r for r in records if r["kind"] == "usage"]
    assert {r.get("level") for r in usage} == {"top", None}
    epoch = next(r for r in records if r["kind"] == "epoch")
    assert len(epoch["top_code_usage"]) == 8 and len(epoch["code_usage"]) == 16
    final = next(r for r in records if r.get("final"))
    assert 0 < final["train_top_codes_used_fraction"] <= 1 and "test_top_perplexity" in final


def test_cli_top_then_bottom_prior_to_samples(tmp_path, vq2_run, capsys):
    top, bottom = tmp_path / "top", tmp_path / "bottom"
    small = ["--pixelcnn-layers", "2", "--pixelcnn-channels", "8", "--steps", "3", "--quiet"]
    assert main(["train", "--model", "pixelcnn", "--run", str(vq2_run), "--out", str(tmp_path / "p"), *small]) == 1
    assert "--level top first" in capsys.readouterr().err
    assert main(["train", "--model", "pixelcnn", "--run", str(vq2_run), "--level", "bottom",
                 "--out", str(bottom), *small]) == 1
    assert "needs --top-prior" in capsys.readouterr().err
    assert main(["train", "--model", "pixelcnn", "--run", str(vq2_run), "--level", "top", "--out", str(top), *small]) == 0
    cfg = json.loads((top / "config.json").read_text())["model"]
    assert cfg["prior_level"] == "top" and cfg["pixelcnn_attention"] == 2 and cfg["vq_model"] == "vqvae2"
    assert main(["train", "--model", "pixelcnn", "--run", str(vq2_run), "--level", "bottom", "--top-prior", str(vq2_run),
                 "--out", str(bottom), *small]) == 1
    assert "not a top-level prior run" in capsys.readouterr().err
    assert main(["train", "--model", "pixelcnn", "--run", str(vq2_run), "--level", "bottom", "--top-prior", str(top),
                 "--out", str(bottom), *small]) == 0
    from explorer.core.runs import load_run
    b, t = load_run(bottom, "cpu").model, load_run(top, "cpu").model
    assert all(torch.equal(a, c) for a, c in zip(b.top.state_dict().values(), t.net.state_dict().values()))
    assert b.generate(2).shape == (2, 1, 28, 28)
    assert main(["eval", "--run", str(bottom), "--quality-samples", "0"]) == 0
