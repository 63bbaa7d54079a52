"""Fuzz the command line with damaged run directories.

    .venv/bin/python tests/core/runs/fuzz_runs.py --cases 2000 --seed 0 > fuzz.json
    .venv/bin/python tests/core/runs/fuzz_runs.py --cases 200 --seed 3 --out /tmp/f.json --progress
    .venv/bin/python tests/core/runs/fuzz_runs.py --replay '{"base": "vae", "mutations": [...]}'

A few base runs are trained once per session (a VAE and an AE on digits, a GAN on
ring8). Hypothesis, seeded, draws each case: a base and one to three mutations of
its files (config.json, state.json, a manifest if the run has one, metrics.jsonl
lines, the weights' header and data, trainer.pt, permissions, stale temporary
files, odd run names). Each case gets a fresh copy of its base in a temporary
directory, next to "canary" files that belong to nobody's run, and then runs

    eval --run RUN
    sample --run RUN --out OUT/s.png (or .npy for 2-D points)
    embed --run RUN --method pca --out OUT/e.npz
    train --resume --out RUN --steps <base + 10> --quiet --model M --dataset D

through explorer.cli.main(argv), in a process forked from this warm one (the imports
are paid once; a fork costs milliseconds and isolates each command: a hang is killed
after --timeout seconds, memory is capped with RLIMIT_AS, a crash cannot take the
harness down, and fd-level output of C code is captured like a subprocess's).
Permission mutations need a user that is not root: those commands run with the
real and effective uid/gid of `nobody` (65534), the case directory chowned to it.

Checks (a failure "kind" per broken rule):
  traceback         an exception escaped main(), or "Traceback" on stderr
  hang / signal     the command ran past --timeout, or died of a signal
  invalid-output    exit 0 but the output is not valid (eval: strict JSON, no
                    NaN/Infinity; sample: the PNG decodes / the .npy loads, finite;
                    embed: the .npz loads without pickles, finite; resume: the
                    run's weights load afterwards)
  stderr            nonzero exit without exactly one non-empty "error: ..." line
                    ("warning: ..." lines are allowed besides)
  outside-touched   a file outside the run directory and the output folder was
                    created, changed or deleted (canary files next to the run, the
                    working directory)
  run-modified      eval or sample changed the run directory (removing stale
                    .tmp files is allowed; embed may write its maps/ cache)
  damaged-accepted  weights whose bytes were changed after the save (flipped data,
                    another dtype, NaN, edited metadata) and the command exited 0
  refused-valid     the only mutations were ones the issue says must be tolerated
                    (junk metrics lines, a bad state.json, a damaged trainer.pt on
                    resume, stale .tmp files, an odd run name, read-only files for
                    reading commands) and the command failed although it succeeds
                    on the pristine base
  silent-repair     resume succeeded past junk metrics lines, a partial last line
                    or a damaged trainer.pt without a "warning:" line
  resume-*          after a successful resume: its record's step differs from the
                    weights' step before it or is below the last checkpoint record
                    (resume-step), the appended lines do not all parse
                    (resume-partial-line), an existing sample image was overwritten
                    (resume-overwrote-sample), a .tmp file is left (resume-tmp-left)
  failed-resume-wrote-config   a resume that failed still rewrote config.json
"""
from __future__ import annotations

import argparse
import contextlib
import hashlib
import io
import json
import logging
import os
import pickle
import random
import re
import resource
import select
import shutil
import signal
import struct
import subprocess
import sys
import tempfile
import time
import traceback
import warnings
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

NOBODY = 65534
COMMANDS = ("eval", "sample", "embed", "resume")
# name -> (train argv, kind of data, steps of the base run)
BASES = {
    "vae": (["--model", "vae", "--dataset", "digits", "--steps", "50"], "image", 50),
    "gan": (["--model", "gan", "--dataset", "ring8", "--steps", "60"], "points", 60),
    "ae": (["--model", "ae", "--dataset", "digits", "--steps", "50"], "image", 50),
}
KNOWN_FILES = ("config.json", "model.safetensors", "trainer.pt", "state.json", "metrics.jsonl")


# -- running one command in a forked child ---------------------------------------------

def _read_all(fd: int, deadline: float) -> tuple[bytes, bool]:
    chunks, timed_out = [], False
    while True:
        left = deadline - time.monotonic()
        if left <= 0:
            timed_out = True
            break
        r, _, _ = select.select([fd], [], [], min(left, 1.0))
        if r:
            b = os.read(fd, 1 << 16)
            if not b:
                break
            chunks.append(b)
    return b"".join(chunks), timed_out


def in_child(fn, timeout: float, mem_bytes: int | None = None) -> dict:
    """fn() in a forked child; its JSON-able result, or {"died": why}."""
    r, w = os.pipe()
    sys.stdout.flush()
    sys.stderr.flush()
    pid = os.fork()
    if pid == 0:  # child
        code = 0
        try:
            os.close(r)
            os.setpgid(0, 0)
            if mem_bytes:
                resource.setrlimit(resource.RLIMIT_AS, (mem_bytes, mem_bytes))
            res = fn()
        except BaseException:
            res = {"harness_error": traceback.format_exc()[-3000:]}
            code = 3
        try:
            data = json.dumps(res, default=str).encode()
            view = memoryview(data)
            while view:
                n = os.write(w, view)
                view = view[n:]
            os.close(w)
        finally:
            os._exit(code)
    os.close(w)
    data, timed_out = _read_all(r, time.monotonic() + timeout)
    os.close(r)
    if timed_out:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(pid, signal.SIGKILL)
    _, status = os.waitpid(pid, 0)
    with contextlib.suppress(ProcessLookupError):  # a grandchild left behind
        os.killpg(pid, signal.SIGKILL)
    if timed_out:
        return {"died": f"hang: killed after {timeout:g} s"}
    if os.WIFSIGNALED(status):
        return {"died": f"signal {signal.Signals(os.WTERMSIG(status)).name}"}
    try:
        return json.loads(data)
    except ValueError:
        return {"died": f"child exit {os.WEXITSTATUS(status)} without a result"}


def call_main(argv: list[str], cwd: Path, as_nobody: bool = False) -> dict:
    """explorer.cli.main(argv) here, with stdout/stderr captured at the Python and the fd
    level; the exit status as a process would report it, or the escaped traceback."""
    from explorer.cli import main

    os.chdir(cwd)
    fd_out, fd_err = tempfile.TemporaryFile(), tempfile.TemporaryFile()
    saved = os.dup(1), os.dup(2)
    os.dup2(fd_out.fileno(), 1)
    os.dup2(fd_err.fileno(), 2)
    out, err = io.StringIO(), io.StringIO()
    root = logging.getLogger()   # as in a fresh process: main()'s basicConfig installs its own
    for h in root.handlers[:]:   # handler (an earlier one is bound to an old stderr; pytest's
        root.removeHandler(h)    # print in their own format)
    root.setLevel(logging.WARNING)
    if hasattr(warnings, "_filters_mutated"):
        warnings._filters_mutated()  # a fresh process would show each warning again
    elif hasattr(warnings, "_filters_mutated_lock_held"):
        warnings._filters_mutated_lock_held()
    tb = None
    if as_nobody:
        os.setgroups([])
        os.setresgid(NOBODY, NOBODY, 0)
        os.setresuid(NOBODY, NOBODY, 0)
    t0 = time.perf_counter()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            rc = main(list(argv))   # basicConfig here binds the new handler to `err`
        except SystemExit as e:
            if e.code is None:
                rc = 0
            elif isinstance(e.code, int):
                rc = e.code
            else:
                print(e.code, file=sys.stderr)
                rc = 1
        except BaseException:
            tb = traceback.format_exc()
            rc = None
    seconds = time.perf_counter() - t0
    if as_nobody:
        os.setresuid(0, 0, 0)
        os.setresgid(0, 0, 0)
    for f in (sys.stdout, sys.stderr):
        with contextlib.suppress(Exception):
            f.flush()
    os.dup2(saved[0], 1)
    os.dup2(saved[1], 2)
    fd_out.seek(0)
    fd_err.seek(0)
    c_out, c_err = (f.read().decode(errors="replace") for f in (fd_out, fd_err))
    return {"rc": rc, "stdout": out.getvalue() + c_out, "stderr": err.getvalue() + c_err,
            "traceback": tb, "seconds": round(seconds, 3)}


# -- files ------------------------------------------------------------------------------

