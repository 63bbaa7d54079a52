"""`bench faults`: kill -9 a real training run at chosen moments, then check that the run
still evaluates and resumes from its last checkpoint.

    python -m explorer.bench.faults                 # 16 moments, JSON on stdout
    python -m explorer.bench.faults --moments 4 --seed 1 --keep /tmp/faults

Each moment trains a fresh run in a subprocess,

    main.py train --model vae --dataset digits --steps 3000 --checkpoint-every 0 --out RUN --quiet

(a checkpoint at every epoch of 11 steps) and kills it with SIGKILL

  random          a random 0-10 s after the first "checkpoint" record
  random_early    a random 0.5-2.5 s after the process started: before the first checkpoint
  after_checkpoint  as soon as the k-th "checkpoint" record is in metrics.jsonl
  during_trainer  while a checkpoint's trainer.pt is being written: the child runs with
  during_model    LATENT_EXPLORER_SAVE_DELAY=0.3, so every durable write waits 0.3 s between
  during_other    its temporary file and the rename, and the kill comes when the k-th
                  .trainer.pt.*.tmp / .model.safetensors.*.tmp / other .*.tmp appears
                  (other: state.json, manifest.json, once a weights file exists)

Then, each in a fresh process: `eval --run RUN` must exit 0 with strict JSON, and
`train --resume --out RUN --steps <weights' step + 20> --quiet` must exit 0 and continue
from the last checkpoint: its "resume" record's step equals the step in
model.safetensors' metadata before the resume, and is >= the last "checkpoint" record's
step. Afterwards every line of metrics.jsonl parses and no .*.tmp file is left in the run.
A moment killed before the first checkpoint (no weights yet) is reported apart: there
the commands must refuse in one "error:" line.
"""
from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import signal
import struct
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
TRAIN = ["--model", "vae", "--dataset", "digits"]
# the order moments are taken in: with 16, 5 random (one of them early, before the first
# checkpoint), 5 after a checkpoint record and 6 during checkpoint writes (2 of each file kind)
PLAN = ["after_checkpoint", "during_model", "random", "during_trainer", "after_checkpoint", "during_other",
        "random", "during_model", "after_checkpoint", "random_early", "during_trainer", "after_checkpoint",
        "during_other", "random", "after_checkpoint", "random"]
TMP_KIND = {"during_trainer": ".trainer.pt.", "during_model": ".model.safetensors."}


def _strict_json(text: str):
    def bad(c):
        raise ValueError(f"non-standard JSON constant {c}")
    return json.loads(text, parse_constant=bad)


def weights_step(path: Path):
    """The step in a safetensors file's metadata, or None (absent or unreadable)."""
    try:
        with open(path, "rb") as f:
            n = struct.unpack("<Q", f.read(8))[0]
            header = json.loads(f.read(n))
        return int(header["__metadata__"]["step"])
    except (OSError, ValueError, KeyError, TypeError, struct.error):
        return None


def read_lines(path: Path) -> tuple[list, list[bytes], bool]:
    """(parsed records, lines that do not parse, whether the last line lacks its newline)."""
    try:
        data = Path(path).read_bytes()
    except OSError:
        return [], [], False
    records, bad = [], []
    for line in data.split(b"\n"):
        if not line.strip():
            continue
        try:
            records.append(json.loads(line))
        except ValueError:
            bad.append(line[:120])
    return records, bad, bool(data) and not data.endswith(b"\n")


def _checkpoint_steps(records: list) -> list[int]:
    return [r["step"] for r in records if isinstance(r, dict) and r.get("kind") == "checkpoint"
            and isinstance(r.get("step"), int)]


def _tmp_files(run: Path) -> list[str]:
    try:
        return sorted(p.name for p in run.iterdir() if p.name.startswith(".") and p.name.endswith(".tmp"))
    except OSError:
        return []


def _one_error_line(stderr: str) -> str | None:
    lines = [ln for ln in stderr.splitlines() if ln.strip() and not ln.startswith("warning:")]
    if len(lines) == 1 and lines[0].startswith("error:"):
        return None
    return f"stderr is not one 'error:' line: {' | '.join(ln[:120] for ln in lines[-3:]) or '(empty)'}"


def _cli(args: list[str], env: dict, timeout: float) -> dict:
    t0 = time.perf_counter()
    try:
        p = subprocess.run([sys.executable, str(ROOT / "main.py"), *args], cwd=ROOT, env=env,
                           capture_output=True, text=True, errors="replace", timeout=timeout)
        rc, out, err = p.returncode, p.stdout, p.stderr
    except subprocess.TimeoutExpired as e:
        rc, out, err = "timeout", (e.stdout or b"").decode(errors="replace") if isinstance(e.stdout, bytes) else (e.stdout or ""), \
            f"timed out after {timeout:g} s"
    return {"rc": rc, "stdout": out, "stderr": err, "seconds": round(time.perf_counter() - t0, 2)}


