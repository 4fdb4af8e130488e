"""Disk and permission faults under the running window (issue 8, item 2, as a person sees it).

A full disk, a folder that refuses writes and folders deleted underneath the app: the status
bar's save label says which file could not be saved and why, in the error style; the window
keeps working (edits, undo, navigation); files saved before the fault stay byte for byte as
they were; and once the fault clears the label says "All changes saved" again and every edit
made meanwhile is on disk. A project folder that cannot be written opens read-only with the
reason in a banner. Faults are simulated by patching the write calls, as tests/store/test_faults.py
does (tests run as root here, so a chmod would not stop anything).
"""

from __future__ import annotations

import errno
import logging
import shutil
from pathlib import Path

import pytest
from PySide6.QtCore import QCoreApplication, Qt

from annotator.core.annotations import AnnotationSet
from annotator.core.model import ArticleStatus
from annotator.store.atomic import read_tables
from tests.store.test_faults import Faults
from tests.ui.helpers import key, select_text
from tests.ui.test_plain_text import displayed

CTRL = Qt.KeyboardModifier.ControlModifier
SHIFT = Qt.KeyboardModifier.ShiftModifier
SAVED = "All changes saved"
WAIT = 20000  # ms; the writer retries with a backoff, the UI hears of it through a signal


# -- what a person does and sees ---------------------------------------------
def label_word(window, word: str, digit: str) -> None:  # noqa: ANN001
    """Select the first `word` of the shown article with the keyboard and press a label key."""
    start = window.view.text.index(word)
    select_text(window, start, start + len(word))
    key(window, digit)
    spans = window.project.annotation_set(window.article_id).spans
    assert any((s.start, s.end) == (start, start + len(word)) for s in spans), word


def shown_text(window) -> str:  # noqa: ANN001
    """The article view's characters (toPlainText would turn no-break spaces into spaces)."""
    return window.view.document().toRawText().replace("\u2029", "\n")


def save_label(window) -> str:  # noqa: ANN001
    return window.status.save_label.text()


def shows_error(window) -> bool:  # noqa: ANN001
    style = window.status.save_label.styleSheet()
    return "color" in style and "bold" in style


def wait_error(qtbot, window, reason: str) -> str:  # noqa: ANN001
    qtbot.waitUntil(lambda: reason in save_label(window) and shows_error(window), timeout=WAIT)
    return save_label(window)


def readable(qtbot, window) -> None:  # noqa: ANN001
    """The whole message is drawn: as plain text, wrapped, not cut off by the bar."""
    label = window.status.save_label
    assert displayed(label) == label.text()
    qtbot.waitUntil(lambda: label.height() >= label.heightForWidth(label.width()), timeout=WAIT)
    assert label.isVisible() and label.width() <= window.width()


def wait_saved(qtbot, window) -> None:  # noqa: ANN001
    qtbot.waitUntil(
        lambda: save_label(window) == SAVED and not window.store.writer.pending, timeout=WAIT
    )
    assert not shows_error(window)


def open_window(opener, qtbot, root: Path | None = None, **kw):  # noqa: ANN001, ANN003, ANN201
    """Open the window without suggestions and wait until it has the keyboard."""
    window = opener.open(root, suggest=False, **kw)
    qtbot.waitUntil(window.isActiveWindow, timeout=WAIT)
    return window


def fast_retries(window) -> None:  # noqa: ANN001
    window.store.writer.backoff = (0.05, 0.1, 0.2)  # the real one waits up to 4 s


# -- what is on disk -----------------------------------------------------------
def saved_files(root: Path) -> dict[str, bytes]:
    """Every project file but locks and in-flight temp files, by relative path."""
    return {
        str(p.relative_to(root)): p.read_bytes()
        for p in root.rglob("*")
        if p.is_file() and "locks" not in p.relative_to(root).parts and p.suffix != ".tmp"
    }


def temp_files(root: Path) -> list[Path]:
    return list(root.rglob("*.tmp"))


def on_disk(window) -> dict[str, dict]:  # noqa: ANN001
    """The annotator's sets as their shards hold them now."""
    folder = window.store.root / "annotations" / window.store.slug
    sets = {}
    for shard in sorted(folder.glob("*.json")):
        doc = (read_tables(shard) or {})["set"]["1"]
        sets[doc["article_id"]] = AnnotationSet.from_dict(doc).to_dict()
    return sets