def tree_state(root: Path, skip: tuple = ()) -> dict:
    """relative path -> (kind, mode, sha256 or link target) for everything under root."""
    out = {}
    root = Path(root)
    skip_abs = {os.path.abspath(s) for s in skip}
    for dirpath, dirnames, filenames in os.walk(root):
        keep = []
        for d in dirnames:
            p = os.path.join(dirpath, d)
            if os.path.abspath(p) in skip_abs:
                continue
            st = os.lstat(p)
            out[os.path.relpath(p, root)] = ("link", os.readlink(p)) if os.path.islink(p) else \
                ("dir", oct(st.st_mode & 0o7777))
            if not os.path.islink(p):
                keep.append(d)
        dirnames[:] = keep
        for f in filenames:
            p = os.path.join(dirpath, f)
            if os.path.abspath(p) in skip_abs:
                continue
            st = os.lstat(p)
            if os.path.islink(p):
                out[os.path.relpath(p, root)] = ("link", os.readlink(p))
                continue
            try:
                with open(p, "rb") as fh:
                    digest = hashlib.sha256(fh.read()).hexdigest()[:16]
            except OSError as e:
                digest = f"unreadable {e.errno}"
            out[os.path.relpath(p, root)] = ("file", oct(st.st_mode & 0o7777), digest)
    return out


def tree_diff(before: dict, after: dict) -> list[str]:
    changes = []
    for k in sorted(set(before) | set(after)):
        if k not in after:
            changes.append(f"deleted {k}")
        elif k not in before:
            changes.append(f"created {k}")
        elif before[k] != after[k]:
            changes.append(f"changed {k}")
    return changes


def make_canary(case_dir: Path) -> None:
    """Files that belong to the user, beside the run: none may change."""
    (case_dir / "canary" / "sub").mkdir(parents=True)
    (case_dir / "canary" / "a.txt").write_text("the user's notes\n")
    (case_dir / "canary" / "sub" / "b.bin").write_bytes(bytes(range(256)))
    (case_dir / "notes.txt").write_text("next to the run\n")
    (case_dir / "trainer.pt").write_bytes(b"a user's own trainer.pt, not a run's\n")
    (case_dir / "samples").mkdir()
    (case_dir / "samples" / "epoch_0001.png").write_bytes(b"not a png but the user's\n")
    (case_dir / "cwd").mkdir()
    (case_dir / "cwd" / "keep.txt").write_text("the working directory\n")


def find_manifests(run: Path) -> list[Path]:
    """Files that look like the run's manifest, whatever their name."""
    out = []
    for p in sorted(run.iterdir()) if run.is_dir() else []:
        if p.is_file() and p.name not in KNOWN_FILES and p.suffix == ".json":
            out.append(p)
        elif p.is_file() and "manifest" in p.name.lower() and p not in out:
            out.append(p)
    return out


def safetensors_parts(b: bytes) -> tuple[int, dict | None]:
    if len(b) < 8:
        return 0, None
    n = struct.unpack("<Q", b[:8])[0]
    try:
        return n, json.loads(b[8:8 + n])
    except ValueError:
        return n, None


def weights_step(path: Path):
    try:
        _, h = safetensors_parts(path.read_bytes())
        return int(h["__metadata__"]["step"])
    except Exception:
        return None


# -- mutations --------------------------------------------------------------------------

# Each mutation is a JSON-able dict {"op": name, ...parameters}; apply() resolves it
# against the files of the case (fractions become offsets, indices pick among what is
# there) and returns a description of what it did.
JUNK_STRINGS = ["", "20", "-4", "auto", "nan", "inf", "1e9", "../canary", "/", "{CANARY}", "{CANARY}/a.txt",
                "x" * 300, "\u00fc\u00f1\u00ef", "a\nb", "\x00"]
JUNK_NUMBERS = [-1, 0, -4, -5, 1, 2, 20.5, 10**9, 10**18, 2**63, 2**64 + 1, 10**30, 1e308, -1e308,
                1e-300, 0.5, float("nan"), float("inf"), float("-inf"), True, False]
CONFIG_KEYS = [("model", k) for k in ("latent_dim", "hidden", "data_shape", "model", "arch", "likelihood",
                                      "n_classes", "data_kind", "beta", "channels", "pack", "maxout",
                                      "codebook_size", "noise_level", "init_std")] + \
              [("train", k) for k in ("dataset", "steps", "epochs", "batch_size", "lr", "seed", "iwae_k",
                                      "n_eval_samples", "image_size", "log_every", "eval_every",
                                      "checkpoint_every_s", "device", "data_dir", "beta1", "lr_d",
                                      "alert_evals")] + \
              [("format",), ("model",), ("train",), ("dataset",), ("dataset", "shape")]
METRIC_LINES = [b"null", b"42", b"[1,2,3]", b'{"kind":"resume"}', b'{"kind":"resume","step":"x"}',
                b'{"kind":"resume","step":null}', b'{"kind":"checkpoint","step":-1}',
                b'{"kind":"step","step":1e999}', b'{"kind":"step","step":99999999999999999999999}',
                b'{"kind":"eval","step":5,"test_neg_elbo":NaN}', b'{"kind":"epoch"', b"", b'"text"',
                b'{"kind":"alert"}', b'{"kind":"error","step":null}', b'{"kind":"epoch","step":3,"epoch":"x"}',
                b'{"kind":"end","step":[1]}', b"\xff\xfe\x00garbage\x80", b'{"step":' + b"9" * 5000 + b"}",
                b'{"kind":"alert","step":10,"signal":null,"alert":{}}', b"{}", b"1e999"]


def _json_paths(obj, prefix=()):
    """Every path into a JSON value (dict keys and list indices), depth first."""
    yield prefix
    if isinstance(obj, dict):
        for k, v in obj.items():
            yield from _json_paths(v, prefix + (k,))
    elif isinstance(obj, list):
        for i, v in enumerate(obj):
            yield from _json_paths(v, prefix + (i,))


def _get(obj, path):
    for p in path:
        obj = obj[p]
    return obj


def _set(obj, path, value):
    if not path:
        return value
    parent = _get(obj, path[:-1])
    parent[path[-1]] = value
    return obj


def _delete(obj, path):
    if not path:
        return None
    parent = _get(obj, path[:-1])
    del parent[path[-1]]
    return obj


def _subst(value, ctx):
    if isinstance(value, str):
        return value.replace("{CANARY}", str(ctx["case_dir"] / "canary"))
    if isinstance(value, list):
        return [_subst(v, ctx) for v in value]
    if isinstance(value, dict):
        return {k: _subst(v, ctx) for k, v in value.items()}
    return value


def _swap_type(v, how: int):
    """An existing value turned into a neighbouring wrong one."""
    if isinstance(v, bool):
        return ["true", 1, None, [v]][how % 4]
    if isinstance(v, int):
        return [str(v), v + 0.5, -v - 4, v * 10**12, [v], None, float(v), {"v": v}][how % 8]
    if isinstance(v, float):
        return [str(v), -v - 1, v * 1e300, int(v), [v], None][how % 6]
    if isinstance(v, str):
        return [v + "x", v.upper(), 5, [v], "", None, v * 50][how % 7]
    if isinstance(v, list):
        return [v[:-1], v + v, [str(x) for x in v], {str(i): x for i, x in enumerate(v)}, [[1]], None][how % 6]
    if isinstance(v, dict):
        return [list(v), {}, None, "dict", {k: str(x) for k, x in v.items()}][how % 5]
    return ["none", 0, {}, []][how % 4]


def _bytes_op(data: bytes, m: dict) -> tuple[bytes | None, str]:
    """The file operations every file gets; None = delete the file."""
    op = m["how"]
    n = len(data)
    if op == "truncate":
        k = int(m["frac"] * n)
        return data[:k], f"truncated {n} -> {k} bytes"
    if op == "empty":
        return b"", "emptied"
    if op == "delete":
        return None, "deleted"
    if op == "garbage":
        return m["blob"].encode("latin-1"), f"replaced by {len(m['blob'])} garbage bytes"
    if op == "flip":
        b = bytearray(data)
        where = []
        for f, x in zip(m["fracs"], m["xors"]):
            if b:
                i = int(f * len(b)) % len(b)
                b[i] ^= (x % 255) + 1
                where.append(i)
        return bytes(b), f"flipped bytes at {where[:8]}{'...' if len(where) > 8 else ''}"
    if op == "non_utf8":
        k = int(m["frac"] * n)
        return data[:k] + b"\xff\xfe\xc3\x28" + data[k:], f"non-UTF-8 bytes inserted at {k}"
    if op == "append":
        return data + m["blob"].encode("latin-1"), f"appended {len(m['blob'])} bytes"
    raise ValueError(op)


