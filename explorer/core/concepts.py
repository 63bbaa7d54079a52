"""The numbers behind the concept cards (issue 14): each card names what a view shows and the
formula behind it, filled with the live values of the selected sample or the current step.

Qt-free: the values are computed here, by the same code `python main.py eval --sample I`
uses, so a card and the command line agree; the cards' text is HTML with Unicode math that
Qt's rich text renders (explorer/qt/concept_card.py shows it).
"""
from __future__ import annotations

import math

import numpy as np

from explorer.core.training.evaluation import perplexity  # noqa: F401  (the codebook card's number)

ELBO_SEED = 0   # the eps of z = mu + sigma * eps in one sample's ELBO (eval --sample uses it too)


def sample_elbo(model, x, y=None, seed: int = ELBO_SEED) -> dict:
    """One input's ELBO terms, in nats, as the evaluation computes them for the test set
    (explorer/core/training/evaluation.vae_metrics): z = mu + sigma * eps with eps from a
    generator seeded with `seed`; reconstruction = -log p(x|z) at that z; the KL of the
    diagonal Gaussian posterior from N(0, I) in closed form, per dimension and summed."""
    import torch

    from models.nets import eval_mode

    with torch.no_grad(), eval_mode(model):
        device = model.device
        xb = torch.as_tensor(x).unsqueeze(0).to(device, torch.float32)
        yb = None if y is None else torch.as_tensor([int(y)], device=device)
        g = torch.Generator(device=device).manual_seed(seed)
        mu, logvar = model.posterior(xb, yb)
        z = model.reparameterize(mu, logvar, g)
        recon = float(model.recon_loss(model.decoder_logits(z, yb), xb).sum())
        kl_dims = model.kl_per_dim(mu, logvar)[0].double().cpu().numpy()
    kl = float(kl_dims.sum())
    return {"log_px_z": -recon, "recon": recon, "kl": kl, "elbo": -recon - kl, "neg_elbo": recon + kl,
            "kl_per_dim": kl_dims, "seed": seed}


# -- the cards' text -------------------------------------------------------------------

def _f(v: float, digits: int = 2) -> str:
    return "–" if v is None or not math.isfinite(v) else f"{v:.{digits}f}"


def elbo_card(terms: dict | None, what: str = "this input") -> str:
    head = ("<b>The ELBO</b> (evidence lower bound) of a VAE, for one input x:<br>"
            "ELBO = E<sub>q(z|x)</sub>[log p(x|z)] − KL(q(z|x) ‖ p(z)) ≤ log p(x)<br>"
            "The first term rewards a good reconstruction, the second keeps q(z|x) close to the "
            "prior p(z) = N(0, I). Training maximises the ELBO (minimises −ELBO).")
    if terms is None:
        return head + "<br><i>Select a sample or draw one to see its numbers.</i>"
    return head + (
        f"<br><br>For {what} (one sample z = μ + σ·ε, ε drawn with seed {terms['seed']}):"
        f"<br>&nbsp;&nbsp;log p(x|z) = <b>{_f(terms['log_px_z'], 4)}</b> nats"
        f"<br>&nbsp;&nbsp;KL(q(z|x) ‖ p(z)) = <b>{_f(terms['kl'], 4)}</b> nats"
        f"<br>&nbsp;&nbsp;ELBO = {_f(terms['log_px_z'], 4)} − {_f(terms['kl'], 4)} = <b>{_f(terms['elbo'], 4)}</b> nats"
        f"<br>&nbsp;&nbsp;−ELBO = <b>{_f(terms['neg_elbo'], 4)}</b> (what <tt>eval</tt> reports as test_neg_elbo,"
        f" averaged over the test set)")


def kl_card(mu, sigma, top: int = 5) -> str:
    head = ("<b>KL of a diagonal Gaussian</b> from N(0, I), in closed form, dimension by dimension:<br>"
            "KL = Σ<sub>i</sub> ½ (μ<sub>i</sub>² + σ<sub>i</sub>² − 1 − log σ<sub>i</sub>²)<br>"
            "A dimension with KL ≈ 0 carries no information about x (μ ≈ 0, σ ≈ 1): an inactive unit.")
    if mu is None or sigma is None:
        return head
    from explorer.core.maps.reparam import kl_per_dim

    mu, sigma = np.asarray(mu, np.float64), np.asarray(sigma, np.float64)
    kl = kl_per_dim(mu, sigma)
    order = np.argsort(-kl)[:top]
    rows = "".join(f"<br>&nbsp;&nbsp;z{i}: ½ ({mu[i]:.3f}² + {sigma[i]:.3f}² − 1 − log {sigma[i]:.3f}²)"
                   f" = <b>{kl[i]:.3f}</b>" for i in order)
    return head + f"<br><br>Largest terms now:{rows}<br>&nbsp;&nbsp;sum over all {len(mu)} dimensions = <b>{kl.sum():.3f}</b> nats"


