"""Article › Delete article… (issue 19): asks first, takes everyone's work on the article with
it, Ctrl+Z brings it back until the window closes, and a re-import brings it back clean."""

from __future__ import annotations

from pathlib import Path

import orjson
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QAbstractButton, QFileDialog, QMessageBox

from annotator.cli import main
from annotator.core.model import ArticleStatus
from tests.conftest import SEEDS
from tests.ui.helpers import key

CTRL = Qt.KeyboardModifier.ControlModifier
SHIFT = Qt.KeyboardModifier.ShiftModifier


def press_delete(window, qtbot) -> QMessageBox:  # noqa: ANN001
    """Ctrl+Shift+Delete with the article view focused; the confirmation it opens."""
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)
    key(window, "Delete", CTRL | SHIFT)
    box = window.deleter.prompt
    assert box is not None
    qtbot.waitUntil(box.isVisible)
    return box


def answer(window, qtbot, box: QMessageBox, text: str) -> None:  # noqa: ANN001
    button = next(b for b in box.findChildren(QAbstractButton)
                  if text in b.text().replace("&", ""))
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not box.isVisible())
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)


def titles(window) -> list[str]:  # noqa: ANN001
    model = window.article_model
    return [model.data(model.index(r, 0)) for r in range(model.rowCount())]


def exported(window, tmp_path: Path) -> list[str]:  # noqa: ANN001
    assert window.store.flush()
    out = tmp_path / "all.jsonl"
    assert main(["export", "--project", str(window.store.root), "--annotator", "ayu",
                 "--status", "any", "--out", str(out)]) == 0
    return [orjson.loads(line)["meta"]["article_id"] for line in out.read_bytes().splitlines()]


def test_delete_asks_then_removes_and_undo_brings_everything_back(window, qtbot, tmp_path):  # noqa: ANN001
    key(window, "A", CTRL | SHIFT)  # accept every suggestion of the first article
    first, second = window.project.article_ids[:2]
    accepted = list(window.project.annotation_set(first).spans)
    title = window.project.info(first).title
    assert first in exported(window, tmp_path)

    box = press_delete(window, qtbot)
    assert title in box.text() and "Ctrl+Z" in box.informativeText()
    answer(window, qtbot, box, "Cancel")
    assert window.project.has_article(first) and len(titles(window)) == 5

    answer(window, qtbot, press_delete(window, qtbot), "Delete article")
    assert title not in titles(window) and len(titles(window)) == 4
    assert window.article_id == second  # the next article is shown instead
    assert "(1 / 4)" in window.title_label.text()
    qtbot.waitUntil(lambda: "0/4 done" in window.status.progress_label.text(), timeout=3000)
    assert first not in exported(window, tmp_path)

    key(window, "Z", CTRL)  # undo: back where it was, with its spans, and shown
    assert titles(window)[0] == title and window.article_id == first
    assert window.project.annotation_set(first).spans == accepted
    assert first in exported(window, tmp_path)
    key(window, "Z", CTRL | SHIFT)  # redo deletes it again
    assert title not in titles(window) and window.article_id == second


def test_deleted_stays_deleted_and_a_reimport_brings_it_back_clean(opener, qtbot, tmp_path):  # noqa: ANN001
    window = opener.open()
    key(window, "A", CTRL | SHIFT)
    first = window.article_id
    title = window.project.info(first).title
    answer(window, qtbot, press_delete(window, qtbot), "Delete article")
    root = window.store.root
    opener.close(window)

    window = opener.open(root)  # reopened (seeding finds the project seeded already)
    assert title not in titles(window) and not window.project.has_article(first)
    assert len(window.project) == 4

    key(window, "I", CTRL)  # File › Import files… the seed file of that article again
    dialog = next(w for w in window.findChildren(QFileDialog) if w.isVisible())
    seed = next(p for p in sorted(SEEDS.iterdir())
                if title in p.read_text("utf-8").splitlines()[0] or p.stem in title)
    dialog.selectFile(str(seed))
    dialog.accept()
    qtbot.waitUntil(lambda: window.article_model.rowCount() == 5, timeout=20000)
    assert window.project.has_article(first)
    assert window.project.status(first) == ArticleStatus.NEW
    aset = window.project.existing_set(first)
    assert aset is None or not aset.spans  # the old accepted spans did not come back


def test_a_junk_record_can_be_deleted_even_when_it_is_the_last_article(opener, qtbot, tmp_path):  # noqa: ANN001
    junk = tmp_path / "junk"
    junk.mkdir()
    (junk / "line.txt").write_text("}}}} {{{{ ,,,, ;;;;\n", "utf-8")
    window = opener.open(seeds=junk, suggest=False)
    assert titles(window) and len(window.project) == 1
    answer(window, qtbot, press_delete(window, qtbot), "Delete article")
    assert titles(window) == [] and window.article_id is None
    assert window.view.toPlainText() == "" and window.span_model.rowCount() == 0
    key(window, "Z", CTRL)
    assert len(titles(window)) == 1 and window.article_id is not None
