"""Fixtures that open the real main window on a seeded project."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QSettings

from annotator.io.seeding import ensure_seeded
from annotator.store.session import open_project
from annotator.ui.main_window import MainWindow
from tests.conftest import SEEDS


class Opener:
    """Opens windows on projects and closes them (and their stores) after the test."""

    def __init__(self, qtbot, tmp_path: Path) -> None:  # noqa: ANN001
        self.qtbot = qtbot
        self.tmp_path = tmp_path
        self.settings_path = tmp_path / "qsettings.ini"
        self.windows: list[MainWindow] = []

    def settings(self) -> QSettings:
        return QSettings(str(self.settings_path), QSettings.Format.IniFormat)

    def open(
        self, root: Path | None = None, annotator: str = "ayu", seeds: Path | None = SEEDS,
        suggest: bool = True,
    ) -> MainWindow:
        root = root or self.tmp_path / "project"
        project, store = open_project(root, annotator)
        if seeds is not None:
            ensure_seeded(project, store, seeds)
        window = MainWindow(project, store, self.settings(), suggest=suggest)
        self.qtbot.addWidget(window)
        window.show()
        self.qtbot.waitExposed(window)
        self.windows.append(window)
        if suggest:
            self.wait_suggestions(window)
        return window

    def wait_suggestions(self, window: MainWindow) -> None:
        if window.project.settings.suggest_builtin:  # started just after the first paint
            self.qtbot.waitUntil(lambda: window.suggestions.task is not None, timeout=5000)
        self.qtbot.waitUntil(lambda: not window.suggestions.running, timeout=60000)
        self.qtbot.wait(50)  # let queued results arrive

    def close(self, window: MainWindow) -> None:
        window.close()
        window.store.close()
        self.windows.remove(window)

    def close_all(self) -> None:
        for window in list(self.windows):
            self.close(window)


@pytest.fixture()
def opener(qtbot, tmp_path: Path) -> Iterator[Opener]:  # noqa: ANN001
    helper = Opener(qtbot, tmp_path)
    yield helper
    helper.close_all()


@pytest.fixture()
def window(opener: Opener) -> MainWindow:
    return opener.open()