def _json_op(path: Path, m: dict, ctx) -> str:
    """Edit a JSON file's value tree, or its bytes."""
    how = m["how"]
    if how in ("truncate", "empty", "delete", "garbage", "flip", "non_utf8", "append"):
        new, what = _bytes_op(path.read_bytes(), m)
        if new is None:
            path.unlink()
        else:
            path.write_bytes(new)
        return what
    if how == "whole":
        path.write_text(json.dumps(_subst(m["value"], ctx)))
        return f"whole file replaced by {json.dumps(m['value'])[:80]}"
    obj = json.loads(path.read_text())
    if how == "key":   # a named config field
        keypath = tuple(m["key"])
        try:
            old = _get(obj, keypath)
        except (KeyError, IndexError, TypeError):
            old = None
        if m["action"] == "delete":
            try:
                obj = _delete(obj, keypath)
            except (KeyError, IndexError, TypeError):
                return f"{'.'.join(map(str, keypath))} absent: nothing deleted"
            what = f"deleted {'.'.join(map(str, keypath))}"
        else:
            value = _subst(m["value"], ctx) if m["action"] == "set" else _swap_type(old, m["swap"])
            try:
                obj = _set(obj, keypath, value)
            except (KeyError, IndexError, TypeError):
                return f"{'.'.join(map(str, keypath))}: cannot set"
            what = f"{'.'.join(map(str, keypath))} = {json.dumps(value)[:80]} (was {json.dumps(old)[:40]})"
    else:              # any path into the tree
        paths = list(_json_paths(obj))[1:] or [()]
        keypath = paths[m["index"] % len(paths)]
        old = _get(obj, keypath)
        if how == "path_delete" and keypath:
            obj = _delete(obj, keypath)
            what = f"deleted {'.'.join(map(str, keypath))}"
        else:
            value = _subst(m["value"], ctx) if how == "path_set" else _swap_type(old, m["swap"])
            obj = _set(obj, keypath, value)
            what = f"{'.'.join(map(str, keypath)) or '<root>'} = {json.dumps(value)[:80]} (was {json.dumps(old)[:40]})"
    path.write_text(json.dumps(obj, indent=2))
    return what


def _resave_weights(path: Path, m: dict) -> str:
    import torch
    from safetensors import safe_open
    from safetensors.torch import save

    with safe_open(str(path), framework="pt", device="cpu") as f:
        meta = dict(f.metadata() or {})
        tensors = {k: f.get_tensor(k) for k in f.keys()}
    names = sorted(tensors)
    name = names[m.get("index", 0) % len(names)]
    how = m["how"]
    if how == "dtype":
        dtype = getattr(torch, m["dtype"])
        targets = names if m["all"] else [name]
        for k in targets:
            tensors[k] = tensors[k].to(dtype)
        what = f"{'all tensors' if m['all'] else name} cast to {m['dtype']}"
    elif how == "nonfinite":
        t = tensors[name].clone().float()
        flat = t.view(-1)
        value = {"nan": float("nan"), "inf": float("inf"), "-inf": float("-inf")}[m["value"]]
        if flat.numel():
            flat[m["pos"] % flat.numel()] = value
            if m["all"]:
                flat[:] = value
        tensors[name] = t.to(tensors[name].dtype) if tensors[name].is_floating_point() else t
        what = f"{name}: {'all' if m['all'] else 'one value'} set to {m['value']}"
    elif how == "scale":
        tensors[name] = tensors[name] * m["factor"]
        what = f"{name} scaled by {m['factor']:g}"
    elif how == "metadata":
        key = m["key"]
        if m["value"] is None:
            meta.pop(key, None)
            what = f"metadata {key} removed"
        else:
            meta[key] = m["value"]
            what = f"metadata {key} = {m['value']!r}"
    elif how == "drop":
        del tensors[name]
        what = f"tensor {name} removed"
    elif how == "extra":
        tensors["extra.junk"] = torch.zeros(3)
        what = "extra tensor extra.junk added"
    elif how == "reshape":
        tensors[name] = tensors[name].reshape(-1) if tensors[name].dim() > 1 else tensors[name].reshape(1, -1)
        what = f"{name} reshaped to {tuple(tensors[name].shape)}"
    else:
        raise ValueError(how)
    path.write_bytes(save({k: v.contiguous() for k, v in tensors.items()}, metadata=meta))
    return "re-saved: " + what


def _weights_op(path: Path, m: dict) -> str:
    how = m["how"]
    if how in ("dtype", "nonfinite", "scale", "metadata", "drop", "extra", "reshape"):
        return _resave_weights(path, m)
    data = path.read_bytes()
    n, header = safetensors_parts(data)
    if how == "header_len":
        value = [0, 1, 7, 2**63, 2**64 - 1, len(data), len(data) - 8, n - 1, n + 1][m["which"] % 9]
        path.write_bytes(struct.pack("<Q", value) + data[8:])
        return f"header length {n} -> {value}"
    if how == "header_byte":
        b = bytearray(data)
        i = 8 + int(m["frac"] * n)
        b[i] = m["byte"]
        path.write_bytes(bytes(b))
        return f"header byte {i} -> {m['byte']:#x}"
    if how == "header_edit":  # a well-formed header that lies, padded to the same length
        names = sorted(k for k in header if k != "__metadata__")
        name = names[m["index"] % len(names)]
        entry = header[name]
        field = m["field"]
        if field == "dtype":
            entry["dtype"] = ["F64", "F16", "I32", "BOOL", "U8", "XX", "BF16"][m["choice"] % 7]
        elif field == "shape":
            entry["shape"] = [[], [0], [10**12], [-1], list(reversed(entry["shape"])), entry["shape"] + [1]][m["choice"] % 6]
        elif field == "offsets":
            a, b_ = entry["data_offsets"]
            entry["data_offsets"] = [[b_, a], [a, b_ + 4], [a + 4, b_ + 4], [0, 0], [a, 10**15]][m["choice"] % 5]
        elif field == "metadata":
            header.setdefault("__metadata__", {})["step"] = ["-5", "abc", "", "1e9", str(10**30), "3.5"][m["choice"] % 6]
        text = json.dumps(header, separators=(",", ":")).encode()
        if len(text) > n:
            return f"header edit of {name}.{field} did not fit: skipped"
        path.write_bytes(data[:8] + text + b" " * (n - len(text)) + data[8 + n:])
        return f"header: {name}.{field} -> {json.dumps(entry if field != 'metadata' else header['__metadata__'])[:80]}"
    if how == "data_flip":
        b = bytearray(data)
        start = 8 + n
        span = len(b) - start
        where = []
        for f, x in zip(m["fracs"], m["xors"]):
            i = start + int(f * span) % max(span, 1)
            b[i] ^= (x % 255) + 1
            where.append(i)
        path.write_bytes(bytes(b))
        return f"{len(where)} bytes flipped in the data area (first at {where[0]})"
    new, what = _bytes_op(data, m)
    if new is None:
        path.unlink()
    else:
        path.write_bytes(new)
    return what


class _Evil:
    """A pickle that would create a file in the canary folder if it were ever run."""

    def __init__(self, target: str):
        self.target = target

    def __reduce__(self):
        return (os.mkdir, (self.target,))


def _trainer_op(path: Path, m: dict, ctx) -> str:
    import torch

    how = m["how"]
    if how == "evil":
        path.write_bytes(pickle.dumps({"step": ctx["step"], "x": _Evil(str(ctx["case_dir"] / "canary" / "pwned"))}))
        return "replaced by a pickle that runs os.mkdir"
    if how == "junk_state":
        step = ctx["step"] if m["same_step"] else m["value"]
        state = {"step": step, "epoch": 1, "pos": m["value"], "perm": m["value"], "perm_gen": m["value"],
                 "rng": m["value"], "optimizers": m["value"]}
        if m["drop"] is not None:
            state.pop(["pos", "perm", "perm_gen", "rng", "optimizers"][m["drop"] % 5], None)
        buf = io.BytesIO()
        torch.save(state if m["dict"] else [step, m["value"]], buf)
        path.write_bytes(buf.getvalue())
        return f"torch.save of {'a dict' if m['dict'] else 'a list'} at step {step!r} with fields {m['value']!r}"
    new, what = _bytes_op(path.read_bytes(), m)
    if new is None:
        path.unlink()
    else:
        path.write_bytes(new)
    return what


