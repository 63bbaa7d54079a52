"""Qt's system libraries checked before Qt starts: the missing ones named by their packages."""
import subprocess
import sys
from pathlib import Path

import pytest

from explorer.core import system_libs as S

ROOT = Path(__file__).resolve().parents[2]
X11 = {"DISPLAY": ":0"}


def fake_loader(missing=(), needs=None):
    """A loader that fails for `missing` sonames, and for a library whose dependency (in
    `needs`) is missing, with the dynamic linker's message naming that dependency."""
    needs = needs or {}

    def load(soname):
        if soname in missing:
            raise OSError(f"{soname}: cannot open shared object file: No such file or directory")
        dep = needs.get(soname)
        if dep in missing:
            raise OSError(f"{dep}: cannot open shared object file: No such file or directory")
    return load


def test_the_missing_libraries_are_named_by_their_packages_and_only_those():
    loader = fake_loader({"libxcb-icccm.so.4", "libxcb-keysyms.so.1"})
    assert S.missing_qt_packages(loader, X11, "linux") == ["libxcb-icccm4", "libxcb-keysyms1"]
    line = S.check_qt_libraries(loader, X11, "linux")
    assert line == ("Qt cannot open a window: missing system libraries libxcb-icccm4 libxcb-keysyms1. "
                    "Install them with: sudo apt-get install -y libxcb-icccm4 libxcb-keysyms1")
    assert "xcb-cursor" not in line and "\n" not in line


def test_nothing_missing_is_no_message():
    assert S.check_qt_libraries(fake_loader(), X11, "linux") is None


def test_one_missing_library_and_a_package_shared_by_two():
    one = S.check_qt_libraries(fake_loader({"libEGL.so.1"}), X11, "linux")
    assert one == ("Qt cannot open a window: missing system library libegl1. "
                   "Install it with: sudo apt-get install -y libegl1")
    glib = fake_loader({"libglib-2.0.so.0", "libgthread-2.0.so.0"})
    assert S.missing_qt_packages(glib, X11, "linux") == ["libglib2.0-0"]


def test_a_library_present_but_missing_a_dependency_names_the_dependency():
    # libxkbcommon-x11 is installed, but it cannot load without libxcb-xkb
    loader = fake_loader({"libxcb-xkb.so.1"}, needs={"libxkbcommon-x11.so.0": "libxcb-xkb.so.1"})
    assert S.missing_qt_packages(loader, X11, "linux") == ["libxcb-xkb1"]


def test_every_package_is_listed_in_the_readme():
    readme = (ROOT / "README.md").read_text()
    line = next(l for l in readme.splitlines() if l.startswith("sudo apt-get install -y libxcb"))
    listed = line.split("sudo apt-get install -y", 1)[1].split()
    assert sorted(set(listed)) == sorted(set(S.QT_LIBRARIES.values()))
    for required in ("libxcb-cursor0", "libxcb-icccm4", "libxcb-keysyms1", "libxkbcommon-x11-0", "libegl1", "libgl1"):
        assert required in listed


@pytest.mark.parametrize("env, platform, expected", [
    ({"QT_QPA_PLATFORM": "offscreen", "DISPLAY": ":0"}, "linux", "offscreen"),
    ({"QT_QPA_PLATFORM": "minimal"}, "linux", "minimal"),
    ({"QT_QPA_PLATFORM": "xcb", "DISPLAY": ":0"}, "linux", "xcb"),
    ({"DISPLAY": ":0"}, "linux", "xcb"),
    ({"WAYLAND_DISPLAY": "wayland-0", "XDG_SESSION_TYPE": "wayland", "DISPLAY": ":0"}, "linux", "wayland"),
    ({"QT_QPA_PLATFORM": "wayland;xcb", "WAYLAND_DISPLAY": "wayland-0"}, "linux", "wayland"),
    ({"QT_QPA_PLATFORM": "wayland;xcb", "DISPLAY": ":0"}, "linux", "xcb"),
    ({"QT_QPA_PLATFORM": "xcb:nograb", "DISPLAY": ":0"}, "linux", "xcb"),
    ({"DISPLAY": ":0"}, "darwin", None),
    ({}, "win32", None),
])
def test_the_platform_qt_will_use(env, platform, expected):
    assert S.qt_platform(env, platform) == expected


def test_the_check_is_skipped_unless_the_window_uses_xcb():
    everything_missing = fake_loader(set(S.QT_LIBRARIES))
    assert S.check_qt_libraries(everything_missing, {"QT_QPA_PLATFORM": "offscreen", "DISPLAY": ":0"}, "linux") is None
    assert S.check_qt_libraries(everything_missing, {"WAYLAND_DISPLAY": "w", "XDG_SESSION_TYPE": "wayland"},
                                "linux") is None
    assert S.check_qt_libraries(everything_missing, {"DISPLAY": ":0"}, "darwin") is None
    assert S.check_qt_libraries(everything_missing, X11, "linux") is not None


def test_the_real_loader_finds_the_c_library_and_not_a_made_up_one():
    assert S.missing_libraries(libraries={"libc.so.6": "libc6", "libnot-a-library.so.9": "nope"}) == \
        ["libnot-a-library.so.9"]


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="xcb is Linux's")
def test_the_window_command_prints_the_line_and_exits_1_before_qt(monkeypatch):
    """On this machine, with the window's libraries as they are: either Qt can start (the
    check passes), or `main.py` prints the one line and exits 1, without Qt's own abort."""
    missing = S.missing_qt_packages(environ=X11, platform="linux")
    if not missing:
        pytest.skip("every library Qt's xcb window needs is installed here")
    env = {k: v for k, v in __import__("os").environ.items() if k not in ("QT_QPA_PLATFORM", "WAYLAND_DISPLAY")}
    env["DISPLAY"] = ":99"   # no X server is needed: the check runs before Qt
    r = subprocess.run([sys.executable, "main.py"], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60)
    assert r.returncode == 1
    assert r.stderr.strip() == S.message(missing)
    assert "qt.qpa" not in r.stderr and "Aborted" not in r.stderr
