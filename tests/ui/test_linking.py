"""Linking across articles in the real window: picker, propagation, entities panel, merge."""

from __future__ import annotations

from PySide6.QtCore import QPoint, Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QDialogButtonBox

from annotator.ui.entity_dialogs import EntityEditDialog, MergeDialog
from annotator.ui.link_picker import LinkPicker
from tests.ui.helpers import click_span, find_span, key

CTRL = Qt.KeyboardModifier.ControlModifier
SHIFT = Qt.KeyboardModifier.ShiftModifier


def open_picker(window) -> LinkPicker:  # noqa: ANN001
    key(window, "L")
    pickers = [p for p in window.findChildren(LinkPicker) if p.isVisible()]
    assert len(pickers) == 1
    return pickers[0]


def wait_propagation(window, qtbot) -> None:  # noqa: ANN001
    qtbot.wait(200)  # the KB change is debounced before propagation starts
    qtbot.waitUntil(lambda: not window.linking.propagation.running, timeout=30000)
    qtbot.wait(50)


def link_new(window, qtbot, surface: str, *, new: bool = True) -> None:  # noqa: ANN001
    click_span(window, find_span(window, surface))
    picker = open_picker(window)
    if new:
        while not picker.list.currentItem().text().startswith("+ New entity"):
            QTest.keyClick(picker.search, Qt.Key.Key_Down)
    QTest.keyClick(picker.search, Qt.Key.Key_Return)
    wait_propagation(window, qtbot)


def articles_with(window, kb_id: str) -> set[str]:  # noqa: ANN001
    return {aid for aid, _ in window.project.mentions(kb_id)}


def test_link_propagate_accept_merge_undo(window, qtbot) -> None:  # noqa: ANN001
    link_new(window, qtbot, "Kim Jong-un")
    kim = window.project.kb["kim-jong-un"]
    assert kim.label == "PER" and "Kim" in kim.aliases
    current = window.view.current_span
    assert current is not None and current.kb_id == "kim-jong-un"
    assert "Kim Jong-un" in window.view.tooltip_for(current)

    pending = window.project.linked_suggestions("kim-jong-un")
    surfaces = {window.project.text(a)[s.start : s.end] for a, s in pending}
    assert {"Kim Jong Un", "Kim"} <= surfaces
    assert len({a for a, _ in pending}) == 5

    key(window, "A", SHIFT)  # accept all for this entity
    assert window.project.linked_suggestions("kim-jong-un") == []
    assert len(articles_with(window, "kim-jong-un")) >= 4
    model = window.entities_panel.model
    qtbot.waitUntil(lambda: model.rowCount() == 1 and model.data(model.index(0, 4)) >= 4)

    link_new(window, qtbot, "Vladimir Putin")
    key(window, "N")
    link_new(window, qtbot, "Putin")  # a duplicate entity on purpose
    assert {"vladimir-putin", "putin"} <= set(window.project.kb.ids())
    panel = window.entities_panel
    qtbot.waitUntil(lambda: panel.model.row_of("putin") >= 0, timeout=3000)
    panel.table.selectRow(panel.model.row_of("putin"))
    qtbot.mouseClick(panel.merge_button, Qt.MouseButton.LeftButton)
    merge = next(d for d in window.findChildren(MergeDialog) if d.isVisible())
    merge.target.setCurrentIndex(merge.target.findData("vladimir-putin"))
    merge.findChild(QDialogButtonBox).button(QDialogButtonBox.StandardButton.Ok).click()
    assert "putin" not in window.project.kb.ids()
    assert all(s.kb_id != "putin" for _, s in window.project.mentions())
    assert "Putin" in window.project.kb["vladimir-putin"].surfaces()

    key(window, "Z", CTRL)
    assert {"vladimir-putin", "putin"} <= set(window.project.kb.ids())
    assert any(s.kb_id == "putin" for _, s in window.project.mentions())


def test_picker_preselects_a_strong_candidate(window, qtbot) -> None:  # noqa: ANN001
    link_new(window, qtbot, "Vladimir Putin")
    click_span(window, find_span(window, "Putin", pending=True))
    picker = open_picker(window)
    assert picker.list.currentItem().text().startswith("Vladimir Putin")
    QTest.keyClick(picker.search, Qt.Key.Key_Return)  # one keystroke links to it
    span = window.view.current_span
    assert span is not None and span.kb_id == "vladimir-putin"
    assert not window.view.is_pending(span)


