"""Builds the translation catalogue with the tools that ship with PySide6:
pyside6-lupdate collects every tr("...") of the program into the Korean .ts (the translator's
file: English source, Korean translation), pyside6-lrelease compiles it to the .qm the window
loads (explorer/qt/i18n.py). `python main.py translations` runs both; a test checks that the
shipped files are current (no string of the program missing, the .qm built from the .ts).
"""
from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

from .i18n import CATALOGUE, LANGUAGES, TRANSLATIONS_DIR

ROOT = Path(__file__).resolve().parent.parent      # explorer/


def sources() -> list[Path]:
    """The files whose strings a user reads: the Qt layer and the Qt-free text it shows."""
    return sorted(p for p in ROOT.rglob("*.py")
                  if any(m in p.read_text(encoding="utf-8") for m in ("tr(", "QT_TR_NOOP(")))


def tool(name: str) -> str:
    exe = Path(sys.executable).with_name(name)
    found = str(exe) if exe.exists() else shutil.which(name)
    if found is None:
        raise FileNotFoundError(f"{name} not found: it comes with PySide6 (pip install PySide6)")
    return found


def ts_path(lang: str) -> Path:
    return TRANSLATIONS_DIR / f"{CATALOGUE}_{lang}.ts"


def update(lang: str, ts: Path | None = None) -> str:
    """Refresh `lang`'s .ts from the sources (new strings added unfinished, vanished ones
    dropped, translations kept); lupdate's summary line."""
    ts = ts or ts_path(lang)
    out = subprocess.run([tool("pyside6-lupdate"), "-locations", "none", "-no-obsolete",
                          *map(str, sources()), "-ts", str(ts)],
                         capture_output=True, text=True, check=True, cwd=ROOT)
    return " ".join(line.strip() for line in out.stdout.splitlines() if "Found" in line)


def release(lang: str, ts: Path | None = None, qm: Path | None = None) -> Path:
    ts = ts or ts_path(lang)
    qm = qm or ts.with_suffix(".qm")
    subprocess.run([tool("pyside6-lrelease"), "-silent", str(ts), "-qm", str(qm)], check=True,
                   capture_output=True, text=True)
    return qm


def build() -> list[str]:
    lines = []
    for lang in LANGUAGES:
        if lang == "en":
            continue
        lines.append(f"{ts_path(lang).name}: {update(lang)}")
        lines.append(f"wrote {release(lang)}")
    return lines
