"""Plain regression tests for what the model-based walk (test_walk.py) found."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction
from PySide6.QtTest import QTest

from annotator.core.model import Origin
from tests.conftest import SEEDS
from tests.ui.helpers import find_span, key
from tests.ui.state import settle
from tests.ui.walk import small_seed_folder

CTRL = Qt.KeyboardModifier.ControlModifier
SHIFT = Qt.KeyboardModifier.ShiftModifier


def label_selection(window, start: int, end: int, digit: str) -> None:  # noqa: ANN001
    """Put the text cursor at `start`, Shift+Right to `end`, press the label's digit."""
    key(window, "Escape")
    window.view.select_range(start, start)
    for _ in range(end - start):
        key(window, "Right", SHIFT)
    key(window, digit)


def link_current(window, qtbot) -> None:  # noqa: ANN001
    """L, then Enter in the picker (its pre-selected choice)."""
    key(window, "L")
    picker = window.linking.picker
    qtbot.waitUntil(picker.isVisible)
    QTest.keyClick(picker.search, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: not picker.isVisible())


def link_all(window, qtbot) -> None:  # noqa: ANN001
    window.findChild(QAction, "action_link_all").trigger()
    task = window.linking.autolink_task
    qtbot.waitUntil(task.isFinished, timeout=60000)
    settle(qtbot, window)


def test_link_all_works_with_an_entity_named_by_punctuation(opener, qtbot, tmp_path: Path
                                                            ) -> None:  # noqa: ANN001
    """Walk seed 4: a "," linked as a new entity made Link all fail (max() of no name keys)."""
    window = opener.open(seeds=small_seed_folder(tmp_path / "seeds", SEEDS))
    text = window.view.text
    comma = text.index(",")
    label_selection(window, comma, comma + 1, "3")
    link_current(window, qtbot)
    assert [e.name for e in window.project.kb] == [","]
    find_span(window, "Vladimir Putin", pending=True)
    key(window, "A", CTRL | SHIFT)
    steps = window.undo_stack.count()
    link_all(window, qtbot)
    assert window.undo_stack.count() == steps + 1
    spans = window.project.annotation_set(window.article_id).spans
    putin = next(s for s in spans if text[s.start : s.end] == "Vladimir Putin")
    assert putin.origin == Origin.AUTO and putin.kb_id
