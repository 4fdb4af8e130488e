"""File › Export in the real window: the careful defaults, the summary of what was left out,
and the project's own files refused as targets (issues 16 and 21)."""

from __future__ import annotations

import orjson
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialogButtonBox, QMessageBox

from annotator.ui.transfer import ExportDialog
from tests.ui.helpers import choose, click_span, find_span, key

CTRL = Qt.KeyboardModifier.ControlModifier
SHIFT = Qt.KeyboardModifier.ShiftModifier


def open_dialog(window) -> ExportDialog:  # noqa: ANN001
    key(window, "E", CTRL)
    return next(d for d in window.findChildren(ExportDialog) if d.isVisible())


def press_ok(qtbot, dialog: ExportDialog) -> None:  # noqa: ANN001
    ok = dialog.findChild(QDialogButtonBox).button(QDialogButtonBox.StandardButton.Ok)
    qtbot.mouseClick(ok, Qt.MouseButton.LeftButton)


def test_export_dialog_defaults_to_finished_articles_and_says_what_it_left_out(
    window, qtbot, tmp_path  # noqa: ANN001
) -> None:
    first = window.article_id
    key(window, "A", CTRL | SHIFT)  # every suggestion decided ...
    key(window, "D", CTRL)  # ... and the article done
    key(window, "N")
    click_span(window, find_span(window, "Vladimir Putin", pending=True))
    key(window, "A")  # the second article is only in progress, its other suggestions pending
    dialog = open_dialog(window)
    assert dialog.status_box.currentText() == "finished (done or reviewed)"
    assert dialog.annotator_box.currentText() == "ayu" and dialog.gold_box.isChecked()
    assert not dialog.undecided_box.isChecked()
    out = tmp_path / "default.jsonl"
    dialog.path_edit.setText(str(out))
    press_ok(qtbot, dialog)
    qtbot.waitUntil(lambda: "Wrote" in window.transfer.last_message, timeout=30000)
    records = [orjson.loads(line) for line in out.read_bytes().splitlines()]
    assert [r["meta"]["article_id"] for r in records] == [first]
    message = window.transfer.last_message
    assert "Selected: gold version where reviewed, else ayu; finished articles" in message
    assert "Skipped 1: not finished (in progress)" in message
    assert "Skipped 3: no annotations" in message

    for box in [b for b in window.findChildren(QMessageBox) if b.isVisible()]:
        qtbot.mouseClick(box.button(QMessageBox.StandardButton.Ok), Qt.MouseButton.LeftButton)
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow, timeout=3000)
    dialog = open_dialog(window)  # asking for more: any status, undecided suggestions too
    choose(qtbot, dialog.status_box, "any status")
    qtbot.mouseClick(dialog.undecided_box, Qt.MouseButton.LeftButton)
    more = tmp_path / "more.jsonl"
    dialog.path_edit.setText(str(more))
    window.transfer.last_message = ""
    press_ok(qtbot, dialog)
    qtbot.waitUntil(lambda: "Wrote" in window.transfer.last_message, timeout=30000)
    assert len(more.read_bytes().splitlines()) == 2
    assert "written as O" in window.transfer.last_message


def test_export_dialog_refuses_the_project_folder_as_target(window, qtbot) -> None:  # noqa: ANN001
    key(window, "A", CTRL | SHIFT)
    key(window, "D", CTRL)
    project_file = window.store.root / "project.json"
    before = project_file.read_bytes()
    dialog = open_dialog(window)
    dialog.path_edit.setText(str(project_file))
    press_ok(qtbot, dialog)
    qtbot.waitUntil(lambda: "inside the project folder" in window.transfer.last_message,
                    timeout=5000)
    boxes = [b for b in window.findChildren(QMessageBox) if b.isVisible()]
    assert boxes and boxes[-1].windowTitle() == "Cannot export"
    assert window.transfer.task is None  # nothing was started
    qtbot.wait(200)
    assert project_file.read_bytes() == before
