"""What the program may write, delete or clean up: a run is made only in a new or empty
directory or over a run; an overwrite deletes only the files the program writes, by name."""
from __future__ import annotations

import logging
import os
import re
from pathlib import Path
from explorer.core.said import QT_TR_NOOP, Said

from .files import CONFIG, LOCK, MANIFEST, METRICS, SAMPLES, STATE, TRAINER, UMASK, WEIGHTS, CheckpointError
from .manifest import is_run_dir

log = logging.getLogger("explorer")


class RunDirRefused(CheckpointError):
    """An output directory the program will not write into or delete."""


def _protected(p: Path) -> str | None:
    """Why `p` (resolved) may never be a run directory, or None."""
    home = Path(os.path.expanduser("~")).resolve()
    cwd = Path.cwd().resolve()
    if p == Path(p.anchor):
        return Said(QT_TR_NOOP("the root of the file system"))
    if p == home or p in home.parents:
        return Said(QT_TR_NOOP("your home directory")) if p == home else \
            Said(QT_TR_NOOP("a folder holding your home directory"))
    if p == cwd or p in cwd.parents:
        return Said(QT_TR_NOOP("the working directory")) if p == cwd else \
            Said(QT_TR_NOOP("a folder holding the working directory"))
    return None


def prepare_run_dir(out, overwrite: bool = False) -> Path:
    """Check that a new run may be made in `out`, clearing an old run there when `overwrite`.
    Refuses (one line) an empty path, /, the home or working directory, a file, a name that is
    not UTF-8, a non-empty directory that is not a run, and a run without --overwrite. With
    --overwrite only the files the program wrote into the run are deleted."""
    text = os.fspath(out) if out is not None else ""
    if not str(text).strip():
        raise RunDirRefused(Said(QT_TR_NOOP("--out is empty: name a directory for the run")))
    path = Path(text).expanduser()
    try:
        str(path).encode("utf-8")
    except UnicodeEncodeError:
        raise RunDirRefused(Said(QT_TR_NOOP("{path}: the name holds bytes that are not UTF-8; choose another --out"),
                                 path=repr(os.fsencode(path)))) from None
    resolved = path.resolve()
    why = _protected(resolved)
    if why:
        raise RunDirRefused(Said(QT_TR_NOOP("{path}: refusing to make a run in {why}; choose a new directory for --out"),
                                 path=str(path), why=why))
    if path.is_symlink() and not path.exists():
        raise RunDirRefused(Said(QT_TR_NOOP("{path}: a link to nothing; choose another --out"), path=str(path)))
    if not path.exists():
        return path
    if not path.is_dir():
        raise RunDirRefused(Said(QT_TR_NOOP("{path}: is a file, not a directory; choose another --out"), path=str(path)))
    try:
        entries = os.listdir(path)
    except PermissionError:
        raise RunDirRefused(Said(QT_TR_NOOP("{path}: cannot read the directory: permission denied"),
                                 path=str(path))) from None
    if not entries:
        return path
    if not is_run_dir(path):
        legacy = (path / CONFIG).exists() and (path / WEIGHTS).exists()
        raise RunDirRefused(
            Said(QT_TR_NOOP("{path}: holds a run without {manifest} (from an older version): adopt it with "
                            "`python main.py sign --run {path}` first, or choose another --out"),
                 path=str(path), manifest=MANIFEST) if legacy else
            Said(QT_TR_NOOP("{path}: not empty and not a run directory; nothing was written: choose a new or "
                            "empty --out"), path=str(path)))
    if not overwrite:
        from explorer.core.training.engine import RunExists
        raise RunExists(Said(QT_TR_NOOP("{path} already holds a run; pass --resume to continue it, --overwrite to "
                                        "replace it, or choose another --out"), path=str(path)))
    with RunLock(path):
        kept = remove_run_files(path)
    if kept:
        log.warning("%s: kept %d file(s) latent explorer did not write, e.g. %s", path, len(kept), kept[0])
    return path


_OWN_FILES = (CONFIG, WEIGHTS, TRAINER, STATE, METRICS, MANIFEST)