def test_kwic_double_click_jumps_and_entity_edit_is_undoable(window, qtbot) -> None:  # noqa: ANN001
    link_new(window, qtbot, "Kim Jong-un")
    key(window, "A", SHIFT)
    panel = window.entities_panel
    window.side_tabs.setCurrentWidget(panel)
    qtbot.waitUntil(lambda: panel.model.rowCount() == 1, timeout=3000)
    panel.table.selectRow(0)
    table = panel.mentions
    assert table.rowCount() >= 5
    last = table.rowCount() - 1
    assert table.item(last, 1).text() in {"Kim", "Kim Jong Un", "Kim Jong-un"}
    table.scrollToItem(table.item(last, 1))
    rect = table.visualItemRect(table.item(last, 1))
    at = QPoint(rect.left() + 5, rect.center().y())
    none = Qt.KeyboardModifier.NoModifier
    QTest.mouseClick(table.viewport(), Qt.MouseButton.LeftButton, none, at)
    QTest.mouseDClick(table.viewport(), Qt.MouseButton.LeftButton, none, at)
    article_id, span = panel.mention_at(last)
    assert window.article_id == article_id and window.view.current_span == span

    qtbot.mouseClick(panel.edit_button, Qt.MouseButton.LeftButton)
    dialog = next(d for d in window.findChildren(EntityEditDialog) if d.isVisible())
    dialog.wikidata.setText("Q56226")
    dialog.note.setPlainText("Pemimpin Korea Utara")
    dialog.findChild(QDialogButtonBox).button(QDialogButtonBox.StandardButton.Ok).click()
    assert window.project.kb["kim-jong-un"].external_ids == {"wikidata": "Q56226"}
    key(window, "Z", CTRL)
    assert window.project.kb["kim-jong-un"].external_ids == {}


def test_unlink_and_kb_survives_reopen(opener, qtbot) -> None:  # noqa: ANN001
    window = opener.open()
    link_new(window, qtbot, "Kim Jong-un")
    link_new(window, qtbot, "Vladimir Putin")
    key(window, "U")
    assert window.view.current_span.kb_id is None
    opener.close(window)
    again = opener.open(seeds=None)
    assert sorted(again.project.kb.ids()) == ["kim-jong-un", "vladimir-putin"]
    span = find_span(again, "Kim Jong-un", pending=False)
    assert span.kb_id is None or span.kb_id == "kim-jong-un"
    kim = [s for _, s in again.project.mentions("kim-jong-un")]
    assert len(kim) == 1


def test_move_a_mention_to_another_entity_and_undo_unlink(window, qtbot) -> None:  # noqa: ANN001
    link_new(window, qtbot, "Vladimir Putin")
    link_new(window, qtbot, "Shoigu")
    click_span(window, find_span(window, "Vladimir Putin", pending=False))
    picker = open_picker(window)
    picker.search.selectAll()
    QTest.keyClicks(picker.search, "Shoigu")
    assert picker.list.currentItem().text().startswith("Shoigu")
    QTest.keyClick(picker.search, Qt.Key.Key_Return)
    moved = find_span(window, "Vladimir Putin", pending=False)
    assert moved.kb_id == "shoigu"
    key(window, "U")
    assert find_span(window, "Vladimir Putin", pending=False).kb_id is None
    key(window, "Z", CTRL)
    assert find_span(window, "Vladimir Putin", pending=False).kb_id == "shoigu"
    key(window, "Z", CTRL)
    assert find_span(window, "Vladimir Putin", pending=False).kb_id == "vladimir-putin"


def test_link_all_then_accept_auto_links_and_undo(window, qtbot) -> None:  # noqa: ANN001
    from annotator.core.model import Origin

    for _ in range(5):  # accept every suggestion in every article, unlinked
        key(window, "A", CTRL | SHIFT)
        key(window, "N")
    project = window.project
    unlinked = [s for a in project.sets_of() for s in a.spans if not s.kb_id]
    assert len(unlinked) > 100
    task = window.linking.link_all()
    assert task is not None
    qtbot.waitUntil(lambda: task.isFinished(), timeout=60000)
    qtbot.waitUntil(lambda: any(s.origin == Origin.AUTO for a in project.sets_of()
                                for s in a.spans), timeout=10000)
    close_review(window, qtbot)
    spans = [s for a in project.sets_of() for s in a.spans]
    assert sum(1 for s in spans if s.origin == Origin.AUTO) >= len(unlinked) * 0.9
    kim = {s.kb_id for a, s in project.mentions()
           if project.text(a)[s.start : s.end] in ("Kim Jong-un", "Kim Jong Un")}
    assert len(kim) == 1  # both spellings became one entity (Kim Jong-il stays apart)
    window.linking.accept_auto()
    assert not any(s.origin == Origin.AUTO for a in project.sets_of() for s in a.spans)
    key(window, "Z", CTRL)  # back to auto links
    assert any(s.origin == Origin.AUTO for a in project.sets_of() for s in a.spans)
    key(window, "Z", CTRL)  # the whole auto-link in one step
    assert all(not s.kb_id for a in project.sets_of() for s in a.spans)
    assert len(project.kb) == 0