def _kill_at(kind: str, target, run: Path, proc: subprocess.Popen, t0: float, limit: float) -> dict:
    """Poll until the moment comes (or the run ends or `limit` passes), then SIGKILL."""
    metrics = run / "metrics.jsonl"
    seen_tmp: set = set()
    count = 0
    offset = 0
    why = "deadline"
    started = None   # when the first checkpoint record appeared
    last_name = None
    while True:
        now = time.monotonic() - t0
        if proc.poll() is not None:
            return {"killed": False, "why": f"the run ended by itself (exit {proc.returncode})", "at_s": round(now, 3)}
        if now > limit:
            break
        if kind == "random_early":
            if now >= target:
                why = f"{target:.2f} s after the process started"
                break
        elif kind in ("random", "after_checkpoint"):
            try:
                with open(metrics, "rb") as f:
                    f.seek(offset)
                    chunk = f.read()
            except OSError:
                chunk = b""
            end = chunk.rfind(b"\n") + 1
            for line in chunk[:end].split(b"\n"):
                if b'"kind": "checkpoint"' in line or b'"kind":"checkpoint"' in line:
                    count += 1
            offset += end
            if kind == "after_checkpoint" and count >= target:
                why = f"checkpoint record {count} written"
                break
            if kind == "random" and count and started is None:
                started = now
            if kind == "random" and started is not None and now - started >= target:
                why = f"{target:.2f} s after the first checkpoint record ({now:.2f} s after the process started)"
                break
        else:
            prefix = TMP_KIND.get(kind)
            for name in _tmp_files(run):
                other = not name.startswith((*TMP_KIND.values(), ".config.json."))
                if prefix is None and other and not (run / "model.safetensors").exists():
                    continue   # the run's opening writes: not a checkpoint
                if name not in seen_tmp and ((prefix and name.startswith(prefix)) or (prefix is None and other)):
                    seen_tmp.add(name)
                    last_name = name
                    count += 1
            if count >= target:
                why = f"temporary file {count} of its kind present: {last_name}"
                break
        time.sleep(0.002)
    at = time.monotonic() - t0
    os.killpg(proc.pid, signal.SIGKILL)
    proc.wait()
    return {"killed": True, "why": why, "at_s": round(at, 3)}


def one_moment(index: int, kind: str, target, work: Path, env: dict, steps: int, timeout: float) -> dict:
    run = work / f"run-{index:02d}-{kind}"
    shutil.rmtree(run, ignore_errors=True)
    child_env = dict(env)
    if kind.startswith("during_"):
        child_env["LATENT_EXPLORER_SAVE_DELAY"] = "0.3"
    else:
        child_env.pop("LATENT_EXPLORER_SAVE_DELAY", None)
    proc = subprocess.Popen([sys.executable, str(ROOT / "main.py"), "train", *TRAIN, "--steps", str(steps),
                             "--checkpoint-every", "0", "--out", str(run), "--quiet"], cwd=ROOT, env=child_env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, start_new_session=True)
    t0 = time.monotonic()
    try:
        kill = _kill_at(kind, target, run, proc, t0, timeout)
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
        proc.stderr.close()
    res = {"index": index, "kind": kind, "target": target, **{f"kill_{k}": v for k, v in kill.items()}}
    w_step = weights_step(run / "model.safetensors")
    records, bad, partial = read_lines(run / "metrics.jsonl")
    ckpts = _checkpoint_steps(records)
    res.update(weights_step_before=w_step, last_checkpoint_record=max(ckpts) if ckpts else None,
               partial_line_after_kill=partial, unparsable_after_kill=len(bad), tmp_after_kill=_tmp_files(run))
    res["had_checkpoint"] = (run / "model.safetensors").exists()
    problems = []

    ev = _cli(["eval", "--run", str(run)], env, timeout)
    res["eval"] = {"rc": ev["rc"], "seconds": ev["seconds"], "stderr": ev["stderr"].strip()[-300:]}
    if res["had_checkpoint"]:
        if ev["rc"] != 0:
            problems.append(f"eval exit {ev['rc']}: {ev['stderr'].strip()[-200:]}")
        else:
            try:
                _strict_json(ev["stdout"])
            except ValueError as e:
                problems.append(f"eval output is not strict JSON: {e}")
    elif ev["rc"] == 0 or _one_error_line(ev["stderr"]):
        problems.append(f"eval before the first checkpoint: exit {ev['rc']}; {_one_error_line(ev['stderr']) or 'exit 0'}")

    more = (w_step or 0) + 20
    size_before = (run / "metrics.jsonl").stat().st_size if (run / "metrics.jsonl").exists() else 0
    resume_args = ["train", "--resume", "--out", str(run), "--steps", str(more), "--quiet"]
    rs = _cli(resume_args, env, timeout)
    if rs["rc"] == 2 and "--model" in rs["stderr"]:   # an older CLI wants the model named again
        res["resume_needed_model"] = True
        rs = _cli([*resume_args, *TRAIN], env, timeout)
    res["resume"] = {"rc": rs["rc"], "seconds": rs["seconds"], "stderr": rs["stderr"].strip()[-300:]}
    records_after, bad_after, partial_after = read_lines(run / "metrics.jsonl")
    try:
        tail = (run / "metrics.jsonl").read_bytes()[size_before:]
    except OSError:
        tail = b""
    resume_steps = []
    for line in tail.split(b"\n"):
        try:
            r = json.loads(line)
        except ValueError:
            continue
        if isinstance(r, dict) and r.get("kind") == "resume":
            resume_steps.append(r.get("step"))
    res["resume"]["step"] = resume_steps[0] if resume_steps else None
    res["unparsable_after_resume"] = [b.decode(errors="replace") for b in bad_after[:3]]
    res["n_unparsable_after_resume"] = len(bad_after)
    res["tmp_after_resume"] = _tmp_files(run)
    if res["had_checkpoint"]:
        if rs["rc"] != 0:
            problems.append(f"resume exit {rs['rc']}: {rs['stderr'].strip()[-200:]}")
        else:
            step = res["resume"]["step"]
            if step is None:
                problems.append("the resume wrote no parsable resume record")
            else:
                if step != w_step:
                    problems.append(f"resumed at step {step}, the weights were at step {w_step}")
                if ckpts and step < max(ckpts):
                    problems.append(f"resumed at step {step}, below the last checkpoint record {max(ckpts)}")
        if bad_after or partial_after:
            problems.append(f"metrics.jsonl has {len(bad_after)} line(s) that do not parse after the resume"
                            + (" and ends without a newline" if partial_after else "")
                            + (f", e.g. {bad_after[0][:60]!r}" if bad_after else ""))
        if res["tmp_after_resume"]:
            problems.append(f"temporary files left after the resume: {', '.join(res['tmp_after_resume'])}")
    else:
        if rs["rc"] == 0 or _one_error_line(rs["stderr"]):
            problems.append(f"resume before the first checkpoint: exit {rs['rc']}; "
                            f"{_one_error_line(rs['stderr']) or 'exit 0'}")
    res["problems"] = problems
    res["passed"] = not problems
    return res