def in_memory(window) -> dict[str, dict]:  # noqa: ANN001
    return {s.article_id: s.to_dict() for s in window.project.sets_of() if s.touched}


def span_texts(window, article_id: str) -> list[str]:  # noqa: ANN001
    text = window.project.text(article_id)
    return [text[s.start : s.end] for s in window.project.annotation_set(article_id).spans]


# -- write faults ----------------------------------------------------------------
@pytest.mark.parametrize(
    ("code", "reason"),
    [
        (errno.ENOSPC, "the disk is full"),
        (errno.EACCES, "not writable (permission denied)"),
        (errno.EROFS, "read-only disk"),
    ],
)
def test_a_write_fault_is_shown_the_window_keeps_working_and_saving_resumes(
    opener, qtbot, monkeypatch, code: int, reason: str  # noqa: ANN001
) -> None:
    window = open_window(opener, qtbot)
    fast_retries(window)
    root = window.store.root
    first, second, third = window.project.article_ids[:3]
    width, bar_height = window.width(), window.status.height()
    label_word(window, "Vladimir Putin", "1")
    key(window, "N")
    key(window, "D", CTRL)
    wait_saved(qtbot, window)
    before = saved_files(root)
    assert set(on_disk(window)) == {first, second}

    faults = Faults(monkeypatch, root)
    faults.start(code)
    key(window, "P")
    label_word(window, "Moskow", "3")  # an edit of a file saved before
    message = wait_error(qtbot, window, reason)
    assert str(window.store.shard_file(first)) in message and "kept in memory" in message
    assert faults.hits > 0
    readable(qtbot, window)
    QCoreApplication.sendPostedEvents()  # let the bar lay itself out for the message
    assert window.minimumSizeHint().width() <= width  # a long path does not widen the window
    assert window.width() == width

    # The window goes on: navigation, new edits (also of a file never saved), undo and redo.
    key(window, "N")
    assert window.article_id == second
    assert shown_text(window) == window.project.text(second)
    key(window, "N")
    assert window.article_id == third
    label_word(window, "Vladimir Putin", "1")
    label_word(window, "Moskow", "3")
    key(window, "Z", CTRL)
    assert span_texts(window, third) == ["Vladimir Putin"]
    key(window, "Z", CTRL | SHIFT)
    assert sorted(span_texts(window, third)) == ["Moskow", "Vladimir Putin"]
    key(window, "D", CTRL)
    assert window.project.status(third) == ArticleStatus.DONE
    assert reason in save_label(window) and shows_error(window)  # still said, not hidden
    assert saved_files(root) == before  # what was saved is untouched, nothing half-written
    assert not window.store.shard_file(third).exists()

    faults.clear()
    wait_saved(qtbot, window)
    qtbot.waitUntil(lambda: window.status.height() == bar_height, timeout=WAIT)
    assert on_disk(window) == in_memory(window)
    assert set(on_disk(window)) == {first, second, third}
    assert temp_files(root) == []
    key(window, "P")  # and the next edit is saved at once, as usual
    label_word(window, "Pyongyang", "3")
    wait_saved(qtbot, window)
    assert on_disk(window) == in_memory(window)


def test_the_fault_message_names_the_file_literally(opener, qtbot, monkeypatch, tmp_path) -> None:  # noqa: ANN001
    """A folder named like markup is shown as it is, not rendered."""
    root = tmp_path / "<b>berita</b>"
    window = open_window(opener, qtbot, root)
    fast_retries(window)
    faults = Faults(monkeypatch, root)
    faults.start(errno.ENOSPC)
    label_word(window, "Vladimir Putin", "1")
    message = wait_error(qtbot, window, "the disk is full")
    assert str(window.store.shard_file(window.article_id)) in message
    assert "<b>berita</b>" in message and displayed(window.status.save_label) == message
    faults.clear()
    wait_saved(qtbot, window)