def close_review(window, qtbot) -> None:  # noqa: ANN001
    """Close Link all's review with its Close button; the window has the keys again."""
    review = window.linking.review
    qtbot.waitUntil(review.isVisible)
    box = review.findChild(QDialogButtonBox)
    qtbot.mouseClick(box.button(QDialogButtonBox.StandardButton.Close), Qt.MouseButton.LeftButton)
    qtbot.waitUntil(window.isActiveWindow)


def test_link_all_review_lists_doubtful_first_and_decides_in_bulk(window, qtbot) -> None:  # noqa: ANN001
    from PySide6.QtCore import Qt as QtNs

    from annotator.core.model import Origin

    for _ in range(5):
        key(window, "A", CTRL | SHIFT)
        key(window, "N")
    project = window.project
    key(window, "K", CTRL | SHIFT)  # Project › Link all
    qtbot.waitUntil(lambda: window.linking.review is not None
                    and window.linking.review.isVisible(), timeout=60000)
    review = window.linking.review
    table = review.table
    sure = [float(table.item(r, 0).text()) for r in range(table.rowCount())]
    assert sure == sorted(sure) and len(sure) > 100  # least sure first
    for row in range(table.rowCount()):  # check the first three rows only
        table.item(row, 0).setCheckState(QtNs.CheckState.Checked if row < 3
                                         else QtNs.CheckState.Unchecked)
    chosen = review.checked()
    qtbot.mouseClick(review.unlink_button, Qt.MouseButton.LeftButton)
    for article_id, span, _ in chosen:
        current = next(s for s in project.annotation_set(article_id).spans if s == span)
        assert current.kb_id is None  # unlinked, still accepted
    assert table.rowCount() == len(sure) - 3
    table.item(0, 0).setCheckState(QtNs.CheckState.Checked)
    for row in range(1, table.rowCount()):
        table.item(row, 0).setCheckState(QtNs.CheckState.Unchecked)
    (article_id, span, kb_id), = review.checked()
    qtbot.mouseClick(review.accept_button, Qt.MouseButton.LeftButton)
    current = next(s for s in project.annotation_set(article_id).spans if s == span)
    assert (current.kb_id, current.origin) == (kb_id, Origin.MANUAL)
    close_review(window, qtbot)
    key(window, "Z", CTRL)  # the accept, one step
    key(window, "Z", CTRL)  # the unlink of three, one step
    for article_id, span, kb_id in chosen:
        current = next(s for s in project.annotation_set(article_id).spans if s == span)
        assert (current.kb_id, current.origin) == (kb_id, Origin.AUTO)


def test_linking_offers_the_accepted_unlinked_mentions_too(window, qtbot) -> None:  # noqa: ANN001
    from PySide6.QtWidgets import QMessageBox

    project = window.project
    for _ in range(5):  # every suggestion accepted, nothing linked
        key(window, "A", CTRL | SHIFT)
        key(window, "N")
    key(window, "P")
    while window.article_id != project.article_ids[0]:
        key(window, "P")
    loose = [(a, s) for aset in project.sets_of() for s in aset.spans
             if not s.kb_id and project.text(aset.article_id)[s.start:s.end] in
             ("Vladimir Putin", "Putin") for a in [aset.article_id]]
    assert len({a for a, _ in loose}) >= 2
    link_new(window, qtbot, "Vladimir Putin")
    kb_id = window.view.current_span.kb_id
    qtbot.waitUntil(lambda: window.linking.more_box is not None
                    and window.linking.more_box.isVisible(), timeout=20000)
    box = window.linking.more_box
    assert "have no link yet" in box.text()
    qtbot.mouseClick(box.button(QMessageBox.StandardButton.Yes), Qt.MouseButton.LeftButton)
    linked = {(a, s.start) for a, s in project.mentions(kb_id)}
    assert {(a, s.start) for a, s in loose} <= linked  # every accepted mention reached
    qtbot.waitUntil(window.isActiveWindow)
    key(window, "Z", CTRL)  # one step takes them back
    linked = {(a, s.start) for a, s in project.mentions(kb_id)}
    assert len(linked) == 1  # only the span linked by hand
