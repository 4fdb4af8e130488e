"""First start: the window opens on the seeded default project and asks the name once."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QSettings, Qt
from PySide6.QtWidgets import QDialogButtonBox, QLineEdit

from annotator.config import default_project_dir, remembered_annotator
from annotator.ui.app import GuiSession


def test_name_is_asked_over_the_seeded_window_and_remembered(qtbot, tmp_path: Path) -> None:  # noqa: ANN001
    session = GuiSession(default_project_dir(), QSettings(str(tmp_path / "s.ini"),
                                                          QSettings.Format.IniFormat))
    window = session.open("osuser")
    assert window is not None
    qtbot.addWidget(window)
    assert window.article_model.rowCount() == 5
    dialog = session.ask_name()
    qtbot.waitExposed(dialog)
    editor = dialog.findChild(QLineEdit)
    editor.selectAll()
    qtbot.keyClicks(editor, "budi")
    ok = dialog.findChild(QDialogButtonBox).button(QDialogButtonBox.StandardButton.Ok)
    qtbot.mouseClick(ok, Qt.MouseButton.LeftButton)
    assert remembered_annotator() == "budi"
    assert session.window is not None and session.window is not window
    qtbot.addWidget(session.window)
    assert session.window.project.annotator == "budi"
    assert session.window.article_model.rowCount() == 5  # same project, seeded once
    qtbot.waitUntil(lambda: not session.window.suggestions.running, timeout=60000)
    session.close()


def test_annotator_flag_is_for_one_run_only(qtbot, tmp_path: Path) -> None:  # noqa: ANN001
    """`annotator --annotator budi` opens as budi; the remembered name stays ayu."""
    from annotator.config import remember_annotator
    from annotator.ui.app import start_session

    remember_annotator("ayu")
    session = start_session(tmp_path / "p", "budi")
    assert session is not None and session.window is not None
    qtbot.addWidget(session.window)
    assert session.window.project.annotator == "budi"
    assert session.name_dialog is None  # no name is asked when the flag gives one
    assert remembered_annotator() == "ayu"
    qtbot.waitUntil(lambda: not session.window.suggestions.running, timeout=60000)
    session.close()
    again = start_session(tmp_path / "p", None)  # a later launch without the flag
    assert again is not None and again.window is not None
    qtbot.addWidget(again.window)
    assert again.window.project.annotator == "ayu"
    qtbot.waitUntil(lambda: not again.window.suggestions.running, timeout=60000)
    again.close()