def _metrics_op(path: Path, m: dict) -> str:
    how = m["how"]
    data = path.read_bytes() if path.exists() else b""
    if how == "insert":
        lines = data.split(b"\n")
        body, tail = lines[:-1], lines[-1]  # tail: "" after the last newline
        junk = METRIC_LINES[m["line"] % len(METRIC_LINES)] if m["line"] is not None else \
            json.dumps(m["value"]).encode()
        i = int(m["frac"] * (len(body) + 1))
        body.insert(i, junk)
        path.write_bytes(b"\n".join(body + [tail]))
        return f"line {i + 1} inserted: {junk[:60]!r}"
    if how == "partial_last":
        stripped = data.rstrip(b"\n")
        last = stripped.rfind(b"\n") + 1
        k = last + max(1, int(m["frac"] * (len(stripped) - last)))
        path.write_bytes(stripped[:min(k, len(stripped) - 1)])
        return f"last line cut after {min(k, len(stripped) - 1) - last} bytes (no newline)"
    if how == "append_partial":
        blob = [b'{"kind":"step","st', b'{"time": 1, "kind": "checkpoint", "step": 5', b"\xff", b"[", b"nul"][m["which"] % 5]
        path.write_bytes(data + blob)
        return f"partial line {blob!r} appended"
    new, what = _bytes_op(data, m)
    if new is None:
        path.unlink()
    else:
        path.write_bytes(new)
    return what


def apply_mutation(m: dict, ctx: dict) -> str:
    """Apply one mutation to ctx["run"]; the description of what it did."""
    run: Path = ctx["run"]
    op = m["op"]
    if op == "config":
        return "config.json: " + _json_op(run / "config.json", m, ctx)
    if op == "state":
        p = run / "state.json"
        if not p.exists():
            p.write_text("{}")
        return "state.json: " + _json_op(p, m, ctx)
    if op == "manifest":
        found = find_manifests(run)
        if not found:
            return "manifest: none in this run, skipped"
        p = found[m["pick"] % len(found)]
        return f"{p.name}: " + _json_op(p, m, ctx)
    if op == "metrics":
        return "metrics.jsonl: " + _metrics_op(run / "metrics.jsonl", m)
    if op == "weights":
        return "model.safetensors: " + _weights_op(run / "model.safetensors", m)
    if op == "trainer":
        p = run / "trainer.pt"
        if not p.exists():
            return "trainer.pt: absent, skipped"
        return "trainer.pt: " + _trainer_op(p, m, ctx)
    if op == "chmod":
        target = [run / f for f in KNOWN_FILES] + [run / "samples", run]
        p = target[m["which"] % len(target)]
        if not p.exists():
            return f"chmod: {p.name} absent, skipped"
        mode = m["mode"] if p.is_file() else {0o444: 0o555, 0o200: 0o300}.get(m["mode"], m["mode"])
        ctx["chmods"].append((p, mode))   # applied last, after the chown
        return f"chmod {mode:o} {'the run directory' if p == run else p.name}"
    if op == "stale_tmp":
        # named as tempfile.mkstemp names them (8 characters), as an interrupted save leaves them
        names = [".model.safetensors.x1y2z3w4.tmp", ".trainer.pt.a8b9c0_d.tmp", ".state.json.q1w2e3r4.tmp",
                 ".manifest.json.kk29z_0a.tmp"]
        made = []
        for i in range(1 + m["count"] % 3):
            name = names[(m["which"] + i) % len(names)]
            (run / name).write_bytes(m["blob"].encode("latin-1"))
            made.append(name)
        return f"stale temporary files: {', '.join(made)}"
    if op == "samples":
        s = run / "samples"
        if m["how"] == "delete":
            shutil.rmtree(s, ignore_errors=True)
            return "samples/ deleted"
        if m["how"] == "file":
            shutil.rmtree(s, ignore_errors=True)
            s.write_text("not a directory")
            return "samples/ replaced by a file"
        if m["how"] == "junk_png" and s.is_dir():
            pngs = sorted(s.glob("*.png")) + sorted(s.glob("*.npy"))
            if pngs:
                pngs[-1].write_bytes(b"junk")
                return f"samples/{pngs[-1].name} replaced by junk"
        return "samples: nothing to do"
    if op == "replace_by_dir":
        name = KNOWN_FILES[m["which"] % len(KNOWN_FILES)]
        p = run / name
        if p.exists():
            p.unlink()
        p.mkdir()
        (p / "x").write_text("x")
        return f"{name} replaced by a directory"
    if op == "symlink":
        name = ["metrics.jsonl", "state.json", "samples", "model.safetensors"][m["which"] % 4]
        p = run / name
        target = ctx["case_dir"] / "canary" / ("sub" if name == "samples" else "a.txt")
        if name == "model.safetensors":  # a faithful copy of the weights outside the run, linked
            shutil.copy(p, ctx["case_dir"] / "canary" / "weights-copy.safetensors")
            target = ctx["case_dir"] / "canary" / "weights-copy.safetensors"
        if p.is_dir() and not p.is_symlink():
            shutil.rmtree(p)
        elif p.exists() or p.is_symlink():
            p.unlink()
        p.symlink_to(target)
        return f"{name} is a symlink to {target.relative_to(ctx['case_dir'])} (outside the run)"
    if op == "rename":
        name = ["run with space", "r\u00fcn-\u00fcn\u00efc\u00f8de", "bad\udcffbyte", "new\nline", "tab\there",
                "a" * 200, "-dash", "semi;colon$HOME"][m["which"] % 8]
        new = run.parent / name
        try:
            run.rename(new)
        except (OSError, UnicodeEncodeError) as e:
            return f"rename to {name!r} failed: {e}"
        ctx["run"] = new
        return f"run directory renamed to {name!r}"
    raise ValueError(f"unknown op {op}")


# which mutations the issue says a command must tolerate (it must still work), which
# damage the weights (a command that loads them must refuse), which need a warning on resume
def classify(m: dict) -> dict:
    op, how = m["op"], m.get("how")
    c = {"op": op, "benign": set(), "damage": False, "warn_resume": False, "nobody": op == "chmod"}
    if op == "metrics":   # whether resume must warn is read from the file itself (metrics_junk)
        c["benign"] = set(COMMANDS)
    elif op == "state":
        c["benign"] = set(COMMANDS)
    elif op == "trainer":
        # resume may refuse (offering a fresh optimizer) or go on with one, saying so
        c["benign"] = {"eval", "sample", "embed"}
        c["warn_resume"] = how != "delete"
    elif op == "stale_tmp":
        c["benign"] = set(COMMANDS)
    elif op == "rename":
        c["benign"] = set(COMMANDS)
    elif op == "samples" and how in ("delete", "junk_png"):
        c["benign"] = set(COMMANDS)
    elif op == "chmod" and m["mode"] == 0o444:
        c["benign"] = {"eval", "sample", "embed"}
    elif op == "weights":
        c["damage"] = how not in ("delete",)
    return c


# -- the hypothesis strategy --------------------------------------------------------------