def test_a_deleted_annotator_folder_is_recreated_without_alarm(opener, qtbot) -> None:  # noqa: ANN001
    window = open_window(opener, qtbot)
    fast_retries(window)
    root = window.store.root
    failures: list[str] = []
    window.bridge.failed.connect(failures.append)
    first, second = window.project.article_ids[:2]
    key(window, "N")
    label_word(window, "Moskow", "3")
    key(window, "P")
    label_word(window, "Vladimir Putin", "1")
    wait_saved(qtbot, window)
    kept = window.store.shard_file(second).read_bytes()

    shutil.rmtree(root / "annotations" / window.store.slug)  # deleted underneath the app
    label_word(window, "Moskow", "3")
    qtbot.waitUntil(lambda: window.store.shard_file(first).exists(), timeout=WAIT)
    wait_saved(qtbot, window)
    assert failures == []
    assert on_disk(window) == {first: in_memory(window)[first]}  # with the earlier span too
    assert sorted(span_texts(window, first)) == ["Moskow", "Vladimir Putin"]

    key(window, "N")  # the other article's file comes back with its next edit
    label_word(window, "Vladimir Putin", "1")
    wait_saved(qtbot, window)
    assert on_disk(window) == in_memory(window)
    assert window.store.shard_file(second).read_bytes() != kept
    assert failures == []


def test_a_deleted_project_folder_is_reported_and_saving_resumes_when_it_is_back(
    opener, qtbot, tmp_path  # noqa: ANN001
) -> None:
    window = open_window(opener, qtbot)
    fast_retries(window)
    root = window.store.root
    first, second = window.project.article_ids[:2]
    label_word(window, "Vladimir Putin", "1")
    wait_saved(qtbot, window)
    copy = tmp_path / "copy"
    shutil.copytree(root, copy, ignore=shutil.ignore_patterns("locks"))
    before = saved_files(copy)

    shutil.rmtree(root)  # e.g. a network drive went away
    label_word(window, "Moskow", "3")
    message = wait_error(qtbot, window, "no longer exists")
    assert str(window.store.shard_file(first)) in message
    key(window, "N")  # texts already read are still shown, editing goes on
    assert window.article_id == second
    assert shown_text(window) == window.project.text(second)
    label_word(window, "Vladimir Putin", "1")
    assert shows_error(window)

    shutil.copytree(copy, root)  # the drive is back
    wait_saved(qtbot, window)
    assert on_disk(window) == in_memory(window)
    assert set(on_disk(window)) == {first, second}
    now = saved_files(root)
    changed = {path for path in before if now[path] != before[path]}
    assert changed == {str(window.store.shard_file(first).relative_to(root))}


# -- a folder that cannot be written at all ------------------------------------------
def test_a_project_folder_that_cannot_be_written_opens_read_only_with_the_reason(
    opener, qtbot, monkeypatch, caplog  # noqa: ANN001
) -> None:
    window = open_window(opener, qtbot)
    label_word(window, "Vladimir Putin", "1")
    wait_saved(qtbot, window)
    root = window.store.root
    opener.close(window)
    before = saved_files(root)

    faults = Faults(monkeypatch, root)
    faults.start(errno.EACCES)  # no lock file can be made, nothing can be written
    window = open_window(opener, qtbot, root, seeds=None)
    assert window.project.read_only
    assert window.banner.isVisible()
    banner = window.banner.text()
    assert "cannot be written" in banner and "read-only" in banner and "Permission" in banner
    assert window.banner.textFormat() == Qt.TextFormat.PlainText
    assert span_texts(window, window.article_id) == ["Vladimir Putin"]  # what was saved shows

    label_word_refused(window, "Moskow", "3")
    key(window, "N")  # reading and moving around work
    assert shown_text(window) == window.project.text(window.article_id)
    key(window, "D", CTRL)
    assert window.project.status(window.article_id) == ArticleStatus.NEW
    assert not window.actions_by_id["accept"].isEnabled()
    assert saved_files(root) == before and faults.hits > 0
    assert [r.getMessage() for r in caplog.records if r.levelno >= logging.ERROR] == []
    opener.close(window)

    faults.clear()
    window = open_window(opener, qtbot, root, seeds=None)
    assert not window.project.read_only and not window.banner.isVisible()


def label_word_refused(window, word: str, digit: str) -> None:  # noqa: ANN001
    start = window.view.text.index(word)
    select_text(window, start, start + len(word))
    key(window, digit)
    spans = window.project.annotation_set(window.article_id).spans
    assert all(s.start != start for s in spans)


