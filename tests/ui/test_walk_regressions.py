"""Plain regression tests for what the model-based walk (test_walk.py) found."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QFileDialog, QMessageBox

from annotator.core.model import Origin
from tests.conftest import SEEDS
from tests.ui.helpers import answer_box, close_link_review, find_span, key
from tests.ui.state import assert_disk_matches_memory, memory_state, settle, state_diff
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
    qtbot.wait(50)  # the plan reaches the window, which opens its review
    if window.linking.review is not None and window.linking.review.isVisible():
        close_link_review(window, qtbot)
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


def test_rejecting_a_propagated_suggestion_brings_back_the_one_it_hid(
    opener, qtbot, tmp_path: Path  # noqa: ANN001
) -> None:
    """Walk seed 5: "Utara" linked, its propagated suggestions hid "Korea Utara"; rejecting
    one left nothing there until a restart brought "Korea Utara" back."""
    from tests.ui.helpers import click_span
    from tests.ui.state import memory_state, state_diff

    window = opener.open(seeds=small_seed_folder(tmp_path / "seeds", SEEDS))
    text = window.view.text
    first, second = (i for i in _find_all(text, "Korea Utara")[:2])
    label_selection(window, first + 6, first + 11, "3")  # "Utara" by hand, as GPE
    link_current(window, qtbot)
    settle(qtbot, window)
    assert find_span(window, "Utara", pending=True).start == second + 6  # propagated...
    assert "Korea Utara" not in _pending_surfaces(window)  # ...hiding the builtin one

    click_span(window, find_span(window, "Utara", pending=True))
    key(window, "X")
    assert [s.start for s in window.view.spans if text[s.start : s.end] == "Korea Utara"
            and window.view.is_pending(s)] == [second]
    key(window, "Z", CTRL)
    assert "Korea Utara" not in _pending_surfaces(window)
    key(window, "Z", CTRL | SHIFT)
    assert "Korea Utara" in _pending_surfaces(window)
    settle(qtbot, window)
    before = memory_state(window.project)

    opener.close(window)
    again = opener.open(seeds=None)
    settle(qtbot, again)
    assert not (diff := state_diff(memory_state(again.project), before)), diff


def _find_all(text: str, word: str) -> list[int]:
    found, at = [], text.find(word)
    while at >= 0:
        found.append(at)
        at = text.find(word, at + 1)
    return found


def _pending_surfaces(window) -> list[str]:  # noqa: ANN001
    view = window.view
    return [view.text[s.start : s.end] for s in view.spans if view.is_pending(s)]


def test_deleted_hand_made_linked_span_is_not_suggested_back(
    opener, qtbot, tmp_path: Path  # noqa: ANN001
) -> None:
    """Walk seed 10: "lebih besar" labelled, linked to a new entity and deleted came back as a
    propagated suggestion with the next propagation pass (another link, or a restart)."""
    from tests.ui.state import memory_state, state_diff

    window = opener.open(seeds=small_seed_folder(tmp_path / "seeds", SEEDS))
    start = window.view.text.index("lebih besar")
    label_selection(window, start, start + len("lebih besar"), "3")
    link_current(window, qtbot)
    settle(qtbot, window)
    key(window, "X")
    settle(qtbot, window)
    assert "lebih besar" not in _pending_surfaces(window)
    before = memory_state(window.project)

    opener.close(window)
    again = opener.open(seeds=None)
    settle(qtbot, again)
    assert "lebih besar" not in _pending_surfaces(again)
    assert not (diff := state_diff(memory_state(again.project), before)), diff


def test_deleting_a_span_suggests_the_entity_names_it_covered_at_once(
    opener, qtbot, tmp_path: Path  # noqa: ANN001
) -> None:
    """Walk seeds 11, 13: a span deleted over an alias of a known entity left the place empty
    until the next propagation pass (Link all, its undo, a restart) suggested the alias, so
    Link all then Ctrl+Z did not give back the state before it."""
    from tests.ui.helpers import click_span
    from tests.ui.state import memory_state, state_diff

    window = opener.open(seeds=small_seed_folder(tmp_path / "seeds", SEEDS))
    text = window.view.text
    first, second = _find_all(text, "Korea Utara")[:2]
    korea = next(s for s in window.view.spans if s.start == second)
    click_span(window, korea)
    key(window, "A")  # "Korea Utara" accepted
    label_selection(window, first + 6, first + 11, "3")  # "Utara" by hand, linked
    link_current(window, qtbot)
    settle(qtbot, window)
    click_span(window, korea)
    key(window, "X")
    utara = [s for s in window.view.spans if window.view.is_pending(s) and s.start == second + 6]
    assert [s.kb_id for s in utara] == ["utara"]  # at once, not after the next pass
    key(window, "Z", CTRL)
    assert not [s for s in window.view.spans if window.view.is_pending(s)
                and s.start == second + 6]
    key(window, "Z", CTRL | SHIFT)
    click_span(window, find_span(window, "Vladimir Putin", pending=True))
    key(window, "A")  # an unlinked span for Link all to link
    settle(qtbot, window)
    before = memory_state(window.project)

    steps = window.undo_stack.count()
    link_all(window, qtbot)
    assert window.undo_stack.count() == steps + 1
    key(window, "Z", CTRL)
    settle(qtbot, window)
    assert not (diff := state_diff(memory_state(window.project), before)), diff
    opener.close(window)
    again = opener.open(seeds=None)
    settle(qtbot, again)
    assert not (diff := state_diff(memory_state(again.project), before)), diff


def test_suggestion_under_a_deleted_span_comes_back_at_once(
    opener, qtbot, tmp_path: Path  # noqa: ANN001
) -> None:
    """Walk seed 15: a suggestion the pass left out because a span covered it came back only
    after a restart once that span was deleted."""
    from tests.ui.state import memory_state, state_diff

    window = opener.open(seeds=small_seed_folder(tmp_path / "seeds", SEEDS), suggest=False)
    assert window.view.text.startswith("Kunjungan Kim ")
    window.activateWindow()  # no suggestion pass to wait for: make sure shortcuts reach it
    qtbot.waitUntil(window.isActiveWindow)
    label_selection(window, 0, len("Kunjungan Kim"), "3")  # by hand, before any suggestion
    assert [s.key for s in window.project.annotation_set(window.article_id).spans] == [
        (0, 13, "GPE")]
    opener.close(window)
    window = opener.open(seeds=None)  # the pass suggests "Kim" (10, 13): the span covers it
    settle(qtbot, window)
    assert _pending_at(window, 10) == []

    window.view.set_current_span(None)
    key(window, "Tab")
    assert window.view.current_span.start == 0
    key(window, "X")
    assert _pending_at(window, 10) == ["Kim"]  # at once, as a restart would show
    settle(qtbot, window)
    before = memory_state(window.project)
    opener.close(window)
    again = opener.open(seeds=None)
    settle(qtbot, again)
    assert not (diff := state_diff(memory_state(again.project), before)), diff


def _pending_at(window, start: int) -> list[str]:  # noqa: ANN001
    view = window.view
    return [view.text[s.start : s.end] for s in view.spans
            if view.is_pending(s) and s.start == start]



def delete_shown_article(window, qtbot) -> str:  # noqa: ANN001
    """Ctrl+Shift+Del, answered Delete article; the deleted article's title."""
    title = window.project.info(window.article_id).title
    key(window, "Delete", CTRL | SHIFT)
    answer_box(window, qtbot, window.deleter.prompt, "Delete article")
    return title


