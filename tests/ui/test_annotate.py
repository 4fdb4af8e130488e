"""Drive the real main window the way an analyst does: keys and clicks on the seeds."""

from __future__ import annotations

import orjson
from PySide6.QtCore import QEvent, QPointF, Qt
from PySide6.QtGui import QMouseEvent
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QDialogButtonBox

from annotator.core.commands import ChangeSettings
from annotator.core.model import ArticleStatus, Origin
from annotator.ui.transfer import ExportDialog
from tests.ui.helpers import (
    answer_done_prompt,
    choose,
    click_span,
    find_span,
    key,
    select_text,
    surfaces,
)

CTRL = Qt.KeyboardModifier.ControlModifier
SHIFT = Qt.KeyboardModifier.ShiftModifier


def current_set(window):  # noqa: ANN001, ANN201
    return window.project.annotation_set(window.article_id)


def test_window_shows_seeds_with_suggestions(window) -> None:  # noqa: ANN001
    assert window.article_model.rowCount() == 5
    assert window.article_id == window.project.article_ids[0]
    assert window.view.toPlainText() == window.project.text(window.article_id)
    pending = surfaces(window, pending=True)
    assert "Vladimir Putin" in pending and "Komsomolsk-on-Amur" in pending
    assert window.span_model.rowCount() == len(window.view.spans) > 5
    assert "0/5 done" in window.status.progress_label.text()


def test_accept_suggestion_with_keyboard_then_undo_redo(window, qtbot) -> None:  # noqa: ANN001
    span = find_span(window, "Vladimir Putin", pending=True)
    click_span(window, span)
    assert window.view.current_span == span
    key(window, "A")
    accepted = {s.key: s for s in current_set(window).spans}
    assert span.key in accepted and accepted[span.key].origin == Origin.SUGGESTED
    assert window.article_model.data(window.article_model.index(0, 2)) == 1
    key(window, "Z", CTRL)
    assert span.key not in {s.key for s in current_set(window).spans}
    assert span in current_set(window).suggestions
    key(window, "Z", CTRL | SHIFT)
    assert span.key in {s.key for s in current_set(window).spans}


def test_create_relabel_delete_with_undo(window) -> None:  # noqa: ANN001
    text = window.view.text
    start = text.index("Knevichi")
    select_text(window, start, start + 4)  # part of the word: snapping takes the token
    key(window, "5")  # FAC
    created = [s for s in current_set(window).spans if s.start == start]
    assert [(s.end, s.label, s.origin) for s in created] == [
        (start + len("Knevichi"), "FAC", Origin.MANUAL)
    ]
    assert window.view.current_span == created[0]
    key(window, "4")  # relabel to LOC
    assert [s.label for s in current_set(window).spans if s.start == start] == ["LOC"]
    key(window, "X")  # delete
    assert not [s for s in current_set(window).spans if s.start == start]
    for expected in (["LOC"], ["FAC"], []):
        key(window, "Z", CTRL)
        assert [s.label for s in current_set(window).spans if s.start == start] == expected
    for expected in (["FAC"], ["LOC"], []):
        key(window, "Z", CTRL | SHIFT)
        assert [s.label for s in current_set(window).spans if s.start == start] == expected


def test_reject_is_remembered(window) -> None:  # noqa: ANN001
    span = find_span(window, "Komsomolsk-on-Amur", pending=True)
    click_span(window, span)
    key(window, "X")
    assert span.key in current_set(window).rejected
    assert span not in current_set(window).suggestions
    window.start_suggestions()
    window.suggestions.task.wait(30000)
    assert span not in current_set(window).suggestions


def test_accept_all_is_one_undo_step(window) -> None:  # noqa: ANN001
    waiting = len(current_set(window).suggestions)
    assert waiting > 5
    key(window, "A", CTRL | SHIFT)
    assert current_set(window).suggestions == [] and len(current_set(window).spans) == waiting
    key(window, "Z", CTRL)
    assert len(current_set(window).suggestions) == waiting and current_set(window).spans == []