_OWN_PATTERNS = {SAMPLES: re.compile(r"(epoch_\d{4,}|step_\d{7,})(_\d+)?\.(png|npy)"),
                 "maps": re.compile(r"step\d+-[a-z]+-[0-9a-f]{10}\.npz")}


_TEMP = re.compile(r"\..+\.[A-Za-z0-9_]{8}\.tmp")


def remove_run_files(run_dir: Path) -> list[str]:
    """Delete the files the program writes into a run (by name, never recursively); the
    names of the others, which stay."""
    run_dir = Path(run_dir)
    kept = []
    for name in sorted(os.listdir(run_dir)):
        p = run_dir / name
        if name in _OWN_FILES or _TEMP.fullmatch(name):
            if p.is_file() or p.is_symlink():
                p.unlink()
                continue
        elif name in _OWN_PATTERNS and p.is_dir() and not p.is_symlink():
            for sub in sorted(os.listdir(p)):
                q = p / sub
                if (_OWN_PATTERNS[name].fullmatch(sub) or _TEMP.fullmatch(sub)) and (q.is_file() or q.is_symlink()):
                    q.unlink()
                else:
                    kept.append(f"{name}/{sub}")
            try:
                p.rmdir()
            except OSError:
                pass
            continue
        elif name == LOCK:
            continue
        kept.append(name)
    return kept


def clean_stale_temps(run_dir: Path, locked: bool = False) -> list[str]:
    """Remove the temporary files a killed save left behind, unless a trainer holds the run
    (its save may be writing one right now; `locked`: the caller is that trainer). The names
    removed."""
    run_dir = Path(run_dir)
    try:
        names = [(run_dir, n) for n in os.listdir(run_dir) if _TEMP.fullmatch(n)]
        if (run_dir / SAMPLES).is_dir():
            names += [(run_dir / SAMPLES, n) for n in os.listdir(run_dir / SAMPLES) if _TEMP.fullmatch(n)]
    except OSError:
        return []
    if not names or (not locked and RunLock.held(run_dir)):
        return []
    gone = []
    for d, n in names:
        try:
            (d / n).unlink()
            gone.append(n)
        except OSError:
            pass
    if gone:
        log.warning("%s: removed %d temporary file(s) left by an interrupted save, e.g. %s", run_dir, len(gone), gone[0])
    return gone


def check_no_links(run_dir: Path) -> None:
    """Refuse a run whose own files or folders are symbolic links: writing through one would
    write outside the run (a samples/ link to another folder, a metrics.jsonl link to a file)."""
    run_dir = Path(run_dir)
    for name in (*_OWN_FILES, *_OWN_PATTERNS):
        p = run_dir / name
        if p.is_symlink():
            raise CheckpointError(
                Said(QT_TR_NOOP("{path}: is a link (to {target}); the program writes only inside a run: replace the "
                                "link with the folder itself"), path=str(p), target=os.readlink(p))
                if name in _OWN_PATTERNS else
                Said(QT_TR_NOOP("{path}: is a link (to {target}); the program writes only inside a run: replace the "
                                "link with the file itself"), path=str(p), target=os.readlink(p)))


class RunLock:
    """An exclusive lock on a run while a process trains it (flock on run/.lock): a second
    trainer is refused, and no reader cleans up files a live save is writing."""

    def __init__(self, run_dir: Path):
        self.path = Path(run_dir) / LOCK
        self.fd: int | None = None

    def acquire(self) -> "RunLock":
        import fcntl

        self.path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o666 & ~UMASK)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            os.close(fd)
            raise CheckpointError(Said(QT_TR_NOOP("{path}: another process is training this run right now; stop it "
                                              "first, or choose another --out"), path=str(self.path.parent))) from None
        self.fd = fd
        return self

    def release(self) -> None:
        if self.fd is not None:
            os.close(self.fd)
            self.fd = None

    __enter__ = acquire

    def __exit__(self, *exc):
        self.release()

    @staticmethod
    def held(run_dir: Path) -> bool:
        import fcntl

        try:
            fd = os.open(Path(run_dir) / LOCK, os.O_RDONLY)
        except OSError:
            return False
        try:
            fcntl.flock(fd, fcntl.LOCK_SH | fcntl.LOCK_NB)
            return False
        except OSError:
            return True
        finally:
            os.close(fd)
