"""The system libraries Qt's X11 (xcb) window needs, checked before Qt is started (Qt-free).

When one is missing, Qt aborts with its own message, which names libxcb-cursor0 whatever
is really missing (seen on a fresh Debian: it named xcb-cursor0, installed, while
libxcb-icccm4 and libxcb-keysyms1 were the missing ones). This check tries to load each
library the xcb platform plugin links against and names the Debian/Ubuntu packages that
hold the ones the dynamic linker cannot find:

    Qt cannot open a window: missing system libraries libxcb-icccm4 libxcb-keysyms1.
    Install them with: sudo apt-get install -y libxcb-icccm4 libxcb-keysyms1

QT_LIBRARIES is what `readelf -d` lists as NEEDED (not bundled in the PySide6 wheel) for
PySide6/Qt/plugins/platforms/libqxcb.so, Qt/lib/libQt6XcbQpa.so.6 and the Qt libraries
the window loads (Core, Gui, Widgets, DBus, OpenGL); the C and C++ runtimes are left out.
README.md lists the same packages.
"""
from __future__ import annotations

import ctypes
import os
import re
import sys

# soname -> the Debian/Ubuntu package that ships it
QT_LIBRARIES = {
    "libxcb-cursor.so.0": "libxcb-cursor0",
    "libxcb-icccm.so.4": "libxcb-icccm4",
    "libxcb-keysyms.so.1": "libxcb-keysyms1",
    "libxcb-image.so.0": "libxcb-image0",
    "libxcb-util.so.1": "libxcb-util1",
    "libxcb-randr.so.0": "libxcb-randr0",
    "libxcb-render-util.so.0": "libxcb-render-util0",
    "libxcb-render.so.0": "libxcb-render0",
    "libxcb-shape.so.0": "libxcb-shape0",
    "libxcb-shm.so.0": "libxcb-shm0",
    "libxcb-sync.so.1": "libxcb-sync1",
    "libxcb-xfixes.so.0": "libxcb-xfixes0",
    "libxcb-xkb.so.1": "libxcb-xkb1",
    "libxcb.so.1": "libxcb1",
    "libX11-xcb.so.1": "libx11-xcb1",
    "libX11.so.6": "libx11-6",
    "libxkbcommon.so.0": "libxkbcommon0",
    "libxkbcommon-x11.so.0": "libxkbcommon-x11-0",
    "libEGL.so.1": "libegl1",
    "libGL.so.1": "libgl1",
    "libfontconfig.so.1": "libfontconfig1",
    "libfreetype.so.6": "libfreetype6",
    "libglib-2.0.so.0": "libglib2.0-0",
    "libgthread-2.0.so.0": "libglib2.0-0",
    "libdbus-1.so.3": "libdbus-1-3",
}

_NAMED = re.compile(r"^\s*(\S+?\.so(?:\.\d+)*)\s*:")


def qt_platform(environ=None, platform: str | None = None) -> str | None:
    """The platform plugin Qt will use for a window: "xcb", "wayland", another plugin
    named by QT_QPA_PLATFORM ("offscreen", ...), or None off Linux (macOS, Windows)."""
    env = os.environ if environ is None else environ
    platform = sys.platform if platform is None else platform
    if not platform.startswith("linux"):
        return None
    wayland = bool(env.get("WAYLAND_DISPLAY"))
    asked = env.get("QT_QPA_PLATFORM", "").strip()
    if asked:
        # "wayland;xcb": the first that can start; a name may carry ":options"
        names = [n.split(":")[0].strip() for n in asked.split(";") if n.strip()]
        for name in names:
            if name.startswith("wayland"):
                if wayland:
                    return "wayland"
                continue
            if name == "xcb" and not env.get("DISPLAY") and name != names[-1]:
                continue
            return name
        return names[-1] if names else "xcb"
    # Qt 6 on its own: Wayland in a Wayland session, else X11
    if wayland and env.get("XDG_SESSION_TYPE", "").lower() == "wayland":
        return "wayland"
    return "xcb"


def _load(soname: str) -> None:
    ctypes.CDLL(soname)


def missing_libraries(loader=_load, libraries: dict | None = None) -> list[str]:
    """The sonames the dynamic linker cannot load. A library found but failing for want of
    another names that other one in its error; only that one is counted as missing."""
    libraries = QT_LIBRARIES if libraries is None else libraries
    missing: list[str] = []
    for soname in libraries:
        try:
            loader(soname)
        except OSError as e:
            m = _NAMED.match(str(e))
            named = m.group(1) if m else soname
            if named != soname and os.path.basename(named) != soname:
                # present, but one of its own dependencies is not: name that one
                named = os.path.basename(named)
                if named not in missing:
                    missing.append(named)
                continue
            if soname not in missing:
                missing.append(soname)
    return missing


def packages_for(sonames, libraries: dict | None = None) -> list[str]:
    """The Debian/Ubuntu packages for sonames, once each, in the map's order (an unknown
    soname stands for itself)."""
    libraries = QT_LIBRARIES if libraries is None else libraries
    out: list[str] = []
    for s in sorted(set(sonames), key=lambda s: list(libraries).index(s) if s in libraries else len(libraries)):
        pkg = libraries.get(s, s)
        if pkg not in out:
            out.append(pkg)
    return out


def missing_qt_packages(loader=_load, environ=None, platform: str | None = None) -> list[str]:
    """The packages to install before Qt can open an X11 window here; [] when none are
    missing or the window will not use xcb (offscreen, Wayland, macOS, Windows)."""
    if qt_platform(environ, platform) != "xcb":
        return []
    return packages_for(missing_libraries(loader))


def message(packages: list[str]) -> str:
    names = " ".join(packages)
    return (f"Qt cannot open a window: missing system {'libraries' if len(packages) > 1 else 'library'} "
            f"{names}. Install {'them' if len(packages) > 1 else 'it'} with: sudo apt-get install -y {names}")


def check_qt_libraries(loader=_load, environ=None, platform: str | None = None) -> str | None:
    """The one line to print instead of starting Qt, or None when Qt can start."""
    packages = missing_qt_packages(loader, environ, platform)
    return message(packages) if packages else None