def test_tab_and_article_navigation(window) -> None:  # noqa: ANN001
    spans = window.view.spans
    key(window, "Tab")
    assert window.view.current_span == spans[0]
    key(window, "Tab")
    assert window.view.current_span == spans[1]
    key(window, "Backtab", SHIFT)
    assert window.view.current_span == spans[0]
    assert window.span_panel.table.currentIndex().row() == 0
    first = window.article_id
    key(window, "N")
    assert window.article_id == window.project.article_ids[1]
    key(window, "P")
    assert window.article_id == first


def test_shift_arrows_adjust_boundary(window) -> None:  # noqa: ANN001
    span = find_span(window, "Vladimir Putin", pending=True)
    click_span(window, span)
    key(window, "Left", SHIFT)  # end moves back one token
    changed = [s for s in current_set(window).spans if s.start == span.start]
    assert [window.view.text[s.start : s.end] for s in changed] == ["Vladimir"]
    key(window, "Right", SHIFT)
    key(window, "Right", Qt.KeyboardModifier.AltModifier | SHIFT)  # start forward one token
    changed = [s for s in current_set(window).spans if s.end == span.end]
    assert [window.view.text[s.start : s.end] for s in changed] == ["Putin"]


def test_drag_span_edge_with_mouse(window) -> None:  # noqa: ANN001
    span = find_span(window, "Vladimir Putin", pending=True)
    click_span(window, span)
    view, left = window.view, Qt.MouseButton.LeftButton
    none = Qt.KeyboardModifier.NoModifier
    target = QPointF(view.point_for(span.end + len(", ser")))
    QTest.mousePress(view.viewport(), left, none, view.point_for(span.end))
    # QTest cannot move with a button held, so send the drag's move event as Qt would.
    move = QMouseEvent(
        QEvent.Type.MouseMove, target, view.viewport().mapToGlobal(target), Qt.MouseButton.NoButton,
        left, none,
    )
    QTest.qWait(10)
    view.mouseMoveEvent(move)
    QTest.mouseRelease(view.viewport(), left, none, target.toPoint())
    grown = [s for s in current_set(window).spans if s.start == span.start]
    assert [view.text[s.start : s.end] for s in grown] == ["Vladimir Putin, serta"]


def test_mark_done_updates_list_and_status_bar(window, qtbot) -> None:  # noqa: ANN001
    key(window, "A", CTRL | SHIFT)  # nothing undecided: Ctrl+D marks done without a question
    key(window, "D", CTRL)
    assert window.done_prompt is None
    assert window.project.status(window.article_id) == ArticleStatus.DONE
    assert window.article_model.data(window.article_model.index(0, 1)) == "done"
    qtbot.waitUntil(lambda: "1/5 done" in window.status.progress_label.text(), timeout=3000)
    key(window, "Z", CTRL)
    assert window.project.status(window.article_id) != ArticleStatus.DONE


def test_mark_done_with_undecided_suggestions_asks_first(window, qtbot) -> None:  # noqa: ANN001
    aset = current_set(window)
    pending = list(aset.suggestions)
    assert pending
    key(window, "D", CTRL)
    answer_done_prompt(window, qtbot, "Cancel")
    assert aset.status != ArticleStatus.DONE and aset.suggestions == pending

    key(window, "D", CTRL)
    answer_done_prompt(window, qtbot, "Reject them")
    assert aset.status == ArticleStatus.DONE and aset.suggestions == []
    assert {s.key for s in pending} <= aset.rejected
    key(window, "Z", CTRL)  # one undo step brings the suggestions and the status back
    assert aset.status != ArticleStatus.DONE and aset.suggestions == pending
    assert not {s.key for s in pending} & aset.rejected

    key(window, "D", CTRL)
    answer_done_prompt(window, qtbot, "Accept them")
    assert aset.status == ArticleStatus.DONE and aset.suggestions == []
    assert set(pending) <= set(aset.spans)
    key(window, "Z", CTRL)

    key(window, "D", CTRL)
    answer_done_prompt(window, qtbot, "Mark done anyway")
    assert aset.status == ArticleStatus.DONE and aset.suggestions == pending


