"""Import from the File menu, mouse labelling, help, persisted layout, item models."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QKeySequence
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QFileDialog, QMenu, QMessageBox, QTableWidget

from annotator.ui.dialogs import HelpDialog
from tests.ui.helpers import find_span, key, select_text

CTRL = Qt.KeyboardModifier.ControlModifier


def visible(window, kind):  # noqa: ANN001, ANN201
    return [w for w in window.findChildren(kind) if w.isVisible()]


def test_import_files_from_menu_reports_bad_lines(opener, tmp_path: Path, qtbot) -> None:  # noqa: ANN001
    window = opener.open()
    good = tmp_path / "baru.txt"
    good.write_text("Judul Baru\nPresiden Joko Widodo bertemu Vladimir Putin di Moskow.\n", "utf-8")
    bad = tmp_path / "rusak.jsonl"
    bad.write_text('{"text": "Satu artikel yang baik tentang Seoul."}\n{"text": \n', "utf-8")
    key(window, "I", CTRL)
    dialogs = visible(window, QFileDialog)
    assert len(dialogs) == 1
    dialogs[0].selectFile(f'"{good}" "{bad}"')
    dialogs[0].accept()
    qtbot.waitUntil(lambda: window.article_model.rowCount() == 7, timeout=20000)
    qtbot.waitUntil(lambda: bool(visible(window, QMessageBox)), timeout=5000)
    message = window.transfer.last_message
    assert "Imported 2 article(s)" in message
    assert "rusak.jsonl:2:" in message
    titles = [window.article_model.data(window.article_model.index(r, 0)) for r in range(7)]
    assert "Judul Baru" in titles
    opener.wait_suggestions(window)


def test_reimporting_seeds_skips_duplicates(window, qtbot) -> None:  # noqa: ANN001
    from tests.conftest import SEEDS

    window.transfer.start_import([SEEDS])
    qtbot.waitUntil(lambda: "duplicate" in window.transfer.last_message, timeout=20000)
    assert "Imported 0 article(s)" in window.transfer.last_message
    assert window.article_model.rowCount() == 5


def test_label_by_mouse_toolbar_and_context_menu(window, qtbot) -> None:  # noqa: ANN001
    start = window.view.text.index("Knevichi")
    select_text(window, start, start + len("Knevichi"))
    button = window.label_bar.widgetForAction(window.label_actions[4])  # FAC
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    spans = window.project.annotation_set(window.article_id).spans
    assert [(s.start, s.label) for s in spans] == [(start, "FAC")]

    span = find_span(window, "Vladimir Putin", pending=True)
    pos = window.view.point_for(span.start + 2)

    def choose_org() -> None:
        menu = QApplication.activePopupWidget()
        assert isinstance(menu, QMenu)
        org = next(a for a in menu.actions() if a.objectName() == "label_ORG")
        menu.setActiveAction(org)
        QTest.keyClick(menu, Qt.Key.Key_Return)

    QTimer.singleShot(200, choose_org)
    window.view.contextMenuAt.emit(pos)
    labels = {s.start: s.label for s in window.project.annotation_set(window.article_id).spans}
    assert labels.get(span.start) == "ORG"


def test_help_lists_keyboard_shortcuts(window, qtbot) -> None:  # noqa: ANN001
    QTest.keyClick(window, Qt.Key.Key_F1)
    dialogs = visible(window, HelpDialog)
    assert "Annotating an article" in dialogs[0].page.toPlainText()
    assert len(dialogs) == 1
    table = dialogs[0].findChild(QTableWidget)
    rows = {table.item(r, 1).text(): table.item(r, 0).text() for r in range(table.rowCount())}
    assert rows["Accept all in article"] == "Ctrl+Shift+A"
    assert "Ctrl+Z" in rows["Undo"]
    assert rows["Link all"] == "Ctrl+Shift+K" and rows["Train model"] == "Ctrl+Shift+T"
    assert rows["Label PER"] == "1"
    listed = {QKeySequence(k).toString()
              for r in range(table.rowCount()) for k in table.item(r, 0).text().split(" / ")}
    for action in window.actions():  # every shortcut of the window is in the table
        for shortcut in action.shortcuts():
            text = shortcut.toString()
            assert text in listed, f"{action.text()} ({text}) is missing from Help"
    dialogs[0].close()


def test_legend_shows_every_highlight_style_one_click_away(window, qtbot) -> None:  # noqa: ANN001
    from PySide6.QtWidgets import QToolButton

    from annotator.ui.legend import LegendDialog

    legend = window.actions_by_id["legend"]
    button = window.label_bar.widgetForAction(legend)
    assert isinstance(button, QToolButton) and button.isVisible()
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    dialogs = visible(window, LegendDialog)
    assert len(dialogs) == 1
    text = dialogs[0].text.toPlainText()
    for meaning in ("accepted span", "rules and gazetteers", "learned model", "propagated",
                    "Link all", "current span", "label conflict", "boundary conflict"):
        assert meaning in text, meaning
    formats = [fmt for _, fmt, _ in dialogs[0].rows[:6]]
    styles = {(f.underlineStyle(), f.fontOverline(), f.background().color().alpha())
              for f in formats}
    assert len(styles) == len(formats)  # every state looks different
    for label in window.project.scheme.labels:
        assert label.name in text
    dialogs[0].close()


def test_geometry_splitter_and_zoom_persist(opener) -> None:  # noqa: ANN001
    window = opener.open(suggest=False)
    width = max(731, window.minimumSizeHint().width())  # the offscreen screen is 800 wide
    window.resize(width, 517)
    window.splitter.setSizes([200, 600, 300])
    sizes = window.splitter.sizes()
    key(window, "Equal", CTRL)
    font_size = window.view.font().pointSizeF()
    opener.close(window)
    again = opener.open(seeds=None, suggest=False)
    assert (again.width(), again.height()) == (width, 517)
    assert again.splitter.sizes() == sizes
    assert again.view.font().pointSizeF() == font_size


def test_item_models_pass_qt_model_tester(window, qtmodeltester) -> None:  # noqa: ANN001
    qtmodeltester.check(window.article_model)
    qtmodeltester.check(window.span_model)


def test_span_table_stays_consistent_across_switches_and_edits(window, qtbot) -> None:  # noqa: ANN001
    from PySide6.QtTest import QAbstractItemModelTester

    from tests.ui.helpers import key

    # Qt's tester watches every signal the model sends from now on and fails on a bad one
    tester = QAbstractItemModelTester(  # noqa: F841 - must stay alive while we drive
        window.span_model, QAbstractItemModelTester.FailureReportingMode.Warning)
    model = window.span_model
    for _ in range(len(window.project) - 1):
        key(window, "N")
        spans = sorted(window.project.annotation_set(window.article_id).all_spans())
        assert model.rowCount() == len(spans)
        shown = [model.data(model.index(r, 0)) for r in range(model.rowCount())]
        text = window.view.text
        assert shown == [text[s.start:s.end].replace("\n", " ") for s in spans]
    key(window, "P")
    before = model.rowCount()
    key(window, "A", Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)
    assert model.rowCount() == before  # accepted, not added
    assert all(model.data(model.index(r, 4)) == "accepted" for r in range(before))


def test_article_text_is_shown_as_plain_text(opener, tmp_path: Path) -> None:  # noqa: ANN001
    folder = tmp_path / "html"
    folder.mkdir()
    text = 'Judul <b>tebal</b>\n<img src="http://x/y.png"> <script>alert(1)</script> Putin\n'
    (folder / "a.txt").write_text(text, "utf-8")
    window = opener.open(seeds=folder, suggest=False)
    assert window.view.toPlainText() == text
    assert window.title_label.text().startswith("Judul <b>tebal</b>")


def test_clicking_a_row_in_the_span_panel_selects_that_span(window, qtbot) -> None:  # noqa: ANN001
    table = window.span_panel.table
    rect = table.visualRect(window.span_model.index(2, 0))
    qtbot.mouseClick(table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert window.view.current_span == window.span_model.span_at_row(2)
    key(window, "A")
    accepted = window.project.annotation_set(window.article_id).spans
    assert [s.key for s in accepted] == [window.span_model.span_at_row(2).key]


def test_a_long_title_is_cut_on_one_line_and_shown_whole_in_its_tooltip(opener, tmp_path: Path) -> None:  # noqa: ANN001, E501
    folder = tmp_path / "titles"
    folder.mkdir()
    long_title = "Kunjungan " + "sangat panjang " * 10 + "berakhir"
    (folder / "a.txt").write_text("Pendek\nIsi artikel pertama.\n", "utf-8")
    (folder / "b.txt").write_text(f"{long_title}\nIsi artikel kedua.\n", "utf-8")
    window = opener.open(seeds=folder, suggest=False)
    label = window.title_label
    ids = window.project.article_ids
    window.show_article(ids[0])
    height = label.height()
    window.show_article(ids[1])
    QApplication.processEvents()
    assert label.text().startswith(long_title) and long_title in label.toolTip()
    assert label.height() == height  # one line whatever the title: nothing below it moves
    assert label.width() <= window.width()  # cut, not widening the window
    assert label.fontMetrics().horizontalAdvance(label.text()) > label.width()  # so it is cut
