"""The Korean interface (issue 14): the catalogue is current and sound, View > Language
switches the open window and back without a restart, is remembered, and with Korean chosen
no text of the window, its menus, dialogs and cards is left in English but names."""
from __future__ import annotations

import re
from pathlib import Path
import xml.etree.ElementTree as ET

import pytest
from PySide6 import QtCore, QtWidgets

from conftest import open_window, train_cli as train
from explorer.qt import i18n

FIELD = re.compile(r"\{[^{}]*\}")
TAG = re.compile(r"</?([a-zA-Z]+)[^>]*>")


def messages(ts_file):
    for msg in ET.parse(ts_file).getroot().iter("message"):
        t = msg.find("translation")
        yield msg.findtext("source"), (t.text or ""), t.get("type")


def test_the_catalogue_holds_every_string_of_the_program_translated(tmp_path):
    from explorer.qt import catalogue

    shipped = catalogue.ts_path("ko")
    fresh = tmp_path / shipped.name
    fresh.write_bytes(shipped.read_bytes())
    catalogue.update("ko", fresh)        # lupdate over the sources, into a copy
    missing = [src for src, text, kind in messages(fresh) if kind == "unfinished" or not text.strip()]
    assert missing == [], f"{len(missing)} strings without a Korean translation: {missing[:20]}"
    # each translation keeps its source's placeholders and tags: .format() and rich text work the same
    # and no two texts share one translation: the language switch maps each shown text back to
    # its English source (i18n.source_of), and back to English two sources would become one
    seen: dict[str, str] = {}
    shared = []
    for src, text, _ in messages(fresh):
        if "{" not in src and seen.setdefault(text, src) != src:
            shared.append((seen[text], src, text))
    assert shared == [], shared[:10]
    bad = [src for src, text, _ in messages(fresh)
           if sorted(FIELD.findall(src)) != sorted(FIELD.findall(text))
           or sorted(TAG.findall(src)) != sorted(TAG.findall(text))]
    assert bad == [], bad[:10]
    # the compiled catalogue the window loads is the one built from this .ts
    qm = catalogue.release("ko", shipped, tmp_path / "ko.qm")
    assert qm.read_bytes() == i18n.catalogue_path("ko").read_bytes(), "run `python main.py translations`"


def test_english_left_finds_words_but_not_names_units_or_glosses():
    assert i18n.english_left("잠재 공간 (latent space)의 점 3개") == []
    assert i18n.english_left("vae, mnist5k: 12 ms, <b>KL</b> = 0.3 nats") == []
    assert i18n.english_left("Train a run") == ["Train", "run"]
    assert i18n.english_left("학습 (step 3)") == []          # a gloss after Korean
    assert i18n.english_left("(step 3) 학습") == ["step"]    # not a gloss
    assert i18n.english_left("my-run-7 실행", names={"my-run-7"}) == []


def test_the_language_is_remembered_and_the_system_locale_picks_the_default(tmp_path, monkeypatch):
    settings = QtCore.QSettings(str(tmp_path / "s.ini"), QtCore.QSettings.IniFormat)
    monkeypatch.setattr(i18n, "system_language", lambda: "ko")
    assert i18n.initial_language(settings) == "ko"
    monkeypatch.setattr(i18n, "system_language", lambda: "en")
    assert i18n.initial_language(settings) == "en"
    settings.setValue(i18n.SETTINGS_KEY, "ko")
    assert i18n.initial_language(settings) == "ko"
    settings.setValue(i18n.SETTINGS_KEY, "tlh")              # hand-edited: not a language we have
    assert i18n.initial_language(settings) == "en"


@pytest.fixture(scope="module")
def runs(tmp_path_factory):
    root = tmp_path_factory.mktemp("runs")
    return {
        "root": root,
        "vae": train(root / "vae", "--model", "vae", "--dataset", "digits", "--epochs", "2", "--hidden", "32",
                     "--latent-dim", "4"),
        "vq": train(root / "vq", "--model", "vqvae", "--dataset", "mnist5k", "--codebook-size", "16",
                    "--epochs", "1", "--code-dim", "8"),
        "gan": train(root / "gan", "--model", "gan", "--dataset", "ring8", "--steps", "60", "--hidden", "32,32",
                     "--maxout", "0"),
    }


