"""Article list filter and sort: choose in the combo boxes, see the list change."""

from __future__ import annotations

from PySide6.QtCore import QPoint, Qt

from annotator.core.commands import AddSpan, SetStatus
from annotator.core.entities import Entity
from annotator.core.labels import LabelScheme
from annotator.core.model import ArticleInfo, ArticleStatus, Span
from annotator.core.project import Project
from annotator.ui.article_filter import ArticleFilterProxy, FilterBar
from annotator.ui.models import ArticleListModel
from annotator.ui.panels import make_table
from tests.ui.helpers import choose

LEFT = Qt.MouseButton.LeftButton




def titles(proxy: ArticleFilterProxy) -> list[str]:
    return [proxy.data(proxy.index(r, 0)) for r in range(proxy.rowCount())]


def build(qtbot, project: Project):  # noqa: ANN001, ANN201
    model = ArticleListModel(project)
    proxy = ArticleFilterProxy(project, model)
    bar = FilterBar(project, proxy)
    table = make_table("filteredArticles")
    table.setModel(proxy)
    table.setSortingEnabled(True)
    for widget in (bar, table):
        qtbot.addWidget(widget)
        widget.show()
    qtbot.waitExposed(bar)
    return model, proxy, bar, table


def memory_project() -> Project:
    infos = [
        ArticleInfo("a1", "Cerita Kim", {"date": "2023-09-14"}),
        ArticleInfo("a2", "Berita Putin", {"date": "12/09/2023"}),
        ArticleInfo("a3", "Analisis pabrik", {}),
        ArticleInfo("a4", "Arsip lama", {"date": "Senin, 11 September 2023"}),
    ]
    p = Project("ayu", LabelScheme.default(), lambda i: "Kim Jong Un bertemu Putin " * 4, infos)
    p.kb.add(Entity("kim", "Kim Jong Un", "PER"))
    p.kb.add(Entity("putin", "Vladimir Putin", "PER"))
    AddSpan("a1", Span(0, 11, "PER", kb_id="kim")).do(p)
    AddSpan("a2", Span(20, 25, "PER", kb_id="putin")).do(p)
    AddSpan("a2", Span(0, 3, "GPE")).do(p)
    AddSpan("a2", Span(26, 29, "ORG")).do(p)
    SetStatus("a2", ArticleStatus.DONE).do(p)
    other = p.annotation_set("a3", "budi")
    other.insert_span(Span(0, 3, "FAC"))
    other.status = ArticleStatus.DONE
    return p


def test_filter_by_each_combo_and_clear(qtbot) -> None:  # noqa: ANN001
    project = memory_project()
    _model, proxy, bar, _table = build(qtbot, project)
    assert bar.summary.text() == "4 articles"
    choose(qtbot, bar.status, "done")
    assert titles(proxy) == ["Berita Putin"] and bar.summary.text() == "1 of 4"
    choose(qtbot, bar.status, "Any status")
    choose(qtbot, bar.label, "PER")
    assert titles(proxy) == ["Cerita Kim", "Berita Putin"]
    choose(qtbot, bar.entity, "Kim Jong Un (PER)")
    assert titles(proxy) == ["Cerita Kim"]
    qtbot.mouseClick(bar.clear_button, LEFT)
    assert len(titles(proxy)) == 4 and bar.label.currentText() == "Any label"
    choose(qtbot, bar.annotator, "budi")  # budi's sets: only a3, done, with FAC
    assert titles(proxy) == ["Analisis pabrik"]
    choose(qtbot, bar.label, "FAC")
    assert titles(proxy) == ["Analisis pabrik"]
    choose(qtbot, bar.annotator, "Any annotator")
    assert titles(proxy) == []  # FAC in ayu's own sets: none
    qtbot.mouseClick(bar.clear_button, LEFT)
    qtbot.keyClicks(bar.title, "BERITA")
    assert titles(proxy) == ["Berita Putin"]


