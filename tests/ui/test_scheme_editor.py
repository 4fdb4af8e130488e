"""Label scheme editor: rename, recolour, keys, description, add, delete; undo; saved."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QMessageBox, QToolButton

from annotator.core.labels import LabelScheme
from annotator.ui.scheme_editor import LabelSchemeDialog
from tests.ui.helpers import choose as choose_item

LEFT = Qt.MouseButton.LeftButton
CTRL = Qt.KeyboardModifier.ControlModifier





def choose(qtbot, combo, text: str) -> None:  # noqa: ANN001
    """Choose by keyboard; a key choice relabels the items, so the text is not re-checked."""
    choose_item(qtbot, combo, text, confirm=False)

def click_label(qtbot, dialog: LabelSchemeDialog, name: str) -> None:  # noqa: ANN001
    table = dialog.table
    row = next(r for r in range(table.rowCount()) if table.item(r, 0).text() == name)
    rect = table.visualItemRect(table.item(row, 0))
    qtbot.mouseClick(table.viewport(), LEFT, pos=rect.center())
    assert dialog.selected_name() == name


def retype(qtbot, edit, text: str) -> None:  # noqa: ANN001
    edit.setFocus()
    edit.selectAll()
    QTest.keyClick(edit, Qt.Key.Key_Backspace)
    qtbot.keyClicks(edit, text)


def open_editor(opener, qtbot, suggest: bool = True):  # noqa: ANN001, ANN201
    window = opener.open(suggest=suggest)
    changes: list[LabelScheme] = []

    def scheme_changed(scheme: LabelScheme) -> None:  # what the window will do
        changes.append(scheme)
        window.styles.scheme = scheme
        window.store.save_meta(scheme.to_list(), window.project.settings.to_dict())

    dialog = LabelSchemeDialog(window.project, window.undo_stack, window, scheme_changed)
    dialog.open()
    qtbot.waitExposed(dialog)
    dialog.activateWindow()  # offscreen activation is asynchronous; shortcuts need it
    qtbot.waitUntil(dialog.isActiveWindow)
    return window, dialog, changes


def labels_in_project(window) -> set[str]:  # noqa: ANN001
    return {s.label for aset in window.project.sets_of() for s in aset.all_spans()}


def test_rename_relabels_everything_undo_and_is_saved(opener, qtbot) -> None:  # noqa: ANN001
    window, dialog, changes = open_editor(opener, qtbot)
    project = window.project
    assert "PER" in labels_in_project(window)  # suggestions from the built-in suggester
    before = {aset.article_id: [s.key for s in aset.all_spans()] for aset in project.sets_of()}
    click_label(qtbot, dialog, "PER")
    retype(qtbot, dialog.name_edit, "ORANG")
    QTest.keyClick(dialog.name_edit, Qt.Key.Key_Return)
    assert project.scheme.names[0] == "ORANG" and "PER" not in project.scheme
    assert "PER" not in labels_in_project(window) and "ORANG" in labels_in_project(window)
    assert dialog.table.item(0, 0).text() == "ORANG" and dialog.selected_name() == "ORANG"
    assert "Renamed PER to ORANG" in dialog.message.text()
    assert changes[-1] is project.scheme and window.styles.scheme is project.scheme
    assert window.undo_stack.undoText() == "Rename label PER to ORANG"

    QTest.keyClick(dialog, Qt.Key.Key_Z, CTRL)  # undo, from inside the dialog
    assert project.scheme.names[0] == "PER"
    after_undo = {aset.article_id: [s.key for s in aset.all_spans()] for aset in project.sets_of()}
    assert after_undo == before
    assert dialog.table.item(0, 0).text() == "PER"
    retype(qtbot, dialog.name_edit, "ORANG")
    qtbot.mouseClick(dialog.rename_button, LEFT)
    assert project.scheme.names[0] == "ORANG"

    # accept one relabelled suggestion so a span is saved, then reopen the project
    window.editor.accept_all()
    assert window.store.flush()
    root = window.store.root
    opener.close(window)
    again = opener.open(root=root, suggest=False)
    assert again.project.scheme.names[0] == "ORANG"
    assert "ORANG" in labels_in_project(again) and "PER" not in labels_in_project(again)


def test_recolour_key_description_and_custom_colour(opener, qtbot) -> None:  # noqa: ANN001
    window, dialog, _changes = open_editor(opener, qtbot, suggest=False)
    scheme = lambda: window.project.scheme  # noqa: E731
    click_label(qtbot, dialog, "ORG")
    choose(qtbot, dialog.color_combo, "Dark grey  #555555")
    assert scheme().get("ORG").color == "#555555"
    assert dialog.table.item(1, 1).text() == "#555555"
    choose(qtbot, dialog.key_combo, "1  (PER)")
    assert scheme().get("ORG").key == "1" and scheme().get("PER").key == ""
    assert "Key 1 moved from PER to ORG" in dialog.message.text()
    choose(qtbot, dialog.underline_combo, "wave")
    assert scheme().get("ORG").underline == "wave"
    retype(qtbot, dialog.desc_edit, "Lembaga, partai, media")
    QTest.keyClick(dialog.desc_edit, Qt.Key.Key_Return)
    assert scheme().get("ORG").description == "Lembaga, partai, media"

    choose(qtbot, dialog.color_combo, "Custom colour…")
    colours = dialog.color_dialog
    assert colours is not None and colours.isVisible()
    colours.setCurrentColor(QColor("#123456"))
    colours.accept()
    assert scheme().get("ORG").color == "#123456"
    assert dialog.color_combo.currentText() == "Custom  #123456"
    assert window.undo_stack.count() == 5
    undo_button = dialog.findChild(QToolButton, "schemeUndo")
    for _ in range(5):
        qtbot.mouseClick(undo_button, LEFT)
    assert scheme().to_list() == LabelScheme.default().to_list()


def test_add_then_delete_unused_and_used_labels(opener, qtbot) -> None:  # noqa: ANN001
    window, dialog, _changes = open_editor(opener, qtbot)
    project = window.project
    retype(qtbot, dialog.name_edit, "MISC")
    qtbot.mouseClick(dialog.add_button, LEFT)
    assert project.scheme.names[-1] == "MISC" and dialog.selected_name() == "MISC"
    assert project.scheme.get("MISC").key == "8" and dialog.table.rowCount() == 8
    qtbot.mouseClick(dialog.delete_button, LEFT)  # unused: gone at once
    assert "MISC" not in project.scheme and dialog.confirm is None

    retype(qtbot, dialog.name_edit, "two words")
    qtbot.mouseClick(dialog.add_button, LEFT)
    assert "no spaces" in dialog.message.text() and "two words" not in project.scheme

    click_label(qtbot, dialog, "PER")
    per = sum(s.label == "PER" for a in project.sets_of() for s in a.all_spans())
    assert per > 0
    qtbot.mouseClick(dialog.delete_button, LEFT)
    box = dialog.confirm
    assert box is not None and box.isVisible() and "PER is used by" in box.text()
    qtbot.mouseClick(box.button(QMessageBox.StandardButton.No), LEFT)
    assert "PER" in project.scheme
    qtbot.mouseClick(dialog.delete_button, LEFT)
    qtbot.mouseClick(dialog.confirm.button(QMessageBox.StandardButton.Yes), LEFT)
    assert "PER" not in project.scheme and "PER" not in labels_in_project(window)
    assert dialog.table.rowCount() == 6
    window.undo_stack.undo()  # one step brings label and spans back
    assert "PER" in project.scheme
    assert sum(s.label == "PER" for a in project.sets_of() for s in a.all_spans()) == per


def test_guidelines_tab_shows_descriptions_and_examples_edited_in_the_scheme(opener, qtbot) -> None:  # noqa: ANN001
    window = opener.open(suggest=False)
    qtbot.waitUntil(window.isActiveWindow)
    panel = window.guidelines
    table = panel.table
    rows = {table.item(r, 0).text(): r for r in range(table.rowCount())}
    assert set(rows) == set(window.project.scheme.names)
    assert "Kinzhal" in table.item(rows["WEAPON"], 3).text()  # default examples
    assert table.item(rows["PER"], 1).text() == "1"

    key = Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier
    window.view.setFocus()
    QTest.keyClick(window.view, Qt.Key.Key_L, key)  # Project › Label scheme…
    dialog = window.desk.scheme_dialog
    qtbot.waitExposed(dialog)
    click_label(qtbot, dialog, "ORG")
    retype(qtbot, dialog.examples_edit, "Kremlin; <b>Gazprom</b>")
    QTest.keyClick(dialog.examples_edit, Qt.Key.Key_Return)
    assert window.project.scheme.get("ORG").examples == "Kremlin; <b>Gazprom</b>"
    assert table.item(rows["ORG"], 3).text() == "Kremlin\n<b>Gazprom</b>"  # plain text
    window.undo_stack.undo()
    assert "KCNA" in table.item(rows["ORG"], 3).text()
    window.undo_stack.redo()
    dialog.close()
    opener.close(window)
    again = opener.open(seeds=None, suggest=False)
    assert again.project.scheme.get("ORG").examples == "Kremlin; <b>Gazprom</b>"