def case_strategy(ops: list[str] | None = None):
    from hypothesis import strategies as st

    fracs = st.floats(0, 1, exclude_max=True)
    blob = st.binary(max_size=64).map(lambda b: b.decode("latin-1"))
    scalar = st.one_of(st.none(), st.sampled_from(JUNK_NUMBERS), st.integers(-10**6, 10**6),
                       st.floats(allow_nan=False, allow_infinity=False, width=32),
                       st.sampled_from(JUNK_STRINGS), st.text(max_size=6))
    junk = st.recursive(scalar, lambda c: st.lists(c, max_size=3) | st.dictionaries(st.text(max_size=4), c, max_size=3),
                        max_leaves=5)
    bytes_ops = st.one_of(
        st.fixed_dictionaries({"how": st.just("truncate"), "frac": fracs}),
        st.fixed_dictionaries({"how": st.sampled_from(["empty", "delete"])}),
        st.fixed_dictionaries({"how": st.just("garbage"), "blob": blob}),
        st.fixed_dictionaries({"how": st.just("flip"), "fracs": st.lists(fracs, min_size=1, max_size=20),
                               "xors": st.lists(st.integers(0, 254), min_size=20, max_size=20)}),
        st.fixed_dictionaries({"how": st.just("non_utf8"), "frac": fracs}),
        st.fixed_dictionaries({"how": st.just("append"), "blob": blob}),
    )
    json_ops = st.one_of(
        bytes_ops,
        st.fixed_dictionaries({"how": st.just("whole"), "value": junk}),
        st.fixed_dictionaries({"how": st.sampled_from(["path_set", "path_delete", "path_swap"]),
                               "index": st.integers(0, 10**6), "value": junk, "swap": st.integers(0, 99)}),
    )
    config_key = st.fixed_dictionaries({"how": st.just("key"), "key": st.sampled_from(CONFIG_KEYS).map(list),
                                        "action": st.sampled_from(["set", "set", "swap", "delete"]),
                                        "value": junk, "swap": st.integers(0, 99)})
    op = lambda name, s: s.map(lambda d: {"op": name, **d})  # noqa: E731
    weights = [
        st.fixed_dictionaries({"how": st.just("header_len"), "which": st.integers(0, 99)}),
        st.fixed_dictionaries({"how": st.just("header_byte"), "frac": fracs, "byte": st.integers(0, 255)}),
        st.fixed_dictionaries({"how": st.just("header_edit"), "index": st.integers(0, 999),
                               "field": st.sampled_from(["dtype", "shape", "offsets", "metadata"]),
                               "choice": st.integers(0, 99)}),
        st.fixed_dictionaries({"how": st.just("data_flip"), "fracs": st.lists(fracs, min_size=1, max_size=200),
                               "xors": st.lists(st.integers(0, 254), min_size=200, max_size=200)}),
        st.fixed_dictionaries({"how": st.just("dtype"), "index": st.integers(0, 999), "all": st.booleans(),
                               "dtype": st.sampled_from(["float64", "float16", "bfloat16", "int32", "int64", "bool"])}),
        st.fixed_dictionaries({"how": st.just("nonfinite"), "index": st.integers(0, 999), "pos": st.integers(0, 10**6),
                               "all": st.booleans(), "value": st.sampled_from(["nan", "inf", "-inf"])}),
        st.fixed_dictionaries({"how": st.just("scale"), "index": st.integers(0, 999),
                               "factor": st.sampled_from([0.0, -1.0, 1e30, 1e-30, 2.0])}),
        st.fixed_dictionaries({"how": st.just("metadata"), "key": st.sampled_from(["step", "epoch", "junk"]),
                               "value": st.one_of(st.none(), st.sampled_from(["-5", "abc", "", "1e9", "3.5", str(10**30),
                                                                               "0", "999999", " 7 "]))}),
        st.fixed_dictionaries({"how": st.sampled_from(["drop", "extra", "reshape"]), "index": st.integers(0, 999)}),
        bytes_ops,
    ]
    trainer = st.one_of(
        bytes_ops, bytes_ops,
        st.fixed_dictionaries({"how": st.just("evil")}),
        st.fixed_dictionaries({"how": st.just("junk_state"), "same_step": st.booleans(), "dict": st.booleans(),
                               "value": st.sampled_from([None, -1, "x", 10**12, [1, 2], {"a": 1}, 3.5]),
                               "drop": st.one_of(st.none(), st.integers(0, 4))}),
    )
    metrics = [
        st.fixed_dictionaries({"how": st.just("insert"), "frac": fracs,
                               "line": st.one_of(st.integers(0, 999), st.integers(0, 999), st.none()), "value": junk}),
        st.fixed_dictionaries({"how": st.just("partial_last"), "frac": fracs}),
        st.fixed_dictionaries({"how": st.just("append_partial"), "which": st.integers(0, 99)}),
        bytes_ops,
    ]
    def weighted(*pairs):
        """One of the strategies, drawn with the given weights (repetition in sampled_from)."""
        pool = [strat for strat, w in pairs for _ in range(w)]
        return st.sampled_from(pool).flatmap(lambda strat: strat)

    table = {
        # the named fields most often (validation), then any path, then whole-file damage
        "config": op("config", weighted((config_key, 6), (json_ops, 3))),
        "state": op("state", json_ops),
        "manifest": json_ops.flatmap(lambda d: st.integers(0, 9).map(lambda i: {"op": "manifest", "pick": i, **d})),
        "metrics": op("metrics", weighted(*zip(metrics, (5, 1, 1, 2)))),
        # header length, header byte, lying header, data flips, dtype, NaN, scale, metadata,
        # drop/extra/reshape, plain file damage
        "weights": op("weights", weighted(*zip(weights, (1, 1, 2, 3, 2, 2, 1, 2, 1, 2)))),
        "trainer": op("trainer", trainer),
        "chmod": op("chmod", st.fixed_dictionaries({"which": st.integers(0, 99),
                                                    "mode": st.sampled_from([0o000, 0o000, 0o444, 0o200])})),
        "stale_tmp": op("stale_tmp", st.fixed_dictionaries({"which": st.integers(0, 9), "count": st.integers(0, 9),
                                                            "blob": blob})),
        "samples": op("samples", st.fixed_dictionaries({"how": st.sampled_from(["delete", "file", "junk_png"])})),
        "replace_by_dir": op("replace_by_dir", st.fixed_dictionaries({"which": st.integers(0, 99)})),
        "symlink": op("symlink", st.fixed_dictionaries({"which": st.integers(0, 99)})),
        "rename": op("rename", st.fixed_dictionaries({"which": st.integers(0, 99)})),
    }
    # how often each kind of mutation is drawn (out of 36)
    weights_of = {"config": 8, "weights": 7, "metrics": 5, "state": 2, "manifest": 3, "trainer": 3, "chmod": 3,
                  "stale_tmp": 1, "samples": 1, "replace_by_dir": 1, "symlink": 1, "rename": 1}
    mutation = weighted(*[(table[n], w) for n, w in weights_of.items() if ops is None or n in ops])
    return st.fixed_dictionaries({"base": st.sampled_from(sorted(BASES)),
                                  "mutations": st.lists(mutation, min_size=1, max_size=3)})


def draw_cases(n: int, seed: int, ops: list[str] | None = None) -> list[dict]:
    """n cases drawn by hypothesis, reproducibly for a seed: in a fresh interpreter, because
    what hypothesis draws from a seed also depends on what the process imported before (the
    same seed gave other cases after `import explorer.cli`)."""
    import subprocess

    cmd = [sys.executable, str(Path(__file__).resolve()), "--draw-only", "--cases", str(n), "--seed", str(seed)]
    if ops:
        cmd += ["--ops", ",".join(ops)]
    env = {**os.environ, "PYTHONHASHSEED": "0"}
    p = subprocess.run(cmd, capture_output=True, text=True, env=env, cwd=ROOT, check=True)
    return json.loads(p.stdout)


def _draw_here(n: int, seed: int, ops: list[str] | None = None) -> list[dict]:
    from hypothesis import HealthCheck, Phase, given, settings
    from hypothesis import seed as hseed

    strategy = case_strategy(ops)
    out: list[dict] = []
    seen: set = set()

    class Enough(Exception):
        pass

    @hseed(seed)
    @settings(max_examples=3 * n, database=None, deadline=None, phases=[Phase.generate], derandomize=False,
              suppress_health_check=list(HealthCheck), print_blob=False)
    @given(strategy)
    def collect(case):
        key = json.dumps(case, default=str, sort_keys=True)
        if len(out) < n and key not in seen:   # hypothesis repeats small examples: keep each once
            seen.add(key)
            out.append(json.loads(key))        # JSON-able from here on (NaN stays)
        if len(out) >= n:
            raise Enough

    try:
        collect()
    except Enough:
        pass
    # hypothesis stops early when it runs out of new examples; fill up with seeded repeats of
    # its draws mutated by index so the count is exact
    rnd = random.Random(seed)
    while len(out) < n and out:
        c = json.loads(json.dumps(out[rnd.randrange(len(out))]))
        c["base"] = rnd.choice(sorted(BASES))
        out.append(c)
    return out


# -- bases --------------------------------------------------------------------------------

def build_bases(root: Path, timeout: float = 300) -> dict:
    """Train each base run once (in forked children) and record what a pristine run does."""
    root = Path(root)
    bases = {}
    for name, (argv, kind, steps) in BASES.items():
        out = root / f"base-{name}"
        if not (out / "model.safetensors").exists():
            shutil.rmtree(out, ignore_errors=True)
            # a fresh interpreter, not a fork: this process may hold torch's OpenMP thread team
            # (the test suite has trained models in it), and libgomp hangs in a forked child then
            res = subprocess.run([sys.executable, str(ROOT / "main.py"), "train", *argv, "--out", str(out), "--quiet"],
                                 cwd=root, capture_output=True, text=True, timeout=timeout)
            if res.returncode != 0:
                raise RuntimeError(f"could not build base {name}: {res.stderr[-2000:]}")
        records = [json.loads(line) for line in (out / "metrics.jsonl").read_bytes().splitlines() if line.strip()]
        bases[name] = {"path": out, "kind": kind, "steps": steps, "argv": argv,
                       "last_checkpoint": max((r["step"] for r in records if r.get("kind") == "checkpoint"), default=0)}
    return bases