def test_sort_by_title_date_entities_status(qtbot) -> None:  # noqa: ANN001
    project = memory_project()
    _model, proxy, bar, table = build(qtbot, project)
    choose(qtbot, bar.sort_key, "Title")
    assert titles(proxy) == ["Analisis pabrik", "Arsip lama", "Berita Putin", "Cerita Kim"]
    choose(qtbot, bar.sort_key, "Date")
    assert titles(proxy) == ["Arsip lama", "Berita Putin", "Cerita Kim", "Analisis pabrik"]
    choose(qtbot, bar.sort_key, "Entities")
    qtbot.mouseClick(bar.order, LEFT)  # descending: most entities first
    assert titles(proxy)[:2] == ["Berita Putin", "Cerita Kim"]
    assert bar.order.text() == "↓"
    choose(qtbot, bar.sort_key, "Status")
    assert titles(proxy)[0] == "Berita Putin"  # done, above in progress and new
    qtbot.mouseClick(bar.order, LEFT)
    choose(qtbot, bar.sort_key, "Import order")
    assert titles(proxy) == ["Cerita Kim", "Berita Putin", "Analisis pabrik", "Arsip lama"]
    # a click on the Entities header sorts numerically (2 entities > 1, not "2" < "10")
    header = table.horizontalHeader()
    pos = QPoint(header.sectionViewportPosition(2) + 5, header.height() // 2)
    qtbot.mouseClick(header.viewport(), LEFT, pos=pos)
    assert proxy.sort_key == "entities"
    assert [proxy.data(proxy.index(r, 2)) for r in range(4)] in ([0, 0, 1, 3], [3, 1, 0, 0])


def test_mapping_rows_and_refresh_after_kb_and_scheme_changes(qtbot) -> None:  # noqa: ANN001
    project = memory_project()
    _model, proxy, bar, _table = build(qtbot, project)
    choose(qtbot, bar.sort_key, "Title")
    assert proxy.article_id_at(0) == "a3" and proxy.row_of("a1") == 3
    choose(qtbot, bar.status, "done")
    assert proxy.row_of("a1") == -1 and proxy.visible_ids() == ["a2"]
    project.kb.add(Entity("seoul", "Seoul", "GPE"))
    bar.refresh_choices()
    assert bar.entity.findText("Seoul (GPE)") >= 0
    assert bar.status.currentText() == "done"  # choices kept
    choose(qtbot, bar.label, "GPE")
    project.scheme = LabelScheme([lab for lab in project.scheme.labels if lab.name != "GPE"])
    bar.refresh_choices()  # the chosen label is gone: back to any label
    assert bar.label.currentText() == "Any label" and proxy.visible_ids() == ["a2"]


def test_filter_follows_edits_in_the_real_window(opener, qtbot) -> None:  # noqa: ANN001
    window = opener.open(suggest=False)
    proxy = ArticleFilterProxy(window.project, window.article_model)
    bar = FilterBar(window.project, proxy)
    qtbot.addWidget(bar)
    bar.show()
    choose(qtbot, bar.status, "done")
    assert proxy.rowCount() == 0
    qtbot.mouseClick(window.span_panel.done_button, LEFT)  # mark the first article done
    qtbot.waitUntil(lambda: proxy.rowCount() == 1)
    assert proxy.article_id_at(0) == window.article_id
    assert bar.summary.text() == "1 of 5"

    # the article being edited is pinned: reopening it keeps it listed under "done"
    proxy.pin(window.article_id)
    qtbot.mouseClick(window.span_panel.done_button, LEFT)
    window.actions_by_id["mark_open"].trigger()
    assert window.project.status(window.article_id) == ArticleStatus.IN_PROGRESS
    assert proxy.visible_ids() == [window.article_id]
    proxy.pin(None)  # moving on: now it goes
    assert proxy.rowCount() == 0
