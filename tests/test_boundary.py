"""The layers import in one direction only: models <- explorer.core <- explorer.qt.

Two checks: import-linter's contracts (pyproject.toml, [tool.importlinter]) over every import
statement, and a fresh process that imports every Qt-free module and finds no Qt loaded."""
import os
import pkgutil
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
QT = ("PySide6", "shiboken6", "pyqtgraph", "superqt", "qtpy", "PyQt5", "PyQt6")
QT_FREE = ("models", "explorer/core")   # the folders of the Qt-free layers


def core_modules():
    """models, explorer.core and every module below them, sub-packages included; and the CLI."""
    import explorer.core
    import models

    def unimportable(name):
        raise ImportError(f"cannot import {name} to look inside it")

    names = ["models", "explorer.core", "explorer.cli"]
    for pkg in (models, explorer.core):
        names += [m.name for m in pkgutil.walk_packages(pkg.__path__, pkg.__name__ + ".", onerror=unimportable)]
    return names


def test_core_and_models_import_no_qt():
    code = (
        "import importlib, sys\n"
        f"for name in {core_modules()!r}:\n"
        "    importlib.import_module(name)\n"
        f"bad = sorted(m for m in sys.modules if m.split('.')[0] in {QT!r})\n"
        "print(' '.join(bad))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "", f"Qt loaded by the Qt-free layer: {out.stdout}"


def test_every_core_module_is_checked():
    """Each .py file under models/ and explorer/core/, at any depth, is among the modules the
    test above imports (a folder without __init__.py would be skipped by pkgutil: caught here)."""
    names = set(core_modules())
    files = [p for folder in QT_FREE for p in (ROOT / folder).rglob("*.py") if "__pycache__" not in p.parts]
    assert len(files) > 20
    for path in files:
        parts = path.relative_to(ROOT).with_suffix("").parts
        name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
        assert name in names, f"{path.relative_to(ROOT)} ({name}) is not checked for Qt imports"


def lint_imports(cwd: Path) -> subprocess.CompletedProcess:
    """import-linter's `lint-imports` on the pyproject.toml in `cwd`, in a fresh process
    (it puts `cwd` first on sys.path, so a copy of the tree there is what it reads)."""
    return subprocess.run(
        [sys.executable, "-c", "from importlinter.cli import lint_imports_command; lint_imports_command()",
         "--no-cache", "--no-logo", "pyproject.toml"],
        cwd=cwd, capture_output=True, text=True, timeout=300, env={**os.environ, "PYTHONPATH": str(cwd)})


def test_the_layer_contracts_hold():
    out = lint_imports(ROOT)
    report = out.stdout + out.stderr
    assert out.returncode == 0, report
    assert "models imports nothing of explorer KEPT" in report
    assert "explorer.core imports no Qt and nothing of explorer.qt KEPT" in report
    assert "Contracts: 2 kept, 0 broken." in report


def test_the_contracts_catch_imports_across_the_layers(tmp_path):
    """On a copy of the tree with three bad imports, one inside a function, one in a new
    sub-package, and one through a module outside explorer.core, every one is reported."""
    for folder in ("explorer", "models"):
        shutil.copytree(ROOT / folder, tmp_path / folder, ignore=shutil.ignore_patterns("__pycache__", "assets"))
    shutil.copy(ROOT / "pyproject.toml", tmp_path)
    with open(tmp_path / "models" / "base.py", "a") as f:
        f.write("\n\ndef _load_a_run():\n    from explorer.core import runs\n    return runs\n")
    deep = tmp_path / "explorer" / "core" / "newly_split" / "deeper"
    deep.mkdir(parents=True)
    for folder in (deep.parent, deep):
        (folder / "__init__.py").write_text("")
    (deep / "plots.py").write_text("import pyqtgraph as pg\n")
    (tmp_path / "explorer" / "relay.py").write_text("from explorer.qt import widgets\n")
    (tmp_path / "explorer" / "core" / "uses_relay.py").write_text("from explorer import relay\n")

    out = lint_imports(tmp_path)
    report = out.stdout + out.stderr
    assert out.returncode == 1, report
    assert "Contracts: 0 kept, 2 broken." in report
    assert "models is not allowed to import explorer" in report and "models.base -> explorer.core.runs" in report
    assert "explorer.core.newly_split.deeper.plots -> pyqtgraph" in report
    assert "explorer.core.uses_relay -> explorer.relay" in report and "explorer.relay -> explorer.qt.widgets" in report