# -- a file of article texts deleted ---------------------------------------------------
def test_a_deleted_article_text_file_is_named_in_a_message_not_a_traceback(opener, qtbot) -> None:  # noqa: ANN001
    window = open_window(opener, qtbot)
    root = window.store.root
    opener.close(window)
    (root / "articles" / "chunk-00000.json").unlink()  # deleted while the app was closed
    window = open_window(opener, qtbot, root, seeds=None)
    said = [window.status.currentMessage(), window.status.save_label.text()]
    if window.banner.isVisible():
        said.append(window.banner.text())
    assert any("chunk-00000.json" in message for message in said), said
    key(window, "N")  # and the window still answers


# -- closing while saving fails ----------------------------------------------------------
def unsaved_prompt(qtbot, window):  # noqa: ANN001, ANN201
    qtbot.waitUntil(lambda: window.close_guard.prompt is not None
                    and window.close_guard.prompt.isVisible(), timeout=WAIT)
    return window.close_guard.prompt


def click_button(qtbot, box, text: str) -> None:  # noqa: ANN001
    from PySide6.QtWidgets import QAbstractButton

    button = next(b for b in box.findChildren(QAbstractButton) if text in b.text().replace("&", ""))
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)


def test_closing_with_unsaved_edits_asks_and_saves_a_copy_that_imports_back(
    opener, qtbot, monkeypatch, tmp_path  # noqa: ANN001
) -> None:
    from PySide6.QtWidgets import QLineEdit

    from annotator.cli import main

    window = open_window(opener, qtbot)
    fast_retries(window)
    root, first = window.store.root, window.article_id
    faults = Faults(monkeypatch, root)
    faults.start(errno.ENOSPC)
    label_word(window, "Vladimir Putin", "1")
    label_word(window, "Moskow", "3")
    wait_error(qtbot, window, "the disk is full")

    key(window, "Q", CTRL)  # quit: not silently, not frozen
    box = unsaved_prompt(qtbot, window)
    assert window.isVisible() and "1 article(s)" in box.text() and "disk is full" in (
        box.informativeText())
    click_button(qtbot, box, "Cancel")
    assert window.isVisible()

    key(window, "Q", CTRL)
    click_button(qtbot, unsaved_prompt(qtbot, window), "Save a copy")
    dialog = window.close_guard.file_dialog
    qtbot.waitUntil(dialog.isVisible, timeout=WAIT)
    copy = tmp_path / "elsewhere" / "rescued.jsonl"
    copy.parent.mkdir()
    name = dialog.findChild(QLineEdit, "fileNameEdit")
    name.setText(str(copy))
    qtbot.keyClick(name, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: not window.isVisible(), timeout=WAIT)
    faults.clear()
    opener.close(window)
    assert not window.store.shard_file(first).exists()  # nothing reached the project...

    code = main(["import", str(copy), "--project", str(root), "--annotator", "ayu"])
    assert code in (0, 1)
    again = open_window(opener, qtbot, root, seeds=None)  # ...and the copy brings it all back
    assert sorted(span_texts(again, first)) == ["Moskow", "Vladimir Putin"]


def test_closing_with_unsaved_edits_retry_saves_them_once_the_disk_has_room(
    opener, qtbot, monkeypatch  # noqa: ANN001
) -> None:
    window = open_window(opener, qtbot)
    fast_retries(window)
    root, first = window.store.root, window.article_id
    faults = Faults(monkeypatch, root)
    faults.start(errno.ENOSPC)
    label_word(window, "Vladimir Putin", "1")
    wait_error(qtbot, window, "the disk is full")
    key(window, "Q", CTRL)
    box = unsaved_prompt(qtbot, window)
    faults.clear()  # room again
    click_button(qtbot, box, "Retry")
    qtbot.waitUntil(lambda: not window.isVisible(), timeout=WAIT)
    assert on_disk(window) == in_memory(window) and first in on_disk(window)


def test_closing_with_unsaved_edits_discard_closes_without_writing(
    opener, qtbot, monkeypatch  # noqa: ANN001
) -> None:
    window = open_window(opener, qtbot)
    fast_retries(window)
    root = window.store.root
    before = saved_files(root)
    faults = Faults(monkeypatch, root)
    faults.start(errno.ENOSPC)
    label_word(window, "Vladimir Putin", "1")
    wait_error(qtbot, window, "the disk is full")
    key(window, "Q", CTRL)
    click_button(qtbot, unsaved_prompt(qtbot, window), "Discard")
    qtbot.waitUntil(lambda: not window.isVisible(), timeout=WAIT)
    faults.clear()
    opener.close(window)
    assert saved_files(root) == before
