"""train: a new run, a resume (--resume), or a PixelCNN prior over a VQ-VAE run; Ctrl-C saves."""
from __future__ import annotations

import os
import re
import sys
import time

from .options import MODEL_FLAGS, MODEL_SWITCHES, TRAIN_FLAGS, UserError, _user_errors


def cmd_train(args, parser) -> int:
    from explorer.core.training import threads
    threads.prepare_process()   # idle OpenMP threads sleep: set before torch is imported
    from explorer.core.training import distributed
    if not distributed.launched():
        return _cmd_train(args, parser)
    # under torchrun: join the process group first (explorer/core/training/distributed.py)
    device = getattr(args, "device", None)
    if device is None and args.resume and args.out:   # a resume trains where the run did, unless told
        try:
            from pathlib import Path

            from explorer.core.runs.load import read_config
            device = read_config(Path(args.out))[1].device
        except Exception:   # no run there, or a damaged one: the engine says so, in one line
            device = None
    try:
        distributed.from_env(device or "auto")
    except (RuntimeError, ValueError) as e:
        raise UserError(f"cannot join the other training processes: {str(e).splitlines()[0] if str(e) else type(e).__name__}")
    if args.download and args.dataset:   # one download a machine: the others wait for it, then read it
        _download_once(args)
    try:
        rc = _cmd_train(args, parser)
    except BaseException:
        distributed.leave(together=False)   # another rank may be gone: no barrier
        raise
    distributed.leave(together=rc == 0)
    # the run's files are closed: leave without the interpreter's teardown, where torch's
    # C++ threads were seen to abort a rank ("terminate called without an active
    # exception"), which torchrun then reports as a failed run
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(rc)


def _download_once(args) -> None:
    """Under torchrun with --download: each machine's first process fetches the dataset while
    the others wait (several writing the same files at once could corrupt them)."""
    from explorer.core.data.datasets import DatasetError, load_dataset
    from explorer.core.training import distributed

    group = distributed.active()
    if group.local_rank == 0:
        try:
            load_dataset(args.dataset, args.data_dir, True, args.image_size or 28)
        except DatasetError:
            pass   # said by the engine, on every process alike
    group.barrier()


def _cmd_train(args, parser) -> int:
    from explorer.core.data.datasets import DatasetError, check_name
    from explorer.core.training.worker import WorkerSpec

    dataset = args.dataset or "mnist5k"
    try:
        check_name(dataset)
    except DatasetError as e:
        parser.error(str(e))
    if args.model is None and not args.resume:
        parser.error("--model is required for a new run (a --resume takes the run's own)")
    if args.fresh_optimizer and not args.resume:
        parser.error("--fresh-optimizer applies only with --resume")
    if args.resume and args.overwrite:
        parser.error("give --resume or --overwrite, not both")
    if args.epochs is not None and args.steps is not None:
        parser.error("give --epochs or --steps, not both")
    train_over = {field: getattr(args, flag[2:].replace("-", "_")) for flag, (field, _) in TRAIN_FLAGS.items()}
    train_over.update(download=args.download or None, slim=args.slim or None)
    model_over = {field: getattr(args, flag[2:].replace("-", "_")) for flag, (field, _) in MODEL_FLAGS.items()}
    for flag, (field, value, _) in MODEL_SWITCHES.items():
        if getattr(args, flag[2:].replace("-", "_")):
            model_over[field] = value
    if args.resume:
        return _resume(args, parser, model_over, train_over)
    if args.model == "pixelcnn":
        return _train_prior(args, parser, model_over, train_over)
    if args.run:
        parser.error(f"--run applies only to --model pixelcnn (the VQ-VAE run it models), not {args.model}")
    engine = _engine(WorkerSpec(run_dir=args.out, model=args.model, dataset=dataset,
                                model_overrides=model_over, train_overrides=train_over,
                                overwrite=args.overwrite))
    return _drive(engine, quiet=args.quiet)


