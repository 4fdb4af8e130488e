"""Review mode in the real window: two annotators' work, decisions into gold, figures."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QTextCharFormat
from PySide6.QtTest import QTest

from annotator.core.model import ArticleStatus
from annotator.core.review import Kind
from annotator.core.review_commands import GOLD
from tests.ui.helpers import click_span, find_span, key

CTRL = Qt.KeyboardModifier.ControlModifier
SHIFT = Qt.KeyboardModifier.ShiftModifier
ALT = Qt.KeyboardModifier.AltModifier


def annotate_as(opener, name: str, relabel: str | None) -> None:  # noqa: ANN001
    """Accept every suggestion of the first article; optionally relabel Vladimir Putin."""
    window = opener.open(annotator=name, seeds=None if opener.windows_opened else opener.seeds)
    opener.windows_opened += 1
    key(window, "A", CTRL | SHIFT)
    if relabel:
        click_span(window, find_span(window, "Vladimir Putin"))
        key(window, relabel)
    click_span(window, find_span(window, "Komsomolsk-on-Amur"))
    if name in ("budi", "cici"):
        key(window, "X")  # budi deletes a span ayu keeps: only one annotator has it
    opener.close(window)


def kinds(window) -> list[Kind]:  # noqa: ANN001
    return [item.kind for item in window.review.items]


def test_review_two_annotators_into_gold(opener, qtbot) -> None:  # noqa: ANN001
    from tests.conftest import SEEDS

    opener.seeds, opener.windows_opened = SEEDS, 0
    annotate_as(opener, "ayu", None)
    annotate_as(opener, "budi", "2")  # Vladimir Putin as ORG: a label conflict
    window = opener.open(annotator="rina", seeds=None)
    key(window, "R", CTRL)
    assert window.review.active and window.side_tabs.currentWidget() is window.review.panel
    assert window.review.annotators == ["ayu", "budi"]
    found = kinds(window)
    assert Kind.LABEL in found and Kind.ONLY_ONE in found and Kind.AGREED in found
    table = window.review.panel.items_table
    assert table.rowCount() == len(found)
    assert "kappa" in window.review.panel.article_figures.text()

    key(window, "A", ALT)  # accept all agreed into gold
    gold = window.project.annotation_set(window.article_id, GOLD)
    agreed = sum(1 for k in found if k == Kind.AGREED)
    assert len(gold.spans) == agreed
    assert window.view.spans == gold.spans  # the view shows the gold version now

    label_row = found.index(Kind.LABEL)
    label_item = window.review.items[label_row]
    qtbot.wait(20)  # let the view redraw
    marked = {(start, end) for start, end, _ in window.view.marks}
    assert (label_item.start, label_item.end) in marked  # the conflict is marked in the text
    waves = [s for s in window.view.extraSelections()
             if s.format.underlineStyle() == QTextCharFormat.UnderlineStyle.WaveUnderline]
    drawn = {(s.cursor.selectionStart(), s.cursor.selectionEnd()) for s in waves}
    assert window.view.marks and {(a, b) for a, b, _ in window.view.marks} <= drawn  # drawn
    table.selectRow(label_row)
    key(window, "2", ALT)  # take budi's version: ORG
    marked = {(start, end) for start, end, _ in window.view.marks}
    assert (label_item.start, label_item.end) not in marked  # decided: no longer marked
    putin = [s for s in gold.spans if window.view.text[s.start : s.end] == "Vladimir Putin"]
    assert [s.label for s in putin] == ["ORG"]
    key(window, "M", ALT)
    assert gold.status == ArticleStatus.REVIEWED and gold.reviewer == "rina"
    assert window.article_model.data(window.article_model.index(0, 1)) == "reviewed"
    key(window, "Z", CTRL)
    assert gold.status != ArticleStatus.REVIEWED
    key(window, "Z", CTRL | SHIFT)
    qtbot.waitUntil(lambda: "Project (1 articles" in window.review.panel.project_figures.text(),
                    timeout=30000)
    assert window.review.report is not None and window.review.report.conflicts[Kind.LABEL] >= 1
    assert window.review.panel.chart.bars  # one bar per label
    assert window.review.report.links["mentions"] > 0  # link agreement over shared mentions
    assert "Links: CoNLL" in window.review.panel.project_figures.text()

    before = [(s.key, s.kb_id) for s in gold.spans]
    opener.close(window)
    again = opener.open(annotator="rina", seeds=None)
    key(again, "R", CTRL)
    gold_again = again.project.annotation_set(again.article_id, GOLD)
    assert [(s.key, s.kb_id) for s in gold_again.spans] == before
    assert gold_again.status == ArticleStatus.REVIEWED
    QTest.qWait(10)


def test_stepping_and_rejecting_conflicts(opener, qtbot) -> None:  # noqa: ANN001
    from tests.conftest import SEEDS

    opener.seeds, opener.windows_opened = SEEDS, 0
    annotate_as(opener, "ayu", None)
    annotate_as(opener, "budi", "4")
    window = opener.open(annotator="ayu", seeds=None)
    key(window, "R", CTRL)
    table = window.review.panel.items_table
    table.selectRow(0)
    key(window, "Down", ALT)  # next undecided conflict
    row = table.currentRow()
    assert window.review.items[row].is_conflict
    assert window.view.selection_range() == (window.review.items[row].start,
                                             window.review.items[row].end)
    key(window, "X", ALT)
    gold = window.project.annotation_set(window.article_id, GOLD)
    assert window.review.items[row].keys() <= gold.rejected
    key(window, "R", CTRL)  # leave review mode: my own spans again
    assert not window.review.active and window.view.marks == []
    assert window.view.spans == window.project.annotation_set(window.article_id).all_spans()


def test_gold_exports_from_the_cli_while_reviewing(opener, qtbot, tmp_path) -> None:  # noqa: ANN001
    import orjson

    from annotator.cli import main
    from tests.conftest import SEEDS

    opener.seeds, opener.windows_opened = SEEDS, 0
    annotate_as(opener, "ayu", None)
    annotate_as(opener, "budi", "2")
    window = opener.open(annotator="rina", seeds=None)
    key(window, "R", CTRL)
    key(window, "A", ALT)
    key(window, "M", ALT)
    assert window.store.flush() and window.review.gold_store.flush()
    out = tmp_path / "gold.jsonl"
    code = main(["export", "--project", str(window.store.root), "--annotator", "gold",
                 "--status", "reviewed", "--out", str(out)])
    assert code == 0
    records = [orjson.loads(line) for line in out.read_bytes().splitlines()]
    assert [r["_annotator_id"] for r in records] == ["gold"]
    gold = window.project.annotation_set(window.article_id, GOLD)
    assert len(records[0]["spans"]) == len(gold.spans) > 0


def test_versions_side_by_side_follow_decisions_and_pick_items(opener, qtbot) -> None:  # noqa: ANN001
    from annotator.ui.compare_view import CompareDialog
    from tests.conftest import SEEDS

    opener.seeds, opener.windows_opened = SEEDS, 0
    annotate_as(opener, "ayu", None)
    annotate_as(opener, "budi", "2")  # Vladimir Putin as ORG in budi's version
    window = opener.open(annotator="rina", seeds=None)
    key(window, "S", ALT)  # not reviewing yet: nothing opens
    assert window.review.side is None
    key(window, "R", CTRL)
    key(window, "S", ALT)
    side = window.review.side
    assert isinstance(side, CompareDialog) and side.isVisible()
    assert list(side.views) == ["ayu", "budi", GOLD]
    text = window.view.text
    for name in ("ayu", "budi"):
        view = side.views[name]
        assert view.text == text
        mine = window.project.annotation_set(window.article_id, name).spans
        assert sorted(view.spans) == sorted(mine)
        assert "span(s)" in side.headers[name].text()
    putin = {name: [s.label for s in side.views[name].spans
                    if text[s.start:s.end] == "Vladimir Putin"] for name in ("ayu", "budi")}
    assert putin == {"ayu": ["PER"], "budi": ["ORG"]}
    assert side.views[GOLD].spans == [] and side.views["ayu"].marks  # conflicts marked

    # a click on budi's Vladimir Putin selects that review item (and the text in the window)
    span = find_span_in(side.views["budi"], "Vladimir Putin")
    view = side.views["budi"]
    QTest.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier,
                     view.point_for((span.start + span.end) // 2))
    item = window.review.panel.current_item()
    assert item is not None and (item.start, item.end) == (span.start, span.end)
    assert item.kind == Kind.LABEL
    key(window, "2", ALT)  # take budi's version into gold: the gold column follows
    gold_putin = [s.label for s in side.views[GOLD].spans
                  if text[s.start:s.end] == "Vladimir Putin"]
    assert gold_putin == ["ORG"]
    assert (span.start, span.end) not in {(a, b) for a, b, _ in side.views["ayu"].marks}

    # the columns scroll together
    view.verticalScrollBar().setValue(view.verticalScrollBar().maximum())
    other = side.views["ayu"].verticalScrollBar()
    assert other.maximum() > 0 and other.value() == other.maximum()
    key(window, "R", CTRL)  # leaving review closes it
    assert not side.isVisible()


def find_span_in(view, surface: str):  # noqa: ANN001, ANN201
    return next(s for s in view.spans if view.text[s.start:s.end] == surface)


def test_alt_number_takes_that_annotators_version(opener, qtbot) -> None:  # noqa: ANN001
    """Alt+1 takes the first annotator's span into gold, Alt+2 the second's, with three."""
    from tests.conftest import SEEDS

    opener.seeds, opener.windows_opened = SEEDS, 0
    annotate_as(opener, "ayu", None)  # keeps Komsomolsk-on-Amur, Putin as PER
    annotate_as(opener, "budi", "2")  # deletes Komsomolsk-on-Amur, Putin as ORG
    annotate_as(opener, "cici", "3")  # deletes Komsomolsk-on-Amur too, Putin as GPE
    window = opener.open(annotator="rina", seeds=None)
    key(window, "R", CTRL)
    assert window.review.annotators == ["ayu", "budi", "cici"]
    table = window.review.panel.items_table
    text = window.view.text
    gold = window.project.annotation_set(window.article_id, GOLD)

    komsomolsk = next(i for i, item in enumerate(window.review.items)
                      if text[item.start:item.end] == "Komsomolsk-on-Amur")
    table.selectRow(komsomolsk)
    key(window, "1", ALT)  # ayu has it: gold takes it, does not reject it
    assert [text[s.start:s.end] for s in gold.spans] == ["Komsomolsk-on-Amur"]
    assert not window.review.items[komsomolsk].keys() & gold.rejected

    putin = next(i for i, item in enumerate(window.review.items)
                 if text[item.start:item.end] == "Vladimir Putin")
    table.selectRow(putin)
    key(window, "2", ALT)  # budi's version: ORG, not cici's GPE
    assert [s.label for s in gold.spans if text[s.start:s.end] == "Vladimir Putin"] == ["ORG"]
    action = next(a for a in window.actions() if a.text() == "Use version 1")
    action.trigger()  # the menu item does the same as the key
    assert [s.label for s in gold.spans if text[s.start:s.end] == "Vladimir Putin"] == ["PER"]


def test_review_of_three_fits_the_panel_says_who_and_clears(opener, qtbot) -> None:  # noqa: ANN001
    from PySide6.QtWidgets import QHeaderView

    from tests.conftest import SEEDS

    opener.seeds, opener.windows_opened = SEEDS, 0
    annotate_as(opener, "ayu", None)  # keeps Komsomolsk-on-Amur
    annotate_as(opener, "budi", "2")  # deletes it
    annotate_as(opener, "dewi", None)  # keeps it: two of three
    window = opener.open(annotator="rina", seeds=None)
    window.resize(1366, 768)
    key(window, "R", CTRL)
    panel = window.review.panel
    text = window.view.text
    row = next(i for i, item in enumerate(window.review.items)
               if text[item.start:item.end] == "Komsomolsk-on-Amur")
    table = panel.items_table
    assert table.item(row, 0).text() == "2 of 3: ayu, dewi"
    headers = [table.horizontalHeaderItem(c).text() for c in range(table.columnCount())]
    assert headers[:2] == ["Kind", "Gold"] and headers[3:] == ["ayu", "budi", "dewi"]
    assert table.item(row, 1).text() == "undecided"
    qtbot.wait(50)
    assert table.horizontalScrollBar().maximum() == 0  # no sideways scrolling at 1,366 px
    gold_column = table.horizontalHeader()
    assert gold_column.sectionResizeMode(1) == QHeaderView.ResizeMode.ResizeToContents
    assert "A = ayu, B = budi" in panel.article_figures.text()
    qtbot.waitUntil(lambda: "A = ayu, B = budi" in panel.project_figures.text(), timeout=30000)
    assert panel.chart.title == "F1 per label (ayu against budi)"

    key(window, "S", ALT)
    assert window.review.side.isVisible()
    key(window, "Escape")  # Esc closes the versions side by side
    assert not window.review.side.isVisible()
    key(window, "R", CTRL)  # review ends: the tab is empty again
    assert table.rowCount() == 0 and panel.version_buttons == []
    assert panel.article_figures.text() == ""


def test_article_pane_stays_readable_and_wraps_between_words(window) -> None:  # noqa: ANN001
    from PySide6.QtGui import QTextOption

    view = window.view
    assert view.wordWrapMode() == QTextOption.WrapMode.WordWrap
    sizes = window.splitter.sizes()
    window.splitter.setSizes([sizes[0] + sizes[1], 0, sizes[2]])  # drag it shut
    assert window.splitter.sizes()[1] >= view.minimumWidth() >= 20 * (
        view.fontMetrics().averageCharWidth())
