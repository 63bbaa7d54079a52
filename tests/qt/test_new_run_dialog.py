"""The New Run dialog: remembered choices, the output folder and its safety rules, the estimate."""
import os
from pathlib import Path

import pytest
from PySide6 import QtCore, QtWidgets


@pytest.fixture
def settings(tmp_path):
    return QtCore.QSettings(str(tmp_path / "settings.ini"), QtCore.QSettings.IniFormat)


@pytest.fixture
def make(qtbot, tmp_path, settings):
    from explorer.qt.panels.new_run_dialog import NewRunDialog

    def make(**kw):
        dlg = NewRunDialog(tmp_path / "runs", ["cpu"], settings=settings, **kw)
        qtbot.addWidget(dlg)
        return dlg
    return make


def _train(dlg):
    ok = dlg.findChild(QtWidgets.QDialogButtonBox).button(QtWidgets.QDialogButtonBox.Ok)
    ok.click()


def test_the_last_choices_are_offered_again(make, tmp_path):
    first = make()
    first.model.setCurrentIndex(first.model.findData("gan"))
    first.dataset.setCurrentIndex(first.dataset.findData("ring8"))
    first.length.setValue(500)
    first.batch_size.setValue(64)
    first.pack.setValue(3)
    first.lr.setText("0.0005")
    first.device.setCurrentIndex(first.device.findData("cpu"))
    first.out_dir.setText(str(tmp_path / "runs" / "mine"))
    _train(first)
    assert first.result() == QtWidgets.QDialog.Accepted, first.error.text()

    second = make()
    assert second.model_name == "gan" and second.dataset_name == "ring8"
    assert second.unit.currentText() == "steps" and second.length.value() == 500
    assert second.batch_size.value() == 64 and second.pack.value() == 3 and second.lr.text() == "0.0005"
    assert second.device.currentData() == "cpu"
    assert second.groups["gan"].isVisibleTo(second) and not second.groups["vae"].isVisibleTo(second)
    # another model starts from its own defaults
    second.model.setCurrentIndex(second.model.findData("vae"))
    assert second.lr.text() == "0.001"
    # a cancelled dialog changes nothing that is remembered
    second.reject()
    assert make().model_name == "gan"


def test_the_output_folder_is_the_specs_run_dir(make, tmp_path):
    dlg = make()
    default = Path(dlg.out_dir.text())
    assert default.parent == tmp_path / "runs" and default.name.startswith(dlg.model_name)
    assert dlg.spec().run_dir == str(default)
    elsewhere = tmp_path / "elsewhere" / "my-run"
    dlg.out_dir.setText(str(elsewhere))
    assert dlg.spec().run_dir == str(elsewhere)
    dlg.out_dir.setText("bare-name")   # a bare name is made under the runs folder
    assert dlg.spec().run_dir == str(tmp_path / "runs" / "bare-name")
    # the model changing no longer renames a folder the user typed
    dlg.model.setCurrentIndex(dlg.model.findData("ae"))
    assert dlg.out_dir.text() == "bare-name"
    _train(dlg)
    assert dlg.result() == QtWidgets.QDialog.Accepted


def test_the_next_run_is_proposed_where_the_last_was_made(make, tmp_path):
    first = make()
    projects = tmp_path / "projects"
    projects.mkdir()
    first.out_dir.setText(str(projects / "mine"))
    _train(first)
    assert first.result() == QtWidgets.QDialog.Accepted, first.error.text()
    second = make()
    proposed = Path(second.out_dir.text())
    assert proposed.parent == projects and not proposed.exists()
    # a remembered folder that is gone: back to the runs folder
    projects.rmdir()
    assert Path(make().out_dir.text()).parent == tmp_path / "runs"


def test_browse_uses_an_empty_folder_and_makes_a_run_folder_in_any_other(qtbot, make, tmp_path):
    dlg = make()
    dlg.browse.click()   # a non-native chooser, opened without blocking
    chooser = dlg.findChild(QtWidgets.QFileDialog)
    qtbot.waitUntil(chooser.isVisible)
    assert chooser.testOption(QtWidgets.QFileDialog.DontUseNativeDialog)
    chooser.reject()
    empty = tmp_path / "empty"
    empty.mkdir()
    dlg._folder_chosen(str(empty))
    assert dlg.spec().run_dir == str(empty) and dlg.error.text() == ""
    parent = tmp_path / "parent"
    (parent / "empty").mkdir(parents=True)
    dlg._folder_chosen(str(parent))
    chosen = Path(dlg.spec().run_dir)
    assert chosen.parent == parent and not chosen.exists()


