"""eval, sample, embed and sign: what a run gives back, in strict JSON, pictures and arrays."""
from __future__ import annotations

import json
import math
from pathlib import Path

from .options import UserError, _open_run, _user_errors, log
from explorer.core.errors import first_line


def cmd_eval(args) -> int:
    from explorer.core.gan.alerts import alerts_in
    from explorer.core.runs import load_run_data
    from explorer.core.training.evaluation import Evaluator
    from explorer.core.runs import METRICS, clean_for_json, history, read_metrics
    from explorer.core.training.timeline import Timeline

    run = _open_run(args.run, args.device)
    tc = run.train_cfg
    try:
        data = load_run_data(run, args.data_dir)
    except _user_errors() as e:
        raise UserError(str(e))
    if args.sample is not None:
        return _eval_sample(run, data, args.sample)
    if args.inception:   # before the long part: a missing package or file is said at once
        from explorer.core.training.sample_quality import inception_space
        if args.quality_samples == 0:
            raise UserError("--inception measures the samples: it needs --quality-samples above 0")
        try:
            if data.kind != "image":
                raise ValueError(f"Inception FID is for images; {data.name} is 2-D points, measured in its coordinates")
            inception_space("cpu")
        except ValueError as e:
            raise UserError(str(e))
    k = args.iwae_k if args.iwae_k is not None else tc.iwae_k
    timeline = Timeline(run.model, data, tc.seed)  # the run's fixed noise, for near-duplicates
    fixed = (timeline.z, timeline.y) if timeline.generated and not timeline.points else None
    # the FID and k-NN figures on eval's own sample count (_sample_quality), not the epochs' 1,000
    metrics = Evaluator(data, tc.n_eval_samples, k, fixed_noise=fixed, quality_samples=0).epoch(run.model, full=True)
    metrics.update(_sample_quality(run.model, data, args.quality_samples, args.inception))
    if args.failures:
        metrics.update(_write_failures(run.model, data, args.quality_samples, args.failures))
    try:
        records, _ = read_metrics(run.path / METRICS)
    except _user_errors() as e:
        raise UserError(str(e))
    out = {"run": str(run.path), "model": run.model_cfg.model, "dataset": tc.dataset,
           "step": run.step, **metrics, "alerts": alerts_in(history(records))}
    bad = sorted(k for k, v in metrics.items() if isinstance(v, float) and not math.isfinite(v))
    if bad:   # strict JSON has no NaN: null, and a field naming them
        out["nonfinite"] = bad
    print(json.dumps(clean_for_json(out), default=float, allow_nan=False))
    return 0


def _sample_quality(model, data, n: int | None, inception: bool = False) -> dict:
    """FID, KID, precision/recall, density/coverage of a generator's samples
    (explorer/core/training/sample_quality.py), and under `quality_floor` the same figures of
    the training split against the test split (what a perfect generator scores here). Not for a
    VQ-VAE alone: it draws its codes uniformly until a PixelCNN prior is trained, and the
    prior's run is measured instead."""
    from models import AUTOREGRESSIVE, DISCRETE, GENERATE

    from explorer.core.training.sample_quality import floor, sample_quality
    caps = model.capabilities
    if n == 0 or GENERATE not in caps or (DISCRETE in caps and AUTOREGRESSIVE not in caps):
        return {}
    out = sample_quality(model, data, n, inception=inception)
    if out:
        base = floor(data, n, inception=inception)
        out["quality_floor"] = {k: v for k, v in base.items() if k != "quality_features"}
    return out


def _write_failures(model, data, n: int | None, prefix: str) -> dict:
    """eval --failures: the grids of precision's and coverage's failures, and their counts."""
    from models import AUTOREGRESSIVE, DISCRETE, GENERATE

    from explorer.core.data.images import save_grid
    from explorer.core.training.sample_quality import failures
    caps = model.capabilities
    if GENERATE not in caps or (DISCRETE in caps and AUTOREGRESSIVE not in caps):
        raise UserError(f"--failures needs a generator; a {model.cfg.model} run without a prior draws no samples")
    if data.kind != "image":
        raise UserError("--failures writes image grids: 2-D toy data is shown on the map instead")
    f = failures(model, data, n)
    if not f:
        raise UserError(f"{data.name} has no classifier to measure samples in")
    written = {}
    for key in ("unsupported", "uncovered"):
        path = Path(f"{prefix}-{key}.png")
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            if len(f[key]):
                save_grid(f[key], path, nrow=8)
                written[f"{key}_png"] = str(path)
        except OSError as e:
            raise UserError(f"cannot write {path}: {first_line(e)}")
    return {"failures_n": f["n"], "n_unsupported": f["n_unsupported"], "n_uncovered": f["n_uncovered"], **written}


