"""The desk wired into the window: find, filter, statistics, label scheme, settings."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QDialogButtonBox

from annotator.core.model import ArticleStatus
from annotator.store.session import open_project
from annotator.ui.settings_dialog import SettingsDialog
from annotator.ui.stats_view import StatisticsDialog
from tests.ui.helpers import answer_done_prompt, find_span, key

CTRL = Qt.KeyboardModifier.ControlModifier
SHIFT = Qt.KeyboardModifier.ShiftModifier


def test_ctrl_f_finds_across_articles_and_jumps(window, qtbot) -> None:  # noqa: ANN001
    key(window, "F", CTRL)
    panel = window.desk.find_panel
    assert window.side_tabs.currentWidget() is panel and panel.query.hasFocus()
    panel.set_scope(1)  # all articles
    qtbot.keyClicks(panel.query, "Kozhemyako")
    with qtbot.waitSignal(panel.jumpRequested, timeout=5000):
        QTest.keyClick(panel.query, Qt.Key.Key_Return)
    assert window.article_id == window.project.article_ids[2]
    start, end = window.view.selection_range()
    assert window.view.text[start:end] == "Kozhemyako"
    key(window, "1")  # the found text can be labelled at once
    spans = window.project.annotation_set(window.article_id).spans
    assert [(s.start, s.label) for s in spans] == [(start, "PER")]


def test_typing_in_a_text_field_never_triggers_editing_keys(window, qtbot) -> None:  # noqa: ANN001
    bar = window.article_panel.filter_bar
    waiting = len(window.project.annotation_set(window.article_id).suggestions)
    bar.title.setFocus()
    qtbot.keyClicks(bar.title, "Kim A1 xn")
    QTest.keyClick(bar.title, Qt.Key.Key_Return)
    assert bar.title.text() == "Kim A1 xn"
    aset = window.project.annotation_set(window.article_id)
    assert len(aset.suggestions) == waiting and aset.spans == []
    assert window.article_id == window.project.article_ids[0]


def test_filter_bar_shows_done_articles_only(window, qtbot) -> None:  # noqa: ANN001
    key(window, "D", CTRL)
    bar = window.article_panel.filter_bar
    bar.status.setCurrentIndex(bar.status.findData(str(ArticleStatus.DONE)))
    assert window.article_proxy.rowCount() == 1
    assert window.article_proxy.visible_ids() == [window.article_id]
    bar.clear_button.click()
    assert window.article_proxy.rowCount() == 5


def test_statistics_dialog_from_the_menu(window, qtbot, tmp_path) -> None:  # noqa: ANN001
    key(window, "A", CTRL | SHIFT)
    key(window, "S", CTRL | SHIFT)
    dialog = next(d for d in window.findChildren(StatisticsDialog) if d.isVisible())
    assert dialog.stats is not None and sum(dialog.stats.labels.values()) > 5
    png = dialog.export_png(tmp_path / "stats.png")
    csv = dialog.export_csv(tmp_path / "stats.csv")
    assert png.stat().st_size > 1000 and "PER" in csv.read_text("utf-8")
    dialog.close()


def test_statistics_add_a_colleagues_saved_work_read_in_the_background(opener, qtbot) -> None:  # noqa: ANN001
    budi = opener.open(annotator="budi")
    key(budi, "A", CTRL | SHIFT)  # budi accepts the first article's suggestions
    accepted = len(budi.project.annotation_set(budi.article_id).spans)
    opener.close(budi)
    window = opener.open(budi.store.root, annotator="ayu", seeds=None, suggest=False)
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)
    key(window, "S", CTRL | SHIFT)
    dialog = window.desk.stats
    assert dialog is not None and dialog.isVisible()
    qtbot.waitUntil(lambda: dialog.annotator.findData("budi") >= 0, timeout=10000)
    dialog.annotator.setCurrentIndex(dialog.annotator.findData("budi"))
    assert dialog.stats is not None and dialog.stats.total_spans == accepted > 0
    dialog.close()


def test_label_rename_updates_keys_spans_and_project(opener, qtbot) -> None:  # noqa: ANN001
    window = opener.open()
    key(window, "A", CTRL | SHIFT)
    dialog = window.desk.edit_scheme()
    dialog.select("PER")
    dialog.name_edit.setText("ORANG")
    qtbot.mouseClick(dialog.rename_button, Qt.MouseButton.LeftButton)
    assert "ORANG" in window.project.scheme and "PER" not in window.project.scheme
    assert any(a.objectName() == "label_ORANG" for a in window.label_actions)
    assert find_span(window, "Vladimir Putin").label == "ORANG"
    dialog.close()
    key(window, "Z", CTRL)
    assert find_span(window, "Vladimir Putin").label == "PER"
    key(window, "Z", CTRL | SHIFT)
    root = window.store.root
    opener.close(window)
    project, store = open_project(root, "someone-else")
    assert "ORANG" in project.scheme
    store.close()


def test_settings_auto_advance_and_font(window, qtbot) -> None:  # noqa: ANN001
    dialog = window.desk.edit_settings()
    assert isinstance(dialog, SettingsDialog)
    dialog.auto_advance.setChecked(True)
    dialog.size_spin.setValue(17)
    dialog.snap_chars.setChecked(True)
    dialog.buttons.button(QDialogButtonBox.StandardButton.Ok).click()
    assert window.view.font().pointSize() == 17
    assert window.project.settings.token_snapping is False
    first = window.article_id
    key(window, "D", CTRL)
    answer_done_prompt(window, qtbot, "Accept them")
    assert window.project.status(first) == ArticleStatus.DONE
    assert window.article_id == window.project.article_ids[1]
