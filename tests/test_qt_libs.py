"""The check of Qt's system libraries that `make run` and the window command run first."""

from __future__ import annotations

import pytest

from annotator import qt_libs
from annotator.cli import main

LDD = """\
\tlinux-vdso.so.1 (0x00007ffd)
\tlibxcb-icccm.so.4 => not found
\tlibxcb-keysyms.so.1 => not found
\tlibxcb.so.1 => /lib/x86_64-linux-gnu/libxcb.so.1 (0x00007f)
\tlibxcb-icccm.so.4 => not found
"""


def test_ldd_output_names_each_missing_library_once() -> None:
    assert qt_libs.missing_in_ldd(LDD) == ["libxcb-icccm.so.4", "libxcb-keysyms.so.1"]


def test_hint_gives_one_install_command_with_debian_package_names() -> None:
    hint = qt_libs.install_hint(["libxcb-icccm.so.4", "libxcb-keysyms.so.1", "libxcb-cursor.so.0"])
    assert "sudo apt-get install -y libxcb-cursor0 libxcb-icccm4 libxcb-keysyms1" in hint
    assert "libxcb-icccm.so.4" in hint


def test_window_command_stops_with_the_hint_instead_of_a_qt_abort(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("QT_QPA_PLATFORM", "xcb")
    monkeypatch.setattr(qt_libs, "missing_libraries", lambda: ["libxcb-keysyms.so.1"])
    assert main([]) == 2
    assert "sudo apt-get install -y libxcb-keysyms1" in capsys.readouterr().err


def test_offscreen_and_other_platforms_need_no_xcb_libraries(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("QT_QPA_PLATFORM", "offscreen")
    monkeypatch.setattr(qt_libs, "missing_libraries", lambda: ["libxcb-keysyms.so.1"])
    assert qt_libs.check() is None


def test_the_real_check_reads_this_machines_libraries(monkeypatch: pytest.MonkeyPatch) -> None:
    """Runs ldd on the installed PySide6: whatever it finds missing is a known .so name."""
    monkeypatch.setenv("QT_QPA_PLATFORM", "xcb")
    assert qt_libs.qt_binaries(), "PySide6's binaries were not found"
    for lib in qt_libs.missing_libraries():
        assert lib.startswith("lib") and ".so" in lib


def test_install_is_only_tried_as_root_and_then_checks_again(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("QT_QPA_PLATFORM", "xcb")
    missing = [["libxcb-keysyms.so.1"], []]
    monkeypatch.setattr(qt_libs, "missing_libraries", lambda: missing.pop(0))
    installed: list[list[str]] = []
    monkeypatch.setattr(qt_libs, "can_install", lambda: True)
    monkeypatch.setattr(qt_libs, "install", lambda pkgs: installed.append(pkgs) or True)
    assert qt_libs.main(["--install"]) == 0
    assert installed == [["libxcb-keysyms1"]]

    monkeypatch.setattr(qt_libs, "missing_libraries", lambda: ["libxcb-keysyms.so.1"])
    monkeypatch.setattr(qt_libs, "can_install", lambda: False)  # not root: only the hint
    assert qt_libs.main(["--install"]) == 1
    assert "sudo apt-get install -y libxcb-keysyms1" in capsys.readouterr().err
