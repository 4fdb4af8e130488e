"""Data you can trust: a restart shows what was on screen, an undo restores memory and disk."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction

from tests.ui.helpers import click_span, close_link_review, find_span, key
from tests.ui.state import assert_disk_matches_memory, memory_state, settle, state_diff

CTRL = Qt.KeyboardModifier.ControlModifier
SHIFT = Qt.KeyboardModifier.ShiftModifier


def restart(opener, window):  # noqa: ANN001, ANN201
    """Close the window (saves flushed), open the same project again, wait for suggestions."""
    opener.close(window)
    again = opener.open(seeds=None)
    settle(opener.qtbot, again)
    return again


def test_relabelled_then_deleted_span_stays_gone_after_restart(opener) -> None:  # noqa: ANN001
    window = opener.open()
    putin = find_span(window, "Vladimir Putin", pending=True)
    click_span(window, putin)
    key(window, "A")
    click_span(window, putin)
    key(window, "2")  # relabel the accepted span
    key(window, "X")  # and delete it
    settle(opener.qtbot, window)
    before = memory_state(window.project)
    assert "Vladimir Putin" not in [window.view.text[s.start : s.end] for s in window.view.spans]

    again = restart(opener, window)
    assert not (diff := state_diff(memory_state(again.project), before)), diff
    assert "Vladimir Putin" not in [again.view.text[s.start : s.end] for s in again.view.spans]


def test_manual_span_over_a_suggestion_then_deleted_stays_gone_after_restart(
    opener,  # noqa: ANN001
) -> None:
    from tests.ui.helpers import select_text

    window = opener.open()
    putin = find_span(window, "Vladimir Putin", pending=True)
    select_text(window, putin.start, putin.end)
    key(window, "2")  # a manual ORG span replaces the PER suggestion
    key(window, "X")  # then the analyst deletes it
    settle(opener.qtbot, window)
    before = memory_state(window.project)

    again = restart(opener, window)
    assert not (diff := state_diff(memory_state(again.project), before)), diff


def pending_count(window) -> int:  # noqa: ANN001
    return sum(len(s.suggestions) for s in window.project.sets_of())


def test_undo_link_all_restores_every_suggestion(opener, qtbot) -> None:  # noqa: ANN001
    window = opener.open()
    key(window, "A", CTRL | SHIFT)  # accept the first article's suggestions, unlinked
    settle(qtbot, window)
    before = memory_state(window.project)
    waiting = pending_count(window)
    assert waiting > 50

    steps = window.undo_stack.count()
    window.findChild(QAction, "action_link_all").trigger()
    qtbot.waitUntil(lambda: window.undo_stack.count() == steps + 1, timeout=60000)
    close_link_review(window, qtbot)
    settle(qtbot, window)
    assert memory_state(window.project) != before  # linked, and aliases propagated

    key(window, "Z", CTRL)
    settle(qtbot, window)
    assert pending_count(window) == waiting
    assert not (diff := state_diff(memory_state(window.project), before)), diff
    assert_disk_matches_memory(window)

    key(window, "Z", CTRL | SHIFT)  # redo, then undo again: still the same state
    settle(qtbot, window)
    key(window, "Z", CTRL)
    settle(qtbot, window)
    assert not (diff := state_diff(memory_state(window.project), before)), diff
    assert_disk_matches_memory(window)
