"""The translation hook for text a user reads that is written outside the Qt layer: the
concept cards (concepts.py) and the error lines the window shows.

Qt-free: `tr(text)` returns `text` unless a translator was installed. The window installs
Qt's (explorer/qt/i18n.py), so these strings are looked up in the same catalogue as the
window's own; the command line installs none and stays English. Qt's lupdate collects every
`tr("...")` call here and in the Qt layer into one catalogue (docs/ARCHITECTURE.md,
"Languages"). Write `tr("... {name} ...").format(name=...)`, never an f-string inside tr():
lupdate reads only literal strings.
"""
from __future__ import annotations

from typing import Callable

_translate: Callable[[str], str] | None = None


def tr(text: str) -> str:
    return text if _translate is None else _translate(text)


def QT_TR_NOOP(text: str) -> str:   # noqa: N802 - the name lupdate looks for
    """Marks a constant's text for the catalogue; tr() it where it is shown."""
    return text


def set_translator(fn: Callable[[str], str] | None) -> None:
    global _translate
    _translate = fn