def import_again(window, qtbot, seeds: Path, title: str) -> None:  # noqa: ANN001
    """File › Import files… the seed file of the article titled `title`; the summary closed."""
    key(window, "I", CTRL)
    dialog = next(w for w in window.findChildren(QFileDialog) if w.isVisible())
    dialog.selectFile(str(next(p for p in sorted(seeds.iterdir())
                               if title in p.read_text("utf-8").splitlines()[0]
                               or p.stem in title)))
    dialog.accept()
    qtbot.waitUntil(lambda: window.findChild(QMessageBox, "summaryBox") is not None,
                    timeout=20000)
    answer_box(window, qtbot, window.findChild(QMessageBox, "summaryBox"), "OK")
    settle(qtbot, window)


def test_an_article_imported_again_is_listed_where_a_restart_lists_it(
        opener, qtbot, tmp_path: Path) -> None:  # noqa: ANN001
    seeds = small_seed_folder(tmp_path / "seeds", SEEDS)
    window = opener.open(seeds=seeds)
    order = list(window.project.article_ids)
    import_again(window, qtbot, seeds, delete_shown_article(window, qtbot))
    assert window.project.article_ids == order  # back where it was, as on disk
    root = window.store.root
    opener.close(window)
    assert opener.open(root, seeds=None).project.article_ids == order


def test_undoing_a_deletion_after_the_article_came_back_shows_what_a_restart_shows(
        opener, qtbot, tmp_path: Path) -> None:  # noqa: ANN001
    seeds = small_seed_folder(tmp_path / "seeds", SEEDS)
    window = opener.open(seeds=seeds)
    key(window, "A", CTRL | SHIFT)  # the first article's suggestions accepted
    first = window.article_id
    import_again(window, qtbot, seeds, delete_shown_article(window, qtbot))
    assert not window.project.annotation_set(first).spans  # back clean
    assert window.undo_stack.count() == 0  # its steps were about the old annotations
    key(window, "Z", CTRL)  # nothing to undo: the old annotations stay hidden
    settle(qtbot, window)
    shown = memory_state(window.project)
    assert not window.project.annotation_set(first).spans
    assert_disk_matches_memory(window)
    root = window.store.root
    opener.close(window)
    window = opener.open(root, seeds=None)
    assert not (diff := state_diff(memory_state(window.project), shown)), diff

    key(window, "Z", CTRL | SHIFT)  # nothing to redo after a restart; delete it again
    window.show_article(first)
    delete_shown_article(window, qtbot)
    key(window, "Z", CTRL)
    key(window, "Z", CTRL | SHIFT)  # the redo deletes it for good, as a restart shows
    assert not window.project.has_article(first)
    assert_disk_matches_memory(window)
    opener.close(window)
    assert not opener.open(root, seeds=None).project.has_article(first)


def test_the_suggestion_pass_after_an_import_reaches_the_article_it_brought_back(
        opener, qtbot, tmp_path: Path) -> None:  # noqa: ANN001
    seeds = small_seed_folder(tmp_path / "seeds", SEEDS)
    window = opener.open(seeds=seeds)
    first = window.article_id
    suggested = sorted(window.project.annotation_set(first).suggestions)
    assert suggested
    window.store.writer.window = 3.0  # saves gathered in bursts: the import's record waits
    import_again(window, qtbot, seeds, delete_shown_article(window, qtbot))
    assert sorted(window.project.annotation_set(first).suggestions) == suggested
