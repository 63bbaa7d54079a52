"""The window's languages: English (the source text) and Korean (docs/ARCHITECTURE.md,
"Languages").

Every string a user reads goes through `tr()` here, or `explorer.core.text.tr` outside the
Qt layer; both look the text up with Qt's QCoreApplication.translate in one catalogue,
explorer/assets/translations/latent_explorer_ko.ts, which `python main.py translations`
refreshes (pyside6-lupdate) and compiles to the .qm the app loads (pyside6-lrelease). Qt's
own dialogs and buttons use the qtbase catalogue that ships with PySide6.

Switching language in an open window (View > Language): `set_language()` swaps the
translators, then `retranslate()` walks every widget, menu action, table and list item and
plot label. Each text `tr()` handed out is remembered with its English source, so a text
set once (a label, a button, a tab) is put back in the new language without the panel's
help; texts that hold numbers (a panel's formatted lines) are redrawn by the widget's own
`retranslate()`, which the walk calls after.
"""
from __future__ import annotations

import re
from pathlib import Path
from typing import Callable, Iterator

from PySide6 import QtCore, QtGui, QtWidgets

from explorer.core import text as core_text

LANGUAGES = {"en": "English", "ko": "한국어"}
TRANSLATIONS_DIR = Path(__file__).resolve().parent.parent / "assets" / "translations"
CATALOGUE = "latent_explorer"
SETTINGS_KEY = "language"

_sources: dict[str, str] = {}       # a translation handed out -> its English source
_translators: list[QtCore.QTranslator] = []
_language = "en"


def QT_TR_NOOP(text: str) -> str:   # noqa: N802 - the name lupdate looks for
    """Marks a constant's text for the catalogue (a table of titles); translate it with
    tr() where it is shown."""
    return text


def tr(text: str) -> str:
    """`text` in the window's language (the English source when none is installed)."""
    out = QtCore.QCoreApplication.translate("", text)
    if out != text:
        _sources[out] = text
    return out


def source_of(text: str) -> str:
    """The English source of a text tr() handed out (the text itself otherwise)."""
    return _sources.get(text, text)


def language() -> str:
    return _language


def initial_language(settings: QtCore.QSettings | None) -> str:
    """The language chosen in View > Language, else the system's (Korean for a Korean
    locale, English for any other)."""
    chosen = settings.value(SETTINGS_KEY) if settings is not None else None
    if chosen in LANGUAGES:
        return chosen
    return system_language()


def system_language() -> str:
    return "ko" if QtCore.QLocale.system().language() == QtCore.QLocale.Language.Korean else "en"


def catalogue_path(lang: str) -> Path:
    return TRANSLATIONS_DIR / f"{CATALOGUE}_{lang}.qm"


def set_language(lang: str) -> str:
    """Install `lang`'s translators in the application (English: none). Returns the
    language now in use: English when `lang`'s catalogue cannot be loaded."""
    global _language
    app = QtCore.QCoreApplication.instance()
    for t in _translators:
        app.removeTranslator(t)
    _translators.clear()
    _language = "en"
    core_text.set_translator(None)
    if lang not in LANGUAGES or lang == "en":
        return _language
    ours = QtCore.QTranslator(app)
    if not ours.load(str(catalogue_path(lang))):
        return _language
    qt_dir = QtCore.QLibraryInfo.path(QtCore.QLibraryInfo.TranslationsPath)
    for t in (ours, QtCore.QTranslator(app)):
        if t is ours or t.load(f"qtbase_{lang}", qt_dir):
            app.installTranslator(t)
            _translators.append(t)
    _language = lang
    core_text.set_translator(tr)
    return _language


def has_font_for(lang: str) -> bool:
    """Whether an installed font has `lang`'s script (Qt shows boxes where none has)."""
    if lang != "ko":
        return True
    return bool(QtGui.QFontDatabase.families(QtGui.QFontDatabase.WritingSystem.Korean))


