"""Projects from the File menu: new, open, open recent; reopening returns to the last place."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QSettings, Qt
from PySide6.QtWidgets import QDialogButtonBox, QFileDialog, QLineEdit

from annotator.ui.app import GuiSession, start_session
from annotator.ui.projects import RecentProjects
from tests.conftest import SEEDS
from tests.ui.helpers import key

CTRL = Qt.KeyboardModifier.ControlModifier
SHIFT = Qt.KeyboardModifier.ShiftModifier


def choose_folder(qtbot, dialog: QFileDialog, folder: Path) -> None:  # noqa: ANN001
    """Type the folder into the dialog's name box and press its Choose button."""
    qtbot.waitUntil(dialog.isVisible)
    name = dialog.findChild(QLineEdit, "fileNameEdit")
    name.setText(str(folder))
    box = dialog.findChild(QDialogButtonBox)
    choose = next(b for b in box.buttons()
                  if box.buttonRole(b) == QDialogButtonBox.ButtonRole.AcceptRole)
    qtbot.mouseClick(choose, Qt.MouseButton.LeftButton)


def open_session(qtbot, root: Path, settings: QSettings) -> GuiSession:  # noqa: ANN001
    session = GuiSession(root, settings)
    window = session.open("ayu")
    assert window is not None
    qtbot.waitUntil(window.isActiveWindow)
    qtbot.waitUntil(lambda: not window.suggestions.running, timeout=60000)
    return session


def switched(qtbot, session: GuiSession, old) -> None:  # noqa: ANN001
    """Wait for the session's new window, shown and ready for keys."""
    qtbot.waitUntil(lambda: session.window is not old, timeout=10000)
    qtbot.waitUntil(session.window.isActiveWindow)
    qtbot.waitUntil(lambda: not session.window.suggestions.running, timeout=60000)


def test_new_open_and_recent_projects_from_the_file_menu(qtbot, tmp_path: Path) -> None:  # noqa: ANN001
    settings = QSettings(str(tmp_path / "s.ini"), QSettings.Format.IniFormat)
    first, second = tmp_path / "berita", tmp_path / "kosong"
    session = open_session(qtbot, first, settings)
    window = session.window
    assert window.article_model.rowCount() == 5  # seeded, as the first project is
    assert "berita" in window.windowTitle() and str(first.resolve()) in window.windowTitle()

    second.mkdir()
    key(window, "N", CTRL | SHIFT)  # File › New project…
    choose_folder(qtbot, window.project_menu.dialog, second)
    switched(qtbot, session, window)
    assert session.root == second.resolve() and (second / "project.json").is_file()
    assert session.window.article_model.rowCount() == 0  # a new project starts empty
    assert "kosong" in session.window.windowTitle()

    window = session.window
    key(window, "O", CTRL)  # File › Open project… back to the first one
    choose_folder(qtbot, window.project_menu.dialog, first)
    switched(qtbot, session, window)
    assert session.root == first.resolve() and session.window.article_model.rowCount() == 5

    window = session.window
    recent = window.project_menu.recent_menu
    recent.aboutToShow.emit()
    assert [a.data() for a in recent.actions()] == [str(first.resolve()), str(second.resolve())]
    recent.actions()[1].trigger()  # File › Open recent › kosong
    switched(qtbot, session, window)
    assert session.root == second.resolve()

    window = session.window
    not_a_project = tmp_path / "foto"
    not_a_project.mkdir()
    key(window, "O", CTRL)
    choose_folder(qtbot, window.project_menu.dialog, not_a_project)
    qtbot.waitUntil(lambda: session.message is not None and session.message.isVisible())
    assert "holds no Annotator project" in session.message.text()
    assert session.window is window and session.root == second.resolve()
    session.message.close()
    session.close()


def test_reopening_returns_to_the_last_article_span_and_filter(opener, qtbot) -> None:  # noqa: ANN001
    window = opener.open()
    key(window, "N")
    key(window, "N")
    third = window.article_id
    key(window, "Tab")
    key(window, "Tab")
    span = window.view.current_span
    assert span is not None
    words = window.project.info(third).title.split()[0]
    bar = window.article_panel.filter_bar
    bar.title.setFocus()
    qtbot.keyClicks(bar.title, words)
    shown = bar.proxy.rowCount()
    opener.close(window)

    again = opener.open(seeds=None)
    assert again.article_id == third
    assert again.view.current_span is not None
    assert (again.view.current_span.start, again.view.current_span.end) == (span.start, span.end)
    assert again.article_panel.filter_bar.title.text() == words
    assert again.article_panel.filter_bar.proxy.rowCount() == shown


def test_starting_without_a_project_opens_the_last_one(qtbot, tmp_path: Path) -> None:  # noqa: ANN001
    from annotator.cli import main

    root = tmp_path / "terakhir"
    assert main(["import", str(SEEDS), "--project", str(root), "--annotator", "ayu"]) == 0
    RecentProjects(QSettings()).add(root)
    session = start_session(None, "ayu")
    assert session is not None and session.window is not None
    qtbot.addWidget(session.window)
    assert session.root == root.resolve()
    qtbot.waitUntil(lambda: not session.window.suggestions.running, timeout=60000)
    session.close()