def _eval_sample(run, data, i: int) -> int:
    """One test image's ELBO terms (explorer/core/concepts.sample_elbo), as one JSON object."""
    from explorer.core.concepts import ELBO_SEED, sample_elbo
    from explorer.core.runs import clean_for_json
    from models import CONDITIONAL, POSTERIOR

    model = run.model
    if POSTERIOR not in model.capabilities:
        raise UserError(f"eval --sample reports a VAE's ELBO terms; a {run.model_cfg.model} has no posterior q(z|x)")
    if not 0 <= i < len(data.test_x):
        raise UserError(f"--sample {i}: the test set has {len(data.test_x)} images (0 to {len(data.test_x) - 1})")
    y = int(data.test_y[i]) if CONDITIONAL in model.capabilities else None
    terms = sample_elbo(model, data.test_x[i], y, ELBO_SEED)
    out = {"run": str(run.path), "model": run.model_cfg.model, "step": run.step, "split": "test", "sample": i,
           **{k: terms[k] for k in ("log_px_z", "recon", "kl", "elbo", "neg_elbo", "seed")},
           "kl_per_dim": [round(float(v), 6) for v in terms["kl_per_dim"]]}
    print(json.dumps(clean_for_json(out), default=float, allow_nan=False))
    return 0


def cmd_sign(args) -> int:
    from explorer.core.runs import sign_run

    try:
        names = sign_run(args.run)
    except _user_errors() as e:
        raise UserError(str(e))
    print(f"signed {', '.join(names) or 'no checkpoint files'} in {Path(args.run) / 'manifest.json'}")
    return 0


def cmd_sample(args) -> int:
    from explorer.core.data.images import plan_sample_files, write_samples
    from explorer.core.sampling.priors import SAMPLE_BLOCK, sample_blocks

    run = _open_run(args.run, args.device)
    out = Path(args.out)
    points = run.model_cfg.data_kind == "points"
    allowed = (".npy",) if points else (".png", ".npy")
    if out.suffix.lower() not in allowed:
        raise UserError(f"{run.model_cfg.model} on {run.train_cfg.dataset} makes "
                        f"{'2-D points' if points else 'images'}: --out must end in {' or '.join(allowed)}")
    if args.drs_percentile is not None and not args.drs:
        raise UserError("--drs-percentile applies only with --drs")
    if args.rejected is not None and args.min_confidence is None:
        raise UserError("--rejected applies only with --min-confidence")
    if args.drs and args.min_confidence is not None:
        raise UserError("choose --drs or --min-confidence, not both")
    kind, shape = ("points" if points else "image"), tuple(run.model_cfg.data_shape)
    n, rejected, extra = args.n, None, ""
    try:
        # where everything goes is checked first: nothing is drawn for output that would be refused
        paths = plan_sample_files(out, n, shape, kind)
        if args.drs or args.min_confidence is not None:  # these hold their n samples in memory
            x, note, rejected = _drs_samples(run, args) if args.drs else _classifier_samples(run, args)
            if len(x) != n:
                n, paths = len(x), plan_sample_files(out, len(x), shape, kind)
            blocks = x.split(SAMPLE_BLOCK)
        else:  # drawn and written a block at a time: memory stays flat however large n is
            blocks, note = sample_blocks(run, n, seed=args.seed, label=args.label)
        if rejected is not None and len(rejected):
            rejected_paths = plan_sample_files(Path(args.rejected), len(rejected), shape, kind)
        where = write_samples(blocks, n, paths, shape, kind)
        if rejected is not None:
            if len(rejected):
                extra = (f"; {len(rejected)} rejected written to "
                         f"{write_samples(rejected.split(SAMPLE_BLOCK), len(rejected), rejected_paths, shape, kind)}")
            else:
                extra = "; none rejected"
    except _user_errors() as e:
        raise UserError(str(e))
    except OSError as e:
        raise UserError(f"--out {out}: cannot write ({e.strerror or e})")
    print(f"wrote {n} samples to {where}" + (f" ({note}{extra})" if note or extra else ""))
    return 0