FONT_HINT = ("No Korean font is installed, so Korean text shows as boxes: install one "
             "(Debian/Ubuntu: sudo apt-get install fonts-noto-cjk) and restart.")


# -- the texts a window shows ------------------------------------------------------

Slot = tuple[Callable[[], str], Callable[[str], None]]


def _widget_slots(w: QtWidgets.QWidget) -> Iterator[Slot]:
    if (w.isWindow() and not isinstance(w, QtWidgets.QMenu)) or isinstance(w, QtWidgets.QDockWidget):
        # (a menu's window title is Qt's copy of its title)
        yield w.windowTitle, w.setWindowTitle
    yield w.toolTip, w.setToolTip
    yield w.statusTip, w.setStatusTip
    if isinstance(w, (QtWidgets.QLabel, QtWidgets.QAbstractButton)):
        yield w.text, w.setText
    elif isinstance(w, (QtWidgets.QGroupBox, QtWidgets.QMenu)):
        yield w.title, w.setTitle
    elif isinstance(w, QtWidgets.QLineEdit):
        yield w.placeholderText, w.setPlaceholderText
    elif isinstance(w, QtWidgets.QComboBox):
        for i in range(w.count()):
            yield (lambda i=i: w.itemText(i)), (lambda s, i=i: w.setItemText(i, s))
            yield (lambda i=i: w.itemData(i, QtCore.Qt.ToolTipRole) or ""), \
                (lambda s, i=i: w.setItemData(i, s, QtCore.Qt.ToolTipRole))
    elif isinstance(w, QtWidgets.QTabWidget):
        for i in range(w.count()):
            yield (lambda i=i: w.tabText(i)), (lambda s, i=i: w.setTabText(i, s))
            yield (lambda i=i: w.tabToolTip(i)), (lambda s, i=i: w.setTabToolTip(i, s))
    elif isinstance(w, QtWidgets.QAbstractSpinBox):
        if isinstance(w, (QtWidgets.QSpinBox, QtWidgets.QDoubleSpinBox)):
            yield w.suffix, w.setSuffix
            yield w.prefix, w.setPrefix
        yield w.specialValueText, w.setSpecialValueText
    elif isinstance(w, QtWidgets.QTableWidget):
        for c in range(w.columnCount()):
            item = w.horizontalHeaderItem(c)
            if item is not None:
                yield item.text, item.setText
                yield item.toolTip, item.setToolTip
        for r in range(w.rowCount()):
            for c in range(w.columnCount()):
                item = w.item(r, c)
                if item is not None:
                    yield item.text, item.setText
                    yield item.toolTip, item.setToolTip
    elif isinstance(w, QtWidgets.QListWidget):
        for r in range(w.count()):
            item = w.item(r)
            yield item.text, item.setText
            yield item.toolTip, item.setToolTip
    elif isinstance(w, QtWidgets.QGraphicsView) and w.scene() is not None:
        yield from _scene_slots(w.scene())
    for act in w.actions():
        yield act.text, act.setText
        if act.toolTip() != act.text().replace("&", ""):   # not Qt's copy of the text
            yield act.toolTip, act.setToolTip


def _scene_slots(scene: QtWidgets.QGraphicsScene) -> Iterator[Slot]:
    """pyqtgraph's labels: plot titles and legends (LabelItem), axis labels (AxisItem),
    text on a plot (TextItem)."""
    import pyqtgraph as pg

    for item in scene.items():
        if isinstance(item, pg.AxisItem):
            if item.labelText:
                yield (lambda item=item: item.labelText), (lambda s, item=item: item.setLabel(
                    s, units=item.labelUnits or None, unitPrefix=item.labelUnitPrefix or None, **item.labelStyle))
        elif isinstance(item, pg.LabelItem):
            yield (lambda item=item: item.text), (lambda s, item=item: item.setText(s))
        elif isinstance(item, pg.TextItem):
            yield item.toPlainText, item.setText