def test_a_folder_the_program_did_not_write_is_refused_and_left_alone(make, tmp_path):
    foreign = tmp_path / "photos"
    foreign.mkdir()
    (foreign / "holiday.txt").write_text("keep me")
    (foreign / "config.json").write_text("{}")
    before = sorted(os.listdir(foreign))
    dlg = make()
    dlg.out_dir.setText(str(foreign))
    _train(dlg)
    assert dlg.result() != QtWidgets.QDialog.Accepted and not dlg.isVisible()
    line = dlg.error.text()
    assert str(foreign) in line and "not empty" in line and "\n" not in line and "--out" not in line
    assert sorted(os.listdir(foreign)) == before and (foreign / "holiday.txt").read_text() == "keep me"
    # the home directory, and a file, are refused too
    dlg.out_dir.setText(str(Path.home()))
    _train(dlg)
    assert dlg.result() != QtWidgets.QDialog.Accepted and "home directory" in dlg.error.text()
    dlg.out_dir.setText(str(foreign / "holiday.txt"))
    _train(dlg)
    assert dlg.result() != QtWidgets.QDialog.Accepted and "is a file" in dlg.error.text()
    # an empty output folder field
    dlg.out_dir.setText("  ")
    _train(dlg)
    assert dlg.result() != QtWidgets.QDialog.Accepted and dlg.error.text()


def test_an_existing_run_is_refused(make, tmp_path):
    from explorer.core import runs

    run = tmp_path / "runs" / "old"
    run.mkdir(parents=True)
    runs.write_manifest(run, {})
    assert runs.is_run_dir(run)
    dlg = make()
    dlg.out_dir.setText(str(run))
    _train(dlg)
    assert dlg.result() != QtWidgets.QDialog.Accepted and "already holds a run" in dlg.error.text()


def _is_estimate(text: str) -> bool:
    return text.startswith(("about ", "under ")) and text.endswith("on this machine (cpu)")


def test_the_estimate_is_computed_in_the_background_and_follows_the_settings(qtbot, make):
    from explorer.core.training import estimate

    estimate.clear_cache()
    dlg = make()
    dlg.model.setCurrentIndex(dlg.model.findData("ae"))
    dlg.dataset.setCurrentIndex(dlg.dataset.findData("digits"))
    dlg.device.setCurrentIndex(dlg.device.findData("cpu"))
    dlg.show()
    qtbot.waitUntil(lambda: dlg.estimate.text() == "estimating…", timeout=5_000)
    qtbot.waitUntil(lambda: _is_estimate(dlg.estimate.text()), timeout=120_000)
    # only the length changes: answered at once from the same calibration
    short = dlg.estimate.text()
    dlg.unit.setCurrentText("steps")
    dlg.length.setValue(1_000_000)
    qtbot.waitUntil(lambda: dlg.estimate.text() != short, timeout=5_000)
    assert _is_estimate(dlg.estimate.text())   # never "estimating…" in between
    assert "min" in dlg.estimate.text() or " h" in dlg.estimate.text() or "days" in dlg.estimate.text()
    # another batch size is timed again
    dlg.batch_size.setValue(32)
    qtbot.waitUntil(lambda: dlg.estimate.text() == "estimating…", timeout=5_000)
    qtbot.waitUntil(lambda: _is_estimate(dlg.estimate.text()), timeout=120_000)
    dlg.reject()


def test_settings_that_cannot_run_say_so_in_the_estimate(qtbot, make, tmp_path):
    dlg = make()
    dlg.dataset.setCurrentIndex(dlg.dataset.findData("fashion-mnist"))
    qtbot.waitUntil(lambda: dlg.estimate.text().startswith("no estimate"), timeout=60_000)
    assert "\n" not in dlg.estimate.text()
    dlg.reject()