def _resume(args, parser, model_over: dict, train_over: dict) -> int:
    """train --resume --out RUN: the run's own model, dataset and settings, except those
    RESUME_SETTINGS a flag changes."""
    from explorer.core.training.engine import RESUME_SETTINGS
    from explorer.core.training.worker import WorkerSpec
    from explorer.core.runs import read_config

    fields = {**{f: flag for flag, (f, _) in {**TRAIN_FLAGS, **MODEL_FLAGS}.items()},
              **{f: flag for flag, (f, _, _) in MODEL_SWITCHES.items()}, "download": "--download", "slim": "--slim"}
    try:
        mc, tc, _ = read_config(args.out)
        # the run's own settings stay; a flag repeating one is fine, a flag changing one is refused
        own = {**mc.to_dict(), **tc.to_dict()}
        fixed = [fields[f] for f, v in {**model_over, **train_over}.items()
                 if v is not None and f not in RESUME_SETTINGS and own.get(f) != (list(v) if isinstance(v, tuple) else v)]
        if fixed:
            parser.error(f"{fixed[0]} cannot change on --resume: the run keeps its own (a resume can change "
                         f"{', '.join('--' + s.replace('_', '-') for s in RESUME_SETTINGS)})")
        for given, own, flag in ((args.model, mc.model, "--model"), (args.dataset, tc.dataset, "--dataset")):
            if given is not None and given != own:
                raise UserError(f"{args.out} is a {mc.model} run on {tc.dataset}: {flag} {given} does not match")
        if args.run:
            parser.error("--run applies only to a new pixelcnn prior")
    except _user_errors() as e:
        raise UserError(_as_flags(str(e)))
    engine = _engine(WorkerSpec(run_dir=args.out, resume=True, train_overrides=train_over,
                                fresh_optimizer=args.fresh_optimizer))
    return _drive(engine, quiet=args.quiet)


def _engine(spec):
    """make_engine, and under torchrun the processes' agreement that every one of them has
    its engine: a refusal is said once, by rank 0 (or by the rank that refused), and every
    process ends instead of waiting for the others."""
    from explorer.core.training import distributed
    from explorer.core.training.worker import make_engine

    group = distributed.active()

    def agree(flag: bool) -> bool:   # a peer lost meanwhile is said in one line
        try:
            return group.any(flag, None)
        except RuntimeError as e:
            if distributed.lost_peer(e):
                raise UserError("another training process stopped or lost its connection while the run was "
                                "being set up") from None
            raise

    try:
        engine = make_engine(spec)
    except BaseException as e:
        if group is not None:   # the same two collectives as below, in the same order
            said_by_0 = agree(group.rank == 0)
            agree(True)
            if said_by_0 and group.rank > 0:
                raise SystemExit(1) from None   # rank 0 has said why
        if isinstance(e, _user_errors()):
            raise UserError(_as_flags(str(e))) from None
        raise
    if group is not None:
        agree(False)
        if agree(False):
            raise SystemExit(1)   # another process refused and said why
    return engine


PRIOR_FLAGS = ("--pixelcnn-layers", "--pixelcnn-channels", "--pixelcnn-dropout", "--conditional", "--attention",
               "--level", "--top-prior")


def _as_flags(message: str) -> str:
    """A settings message in the command line's words: "train.lr must be ..." -> "--lr must be ..."."""
    flags = {f"{sec}.{field}": flag for sec, table in (("train", TRAIN_FLAGS), ("model", MODEL_FLAGS))
             for flag, (field, _) in table.items()}
    flags.update({f"model.{field}": flag for flag, (field, _, _) in MODEL_SWITCHES.items()})
    return re.sub(r"\b(?:train|model)\.\w+", lambda m: flags.get(m.group(0), m.group(0)), message)


def _train_prior(args, parser, model_over: dict, train_over: dict) -> int:
    """train --model pixelcnn --run VQRUN: a prior over that VQ-VAE run's code grids."""
    from explorer.core.training.worker import WorkerSpec

    fields = {**{f: flag for flag, (f, _) in MODEL_FLAGS.items()},
              **{f: flag for flag, (f, _, _) in MODEL_SWITCHES.items()}}
    foreign = [fields[f] for f, v in model_over.items() if v is not None and fields[f] not in PRIOR_FLAGS]
    if foreign:
        parser.error(f"{foreign[0]} does not apply to pixelcnn: the VQ-VAE run given with --run sets it")
    if args.dataset is not None or args.image_size is not None:
        parser.error("--dataset and --image-size do not apply to pixelcnn: it trains on the VQ-VAE run's dataset")
    if not args.run:
        parser.error("--model pixelcnn needs --run VQRUN, the VQ-VAE run whose codes it models")
    engine = _engine(WorkerSpec(run_dir=args.out, model="pixelcnn", vq_run=args.run,
                                model_overrides={k: v for k, v in model_over.items() if v is not None},
                                train_overrides=train_over, overwrite=args.overwrite))
    return _drive(engine, quiet=args.quiet)


FORWARDED_SIGNAL_S = 2.0   # a second signal sooner than this, under torchrun, is the first one forwarded