@pytest.fixture
def window(qtbot, tmp_path, runs):
    win = open_window(qtbot, tmp_path, runs["root"], runs["vae"])
    yield win
    win.close()


def settle(qtbot, win):
    from explorer.qt.jobs import Jobs
    qtbot.waitUntil(lambda: not any(j.busy() for j in win.findChildren(Jobs)), timeout=60_000)
    qtbot.wait(50)


def visit_everything(qtbot, win):
    """Each central view and dock brought to the front, every concept card opened."""
    from explorer.qt.concept_card import ConceptCard

    for i in range(win.views.count()):
        win.views.setCurrentIndex(i)
        settle(qtbot, win)
    for dock in win.docks.values():
        dock.raise_()
        settle(qtbot, win)
    for card in win.findChildren(ConceptCard):
        if not card.is_open:
            card.button.click()
    settle(qtbot, win)


def window_texts(win, extra=()):
    """(widget class, text) of everything the window shows: its widgets and menus (hidden
    tabs included), the status line, and `extra` widgets (a dialog)."""
    widgets = [win, *win.findChildren(QtWidgets.QWidget)]
    for w in extra:
        widgets += [w, *w.findChildren(QtWidgets.QWidget)]
    out = [(type(w).__name__, t) for w, t in i18n.texts(widgets)]
    if win.statusBar().currentMessage():
        out.append(("QStatusBar", win.statusBar().currentMessage()))
    return out


def english(texts, names):
    # FONT_HINT is English on purpose: it is shown where no Korean font can draw Korean
    return sorted({f"{cls}: {t!r} -> {i18n.english_left(t, names)}" for cls, t in texts
                   if t != i18n.FONT_HINT and i18n.english_left(t, names)})


def test_in_korean_no_text_of_the_window_is_left_in_english(qtbot, window, runs):
    from explorer.qt.panels.new_run_dialog import NewRunDialog

    win = window
    win.language_actions["ko"].trigger()
    assert i18n.language() == "ko" and win.settings.value(i18n.SETTINGS_KEY) == "ko"
    names = {p.name for p in runs["root"].iterdir()} | {Path(p).name for p in win.known_runs()}
    left = []
    for run in ("vae", "vq", "gan"):
        assert win.open_run(str(runs[run]))
        settle(qtbot, win)
        visit_everything(qtbot, win)
        left += english(window_texts(win), names)
    # the New Run dialog, with each model's own settings shown in turn
    win.new_run()
    dlg = win.findChild(NewRunDialog)
    for i in range(dlg.model.count()):
        dlg.model.setCurrentIndex(i)
        qtbot.wait(20)
        left += english(window_texts(win, [dlg]), names | {dlg.model.itemData(i)})
    dlg.reject()
    assert not left, "left in English:\n" + "\n".join(sorted(set(left)))


def test_switching_language_retranslates_the_open_window_and_back(qtbot, window, runs):
    win = window
    visit_everything(qtbot, win)
    before = window_texts(win)
    assert ("QMenu", "&File") in before
    win.language_actions["ko"].trigger()
    korean = window_texts(win)
    assert ("QMenu", "파일(&F)") in korean and ("QMenu", "&File") not in korean
    assert win.views.tabText(1) == i18n.tr("Latent map") != "Latent map"
    win.language_actions["en"].trigger()
    assert i18n.language() == "en" and win.settings.value(i18n.SETTINGS_KEY) == "en"
    after = window_texts(win)
    if not i18n.has_font_for("ko"):   # the status bar said FONT_HINT (in English, on purpose) instead of "Ready"
        before = [(cls, t) for cls, t in before if cls != "QStatusBar"]
        after = [(cls, t) for cls, t in after if cls != "QStatusBar" and t != i18n.FONT_HINT]
    assert sorted(set(after) - set(before)) == [] and sorted(set(before) - set(after)) == []
