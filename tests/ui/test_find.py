"""Find panel: type a query, pick the scope, walk the hits, jump into the article."""

from __future__ import annotations

from PySide6.QtCore import QPoint, Qt
from PySide6.QtTest import QTest

from annotator.core.labels import LabelScheme
from annotator.core.model import ArticleInfo
from annotator.core.project import Project
from annotator.ui.find import ALL_ARTICLES, FindPanel
from tests.ui.helpers import choose

LEFT = Qt.MouseButton.LeftButton


def memory_project(texts: dict[str, str]) -> Project:
    infos = [ArticleInfo(i, f"Judul {i}") for i in texts]
    return Project("ayu", LabelScheme.default(), texts.__getitem__, infos)


def make_panel(qtbot, project: Project, article_id: str | None = None, **kw) -> FindPanel:  # noqa: ANN001, ANN003
    panel = FindPanel(project, **kw)
    qtbot.addWidget(panel)
    panel.set_article(article_id)
    panel.show()
    qtbot.waitExposed(panel)
    return panel




def tick(qtbot, button) -> None:  # noqa: ANN001
    """Click a check box on its indicator, as a person would."""
    qtbot.mouseClick(button, LEFT, pos=QPoint(6, button.height() // 2))


def double_click_row(qtbot, results, row: int) -> None:  # noqa: ANN001
    results.scrollToItem(results.item(row))
    rect = results.visualItemRect(results.item(row))
    qtbot.mouseClick(results.viewport(), LEFT, pos=rect.center())  # QTest needs a prior click
    qtbot.mouseDClick(results.viewport(), LEFT, pos=rect.center())


def test_find_in_window_article_and_across_articles_then_jump(opener, qtbot) -> None:  # noqa: ANN001
    window = opener.open(suggest=False)
    project = window.project
    panel = make_panel(qtbot, project, window.article_id)

    def jump(article_id: str, start: int, end: int) -> None:  # what the window will wire
        window.show_article(article_id)
        window.view.select_range(start, end)

    panel.jumpRequested.connect(jump)
    panel.focus_query()
    qtbot.keyClicks(panel.query, "putin")
    with qtbot.waitSignal(panel.jumpRequested) as first:
        QTest.keyClick(panel.query, Qt.Key.Key_Return)
    article_id, start, end = first.args
    assert article_id == window.article_id
    assert project.text(article_id)[start:end].casefold() == "putin"
    assert window.view.selection_range() == (start, end)
    here = panel.results.count()
    assert here >= 1 and panel.results.currentRow() == 0
    assert all(item.text().startswith("…") for item in map(panel.results.item, range(here)))

    with qtbot.waitSignal(panel.jumpRequested) as second:
        QTest.keyClick(panel.query, Qt.Key.Key_Return)  # Enter again: the next hit
    assert second.args != first.args or here == 1

    with qtbot.waitSignal(panel.searched):  # all articles: searched in the background
        choose(qtbot, panel.scope, "All articles")
    assert panel.results.count() > here
    assert "in 5 article(s)" in panel.summary.text()
    last = panel.results.count() - 1
    target = panel.hits()[last]
    assert target.article_id != project.article_ids[0]
    title = project.info(target.article_id).title
    assert panel.results.item(last).text().startswith(title[:20])
    with qtbot.waitSignal(panel.jumpRequested) as third:
        double_click_row(qtbot, panel.results, last)
    assert tuple(third.args) == (target.article_id, target.start, target.end)
    assert window.article_id == target.article_id
    assert window.view.selection_range() == (target.start, target.end)


def test_typing_searches_after_a_pause_and_options_are_clickable(qtbot) -> None:  # noqa: ANN001
    project = memory_project({"a": "Menhan Šojgu bertemu Shoigu. Sergei ŠOJGU hadir."})
    panel = make_panel(qtbot, project, "a")
    qtbot.keyClicks(panel.query, "sojgu")
    qtbot.waitUntil(lambda: panel.results.count() == 2)
    assert panel.summary.text() == "2 matches"
    tick(qtbot, panel.diacritics)  # keep accents: "sojgu" ≠ "Šojgu"
    assert panel.results.count() == 0 and panel.summary.text() == "No matches"
    tick(qtbot, panel.diacritics)
    tick(qtbot, panel.match_case)  # lower-case query, match case: none
    assert panel.results.count() == 0
    panel.query.selectAll()
    panel.query.insert("ŠOJGU")  # QTest cannot type non-Latin-1 keys; an input method would
    QTest.keyClick(panel.query, Qt.Key.Key_Return)
    assert [panel.results.item(0).text()] == ["… bertemu Shoigu. Sergei «ŠOJGU» hadir.…"]


def test_keyboard_moves_into_results_and_enter_jumps(qtbot) -> None:  # noqa: ANN001
    project = memory_project({"a": "Kim dan Kim\ndan Kim", "b": "Kim lagi"})
    panel = make_panel(qtbot, project, "a")
    qtbot.keyClicks(panel.query, "kim")
    QTest.keyClick(panel.query, Qt.Key.Key_Down)
    assert panel.focusWidget() is panel.results and panel.results.currentRow() == 0
    QTest.keyClick(panel.results, Qt.Key.Key_Down)
    with qtbot.waitSignal(panel.jumpRequested) as hit:
        QTest.keyClick(panel.results, Qt.Key.Key_Return)
    assert tuple(hit.args) == ("a", 8, 11)
    assert panel.find_previous().start == 0  # from the chosen hit back to the first
    with qtbot.waitSignal(panel.closeRequested):
        QTest.keyClick(panel.query, Qt.Key.Key_Escape)
    panel.set_article("b")  # "this article" follows the window
    assert [h.article_id for h in panel.hits()] == ["b"]


def test_results_are_bounded_and_article_text_stays_plain(qtbot) -> None:  # noqa: ANN001
    text = "<b>Kim</b> &amp; <i>Kim</i> " * 5
    project = memory_project({"a": text, "b": text})
    panel = make_panel(qtbot, project, "a", limit=4)
    panel.set_scope(ALL_ARTICLES)
    qtbot.keyClicks(panel.query, "kim")
    with qtbot.waitSignal(panel.searched):
        QTest.keyClick(panel.query, Qt.Key.Key_Return)
    assert panel.results.count() == 4
    assert "first 4 shown" in panel.summary.text()
    assert "«Kim»</b> &amp; <i>" in panel.results.item(0).text()
    assert panel.summary.textFormat() == Qt.TextFormat.PlainText


def test_focus_query_takes_the_selected_text(qtbot) -> None:  # noqa: ANN001
    project = memory_project({"a": "Vostochny Cosmodrome di Amur"})
    panel = make_panel(qtbot, project, "a")
    panel.focus_query("Vostochny")
    assert panel.query.text() == "Vostochny" and panel.query.hasSelectedText()
    assert panel.results.count() == 1
    panel.focus_query("two\nlines")  # multi-line selections are not a query
    assert panel.query.text() == "Vostochny"


def test_all_articles_search_runs_in_the_background_and_only_the_last_query_counts(
    qtbot,  # noqa: ANN001
) -> None:
    texts = {f"a{i}": f"Berita {i}: Putin bertemu Kim di kosmodrom." for i in range(3000)}
    texts["a2999"] += " Shoigu hadir."
    project = memory_project(texts)
    panel = make_panel(qtbot, project, "a0")
    panel.set_scope(ALL_ARTICLES)
    qtbot.keyClicks(panel.query, "Putin")
    QTest.keyClick(panel.query, Qt.Key.Key_Return)  # starts a search over 3,000 articles
    assert panel.searching or panel.results.count()
    panel.query.selectAll()
    qtbot.keyClicks(panel.query, "Shoigu")  # a new query before the first one is listed
    with qtbot.waitSignal(panel.jumpRequested, timeout=10000) as jump:
        QTest.keyClick(panel.query, Qt.Key.Key_Return)
    assert tuple(jump.args)[0] == "a2999"
    assert [h.article_id for h in panel.hits()] == ["a2999"]
    assert panel.summary.text() == "1 match in 1 article(s)"


def test_find_spans_by_label_state_and_text_across_articles(opener, qtbot) -> None:  # noqa: ANN001
    from tests.ui.helpers import key

    window = opener.open()  # with the built-in suggestions
    key(window, "F", Qt.KeyboardModifier.ControlModifier)
    panel = window.desk.find_panel
    choose(qtbot, panel.mode, "Spans")
    assert panel.span_row.isVisible()
    choose(qtbot, panel.scope, "All articles")
    choose(qtbot, panel.span_label, "GPE")
    qtbot.waitUntil(lambda: not panel.searching and panel.results.count() > 0, timeout=10000)
    project = window.project
    for hit in panel.hits():
        aset = project.annotation_set(hit.article_id)
        spans = [s for s in aset.all_spans() if (s.start, s.end) == (hit.start, hit.end)]
        assert [s.label for s in spans] == ["GPE"]
    assert len({h.article_id for h in panel.hits()}) > 1  # every article searched

    panel.query.setFocus()
    qtbot.keyClicks(panel.query, "rusia")  # part of the span's text, accents and case ignored
    qtbot.waitUntil(lambda: not panel.searching and panel._searched == panel._key(),  # noqa: SLF001
                    timeout=10000)
    texts = {project.text(h.article_id)[h.start:h.end].lower() for h in panel.hits()}
    assert texts and all("rusia" in t for t in texts)

    choose(qtbot, panel.span_state, "accepted")  # nothing accepted yet
    qtbot.waitUntil(lambda: not panel.searching and panel._searched == panel._key(),  # noqa: SLF001
                    timeout=10000)
    assert panel.hits() == [] and panel.summary.text() == "No matches"
    choose(qtbot, panel.span_state, "suggested")
    qtbot.waitUntil(lambda: not panel.searching and panel.results.count() > 0, timeout=10000)
    with qtbot.waitSignal(panel.jumpRequested) as jumped:
        QTest.keyClick(panel.query, Qt.Key.Key_Return)
    article_id, start, end = jumped.args
    assert window.article_id == article_id and window.view.selection_range() == (start, end)