def _check_held(run, args, what: str, copies: int) -> None:
    """Refuse an --n whose samples, held in memory `copies` times, would not fit."""
    import math

    from explorer.core.memory import check_fits
    values = math.prod(run.model_cfg.data_shape)
    check_fits(args.n * values * 4 * copies, f"--n {args.n} with {what} (all samples held in memory, "
                                             f"{copies} float32 copies of {values:,} values each)", UserError)


def _classifier_samples(run, args):
    """(samples, note, rejected or None)."""
    from explorer.core.runs import load_run_data
    from explorer.core.sampling.rejection import classifier_for, rejection_sample

    if args.rejected is not None and Path(args.rejected).suffix.lower() != ".png":
        raise ValueError(f"--rejected must end in .png, got {Path(args.rejected).name}")
    _check_held(run, args, "--min-confidence", 4 if args.rejected is not None else 2)
    data = load_run_data(run)
    r = rejection_sample(run.model, args.n, classifier_for(data, run.model.device), args.min_confidence,
                         seed=args.seed, condition=args.label)
    note = (f"classifier rejection sampling: acceptance rate {r.acceptance_rate:.1%}, {r.accepted} of "
            f"{r.drawn} samples labelled with confidence >= {r.threshold:g}")
    return r.samples, note, (r.rejected if args.rejected is not None else None)


def _drs_samples(run, args):
    """(samples, note, None)."""
    from explorer.core.gan.drs import DEFAULT_PERCENTILE, drs_sample

    _check_held(run, args, "--drs", 2)
    pct = DEFAULT_PERCENTILE if args.drs_percentile is None else args.drs_percentile
    r = drs_sample(run.model, args.n, percentile=pct, seed=args.seed, condition=args.label)
    return r.samples, (f"discriminator rejection sampling: acceptance rate {r.acceptance_rate:.1%}, "
                       f"{r.accepted} of {r.proposed} candidates kept, gamma at the {pct:g}th percentile"), None


def cmd_embed(args) -> int:
    from explorer.core.maps.cache import MapCache, write_embedding
    from explorer.core.maps.projection import MapError, project
    from explorer.core.maps.encoding import encode_run

    out = Path(args.out)
    if out.suffix.lower() != ".npz":
        raise UserError(f"--out must end in .npz, got {out.name}")
    run = _open_run(args.run, args.device)
    if args.method == "raw" and run.model.latent.dim != 2:
        raise UserError(f"--method raw needs a 2-D latent space; {run.model_cfg.model} in {run.path} "
                        f"has {run.model.latent.dim} dimensions: use pca, umap or tsne")
    params = {"seed": args.seed} if args.method in ("umap", "tsne") else {}
    if args.umap_fit_limit is not None:
        if args.method != "umap":
            raise UserError(f"--umap-fit-limit is a umap setting; --method is {args.method}")
        params["fit_limit"] = args.umap_fit_limit
    try:
        encoded = encode_run(run, cap=args.cap, seed=args.seed)
        cache = None if args.no_cache else MapCache(run.path)
        latent_map = cache.load(encoded, args.method, params) if cache else None
        if latent_map is None:
            if args.method == "umap":
                log.info("umap: the first fit in a process compiles for about a minute")
            latent_map = project(encoded.latents, args.method, params, strata=encoded.labels)
            if cache:
                try:
                    cache.save(encoded, latent_map)
                except OSError as e:  # a read-only run still gets its export
                    log.warning("could not cache the map in %s: %s", cache.dir, e)
    except (MapError, *_user_errors()) as e:
        raise UserError(first_line(e))
    try:
        write_embedding(out, encoded, latent_map)
    except OSError as e:
        raise UserError(f"cannot write {out}: {e.strerror or e}")
    how = (f"; umap fitted on {len(latent_map.fitted)} of them (each label's share kept), the rest placed "
           f"by its transform" if latent_map.subsampled else "")
    print(f"wrote {len(encoded)} {args.method} map points of {encoded.dim}-D latents "
          f"(step {encoded.step}) to {out}{how}")
    return 0
