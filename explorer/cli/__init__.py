"""The command line: train, eval, sample, embed, sign, snapshot, bench; no arguments opens
the window.

Bad arguments exit 2 with a message (argparse's convention); a run or file that cannot
be used exits 1 with one line on stderr. The commands live in train.py (train, resume, a
prior) and outputs.py (eval, sample, embed, sign); options.py holds the flags.
"""
from __future__ import annotations

import argparse
import json
import logging
import os
import sys

from .options import LANGUAGE_CHOICES, UserError, build_parser
from .outputs import cmd_embed, cmd_eval, cmd_sample, cmd_sign
from .train import cmd_train
from .options import _open_run, _user_errors


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    logging.basicConfig(format="%(levelname)s: %(message)s", level=logging.INFO)
    logging.getLogger().handlers[0].setFormatter(_LowerFormatter())
    if not argv or argv[0] == "gui":
        # the window's path imports no torch before the window is on screen
        gui = argparse.ArgumentParser(prog="main.py gui", description="Open the explorer window.")
        gui.add_argument("--run", help="run directory to open")
        gui.add_argument("--language", choices=LANGUAGE_CHOICES,
                         help="the window's language, remembered (default: the last chosen, else the system's)")
        ga = gui.parse_args(argv[1:])
        return run_gui(ga.run, ga.language)
    if argv[0] == "bench" and len(argv) > 1:
        from explorer.bench import SCRIPTS, run_script
        if argv[1] in SCRIPTS:   # benchmarks with options of their own
            return run_script(argv[1], argv[2:])
    parser = build_parser()
    args = parser.parse_args(argv)
    command = args.command or "gui"
    try:
        if command == "gui":
            return run_gui(getattr(args, "run", None), getattr(args, "language", None))
        if command == "train":
            return cmd_train(args, parser)
        if command == "eval":
            return cmd_eval(args)
        if command == "sample":
            return cmd_sample(args)
        if command == "bench":
            return cmd_bench(args)
        if command == "snapshot":
            return cmd_snapshot(args)
        if command == "embed":
            return cmd_embed(args)
        if command == "sign":
            return cmd_sign(args)
        if command == "translations":
            return cmd_translations()
    except UserError as e:
        print(f"error: {e}".replace("\n", "\\n"), file=sys.stderr)   # one line, whatever a path holds
        return 1
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:   # `main.py eval ... | head`: the reader left; nothing to report
        try:
            sys.stdout = open(os.devnull, "w")
        except OSError:
            pass
        return 141
    parser.error(f"unknown command {command}")
    return 2


class _LowerFormatter(logging.Formatter):
    def format(self, record):
        return f"{record.levelname.lower()}: {record.getMessage()}".replace("\n", "\\n")


def cmd_snapshot(args) -> int:
    if args.run:
        from explorer.core.runs import has_checkpoint, read_config
        try:
            read_config(args.run)
        except _user_errors() as e:
            raise UserError(str(e))
        if has_checkpoint(args.run):
            _open_run(args.run, "cpu")   # damaged weights: one line now, not a window waiting on them
    from explorer.qt.snapshot import snapshot
    for path in snapshot(args.out, args.run, slow_map=args.umap, language=args.language):
        print(path)
    return 0


def cmd_translations() -> int:
    """Refresh the Korean catalogue from the program's tr() strings and compile it."""
    import subprocess

    from explorer.qt.catalogue import build
    try:
        for line in build():
            print(line)
    except (FileNotFoundError, subprocess.CalledProcessError) as e:
        raise UserError(str(e).strip() or type(e).__name__)
    return 0


def cmd_bench(args) -> int:
    if args.what == "train":
        from explorer.bench.train import bench_train
        print(json.dumps(bench_train(args.epochs, args.rounds, with_examples=not args.no_examples), indent=2))
    elif args.what == "map":
        from explorer.bench.map_gui import bench_map_all
        print(json.dumps(bench_map_all(args.run, with_service=args.service), indent=2))
    return 0


def has_display() -> bool:
    platform = os.environ.get("QT_QPA_PLATFORM", "")
    if platform and platform.split(":")[0] in ("offscreen", "minimal", "vnc", "eglfs", "linuxfb"):
        return True
    if sys.platform in ("darwin", "win32"):
        return True
    return bool(os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY"))


def run_gui(run: str | None, language: str | None = None) -> int:
    if not has_display():
        print("no display found: run the window under a virtual screen with `xvfb-run -a python main.py`, "
              "or use the command line (`python main.py train --help`)", file=sys.stderr)
        return 1
    from explorer.qt.app import run_app
    return run_app(run, language)
