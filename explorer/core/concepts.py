"""The numbers behind the concept cards (issue 14): each card names what a view shows and the
formula behind it, filled with the live values of the selected sample or the current step.

Qt-free: the values are computed here, by the same code `python main.py eval --sample I`
uses, so a card and the command line agree; the cards' text is HTML with Unicode math that
Qt's rich text renders (explorer/qt/concept_card.py shows it), in the window's language
(explorer/core/text.py: the command line's `eval` prints numbers, not cards).
"""
from __future__ import annotations

import math

import numpy as np

from explorer.core.text import tr
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
# Each sentence or formula line with words goes through tr() (explorer/core/text.py): the
# window's language; the formulas' notation and the numbers stay as they are.

def _f(v: float, digits: int = 2) -> str:
    return "–" if v is None or not math.isfinite(v) else f"{v:.{digits}f}"


def elbo_card(terms: dict | None, what: str | None = None) -> str:
    """`what`: the input the numbers are for ("this input" by default), in the window's language."""
    head = tr("<b>The ELBO</b> (evidence lower bound) of a VAE, for one input x:<br>"
              "ELBO = E<sub>q(z|x)</sub>[log p(x|z)] − KL(q(z|x) ‖ p(z)) ≤ log p(x)<br>"
              "The first term rewards a good reconstruction, the second keeps q(z|x) close to the "
              "prior p(z) = N(0, I). Training maximises the ELBO (minimises −ELBO).")
    if terms is None:
        return head + "<br>" + tr("<i>Select a sample or draw one to see its numbers.</i>")
    what = tr("this input") if what is None else what
    log_px_z, kl = _f(terms['log_px_z'], 4), _f(terms['kl'], 4)
    return head + (
        "<br><br>" + tr("For {what} (one sample z = μ + σ·ε, ε drawn with seed {seed}):").format(
            what=what, seed=terms['seed'])
        + f"<br>&nbsp;&nbsp;log p(x|z) = <b>{log_px_z}</b> nats"
        f"<br>&nbsp;&nbsp;KL(q(z|x) ‖ p(z)) = <b>{kl}</b> nats"
        f"<br>&nbsp;&nbsp;ELBO = {log_px_z} − {kl} = <b>{_f(terms['elbo'], 4)}</b> nats"
        "<br>&nbsp;&nbsp;" + tr("−ELBO = <b>{neg_elbo}</b> (what <tt>eval</tt> reports as test_neg_elbo,"
                                " averaged over the test set)").format(neg_elbo=_f(terms['neg_elbo'], 4)))