def reparam_card(n: int | None = None) -> str:
    text = ("<b>The reparameterisation trick</b>: a sample of q(z|x) = N(μ, σ²) written as<br>"
            "z = μ + σ · ε, &nbsp; ε ~ N(0, I)<br>"
            "The randomness is in ε, outside the network, so gradients flow through μ and σ "
            "(Kingma &amp; Welling, 2014). A plain autoencoder has no σ: its z is one point.")
    return text if n is None else text + f"<br><br>The cloud on the map: {n} such samples."


def perplexity_card(value: float | None, k: int | None, used: int | None = None) -> str:
    head = ("<b>Codebook perplexity</b>: exp of the entropy of code use,<br>"
            "perplexity = exp(−Σ<sub>k</sub> p<sub>k</sub> log p<sub>k</sub>), "
            "p<sub>k</sub> = the share of positions using code k.<br>"
            "K if all K codes are used equally, 1 if a single code is used.")
    if value is None or k is None:
        return head
    tail = f" ({used} of {k} codes used)" if used is not None else ""
    return head + f"<br><br>Now: perplexity = <b>{_f(value, 1)}</b> of K = {k}{tail}."


def _last(history, name: str):
    s = None if history is None else history.series.get(name)
    return (float(s.y[-1]), int(s.x[-1])) if s is not None and len(s) else (None, None)


def gan_value_card(history=None, gan_loss: str = "ns", label_smoothing: float = 0.0) -> str:
    """The GAN objective next to the toy view, with the last logged D(x), D(G(z)) and D's loss."""
    text = ("<b>The GAN game</b> (Goodfellow et al., 2014):<br>"
            "min<sub>G</sub> max<sub>D</sub> V(D, G) = E<sub>x~p<sub>data</sub></sub>[log D(x)] + "
            "E<sub>z~p(z)</sub>[log(1 − D(G(z)))]<br>"
            "For a fixed G the best discriminator is D*(x) = p<sub>data</sub>(x) / (p<sub>data</sub>(x) + "
            "p<sub>g</sub>(x)): the background of the toy view is D(x), and where G's samples sit on no data "
            "D says fake (blue). At the equilibrium p<sub>g</sub> = p<sub>data</sub>, D* = ½ everywhere and "
            "V = −log 4 ≈ −1.386.<br>"
            + ("G here maximises log D(G(z)) (the non-saturating loss), which gives it gradients while D "
               "still wins." if gan_loss == "ns" else "G here minimises log(1 − D(G(z))), the original minimax."))
    d_real, step = _last(history, "d_real")
    d_fake, _ = _last(history, "d_fake")
    d_loss, _ = _last(history, "d_loss")
    if d_real is None or d_fake is None:
        return text
    text += (f"<br><br>At step {step:,} (means over the last logged steps): D(x) on real data = <b>{d_real:.3f}</b>, "
             f"D(G(z)) = <b>{d_fake:.3f}</b>")
    if d_loss is not None and label_smoothing == 0:
        v = f"{-d_loss:.3f}".replace("-", "−")
        text += f"; V ≈ −(D's loss) = <b>{v}</b> (−log 4 = −1.386 at the equilibrium)"
    return text + "."


def coverage_card(last: dict | None, n_samples: int | None = None, kind: str = "points") -> str:
    """Mode coverage and high-quality share as VEEGAN and PacGAN define them, with the last values."""
    if kind == "image":
        text = ("<b>Coverage of an image GAN</b>: a classifier trained on the real images labels "
                f"{n_samples or 'N'} generated samples. Classes covered: how many labels occur; label "
                "entropy: −Σ p log p of the labels (log 10 ≈ 2.30 nats when all ten are equally frequent); "
                "a collapsed G makes few classes, or near-duplicate samples.")
        if last and "classes_covered" in last:
            text += (f"<br><br>At step {int(last.get('step', 0)):,}: <b>{last['classes_covered']:.0f}</b> classes, "
                     f"label entropy <b>{last.get('label_entropy', float('nan')):.2f}</b> nats.")
        return text
    text = ("<b>Mode coverage</b> on a mixture of Gaussians (VEEGAN, Srivastava et al. 2017; PacGAN, "
            f"Lin et al. 2018): draw {n_samples or 'N'} samples of G. A sample is <i>high quality</i> when "
            "it lies within 3σ of some mode; a mode is <i>captured</i> when at least one sample lies within 3σ "
            "of it. Reverse KL over modes: KL(p<sub>g</sub>(mode) ‖ uniform), 0 when every mode gets an equal "
            "share. Mode collapse: few modes captured, however good the samples look.")
    if last and "modes_captured" in last:
        rk = last.get("reverse_kl")
        text += (f"<br><br>At step {int(last.get('step', 0)):,}: <b>{last['modes_captured']:.0f}</b> of "
                 f"{last.get('n_modes', '?')} modes captured, <b>{100 * last.get('hq_fraction', 0):.1f}%</b> "
                 f"high-quality" + (f", reverse KL <b>{rk:.3f}</b>" if isinstance(rk, (int, float)) else "") + ".")
    return text