def test_undecided_rule_from_settings_skips_the_question(opener, qtbot) -> None:  # noqa: ANN001
    from tests.ui.helpers import choose

    window = opener.open()
    action = next(a for a in window.actions() if a.objectName() == "action_settings")
    action.trigger()  # Ctrl+,
    dialog = window.desk.settings_dialog
    qtbot.waitUntil(dialog.isVisible)
    choose(qtbot, dialog.pending_combo, "Reject them")
    ok = dialog.buttons.button(QDialogButtonBox.StandardButton.Ok)
    qtbot.mouseClick(ok, Qt.MouseButton.LeftButton)
    assert window.settings.value("edit/pending_on_done") == "reject"  # remembered
    aset = current_set(window)
    assert aset.suggestions
    key(window, "D", CTRL)
    assert window.done_prompt is None
    assert aset.status == ArticleStatus.DONE and aset.suggestions == []


def test_export_from_file_menu(window, qtbot, tmp_path) -> None:  # noqa: ANN001
    span = find_span(window, "Vladimir Putin", pending=True)
    click_span(window, span)
    key(window, "A")
    key(window, "E", CTRL)
    dialogs = [d for d in window.findChildren(ExportDialog) if d.isVisible()]
    assert len(dialogs) == 1
    dialog = dialogs[0]
    choose(qtbot, dialog.status_box, "any status")  # the article is in progress ...
    qtbot.mouseClick(dialog.undecided_box, Qt.MouseButton.LeftButton)  # ... with suggestions
    out = tmp_path / "out.jsonl"
    dialog.path_edit.setText(str(out))
    ok = dialog.findChild(QDialogButtonBox).button(QDialogButtonBox.StandardButton.Ok)
    qtbot.mouseClick(ok, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: out.exists(), timeout=20000)
    records = [orjson.loads(line) for line in out.read_bytes().splitlines()]
    assert len(records) == 1
    record = records[0]
    assert record["_annotator_id"] == "ayu" and record["answer"] == "accept"
    assert [(s["label"], record["text"][s["start"] : s["end"]]) for s in record["spans"]] == [
        ("PER", "Vladimir Putin")
    ]
    token = record["tokens"][record["spans"][0]["token_end"]]
    assert token["end"] == record["spans"][0]["end"]
    qtbot.waitUntil(lambda: "Wrote 1 record" in window.transfer.last_message, timeout=5000)


def test_export_dialog_writes_a_spacy_split(window, qtbot, tmp_path) -> None:  # noqa: ANN001
    from spacy.tokens import DocBin

    from annotator.nlp.tokens import make_nlp

    key(window, "A", CTRL | SHIFT)  # accept all in the first article
    key(window, "N")
    key(window, "A", CTRL | SHIFT)
    key(window, "E", CTRL)
    dialog = next(d for d in window.findChildren(ExportDialog) if d.isVisible())
    dialog.format_box.setCurrentText("spacy")
    choose(qtbot, dialog.status_box, "any status")
    qtbot.mouseClick(dialog.undecided_box, Qt.MouseButton.LeftButton)
    qtbot.mouseClick(dialog.split_box, Qt.MouseButton.LeftButton)
    out = tmp_path / "spacy-out"
    dialog.path_edit.setText(str(out))
    ok = dialog.findChild(QDialogButtonBox).button(QDialogButtonBox.StandardButton.Ok)
    qtbot.mouseClick(ok, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: "Wrote" in window.transfer.last_message, timeout=30000)
    vocab = make_nlp().vocab
    docs = {
        part: list(DocBin().from_disk(out / f"{part}.spacy").get_docs(vocab))
        for part in ("train", "dev")
    }
    assert len(docs["train"]) == 1 and len(docs["dev"]) == 1
    assert (out / "config.cfg").exists()
    assert all(len(doc.ents) > 5 for part in docs.values() for doc in part)