def plan(moments: int, seed: int) -> list[tuple[str, object]]:
    rnd = random.Random(seed)
    out = []
    for i in range(moments):
        kind = PLAN[i % len(PLAN)]
        if kind == "random":
            target = round(rnd.uniform(0.0, 10.0), 2)      # seconds after the first checkpoint record
        elif kind == "random_early":
            target = round(rnd.uniform(0.5, 2.5), 2)       # seconds after the process started
        elif kind == "after_checkpoint":
            target = rnd.randint(1, 25)                     # the k-th checkpoint record
        else:
            target = rnd.randint(1, 8)                      # the k-th temporary file of its kind
        out.append((kind, target))
    return out


def bench_faults(moments: int = 16, seed: int = 0, steps: int = 3000, timeout: float = 180.0,
                 work: str | os.PathLike | None = None, keep: bool = False) -> dict:
    """Kill -9 a training run at `moments` moments; what eval and --resume made of each."""
    t0 = time.time()
    own = work is None
    work = Path(work) if work else Path(tempfile.mkdtemp(prefix="bench-faults-"))
    work.mkdir(parents=True, exist_ok=True)
    env = {**os.environ, "LATENT_EXPLORER_CACHE": str(work / "cache")}
    env.pop("LATENT_EXPLORER_SAVE_DELAY", None)
    results = []
    try:
        for i, (kind, target) in enumerate(plan(moments, seed)):
            results.append(one_moment(i, kind, target, work, env, steps, timeout))
    finally:
        if own and not keep:
            shutil.rmtree(work, ignore_errors=True)
    after = [r for r in results if r["had_checkpoint"]]
    before = [r for r in results if not r["had_checkpoint"]]
    by_kind: dict = {}
    for r in after:
        k = by_kind.setdefault(r["kind"], {"moments": 0, "passed": 0})
        k["moments"] += 1
        k["passed"] += r["passed"]
    return {
        "moments": len(results),
        "after_first_checkpoint": len(after),
        "passed_after_first_checkpoint": sum(r["passed"] for r in after),
        "summary": f"{sum(r['passed'] for r in after)} of {len(after)} where a checkpoint existed",
        "before_first_checkpoint": len(before),
        "before_first_checkpoint_refused_in_one_line": sum(r["passed"] for r in before),
        "by_kind": by_kind,
        "seconds": round(time.time() - t0, 1),
        "seed": seed,
        "work": str(work) if (keep or not own) else None,
        "results": results,
    }


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python main.py bench faults", description=__doc__.split("\n\n")[0])
    p.add_argument("--moments", type=int, default=16)
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--steps", type=int, default=3000)
    p.add_argument("--timeout", type=float, default=180.0, help="seconds each training, eval or resume may take")
    p.add_argument("--keep", default=None, metavar="DIR", help="keep the killed runs in DIR")
    a = p.parse_args(argv)
    out = bench_faults(a.moments, a.seed, a.steps, a.timeout, work=a.keep, keep=bool(a.keep))
    print(json.dumps(out, indent=2))
    return 0 if out["passed_after_first_checkpoint"] == out["after_first_checkpoint"] else 1


if __name__ == "__main__":
    sys.exit(main())
