"""models/ and explorer/core/ never load Qt (DESIGN.md: one direction only)."""
import pkgutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def core_modules():
    import explorer.core
    import models
    names = ["models", "explorer.core", "explorer.cli"]
    for pkg in (models, explorer.core):
        names += [f"{pkg.__name__}.{m.name}" for m in pkgutil.iter_modules(pkg.__path__)]
    return names


def test_core_and_models_import_no_qt():
    code = (
        "import importlib, sys\n"
        f"for name in {core_modules()!r}:\n"
        "    importlib.import_module(name)\n"
        "bad = sorted(m for m in sys.modules if m.split('.')[0] in "
        "('PySide6', 'shiboken6', 'pyqtgraph', 'superqt', 'qtpy', 'PyQt5', 'PyQt6'))\n"
        "print(' '.join(bad))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "", f"Qt loaded by the Qt-free layer: {out.stdout}"


def test_every_core_module_is_checked():
    names = core_modules()
    for expected in ("explorer.core.engine", "explorer.core.datasets", "explorer.core.runs",
                     "models.gan", "models.vqvae"):
        assert expected in names
