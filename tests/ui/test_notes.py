"""Unsure spans and comments: keys, undo, saved across a restart, found, seen in review."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLineEdit

from annotator.core.review import Kind
from tests.ui.helpers import click_span, find_span, key, select_text

CTRL = Qt.KeyboardModifier.ControlModifier
SHIFT = Qt.KeyboardModifier.ShiftModifier
ALT = Qt.KeyboardModifier.AltModifier


def type_comment(qtbot, window, text: str) -> None:  # noqa: ANN001
    dialog = window.editor.comment_dialog
    qtbot.waitUntil(dialog.isVisible)
    edit = dialog.findChild(QLineEdit)
    edit.selectAll()
    qtbot.keyClicks(edit, text)
    qtbot.keyClick(edit, Qt.Key.Key_Return)


def label_word(window, word: str, digit: str) -> None:  # noqa: ANN001
    start = window.view.text.index(word)
    select_text(window, start, start + len(word))
    key(window, digit)


def test_unsure_and_comments_are_undoable_saved_and_found(opener, qtbot) -> None:  # noqa: ANN001
    window = opener.open(suggest=False)
    qtbot.waitUntil(window.isActiveWindow)
    label_word(window, "Vladimir Putin", "1")
    aset = window.project.annotation_set(window.article_id)
    key(window, "Question")  # ? on the current span
    assert [s.unsure for s in aset.spans] == [True]
    row = window.span_model.row_of(aset.spans[0])
    assert "unsure" in window.span_model.index(row, 4).data()
    key(window, "C")
    type_comment(qtbot, window, "mungkin jabatan, bukan orang")
    assert [s.comment for s in aset.spans] == ["mungkin jabatan, bukan orang"]
    assert aset.spans[0].unsure  # the flag stays
    key(window, "C", SHIFT)
    type_comment(qtbot, window, "artikel terpotong")
    assert aset.comment == "artikel terpotong"
    assert "artikel terpotong" in window.span_panel.summary.text()
    key(window, "Z", CTRL)
    assert aset.comment == ""
    key(window, "Z", CTRL | SHIFT)

    # Find › Spans › unsure lists it
    key(window, "F", CTRL)
    panel = window.desk.find_panel
    panel.mode.setCurrentIndex(1)
    panel.span_state.setCurrentIndex(panel.span_state.findData("unsure"))
    assert [(h.start, h.end) for h in panel.hits()] == [(aset.spans[0].start,
                                                        aset.spans[0].end)]

    key(window, "D", CTRL)  # done: the export takes it
    assert window.store.flush()
    out = window.store.root / "exports" / "notes.jsonl"
    from annotator.cli import main

    assert main(["export", "--project", str(window.store.root), "--annotator", "ayu",
                 "--out", str(out)]) == 0
    import orjson

    (record,) = [orjson.loads(line) for line in out.read_bytes().splitlines()]
    span = aset.spans[0]
    assert record["meta"]["comment"] == "artikel terpotong"
    assert record["meta"]["unsure_spans"] == [[span.start, span.end, "PER"]]
    assert record["meta"]["span_comments"] == [{"start": span.start, "end": span.end,
                                                "label": "PER",
                                                "comment": "mungkin jabatan, bukan orang"}]
    opener.close(window)
    again = opener.open(seeds=None, suggest=False)
    qtbot.waitUntil(again.isActiveWindow)
    saved = again.project.annotation_set(again.article_id)
    assert [(s.unsure, s.comment) for s in saved.spans] == [(True, "mungkin jabatan, bukan orang")]
    assert saved.comment == "artikel terpotong"


def test_an_unsure_span_is_a_conflict_in_review(opener, qtbot) -> None:  # noqa: ANN001
    from tests.conftest import SEEDS

    for name, unsure in (("ayu", True), ("budi", False)):
        window = opener.open(annotator=name, seeds=SEEDS if name == "ayu" else None)
        click_span(window, find_span(window, "Vladimir Putin", pending=True))
        key(window, "A")
        if unsure:
            click_span(window, find_span(window, "Vladimir Putin"))
            key(window, "Question")
        opener.close(window)
    window = opener.open(annotator="rina", seeds=None)
    key(window, "R", CTRL)
    text = window.view.text
    item = next(i for i in window.review.items if text[i.start:i.end] == "Vladimir Putin")
    assert item.kind == Kind.UNSURE and item.is_conflict
    row = window.review.items.index(item)
    assert "(unsure)" in window.review.panel.items_table.item(row, 3).text()