def warm_up(bases: dict, work: Path) -> None:
    """Import and initialise everything once here, so every fork starts warm."""
    import torch

    torch.set_num_threads(1)
    import PIL.Image  # noqa: F401
    import numpy  # noqa: F401
    import explorer.cli  # noqa: F401
    for name, b in bases.items():
        case = work / f"warm-{name}"
        shutil.rmtree(case, ignore_errors=True)
        shutil.copytree(b["path"], case / "run", symlinks=True)
        (case / "out").mkdir()
        for cmd in COMMANDS:
            argv = command_argv(cmd, b, case / "run", case / "out")
            with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
                with contextlib.suppress(BaseException):
                    explorer.cli.main(argv)
        shutil.rmtree(case, ignore_errors=True)


def command_argv(cmd: str, base: dict, run: Path, out: Path) -> list[str]:
    if cmd == "eval":
        return ["eval", "--run", str(run)]
    if cmd == "sample":
        return ["sample", "--run", str(run), "--n", "16", "--out",
                str(out / ("s.npy" if base["kind"] == "points" else "s.png"))]
    if cmd == "embed":
        return ["embed", "--run", str(run), "--method", "pca", "--cap", "600", "--out", str(out / "e.npz")]
    if cmd == "resume":
        return ["train", "--resume", "--out", str(run), "--steps", str(base["steps"] + 10), "--quiet", *base["argv"][:4]]
    raise ValueError(cmd)


# -- checking one command -------------------------------------------------------------------

def _strict_json(text: str):
    def bad(c):
        raise ValueError(f"non-standard JSON constant {c}")
    return json.loads(text, parse_constant=bad)


def validate_output(cmd: str, res: dict, argv: list[str], run: Path) -> str | None:
    """None if the output of a successful command is valid, else why not (runs as root)."""
    import numpy as np

    if cmd == "eval":
        try:
            obj = _strict_json(res["stdout"])
        except ValueError as e:
            return f"stdout is not strict JSON ({str(e)[:100]}): {res['stdout'][:160]!r}"
        if not isinstance(obj, dict):
            return f"stdout JSON is a {type(obj).__name__}, not an object"
        return None
    if cmd in ("sample", "embed"):
        out = Path(argv[argv.index("--out") + 1])
        if not out.exists():
            return f"exit 0 but {out.name} was not written"
        try:
            if out.suffix == ".png":
                from PIL import Image
                with Image.open(out) as im:
                    im.load()
                    arr = np.asarray(im)
                if arr.size and arr.std() == 0:
                    return f"{out.name} is one flat colour ({arr.flat[0]}): no picture"
                return None
            if out.suffix == ".npy":
                a = np.load(out, allow_pickle=False)
                return None if np.isfinite(a).all() else f"{out.name} holds non-finite values"
            with np.load(out, allow_pickle=False) as z:
                for k in z.files:
                    a = z[k]
                    if a.dtype.kind == "f" and not np.isfinite(a).all():
                        return f"{out.name}: array {k} holds non-finite values"
            return None
        except Exception as e:
            return f"{out.name} does not load: {type(e).__name__}: {str(e)[:120]}"
    if cmd == "resume":
        from explorer.core.runs import load_run
        try:
            r = load_run(run, "cpu")
        except BaseException as e:
            return f"weights do not load after the resume: {type(e).__name__}: {str(e)[:160]}"
        import torch
        bad = [k for k, v in r.model.state_dict().items() if v.is_floating_point() and not torch.isfinite(v).all()]
        if bad:
            return f"weights after the resume are non-finite in {bad[0]}"
        return None
    return None


def run_command(cmd: str, base: dict, ctx: dict, timeout: float, mem: int) -> dict:
    run, out = ctx["run"], ctx["out"]
    argv = command_argv(cmd, base, run, out)

    def job():
        res = call_main(argv, ctx["case_dir"] / "cwd", as_nobody=ctx["nobody"])
        if res["rc"] == 0:
            try:
                res["invalid"] = validate_output(cmd, res, argv, run)
            except BaseException as e:
                res["invalid"] = f"validation crashed: {type(e).__name__}: {e}"
        return res

    res = in_child(job, timeout, mem)
    res["argv"] = argv
    return res


def _stderr_problem(stderr: str) -> str | None:
    lines = [ln for ln in stderr.splitlines() if ln.strip()]
    others = [ln for ln in lines if not ln.startswith("warning:")]
    if not others:
        return "no error line on stderr"
    if len(others) > 1:
        return f"{len(others)} non-warning lines on stderr: " + " | ".join(ln[:100] for ln in others[:3])
    if not others[0].startswith("error:"):
        return f"stderr line does not start with 'error:': {others[0][:160]}"
    return None


def _tb_signature(tb: str) -> str:
    """The exception and the innermost frame in this project's code."""
    frames = re.findall(r'File "([^"]+)", line (\d+), in (\S+)', tb)
    own = [f for f in frames if str(ROOT) in f[0] and "/.venv/" not in f[0] and "fuzz_runs" not in f[0]]
    where = own[-1] if own else (frames[-1] if frames else ("?", "?", "?"))
    last = tb.strip().splitlines()[-1] if tb.strip() else "?"
    exc = last.split(":")[0]
    rel = os.path.relpath(where[0], ROOT) if where[0] != "?" else "?"
    return f"{exc} at {rel}:{where[2]}"


def _normalise(text: str, ctx: dict) -> str:
    """An error message with the case's paths and numbers taken out, for grouping."""
    t = text.replace(str(ctx["run"]), "RUN").replace(str(ctx["case_dir"]), "CASE")
    t = re.sub(r"/tmp/\S+", "PATH", t)
    t = re.sub(r"-?\d+(\.\d+)?(e[-+]?\d+)?", "N", t)
    return t[:140]


def check_command(cmd: str, res: dict, ctx: dict, base: dict, classes: list[dict], before: dict) -> list[dict]:
    """The rules broken by one command's result."""
    fails = []

    def fail(kind, detail, sig=None):
        text = detail[-600:] if kind == "traceback" else detail[:600]   # a traceback's last lines say most
        fails.append({"kind": kind, "command": cmd, "detail": text,
                      "signature": f"{cmd}: {kind}: {sig or _normalise(detail, ctx)}"})

    if "died" in res:
        fail("hang" if res["died"].startswith("hang") else "signal", res["died"], res["died"])
        return fails
    if "harness_error" in res:
        fail("harness", res["harness_error"], res["harness_error"].strip().splitlines()[-1][:100])
        return fails
    rc, stderr = res["rc"], res["stderr"]
    if res.get("traceback"):
        fail("traceback", res["traceback"][-1500:], _tb_signature(res["traceback"]))
    elif "Traceback (most recent call last)" in stderr:
        fail("traceback", stderr[-1500:], "on stderr: " + _tb_signature(stderr))
    elif rc == 0:
        if res.get("invalid"):
            fail("invalid-output", res["invalid"])
    else:
        problem = _stderr_problem(stderr)
        if problem:
            fail("stderr", f"exit {rc}: {problem}", problem.split(":")[0])
    # files outside the run and the output folder
    after_outside = tree_state(ctx["case_dir"], skip=(ctx["run"], ctx["out"]))
    changes = tree_diff(ctx["outside"], after_outside)
    if changes:
        fail("outside-touched", ", ".join(changes[:6]), ", ".join(re.sub(r"\d+", "N", c) for c in changes[:3]))
        ctx["outside"] = after_outside
    after_run = tree_state(ctx["run"]) if ctx["run"].exists() else {}
    ok = rc == 0 and not fails
    benign = bool(classes) and all(cmd in c["benign"] for c in classes)
    if cmd in ("eval", "sample", "embed"):
        allowed = lambda ch: (ch.startswith("deleted ") and ch.endswith(".tmp")) or \
            (cmd == "embed" and ch.split(" ", 1)[1].startswith("maps"))  # noqa: E731
        changed = [ch for ch in tree_diff(before, after_run) if not allowed(ch)]
        if changed:
            fail("run-modified", ", ".join(changed[:6]))
    if rc == 0 and any(c["damage"] for c in classes) and not res.get("traceback"):
        fail("damaged-accepted", "exit 0 on damaged weights: " + res["stdout"].strip()[:200],
             "weights " + ctx["weights_what"])
    if rc not in (0, None) and benign and base["pristine"][cmd] == 0:
        fail("refused-valid", stderr.strip()[:300], _normalise(stderr.strip().splitlines()[-1] if stderr.strip() else "", ctx))
    if cmd == "resume":
        if ok:
            fails += _check_resume(res, ctx, base, classes, before, after_run)
        elif rc not in (0, None):
            if (before.get("config.json") != after_run.get("config.json")
                    and before.get("model.safetensors") == after_run.get("model.safetensors")):
                fail("failed-resume-wrote-config", "config.json rewritten by a resume that failed: " + stderr.strip()[:200],
                     "config.json rewritten")
    return fails


