"""manifest.json: what identifies a directory as a run, and the size and SHA-256 each of its
checkpoint files must have (docs/ARCHITECTURE.md, "Run directories")."""
from __future__ import annotations

import hashlib
from pathlib import Path
from explorer.core.said import QT_TR_NOOP, Said

from .files import MANIFEST, MANIFEST_VERSION, STATE, TRAINER, WEIGHTS, CheckpointError, atomic_write_bytes, atomic_write_json, read_bytes, read_json


RUN_FORMAT = "latent-explorer-run"


SIGNED = (WEIGHTS, TRAINER, STATE)    # files whose size and SHA-256 the manifest records


def file_entry(data: bytes) -> dict:
    return {"size": len(data), "sha256": hashlib.sha256(data).hexdigest()}


def read_manifest(run_dir: Path) -> dict | None:
    """The run's manifest, None for a directory without one (not a run, or a run from an
    older version: `sign` adopts it); CheckpointError if it is there but damaged."""
    path = Path(run_dir) / MANIFEST
    if not path.exists() and not path.is_symlink():
        return None
    m = read_json(path)
    if not isinstance(m, dict) or m.get("format") != RUN_FORMAT:
        raise CheckpointError(Said(QT_TR_NOOP("{path}: damaged: not a {format} manifest"), path=str(path),
                                   format=RUN_FORMAT))
    if not isinstance(m.get("version"), int) or m["version"] > MANIFEST_VERSION:
        raise CheckpointError(Said(QT_TR_NOOP("{path}: format version {version} is not one this program reads "
                                              "(up to {newest})"), path=str(path), version=repr(m.get('version')),
                                   newest=MANIFEST_VERSION))
    for key in ("files", "pending"):
        entries = m.get(key, {})
        if not isinstance(entries, dict) or not all(
                isinstance(e, dict) and isinstance(e.get("size"), int) and isinstance(e.get("sha256"), str)
                for e in entries.values()):
            raise CheckpointError(Said(QT_TR_NOOP("{path}: damaged: its {key} entries are not name -> size and sha256"),
                                       path=str(path), key=repr(key)))
    m.setdefault("files", {})
    return m


def write_manifest(run_dir: Path, files: dict, pending: dict | None = None) -> None:
    m = {"format": RUN_FORMAT, "version": MANIFEST_VERSION, "files": files}
    if pending:
        m["pending"] = pending
    atomic_write_json(Path(run_dir) / MANIFEST, m)


def is_run_dir(path: Path) -> bool:
    """A directory this program made a run in (it has our manifest)."""
    try:
        return read_manifest(path) is not None
    except CheckpointError:
        return False


def verify(path: Path, data: bytes, manifest: dict | None) -> None:
    """CheckpointError unless `data` is what the manifest says `path` holds (either the
    checkpoint it records or the one being written). A run without a manifest is an older
    run: nothing to check against."""
    if manifest is None:
        return
    path = Path(path)
    name = path.name
    wanted = [e for e in (manifest["files"].get(name), manifest.get("pending", {}).get(name)) if e]
    if not wanted:
        raise CheckpointError(Said(QT_TR_NOOP("{path}: not recorded in {manifest}: it was not written with this "
                                              "run's checkpoint ({hint})"), path=str(path), manifest=MANIFEST,
                                   hint=_sign_hint(path.parent)))
    got = file_entry(data)
    if any(got == e for e in wanted):
        return
    how = (Said(QT_TR_NOOP("{size} bytes, {expected} expected (truncated or extended)"), size=len(data),
                expected=wanted[0]['size'])
           if all(len(data) != e["size"] for e in wanted) else Said(QT_TR_NOOP("same size, different content")))
    raise CheckpointError(Said(QT_TR_NOOP("{path}: damaged: its SHA-256 does not match {manifest} ({how}); {hint}"),
                               path=str(path), manifest=MANIFEST, how=how, hint=_sign_hint(path.parent)))


SIGN_HINT = QT_TR_NOOP("if you changed it on purpose, re-sign the run with `python main.py sign --run {run}`")


def _sign_hint(run) -> Said:
    return Said(SIGN_HINT, run=str(run))


def read_verified(path: Path) -> bytes:
    """The bytes of a signed file, checked against the manifest. A checkpoint being written
    while we read can pair the new file with the old manifest for a moment: read again."""
    path = Path(path)
    for attempt in range(3):
        data = read_bytes(path)
        manifest = read_manifest(path.parent)
        try:
            verify(path, data, manifest)
            return data
        except CheckpointError:
            if attempt == 2 or read_manifest(path.parent) == manifest and read_bytes(path) == data:
                raise
    raise AssertionError("unreachable")


def save_checkpoint(run_dir: Path, blobs: dict[str, bytes]) -> None:
    """Write a checkpoint's files so that a kill at any moment leaves a loadable run: the
    manifest first names the new files as pending, then each file is renamed into place,
    then the manifest records them. A reader accepts a file matching either entry."""
    run_dir = Path(run_dir)
    old = read_manifest(run_dir) or {"files": {}}
    new = {name: file_entry(data) for name, data in blobs.items()}
    write_manifest(run_dir, old["files"], pending=new)
    for name, data in blobs.items():
        atomic_write_bytes(run_dir / name, data)
    files = {**old["files"], **new}
    write_manifest(run_dir, {n: e for n, e in files.items() if (run_dir / n).exists()})


def sign_run(run_dir) -> list[str]:
    """Record the current files of a run in its manifest (after a deliberate hand edit, or
    to adopt a run from an older version); the run must load first. The names signed."""
    from .load import _load_checked, read_config

    run_dir = Path(run_dir)
    read_config(run_dir)
    files = {}
    for name in SIGNED:
        if (run_dir / name).exists():
            files[name] = file_entry(read_bytes(run_dir / name))
    if WEIGHTS in files:
        # the weights must load into the model, verified against what is being signed
        _load_checked(run_dir, {"format": RUN_FORMAT, "files": files})
    write_manifest(run_dir, files)
    return sorted(files)