def test_export_only_the_articles_shown_in_the_list(window, qtbot, tmp_path) -> None:  # noqa: ANN001
    for _ in range(3):
        key(window, "A", CTRL | SHIFT)
        key(window, "N")
    bar = window.article_panel.filter_bar
    bar.title.setText(window.project.info(window.project.article_ids[1]).title[:20])
    key(window, "P")  # to the filtered article; the one left is no longer pinned in the list
    assert window.article_id == window.project.article_ids[1]
    assert window.article_proxy.rowCount() == 1
    key(window, "E", CTRL)
    dialog = next(d for d in window.findChildren(ExportDialog) if d.isVisible())
    dialog.shown_box.setChecked(True)
    choose(qtbot, dialog.status_box, "any status")
    qtbot.mouseClick(dialog.undecided_box, Qt.MouseButton.LeftButton)
    out = tmp_path / "shown.jsonl"
    dialog.path_edit.setText(str(out))
    dialog.findChild(QDialogButtonBox).button(QDialogButtonBox.StandardButton.Ok).click()
    qtbot.waitUntil(lambda: out.exists(), timeout=20000)
    records = [orjson.loads(line) for line in out.read_bytes().splitlines()]
    assert [r["meta"]["article_id"] for r in records] == [window.project.article_ids[1]]


def test_switching_off_the_builtin_suggester(opener) -> None:  # noqa: ANN001
    window = opener.open(suggest=False)
    ChangeSettings(window.project.settings.with_(suggest_builtin=False)).do(window.project)
    window.start_suggestions()
    assert not window.suggestions.running
    assert window.project.annotation_set(window.article_id).suggestions == []


def test_ignore_an_article_never_exported_and_undoable(window, qtbot, tmp_path) -> None:  # noqa: ANN001
    from annotator.cli import main

    def exported() -> list[str]:
        assert window.store.flush()
        out = tmp_path / "all.jsonl"
        assert main(["export", "--project", str(window.store.root), "--annotator", "ayu",
                     "--status", "any", "--out", str(out)]) == 0
        return [orjson.loads(line)["meta"]["article_id"]
                for line in out.read_bytes().splitlines()]

    key(window, "A", CTRL | SHIFT)
    first = window.article_id
    assert exported() == [first]
    key(window, "I", CTRL | SHIFT)  # Article › Ignore article
    assert window.project.status(first) == ArticleStatus.IGNORED
    assert window.article_model.data(window.article_model.index(0, 1)) == "ignored"
    qtbot.waitUntil(lambda: "1 ignored" in window.status.progress_label.text(), timeout=3000)
    assert "0/4 done" in window.status.progress_label.text()
    assert exported() == []  # not even with --status any
    key(window, "Z", CTRL)
    assert window.project.status(first) == ArticleStatus.IN_PROGRESS
    assert exported() == [first]


def test_project_settings_change_is_saved_and_undone_like_an_edit(window, qtbot) -> None:  # noqa: ANN001
    from annotator.store.atomic import read_tables

    def saved() -> dict:
        return read_tables(window.store.project_file)["project"]["1"]["settings"]

    action = next(a for a in window.actions() if a.objectName() == "action_settings")
    action.trigger()  # Ctrl+,
    dialog = window.desk.settings_dialog
    qtbot.waitUntil(dialog.isVisible)
    from tests.ui.test_settings_dialog import retype, tick

    tick(qtbot, dialog.snap_chars)
    tick(qtbot, dialog.model)  # the learned model on: its retraining interval opens
    retype(qtbot, dialog.retrain.lineEdit(), "3")
    ok = dialog.buttons.button(QDialogButtonBox.StandardButton.Ok)
    qtbot.mouseClick(ok, Qt.MouseButton.LeftButton)
    settings = window.project.settings
    assert not settings.token_snapping and settings.retrain_after == 3
    assert saved()["token_snapping"] is False and saved()["retrain_after"] == 3
    assert window.undo_stack.undoText() == "Change project settings"

    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)
    key(window, "Z", CTRL)  # undone like any edit, on disk too
    assert window.project.settings.token_snapping and window.project.settings.retrain_after == 10
    assert saved()["token_snapping"] is True and saved()["retrain_after"] == 10
    assert not window.project.settings.suggest_model
    key(window, "Z", CTRL | SHIFT)
    assert not window.project.settings.token_snapping and saved()["retrain_after"] == 3
