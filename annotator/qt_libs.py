"""Check, before Qt starts, that the system libraries Qt's xcb platform plugin needs exist.

Without them Qt aborts the process with a message naming only one of them; here every missing
library is found at once (with `ldd`) and the one install command is printed.
Run as `python -m annotator.qt_libs [--install]` (the Makefile's `run` does, with --install:
as root on a Debian-like system it installs them with apt-get); no Qt is imported.
"""

from __future__ import annotations

import ctypes.util
import importlib.util
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

# shared object -> Debian/Ubuntu package that provides it
DEBIAN_PACKAGES: dict[str, str] = {
    "libxcb-cursor.so.0": "libxcb-cursor0",
    "libxcb-icccm.so.4": "libxcb-icccm4",
    "libxcb-keysyms.so.1": "libxcb-keysyms1",
    "libxcb-image.so.0": "libxcb-image0",
    "libxcb-randr.so.0": "libxcb-randr0",
    "libxcb-render-util.so.0": "libxcb-render-util0",
    "libxcb-shape.so.0": "libxcb-shape0",
    "libxcb-xinerama.so.0": "libxcb-xinerama0",
    "libxcb-xkb.so.1": "libxcb-xkb1",
    "libxcb-util.so.1": "libxcb-util1",
    "libxkbcommon-x11.so.0": "libxkbcommon-x11-0",
    "libxkbcommon.so.0": "libxkbcommon0",
    "libX11-xcb.so.1": "libx11-xcb1",
    "libEGL.so.1": "libegl1",
    "libGL.so.1": "libgl1",
    "libOpenGL.so.0": "libopengl0",
    "libfontconfig.so.1": "libfontconfig1",
    "libfreetype.so.6": "libfreetype6",
    "libdbus-1.so.3": "libdbus-1-3",
    "libglib-2.0.so.0": "libglib2.0-0",
}
DLOPENED = ("xcb-cursor",)  # loaded by the plugin at start, so ldd does not list it
NOT_FOUND = re.compile(r"^\s*(\S+)\s*=>\s*not found", re.MULTILINE)


def missing_in_ldd(output: str) -> list[str]:
    """The libraries `ldd` reports as not found, in order, without repeats."""
    return list(dict.fromkeys(NOT_FOUND.findall(output)))


def qt_binaries() -> list[Path]:
    """PySide6's widgets module, the xcb plugin and its platform library (those present)."""
    spec = importlib.util.find_spec("PySide6")
    if spec is None or not spec.submodule_search_locations:
        return []
    root = Path(next(iter(spec.submodule_search_locations)))
    found = sorted(root.glob("QtWidgets*.so"))
    found += [root / "Qt/plugins/platforms/libqxcb.so"]
    found += sorted((root / "Qt/lib").glob("libQt6XcbQpa.so*"))[:1]
    return [p for p in found if p.is_file()]


def missing_libraries() -> list[str]:
    """Every shared library Qt's xcb plugin needs that the system does not have."""
    ldd = shutil.which("ldd")
    missing: list[str] = []
    for binary in qt_binaries() if ldd else []:
        result = subprocess.run([ldd, str(binary)], capture_output=True, text=True, check=False)
        missing += missing_in_ldd(result.stdout)
    for name in DLOPENED:
        if ctypes.util.find_library(name) is None:
            missing.append(f"lib{name}.so.0")
    return list(dict.fromkeys(missing))


def install_hint(missing: list[str]) -> str:
    """A message naming the missing libraries and the one command that installs them."""
    packages = packages_for(missing)
    unknown = [lib for lib in missing if lib not in DEBIAN_PACKAGES]
    lines = [
        "The window cannot start: Qt's xcb platform plugin needs system libraries "
        f"that are missing: {', '.join(missing)}.",
        "On Debian or Ubuntu install them with:",
        f"  sudo apt-get install -y {' '.join(packages)}",
    ]
    if unknown:
        lines.append(f"(the package names of {', '.join(unknown)} are a guess; "
                     "`apt-file search NAME` tells)")
    return "\n".join(lines)


def needs_check() -> bool:
    """Only Linux with the xcb plugin (the default) needs these libraries."""
    platform = os.environ.get("QT_QPA_PLATFORM", "").split(":")[0]
    return sys.platform.startswith("linux") and platform in ("", "xcb")


def check() -> str | None:
    """None when the window can start, else the message to print."""
    if not needs_check():
        return None
    missing = missing_libraries()
    return install_hint(missing) if missing else None


def packages_for(missing: list[str]) -> list[str]:
    return sorted({DEBIAN_PACKAGES.get(lib, lib) for lib in missing})


def can_install() -> bool:
    """Root on a Debian-like system: `make run` may install the packages itself."""
    return hasattr(os, "geteuid") and os.geteuid() == 0 and shutil.which("apt-get") is not None


def install(packages: list[str]) -> bool:
    """apt-get install the packages (after an update); True when apt-get succeeded."""
    print(f"Installing what Qt's window needs: {' '.join(packages)}", file=sys.stderr)
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    subprocess.run(["apt-get", "update", "-qq"], check=False, env=env)
    done = subprocess.run(["apt-get", "install", "-y", "-qq", *packages], check=False, env=env)
    return done.returncode == 0


def main(argv: list[str] | None = None) -> int:
    """Exit 0 when the window can start; with --install, root installs what is missing."""
    args = sys.argv[1:] if argv is None else argv
    if not needs_check():
        return 0
    missing = missing_libraries()
    if missing and "--install" in args and can_install():
        known = [lib for lib in missing if lib in DEBIAN_PACKAGES]
        if known and install(packages_for(known)):
            missing = missing_libraries()
    if missing:
        print(install_hint(missing), file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