def _check_resume(res, ctx, base, classes, before, after_run) -> list[dict]:
    fails = []
    run = ctx["run"]

    def fail(kind, detail, sig):
        fails.append({"kind": kind, "command": "resume", "detail": detail[:600], "signature": f"resume: {kind}: {sig}"})

    warned = any(ln.startswith("warning:") for ln in res["stderr"].splitlines())
    if not warned and (any(c["warn_resume"] for c in classes) or ctx["metrics_junk"]):
        why = sorted({m["op"] + "." + str(m.get("how")) for m in ctx["mutations"] if classify(m)["warn_resume"]})
        if ctx["metrics_junk"]:
            why.append("metrics.jsonl " + ctx["metrics_junk"])
        fail("silent-repair", "resume exit 0 without a warning after: " + "; ".join(ctx["described"]), " + ".join(why))
    data = (run / "metrics.jsonl").read_bytes() if (run / "metrics.jsonl").exists() else b""
    old = ctx["metrics_before"]
    tail = data[len(old):] if data.startswith(old) else data
    if old and not old.endswith(b"\n") and data.startswith(old) and not tail.startswith(b"\n"):
        fail("resume-partial-line", "the resume appended onto a partial last line: "
             f"{(old[-40:] + tail[:60])!r}", "appended onto a partial line")
    old_lines = set(old.split(b"\n"))
    new_lines = [ln for ln in tail.split(b"\n")[1 if (old and not old.endswith(b'\n')) else 0:]
                 if ln.strip() and ln not in old_lines]
    resume_step = None
    for ln in new_lines:
        try:
            r = json.loads(ln)
        except ValueError:
            fail("resume-partial-line", f"a line written by the resume does not parse: {ln[:80]!r}", "unparsable new line")
            continue
        if isinstance(r, dict) and r.get("kind") == "resume" and resume_step is None:
            resume_step = r.get("step")
    expected = ctx["weights_step"]
    if resume_step is None:
        fail("resume-step", "no resume record was written", "no resume record")
    elif expected is not None and resume_step != expected:
        fail("resume-step", f"resumed at step {resume_step}, the weights said {expected}", "resume step != weights step")
    elif resume_step < base["last_checkpoint"] and not any(c["damage"] for c in classes):
        fail("resume-step", f"resumed at step {resume_step} below the last checkpoint {base['last_checkpoint']}",
             "below last checkpoint")
    for k, v in before.items():
        if k.startswith("samples" + os.sep) and k in after_run and after_run[k] != v:
            fail("resume-overwrote-sample", f"{k} was overwritten", "existing sample image overwritten")
            break
    tmps = [k for k in after_run if os.path.basename(k).startswith(".") and k.endswith(".tmp")]
    if tmps:
        fail("resume-tmp-left", f"left after the resume: {', '.join(tmps)}", "stale .tmp left")
    return fails


def metrics_junk(path: Path) -> str | None:
    """What a reader of this metrics.jsonl has to skip (and so must warn about): lines that
    are not JSON objects, or a last line without its newline; None if nothing."""
    try:
        data = path.read_bytes()
    except OSError:
        return None
    if data and not data.endswith(b"\n"):
        return "partial last line"
    for line in data.split(b"\n"):
        if not line.strip():
            continue
        try:
            if not isinstance(json.loads(line), dict):
                return "line that is not an object"
        except ValueError:
            return "unparsable line"
    return None


# -- one case --------------------------------------------------------------------------------

def run_case(case: dict, bases: dict, work: Path, timeout: float, mem: int, commands=COMMANDS) -> dict:
    base = bases[case["base"]]
    case_dir = Path(tempfile.mkdtemp(prefix="case-", dir=work))
    try:
        make_canary(case_dir)
        run = case_dir / "run"
        shutil.copytree(base["path"], run, symlinks=True)
        out = case_dir / "out"
        out.mkdir()
        classes = [classify(m) for m in case["mutations"]]
        ctx = {"case_dir": case_dir, "run": run, "out": out, "chmods": [], "step": base["steps"],
               "nobody": any(c["nobody"] for c in classes), "mutations": case["mutations"]}
        described = []
        for m in case["mutations"]:
            try:
                described.append(apply_mutation(m, ctx))
            except Exception as e:  # a mutation that cannot apply to this file (already damaged)
                described.append(f"{m['op']}: could not apply ({type(e).__name__}: {str(e)[:80]})")
        ctx["described"] = described
        ctx["metrics_junk"] = metrics_junk(ctx["run"] / "metrics.jsonl")
        weights_file = ctx["run"] / "model.safetensors"
        changed = weights_file.is_file() and not weights_file.is_symlink() and \
            weights_file.read_bytes() != (base["path"] / "model.safetensors").read_bytes()
        trainer_file = ctx["run"] / "trainer.pt"
        trainer_changed = trainer_file.is_file() and trainer_file.read_bytes() != (base["path"] / "trainer.pt").read_bytes()
        for c in classes:   # a mutation that changed nothing damages nothing, and needs no warning
            c["damage"] = c["damage"] and changed
            if c["op"] == "trainer":
                c["warn_resume"] = c["warn_resume"] and trainer_changed
        ctx["weights_step"] = weights_step(weights_file) if weights_file.is_file() else None
        ctx["weights_what"] = " + ".join(sorted({str(m.get("how")) for m in case["mutations"] if m["op"] == "weights"}))
        if ctx["nobody"]:
            for dirpath, dirnames, filenames in os.walk(case_dir):
                for n in [dirpath, *(os.path.join(dirpath, f) for f in dirnames + filenames)]:
                    os.lchown(n, NOBODY, NOBODY)
        for p, mode in ctx["chmods"]:
            with contextlib.suppress(OSError):
                os.chmod(p, mode)
        ctx["outside"] = tree_state(case_dir, skip=(ctx["run"], out))
        results, fails = {}, []
        for cmd in commands:
            run_now = ctx["run"]
            before = tree_state(run_now) if run_now.exists() else {}
            mpath = run_now / "metrics.jsonl"
            ctx["metrics_before"] = mpath.read_bytes() if mpath.is_file() else b""
            res = run_command(cmd, base, ctx, timeout, mem)
            fails += check_command(cmd, res, ctx, base, classes, before)
            results[cmd] = {"rc": res.get("rc", res.get("died")), "seconds": res.get("seconds"),
                            "stderr": res.get("stderr", "")[-300:]}
        return {"case": case, "described": described, "nobody": ctx["nobody"], "results": results, "failures": fails}
    finally:
        shutil.rmtree(case_dir, ignore_errors=True)


def pristine_check(bases: dict, work: Path, timeout: float, mem: int) -> dict:
    """Each command on an untouched copy of each base: its exit status, and the rules it breaks."""
    out = {}
    for name, b in bases.items():
        b["pristine"] = {c: 0 for c in COMMANDS}   # assumed while checking, then set
        r = run_case({"base": name, "mutations": []}, bases, work, timeout, mem)
        b["pristine"] = {c: r["results"][c]["rc"] for c in COMMANDS}
        out[name] = {"exit": b["pristine"], "failures": r["failures"]}
    return out