def texts(widgets) -> Iterator[tuple[QtWidgets.QWidget, str]]:
    """(widget, text) for every non-empty text of `widgets` (a widget's children are not
    walked: pass QApplication.allWidgets())."""
    for w in widgets:
        for get, _ in _widget_slots(w):
            t = get()
            if isinstance(t, str) and t.strip():
                yield w, t


def retranslate(widgets=None) -> None:
    """Put every text of `widgets` (all the application's, by default) in the language now
    installed, then let each widget with a `retranslate()` redraw its formatted texts."""
    widgets = list(QtWidgets.QApplication.allWidgets() if widgets is None else widgets)
    for w in widgets:
        for get, put in _widget_slots(w):
            t = get()
            if not isinstance(t, str) or not t.strip():
                continue
            new = tr(source_of(t))
            if new != t:
                put(new)
    for w in widgets:
        hook = getattr(w, "retranslate", None)
        if callable(hook):
            hook()


# -- what is left in English ------------------------------------------------------------

# names and units: what stays as it is in a Korean window (the issue: model and dataset
# names, numbers, units), and the notation of the formulas
KEEP = {
    # models, methods and their papers
    "ae", "dae", "vae", "vqvae", "vq", "gan", "dcgan", "cvae", "iwae", "elbo", "kl", "pixelcnn",
    "cgan", "pacgan", "veegan", "t", "tsne", "k", "nn", "pc", "gif", "shift", "wgan", "gp", "hinge", "bce", "mse", "adam", "relu", "pca", "umap", "sne",
    "ema", "data", "fid", "prdc", "mlp", "conv", "lr", "eps", "beta", "ddp", "cnn",
    # data sets
    "mnist", "mnist5k", "digits", "fashion", "ring8", "grid25", "spiral", "moons", "cifar", "celeba",
    "svhn", "folder", "gaussians", "ring", "grid", "kmnist", "shapes",
    # units and devices
    "ms", "min", "px", "nats", "nat", "bits", "cpu", "cuda", "gpu", "mps", "gib", "mib", "kib",
    # formula notation
    "log", "exp", "max", "sum", "std", "var", "argmax", "argmin", "softmax", "sg", "tanh",
    # the program, files and the tools named
    "latent", "explorer", "png", "csv", "json", "npy", "pt", "eval", "main", "py", "python",
    "english", "noto", "cjk", "fonts", "apt", "get", "install", "sudo", "debian", "ubuntu",
}
_TAGS = re.compile(r"<[^>]+>|&[a-z]+;|&#\d+;")
_HANGUL = re.compile(r"[\uac00-\ud7a3]")
_GLOSS = re.compile(r"\(([^()]*)\)")
_PATH = re.compile(r"\S*[/\\]\S*")      # a file's path: a name
_WORD = re.compile(r"[A-Za-z][A-Za-z'-]*[A-Za-z]")


def english_left(text: str, names: set[str] = frozenset()) -> list[str]:
    """The English words of `text` a Korean window should not show: words other than names,
    units and formula notation (KEEP, and `names`: the runs' own names), outside an English
    gloss in parentheses after a Korean term (잠재 공간 (latent space))."""
    plain = _PATH.sub(" ", _TAGS.sub(" ", text))
    for n in sorted(names, key=len, reverse=True):
        if n:
            plain = re.sub(rf"(?<![A-Za-z0-9]){re.escape(n)}(?![A-Za-z0-9])", " ", plain, flags=re.IGNORECASE)
    keep = KEEP
    words: list[str] = []
    pos = 0
    for m in _GLOSS.finditer(plain):
        before = plain[pos:m.start()]
        words += _WORD.findall(before)
        if not _HANGUL.search(before[-20:]):   # not a gloss: the words inside count
            words += _WORD.findall(m.group(1))
        pos = m.end()
    words += _WORD.findall(plain[pos:])
    out = []
    for w in words:
        parts = [p for p in re.split(r"[-']", w.lower()) if p]
        if not all(p in keep or p.rstrip("s") in keep for p in parts):
            out.append(w)
    return out