def _drive(engine, quiet: bool = False) -> int:
    """Run the engine with a progress bar. The first Ctrl-C halts it at the step it reached
    (a checkpoint is saved there, the final evaluation skipped); a second one ends at once."""
    import signal

    from explorer.core.training import threads
    threads.setup_trainer(engine)   # the window's trainer makes the same choice

    from tqdm import tqdm

    from explorer.core.training.engine import EpochEnd, Failed, Finished, Progress, Started

    bar = None
    t0 = time.time()
    rate = 0.0
    interrupted = []
    group = getattr(engine, "group", None)   # several processes: rank 0 speaks for the run
    lead = group is None or group.writes
    quiet = quiet or not lead

    def on_sigint(signum, frame):
        if interrupted:
            # under torchrun a Ctrl-C reaches each process twice, from the terminal and
            # forwarded by torchrun: only a second one later than that is the user's
            if group is None or time.monotonic() - interrupted[0] > FORWARDED_SIGNAL_S:
                raise KeyboardInterrupt
            return
        interrupted.append(time.monotonic())
        if lead:
            print("\nstopping: saving a checkpoint at this step (Ctrl-C again to quit without it)", file=sys.stderr)

    try:
        previous = signal.signal(signal.SIGINT, on_sigint)
        # torchrun ends its workers with SIGTERM (after a Ctrl-C, or when a rank died): save first
        previous_term = signal.signal(signal.SIGTERM, on_sigint) if group is not None else None
    except ValueError:   # not the main thread: Ctrl-C stays Python's
        previous = previous_term = None
    gen = engine.run()
    try:
        ev = next(gen)
        while True:
            if isinstance(ev, Started):
                if not quiet:
                    bar = tqdm(total=ev.total_steps, initial=ev.step, unit="step", dynamic_ncols=True,
                               desc=f"{ev.model} on {ev.dataset} ({ev.device})", file=sys.stderr)
            elif isinstance(ev, Progress):
                rate = ev.samples_per_s or rate
                if bar is not None:
                    bar.update(ev.step - bar.n)
                    if ev.parts:
                        bar.set_postfix({k: f"{v:.4g}" for k, v in list(ev.parts.items())[:4]}, refresh=False)
            elif isinstance(ev, EpochEnd) and bar is not None:
                bar.set_description(f"epoch {ev.epoch}")
            elif isinstance(ev, Failed):
                if bar is not None:
                    bar.close()
                who = "" if lead else f" (process {group.rank} of {group.world})"
                print(one_line(f"error{who}: {ev.message}"), file=sys.stderr)
                return 1
            elif isinstance(ev, Finished):
                if bar is not None:
                    bar.close()
                if not lead:
                    return 130 if interrupted else 0
                if interrupted:
                    print(one_line(f"interrupted at step {ev.step}: checkpoint saved at step {ev.step}; "
                                   f"continue with --resume --out {engine.run_dir}"), file=sys.stderr)
                    return 130
                print(_summary(engine, ev, time.time() - t0, rate))
                return 0
            try:
                ev = gen.send("halt" if interrupted else None)
            except StopIteration:
                return 1
    except KeyboardInterrupt:
        gen.close()
        if bar is not None:
            bar.close()
        saved = (f"the last checkpoint is at step {engine.checkpoint_step}" if engine.checkpoint_step is not None
                 else "no checkpoint was saved")
        print(one_line(f"interrupted at step {engine.step}; {saved}; continue with --resume --out {engine.run_dir}"),
              file=sys.stderr)
        return 130
    finally:
        if previous is not None:
            signal.signal(signal.SIGINT, previous)
        if previous_term is not None:
            signal.signal(signal.SIGTERM, previous_term)


SUMMARY_KEYS = ("test_neg_elbo", "test_iwae_nll", "test_recon", "active_units", "perplexity",
                "test_perplexity", "test_codes_used", "train_codes_used_fraction", "test_bits_per_code",
                "confident_share", "modes_captured", "hq_fraction", "reverse_kl",
                "classes_covered", "label_entropy", "diversity_ratio", "near_duplicates")


def _summary(engine, ev, seconds: float, rate: float) -> str:
    shown = []
    for k in SUMMARY_KEYS:
        v = ev.summary.get(k)
        if isinstance(v, float):
            shown.append(f"{k} {v:.4g}")
        elif isinstance(v, int):
            shown.append(f"{k} {v}")
    status = "stopped" if ev.stopped else "done"
    group = getattr(engine, "group", None)
    where = f" on {group.world} processes ({group.backend})" if group is not None else ""
    return (f"{status}: {engine.model_cfg.model} on {engine.cfg.dataset}{where}, {ev.step} steps "
            f"({ev.epoch} epochs) in {seconds:.1f} s, {rate / 1000:.1f}k samples/s"
            + (f"; {', '.join(shown)}" if shown else "") + f" -> {engine.run_dir}")


def one_line(text: str) -> str:
    """A message on one line, whatever a path in it holds (a run folder may be named with a newline)."""
    return text.replace("\n", "\\n")