def subprocess_sanity(case: dict, bases: dict, work: Path, timeout: float) -> dict:
    """A case through `python main.py ...` subprocesses, to compare with the forked runs."""
    import subprocess

    base = bases[case["base"]]
    case_dir = Path(tempfile.mkdtemp(prefix="sub-", dir=work))
    try:
        make_canary(case_dir)
        run = case_dir / "run"
        shutil.copytree(base["path"], run, symlinks=True)
        (case_dir / "out").mkdir()
        ctx = {"case_dir": case_dir, "run": run, "out": case_dir / "out", "chmods": [], "step": base["steps"]}
        for m in case["mutations"]:
            with contextlib.suppress(Exception):
                apply_mutation(m, ctx)
        nobody = any(classify(m)["nobody"] for m in case["mutations"])
        if nobody:
            subprocess.run(["chown", "-R", "-h", f"{NOBODY}:{NOBODY}", str(case_dir)], check=True)
        for p, mode in ctx["chmods"]:
            os.chmod(p, mode)
        res = {}
        for cmd in COMMANDS:
            argv = command_argv(cmd, base, ctx["run"], ctx["out"])
            prefix = ["setpriv", f"--reuid={NOBODY}", f"--regid={NOBODY}", "--clear-groups"] if nobody else []
            env = {**os.environ, "PYTHONPATH": str(ROOT)}
            try:
                p = subprocess.run([*prefix, sys.executable, str(ROOT / "main.py"), *argv], cwd=case_dir / "cwd",
                                   capture_output=True, text=True, timeout=timeout, env=env, errors="replace")
                res[cmd] = {"rc": p.returncode, "stderr_tail": p.stderr.strip().splitlines()[-1:] if p.stderr.strip() else []}
            except subprocess.TimeoutExpired:
                res[cmd] = {"rc": "timeout"}
        return res
    finally:
        shutil.rmtree(case_dir, ignore_errors=True)


# -- the whole run ------------------------------------------------------------------------------

def summarise(records: list[dict], started: float, extra: dict) -> dict:
    by_cmd: dict = {c: {} for c in COMMANDS}
    kinds: dict = {}
    groups: dict = {}
    for i, r in enumerate(records):
        for c, res in r["results"].items():
            key = str(res["rc"])
            by_cmd[c][key] = by_cmd[c].get(key, 0) + 1
        for f in r["failures"]:
            kinds[f["kind"]] = kinds.get(f["kind"], 0) + 1
            g = groups.setdefault(f["signature"], {"signature": f["signature"], "kind": f["kind"],
                                                   "command": f["command"], "count": 0, "cases": [],
                                                   "example": None})
            g["count"] += 1
            if len(g["cases"]) < 5:
                g["cases"].append(r["index"])
            if g["example"] is None:
                g["example"] = {"case_index": r["index"], "case": r["case"], "mutations": r["described"],
                                "as_nobody": r["nobody"], "detail": f["detail"],
                                "replay": "tests/core/runs/fuzz_runs.py --replay " + _shell_quote(json.dumps(r["case"]))}
    wall = time.time() - started
    failing = [r for r in records if r["failures"]]
    return {
        **extra,
        "cases": len(records),
        "cases_failing": len(failing),
        "failures": sum(len(r["failures"]) for r in records),
        "wall_s": round(wall, 1),
        "cases_per_s": round(len(records) / wall, 3) if wall else None,
        "exit_codes": by_cmd,
        "failure_kinds": dict(sorted(kinds.items(), key=lambda kv: -kv[1])),
        "distinct": sorted(groups.values(), key=lambda g: (g["command"], -g["count"])),
    }


def _shell_quote(s: str) -> str:
    return "'" + s.replace("'", "'\"'\"'") + "'"


def fuzz(cases: int = 200, seed: int = 0, work: Path | None = None, timeout: float = 60.0, mem_gb: float = 6.0,
         ops: list[str] | None = None, progress: bool = False, subprocess_checks: int = 0,
         case_list: list[dict] | None = None, bases_dir: Path | None = None) -> dict:
    import torch

    started = time.time()
    saved_env = {k: os.environ.get(k) for k in ("LATENT_EXPLORER_CACHE", "LATENT_EXPLORER_SAVE_DELAY")}
    threads = torch.get_num_threads()
    own_work = work is None
    work = Path(work or tempfile.mkdtemp(prefix="fuzz-runs-"))
    work.mkdir(parents=True, exist_ok=True)
    os.chmod(work, 0o755)
    cache = work / "cache"   # the program's own cache (classifiers, data): allowed to change
    cache.mkdir(exist_ok=True)
    os.chmod(cache, 0o777)
    os.environ["LATENT_EXPLORER_CACHE"] = str(cache)
    os.environ.pop("LATENT_EXPLORER_SAVE_DELAY", None)
    try:
        bases = build_bases(Path(bases_dir) if bases_dir else work)
        warm_up(bases, work)
        mem = _vm_size() + int(mem_gb * 2**30)
        pristine = pristine_check(bases, work, timeout, mem)
        todo = case_list if case_list is not None else draw_cases(cases, seed, ops)
        records = []
        for i, case in enumerate(todo):
            r = run_case(case, bases, work, timeout, mem)
            r["index"] = i
            records.append(r)
            if progress and (i + 1) % 10 == 0:
                n_fail = sum(1 for x in records if x["failures"])
                print(f"[fuzz] {i + 1}/{len(todo)} cases, {n_fail} failing, "
                      f"{(time.time() - started) / (i + 1):.2f} s/case", file=sys.stderr, flush=True)
        sanity = {}
        for case in todo[:subprocess_checks]:
            sanity[json.dumps(case)[:300]] = subprocess_sanity(case, bases, work, timeout * 2)
        perm = next((c for c in todo if any(m["op"] == "chmod" for m in c["mutations"])), None)
        if subprocess_checks and perm is not None:
            sanity["as nobody: " + json.dumps(perm)[:300]] = subprocess_sanity(perm, bases, work, timeout * 2)
        # the forked result of the same cases, for comparison with the subprocesses
        forked = {json.dumps(c)[:300]: {cmd: records[todo.index(c)]["results"][cmd]["rc"] for cmd in COMMANDS}
                  for c in todo[:subprocess_checks] + ([perm] if subprocess_checks and perm else [])}
        extra = {"seed": seed, "git_head": _git_head(), "permissions": "chmod cases run as uid/gid 65534 (nobody)",
                 "pristine": pristine, "subprocess_sanity": {"subprocess": sanity, "forked": forked} if sanity else None}
        return summarise(records, started, extra) | {"records": records}
    finally:
        torch.set_num_threads(threads)
        for k, v in saved_env.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v
        if own_work:
            shutil.rmtree(work, ignore_errors=True)


def _vm_size() -> int:
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith("VmSize:"):
                return int(line.split()[1]) * 1024
    return 0


def _git_head() -> str | None:
    import subprocess
    try:
        return subprocess.run(["git", "-C", str(ROOT), "log", "-1", "--format=%h %s"], capture_output=True,
                              text=True, timeout=10).stdout.strip()
    except Exception:
        return None


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--cases", type=int, default=200)
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--out", default=None, help="write the JSON summary here as well as to stdout")
    p.add_argument("--timeout", type=float, default=60.0, help="seconds one command may run")
    p.add_argument("--mem-gb", type=float, default=6.0, help="address space one command may add (RLIMIT_AS)")
    p.add_argument("--ops", default=None, help="comma-separated mutation kinds to draw from (default: all)")
    p.add_argument("--work", default=None, help="keep the base runs and scratch files here")
    p.add_argument("--progress", action="store_true", help="a line on stderr every 10 cases")
    p.add_argument("--subprocess-checks", type=int, default=2,
                   help="run this many cases (and one permission case) again as `python main.py` subprocesses")
    p.add_argument("--records", action="store_true", help="include every case's results in the JSON")
    p.add_argument("--replay", default=None, help="run one case given as JSON ({\"base\":..., \"mutations\": [...]})")
    p.add_argument("--case", type=int, default=None, help="with --seed and --cases: run only case number N")
    p.add_argument("--draw-only", action="store_true", help=argparse.SUPPRESS)
    a = p.parse_args(argv)
    if a.draw_only:   # the cases as JSON on stdout (draw_cases runs this in a fresh interpreter)
        print(json.dumps(_draw_here(a.cases, a.seed, a.ops.split(",") if a.ops else None)))
        return 0
    case_list = None
    if a.replay:
        case_list = [json.loads(a.replay)]
    elif a.case is not None:
        case_list = [draw_cases(a.cases, a.seed, a.ops.split(",") if a.ops else None)[a.case]]
    summary = fuzz(a.cases, a.seed, Path(a.work) if a.work else None, a.timeout, a.mem_gb,
                   a.ops.split(",") if a.ops else None, a.progress,
                   0 if case_list else a.subprocess_checks, case_list)
    if not (a.records or case_list):
        summary.pop("records")
    text = json.dumps(summary, indent=2, default=str)
    if a.out:
        Path(a.out).write_text(text + "\n")
    print(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
