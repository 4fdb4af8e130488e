"""The window on a damaged project (issue 21): a text changed on disk opens read-only and says
which file; a wrong-shaped project file gives a dialog naming file and field, not a traceback;
a lost index is rebuilt and reported, never re-seeded; a worker's failure reaches the status
bar and the log file, not the console."""

from __future__ import annotations

import logging
from pathlib import Path

from PySide6.QtCore import QSettings, QTimer
from PySide6.QtWidgets import QApplication, QMessageBox

from annotator.config import log_file, setup_logging
from annotator.store.atomic import read_tables, write_json_atomic
from annotator.ui.app import GuiSession
from annotator.ui.tasks import ProcessTask
from tests.ui.failing_job import boom
from tests.ui.helpers import key, select_text


def _seeded(opener, qtbot) -> Path:  # noqa: ANN001
    window = opener.open(suggest=False)
    root = window.store.root
    opener.close(window)
    return root


def test_an_article_whose_text_changed_on_disk_opens_read_only_naming_the_file(
    opener, qtbot,  # noqa: ANN001
) -> None:
    root = _seeded(opener, qtbot)
    chunk = root / "articles" / "chunk-00000.json"
    tables = read_tables(chunk)
    first = tables["texts"]["1"]
    first["text"] = "Diperbarui. " + first["text"]  # someone edited the file by hand
    write_json_atomic(chunk, tables)
    window = opener.open(root, seeds=None, suggest=False)
    qtbot.waitUntil(window.isActiveWindow, timeout=10000)  # it has the keyboard
    assert window.article_id == first["id"]
    assert window.banner.isVisible() and str(chunk) in window.banner.text()
    assert "changed on disk" in window.banner.text()
    word = "Diperbarui"
    select_text(window, 0, len(word))
    key(window, "1")
    assert window.project.annotation_set(first["id"]).spans == []
    said = window.status.currentMessage()
    assert "read-only" in said and str(chunk) in said
    assert not (root / "annotations" / "ayu" / f"{first['id']}.json").exists()
    key(window, "N")  # the next article is editable again
    assert not window.banner.isVisible()


def _dialog_text(qtbot, name: str) -> list[str]:  # noqa: ANN001
    """Close the message box `name` once it shows (it runs its own event loop); its text."""
    seen: list[str] = []
    timer = QTimer()

    def look() -> None:
        for widget in QApplication.topLevelWidgets():
            if isinstance(widget, QMessageBox) and widget.objectName() == name \
                    and widget.isVisible():
                seen.append(widget.text())
                widget.done(0)
                timer.stop()

    timer.timeout.connect(look)
    timer.start(20)
    return seen


def test_a_wrong_shaped_project_file_gives_a_dialog_naming_file_and_field(
    opener, qtbot, tmp_path: Path,  # noqa: ANN001
) -> None:
    root = _seeded(opener, qtbot)
    tables = read_tables(root / "project.json")
    tables["project"]["1"]["labels"] = [{"name": 5, "color": "#000000"}]
    write_json_atomic(root / "project.json", tables)
    session = GuiSession(root, QSettings(str(tmp_path / "s.ini"), QSettings.Format.IniFormat))
    seen = _dialog_text(qtbot, "cannotOpen")
    assert session.open("ayu") is None
    (message,) = seen
    assert f"{root / 'project.json'} is damaged: labels[0].name must be a string" in message
    assert "Traceback" not in message


def test_a_lost_index_is_rebuilt_and_reported_and_the_seeds_are_not_imported_again(
    opener, qtbot, tmp_path: Path,  # noqa: ANN001
) -> None:
    root = _seeded(opener, qtbot)
    (root / "articles" / "index.json").unlink()
    session = GuiSession(root, QSettings(str(tmp_path / "s.ini"), QSettings.Format.IniFormat))
    window = session.open("ayu")
    assert window is not None
    qtbot.addWidget(window)
    try:
        assert session.notes is not None and "rebuilt" in session.notes.text()
        assert window.article_model.rowCount() == 5
        assert len(read_tables(root / "articles" / "index.json")["articles"]) == 5
        assert len(read_tables(root / "articles" / "chunk-00000.json")["texts"]) == 5
    finally:
        window.suggestions.stop()
        session.close()


def test_a_worker_failure_reaches_the_status_bar_and_the_log_file_not_the_console(
    opener, qtbot, capfd,  # noqa: ANN001
) -> None:
    path = setup_logging()
    assert path == log_file()
    window = opener.open(suggest=False)
    task = ProcessTask("Suggestions", boom, ("the model file is unreadable",))
    task.failed.connect(window.status.task_finished)
    with qtbot.waitSignal(task.failed, timeout=60000):
        task.start()
    task.wait(5000)
    said = window.status.currentMessage()
    assert "Suggestions failed: the model file is unreadable" in said and str(path) in said
    for handler in logging.getLogger().handlers:
        handler.flush()
    logged = path.read_text("utf-8")
    assert "Traceback" in logged and "failing_job.py" in logged and "RuntimeError" in logged
    assert "Traceback" not in capfd.readouterr().err