def mixture_card(prior=None, n_train: int | None = None) -> str:
    """p(z) = sum_k pi_k N(z | mu_k, Sigma_k), with the fitted weights (or N(0, I))."""
    text = ("<b>A Gaussian mixture prior</b> over the latent space:<br>"
            "p(z) = Σ<sub>k</sub> π<sub>k</sub> N(z | μ<sub>k</sub>, Σ<sub>k</sub>), &nbsp; Σ<sub>k</sub> π<sub>k</sub> = 1<br>"
            "Fitted by EM on the training latents, it follows where the encoder really puts the data, "
            "so a plain autoencoder, which has no prior, can be sampled: pick k with probability "
            "π<sub>k</sub>, then z ~ N(μ<sub>k</sub>, Σ<sub>k</sub>), then decode. The stars on the map are the μ<sub>k</sub>.")
    if prior is None:
        return text
    weights = np.asarray(prior.weights, np.float64)
    if len(weights) == 1 and not hasattr(prior, "gmm"):
        return text + ("<br><br>Now: the model's own prior N(0, I) in d = "
                       f"{prior.dim}: one component, μ = 0, Σ = I (what a VAE's KL term pulls q(z|x) towards).")
    order = np.argsort(-weights)
    top = ", ".join(f"π<sub>{k}</sub> = {weights[k]:.3f}" for k in order[:5])
    src = f" on {n_train:,} training latents" if n_train else ""
    return text + (f"<br><br>Now: K = <b>{len(weights)}</b> full-covariance components in d = {prior.dim}{src}; "
                   f"largest weights {top}; Σ π<sub>k</sub> = {weights.sum():.3f}.")


def rejection_card(kept: int | None = None, total: int | None = None, threshold: float | None = None,
                   method: str = "classifier") -> str:
    """Rejection sampling's acceptance rate, with the current count."""
    if method == "drs":
        text = ("<b>Discriminator rejection sampling</b> (Azadi et al., 2019): D's logit estimates "
                "log p<sub>data</sub>(x)/p<sub>g</sub>(x); a sample is kept with probability "
                "min(1, p<sub>data</sub>/(M p<sub>g</sub>)), so the kept ones follow p<sub>data</sub> more closely.")
    else:
        text = ("<b>Rejection sampling</b> by a classifier's confidence: generate x, keep it when the "
                "classifier's top class probability is at least the threshold. Kept samples look more like "
                "some real class; the price is the rejected ones.")
    text += "<br>acceptance rate = kept / generated"
    if kept is None or not total:
        return text
    thr = "" if threshold is None else f" at threshold {threshold:.2f}"
    return text + f"<br><br>Now{thr}: {kept:,} of {total:,} kept, acceptance rate = <b>{kept / total:.1%}</b>."


def vq_loss_card(history=None, commitment: float = 0.25, ema: bool = False) -> str:
    """The VQ-VAE loss's three terms (van den Oord et al., 2017), with the last logged values."""
    text = ("<b>The VQ-VAE loss</b> (van den Oord et al., 2017), for an input x with encoder output "
            "z<sub>e</sub>(x) and its nearest code e:<br>"
            "L = −log p(x | z<sub>q</sub>(x)) + ‖sg[z<sub>e</sub>(x)] − e‖² + β ‖z<sub>e</sub>(x) − sg[e]‖²<br>"
            "reconstruction + codebook term (moves the codes to the encoder outputs) + commitment term "
            "(keeps the encoder near its codes); sg[·] stops the gradient. The decoder's gradient is "
            "copied past the quantisation (straight-through)."
            + (" Here the codebook follows an exponential moving average of the encoder outputs instead of "
               "its loss term." if ema else ""))
    recon, step = _last(history, "recon")
    commit, _ = _last(history, "commit")
    book, _ = _last(history, "codebook")
    if recon is None or commit is None:
        return text
    terms = [f"reconstruction <b>{recon:.3f}</b>"]
    if book is not None and not ema:
        terms.append(f"codebook <b>{book:.4f}</b>")
    terms.append(f"β = {commitment:g} × commitment <b>{commit:.4f}</b>")
    total = recon + (book if book is not None and not ema else 0.0) + commitment * commit
    return text + f"<br><br>At step {step:,}: " + " + ".join(terms) + f" = <b>{total:.3f}</b>."


def iwae_card(neg_elbo: float | None = None, iwae_nll: float | None = None, k: int | None = None) -> str:
    """The importance-weighted bound beside the ELBO, with the run's last test values."""
    text = ("<b>A tighter bound: IWAE</b> (Burda et al., 2016), with k samples z<sub>i</sub> ~ q(z|x):<br>"
            "log p(x) ≥ E[log (1/k) Σ<sub>i</sub> p(x, z<sub>i</sub>) / q(z<sub>i</sub>|x)] ≥ ELBO<br>"
            "k = 1 is the ELBO; the bound tightens as k grows, so −IWAE is an estimate of the NLL.")
    if neg_elbo is None or iwae_nll is None:
        return text
    return text + (f"<br><br>The run's last test values: −ELBO = <b>{neg_elbo:.2f}</b>, NLL ≤ <b>{iwae_nll:.2f}</b> "
                   f"nats with k = {k} (the bound is {neg_elbo - iwae_nll:.2f} nats tighter).")