def kl_card(mu, sigma, top: int = 5) -> str:
    head = tr("<b>KL of a diagonal Gaussian</b> from N(0, I), in closed form, dimension by dimension:<br>"
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
    return (head + "<br><br>" + tr("Largest terms now:") + rows + "<br>&nbsp;&nbsp;"
            + tr("sum over all {n} dimensions = <b>{total:.3f}</b> nats").format(n=len(mu), total=kl.sum()))


def reparam_card(n: int | None = None) -> str:
    text = tr("<b>The reparameterisation trick</b>: a sample of q(z|x) = N(μ, σ²) written as<br>"
              "z = μ + σ · ε, &nbsp; ε ~ N(0, I)<br>"
              "The randomness is in ε, outside the network, so gradients flow through μ and σ "
              "(Kingma &amp; Welling, 2014). A plain autoencoder has no σ: its z is one point.")
    return text if n is None else text + "<br><br>" + tr("The cloud on the map: {n} such samples.").format(n=n)


def perplexity_card(value: float | None, k: int | None, used: int | None = None) -> str:
    head = tr("<b>Codebook perplexity</b>: exp of the entropy of code use,<br>"
              "perplexity = exp(−Σ<sub>k</sub> p<sub>k</sub> log p<sub>k</sub>), "
              "p<sub>k</sub> = the share of positions using code k.<br>"
              "K if all K codes are used equally, 1 if a single code is used.")
    if value is None or k is None:
        return head
    if used is None:
        now = tr("Now: perplexity = <b>{value}</b> of K = {k}.").format(value=_f(value, 1), k=k)
    else:
        now = tr("Now: perplexity = <b>{value}</b> of K = {k} ({used} of {k} codes used).").format(
            value=_f(value, 1), k=k, used=used)
    return head + "<br><br>" + now


def _last(history, name: str):
    s = None if history is None else history.series.get(name)
    return (float(s.y[-1]), int(s.x[-1])) if s is not None and len(s) else (None, None)


def gan_value_card(history=None, gan_loss: str = "ns", label_smoothing: float = 0.0) -> str:
    """The GAN objective next to the toy view, with the last logged D(x), D(G(z)) and D's loss."""
    text = tr("<b>The GAN game</b> (Goodfellow et al., 2014):<br>"
              "min<sub>G</sub> max<sub>D</sub> V(D, G) = E<sub>x~p<sub>data</sub></sub>[log D(x)] + "
              "E<sub>z~p(z)</sub>[log(1 − D(G(z)))]<br>"
              "For a fixed G the best discriminator is D*(x) = p<sub>data</sub>(x) / (p<sub>data</sub>(x) + "
              "p<sub>g</sub>(x)): the background of the toy view is D(x), and where G's samples sit on no data "
              "D says fake (blue). At the equilibrium p<sub>g</sub> = p<sub>data</sub>, D* = ½ everywhere and "
              "V = −log 4 ≈ −1.386.<br>")
    text += (tr("G here maximises log D(G(z)) (the non-saturating loss), which gives it gradients while D "
                "still wins.") if gan_loss == "ns" else
             tr("G here minimises log(1 − D(G(z))), the original minimax."))
    d_real, step = _last(history, "d_real")
    d_fake, _ = _last(history, "d_fake")
    d_loss, _ = _last(history, "d_loss")
    if d_real is None or d_fake is None:
        return text
    text += "<br><br>" + tr("At step {step:,} (means over the last logged steps): D(x) on real data = "
                            "<b>{d_real:.3f}</b>, D(G(z)) = <b>{d_fake:.3f}</b>").format(
        step=step, d_real=d_real, d_fake=d_fake)
    if d_loss is not None and label_smoothing == 0:
        v = f"{-d_loss:.3f}".replace("-", "−")
        text += tr("; V ≈ −(D's loss) = <b>{v}</b> (−log 4 = −1.386 at the equilibrium)").format(v=v)
    return text + "."


def coverage_card(last: dict | None, n_samples: int | None = None, kind: str = "points") -> str:
    """Mode coverage and high-quality share as VEEGAN and PacGAN define them, with the last values."""
    n = n_samples or "N"
    if kind == "image":
        text = tr("<b>Coverage of an image GAN</b>: a classifier trained on the real images labels "
                  "{n} generated samples. Classes covered: how many labels occur; label "
                  "entropy: −Σ p log p of the labels (log 10 ≈ 2.30 nats when all ten are equally frequent); "
                  "a collapsed G makes few classes, or near-duplicate samples.").format(n=n)
        if last and "classes_covered" in last:
            text += "<br><br>" + tr("At step {step:,}: <b>{classes:.0f}</b> classes, label entropy "
                                    "<b>{entropy:.2f}</b> nats.").format(
                step=int(last.get('step', 0)), classes=last['classes_covered'],
                entropy=last.get('label_entropy', float('nan')))
        return text
    text = tr("<b>Mode coverage</b> on a mixture of Gaussians (VEEGAN, Srivastava et al. 2017; PacGAN, "
              "Lin et al. 2018): draw {n} samples of G. A sample is <i>high quality</i> when "
              "it lies within 3σ of some mode; a mode is <i>captured</i> when at least one sample lies within 3σ "
              "of it. Reverse KL over modes: KL(p<sub>g</sub>(mode) ‖ uniform), 0 when every mode gets an equal "
              "share. Mode collapse: few modes captured, however good the samples look.").format(n=n)
    if last and "modes_captured" in last:
        rk = last.get("reverse_kl")
        values = dict(step=int(last.get('step', 0)), captured=last['modes_captured'],
                      n_modes=last.get('n_modes', '?'), hq=100 * last.get('hq_fraction', 0))
        if isinstance(rk, (int, float)):
            now = tr("At step {step:,}: <b>{captured:.0f}</b> of {n_modes} modes captured, "
                     "<b>{hq:.1f}%</b> high-quality, reverse KL <b>{rk:.3f}</b>.").format(rk=rk, **values)
        else:
            now = tr("At step {step:,}: <b>{captured:.0f}</b> of {n_modes} modes captured, "
                     "<b>{hq:.1f}%</b> high-quality.").format(**values)
        text += "<br><br>" + now
    return text


def mixture_card(prior=None, n_train: int | None = None) -> str:
    """p(z) = sum_k pi_k N(z | mu_k, Sigma_k), with the fitted weights (or N(0, I))."""
    text = tr("<b>A Gaussian mixture prior</b> over the latent space:<br>"
              "p(z) = Σ<sub>k</sub> π<sub>k</sub> N(z | μ<sub>k</sub>, Σ<sub>k</sub>), &nbsp; "
              "Σ<sub>k</sub> π<sub>k</sub> = 1<br>"
              "Fitted by EM on the training latents, it follows where the encoder really puts the data, "
              "so a plain autoencoder, which has no prior, can be sampled: pick k with probability "
              "π<sub>k</sub>, then z ~ N(μ<sub>k</sub>, Σ<sub>k</sub>), then decode. The stars on the map "
              "are the μ<sub>k</sub>.")
    if prior is None:
        return text
    weights = np.asarray(prior.weights, np.float64)
    if len(weights) == 1 and not hasattr(prior, "gmm"):
        return text + "<br><br>" + tr("Now: the model's own prior N(0, I) in d = {dim}: one component, "
                                      "μ = 0, Σ = I (what a VAE's KL term pulls q(z|x) towards).").format(
            dim=prior.dim)
    order = np.argsort(-weights)
    top = ", ".join(f"π<sub>{k}</sub> = {weights[k]:.3f}" for k in order[:5])
    values = dict(k=len(weights), dim=prior.dim, top=top, total=weights.sum())
    if n_train:
        now = tr("Now: K = <b>{k}</b> full-covariance components in d = {dim} on {n:,} training latents; "
                 "largest weights {top}; Σ π<sub>k</sub> = {total:.3f}.").format(n=n_train, **values)
    else:
        now = tr("Now: K = <b>{k}</b> full-covariance components in d = {dim}; "
                 "largest weights {top}; Σ π<sub>k</sub> = {total:.3f}.").format(**values)
    return text + "<br><br>" + now


def rejection_card(kept: int | None = None, total: int | None = None, threshold: float | None = None,
                   method: str = "classifier") -> str:
    """Rejection sampling's acceptance rate, with the current count."""
    if method == "drs":
        text = tr("<b>Discriminator rejection sampling</b> (Azadi et al., 2019): D's logit estimates "
                  "log p<sub>data</sub>(x)/p<sub>g</sub>(x); a sample is kept with probability "
                  "min(1, p<sub>data</sub>/(M p<sub>g</sub>)), so the kept ones follow p<sub>data</sub> more "
                  "closely.")
    else:
        text = tr("<b>Rejection sampling</b> by a classifier's confidence: generate x, keep it when the "
                  "classifier's top class probability is at least the threshold. Kept samples look more like "
                  "some real class; the price is the rejected ones.")
    text += "<br>" + tr("acceptance rate = kept / generated")
    if kept is None or not total:
        return text
    if threshold is None:
        now = tr("Now: {kept:,} of {total:,} kept, acceptance rate = <b>{rate:.1%}</b>.").format(
            kept=kept, total=total, rate=kept / total)
    else:
        now = tr("Now at threshold {threshold:.2f}: {kept:,} of {total:,} kept, acceptance rate = "
                 "<b>{rate:.1%}</b>.").format(threshold=threshold, kept=kept, total=total, rate=kept / total)
    return text + "<br><br>" + now


def vq_loss_card(history=None, commitment: float = 0.25, ema: bool = False) -> str:
    """The VQ-VAE loss's three terms (van den Oord et al., 2017), with the last logged values."""
    text = tr("<b>The VQ-VAE loss</b> (van den Oord et al., 2017), for an input x with encoder output "
              "z<sub>e</sub>(x) and its nearest code e:<br>"
              "L = −log p(x | z<sub>q</sub>(x)) + ‖sg[z<sub>e</sub>(x)] − e‖² + β ‖z<sub>e</sub>(x) − sg[e]‖²<br>"
              "reconstruction + codebook term (moves the codes to the encoder outputs) + commitment term "
              "(keeps the encoder near its codes); sg[·] stops the gradient. The decoder's gradient is "
              "copied past the quantisation (straight-through).")
    if ema:
        text += " " + tr("Here the codebook follows an exponential moving average of the encoder outputs "
                         "instead of its loss term.")
    recon, step = _last(history, "recon")
    commit, _ = _last(history, "commit")
    book, _ = _last(history, "codebook")
    if recon is None or commit is None:
        return text
    terms = [tr("reconstruction <b>{value:.3f}</b>").format(value=recon)]
    if book is not None and not ema:
        terms.append(tr("codebook <b>{value:.4f}</b>").format(value=book))
    terms.append(tr("β = {beta:g} × commitment <b>{value:.4f}</b>").format(beta=commitment, value=commit))
    total = recon + (book if book is not None and not ema else 0.0) + commitment * commit
    return text + "<br><br>" + tr("At step {step:,}: {terms} = <b>{total:.3f}</b>.").format(
        step=step, terms=" + ".join(terms), total=total)


def iwae_card(neg_elbo: float | None = None, iwae_nll: float | None = None, k: int | None = None) -> str:
    """The importance-weighted bound beside the ELBO, with the run's last test values."""
    text = tr("<b>A tighter bound: IWAE</b> (Burda et al., 2016), with k samples z<sub>i</sub> ~ q(z|x):<br>"
              "log p(x) ≥ E[log (1/k) Σ<sub>i</sub> p(x, z<sub>i</sub>) / q(z<sub>i</sub>|x)] ≥ ELBO<br>"
              "k = 1 is the ELBO; the bound tightens as k grows, so −IWAE is an estimate of the NLL.")
    if neg_elbo is None or iwae_nll is None:
        return text
    return text + "<br><br>" + tr("The run's last test values: −ELBO = <b>{neg_elbo:.2f}</b>, NLL ≤ "
                                  "<b>{nll:.2f}</b> nats with k = {k} (the bound is {gap:.2f} nats "
                                  "tighter).").format(neg_elbo=neg_elbo, nll=iwae_nll, k=k,
                                                      gap=neg_elbo - iwae_nll)
