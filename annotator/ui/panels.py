"""Side panels: the article list and the span table with its buttons."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from annotator.core.model import Span
from annotator.ui.article_filter import ArticleFilterProxy, FilterBar
from annotator.ui.elided_label import ElidedLabel
from annotator.ui.models import SpanTableModel


def fixed_columns(view: QTableView, widths: dict[int, int], stretch: int = 0) -> None:
    """Columns of set widths (the user can drag them): sizing to contents reads every row."""
    header = view.horizontalHeader()
    for col, width in widths.items():
        header.setSectionResizeMode(col, QHeaderView.ResizeMode.Interactive)
        header.resizeSection(col, width)
    header.setSectionResizeMode(stretch, QHeaderView.ResizeMode.Stretch)


def make_table(name: str) -> QTableView:
    """A read-only, row-selecting table as every panel uses."""
    view = QTableView()
    view.setObjectName(name)
    view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    view.verticalHeader().setVisible(False)
    view.verticalHeader().setDefaultSectionSize(22)
    view.setAlternatingRowColors(True)
    view.setWordWrap(False)
    view.setTabKeyNavigation(False)
    return view


class ArticleListPanel(QWidget):
    """The project's articles through a filter/sort proxy; emits the id the user picks."""

    articleActivated = Signal(str)

    def __init__(self, proxy: ArticleFilterProxy) -> None:
        super().__init__()
        self.proxy = proxy
        self.table = make_table("articleList")
        self.table.setModel(proxy)
        self.table.horizontalHeader().setSortIndicator(-1, Qt.SortOrder.AscendingOrder)
        self.table.setSortingEnabled(True)  # project order until a header is clicked
        fixed_columns(self.table, {1: 84, 2: 62})
        # a click opens the article and the text takes the keys; Tab still reaches the list
        self.table.setFocusPolicy(Qt.FocusPolicy.TabFocus)
        self.filter_bar = FilterBar(proxy.project, proxy)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        title = QLabel("Articles")
        title.setObjectName("panelTitle")
        layout.addWidget(title)
        layout.addWidget(self.filter_bar)
        layout.addWidget(self.table)
        self.table.selectionModel().currentRowChanged.connect(self._row_changed)

    def _row_changed(self, current, _previous) -> None:  # noqa: ANN001
        if current.isValid():
            self.articleActivated.emit(self.proxy.article_id_at(current.row()))

    def select_article(self, article_id: str) -> None:
        row = self.proxy.row_of(article_id)
        if row >= 0 and row != self.table.currentIndex().row():
            self.table.selectRow(row)
        if row >= 0:
            self.table.scrollTo(self.proxy.index(row, 0))

    def neighbour(self, article_id: str | None, step: int) -> str | None:
        """The article `step` rows away in the list as filtered and sorted now."""
        rows = self.proxy.rowCount()
        if not rows:
            return None
        row = self.proxy.row_of(article_id) if article_id else -1
        row = 0 if row < 0 else max(0, min(row + step, rows - 1))
        return self.proxy.article_id_at(row)


class SpanPanel(QWidget):
    """Spans of the shown article with accept / reject / accept-all / done buttons."""

    spanActivated = Signal(object)

    def __init__(self, model: SpanTableModel) -> None:
        super().__init__()
        self.model = model
        self.table = make_table("spanTable")
        self.table.setModel(model)
        fixed_columns(self.table, {1: 80, 2: 110, 3: 78, 4: 74})
        self.summary = ElidedLabel()
        self.summary.setObjectName("spanSummary")
        self.accept_button = QPushButton("Accept (A)")
        self.reject_button = QPushButton("Reject / delete (X)")
        self.accept_all_button = QPushButton("Accept all (Ctrl+Shift+A)")
        self.done_button = QPushButton("Mark done (Ctrl+D)")
        for name, button in (
            ("acceptButton", self.accept_button),
            ("rejectButton", self.reject_button),
            ("acceptAllButton", self.accept_all_button),
            ("doneButton", self.done_button),
        ):
            button.setObjectName(name)
        row1, row2 = QHBoxLayout(), QHBoxLayout()
        row1.addWidget(self.accept_button)
        row1.addWidget(self.reject_button)
        row2.addWidget(self.accept_all_button)
        row2.addWidget(self.done_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        title = QLabel("Spans")
        title.setObjectName("panelTitle")
        layout.addWidget(title)
        layout.addWidget(self.table)
        layout.addWidget(self.summary)
        layout.addLayout(row1)
        layout.addLayout(row2)
        self.table.clicked.connect(
            lambda index: self.spanActivated.emit(model.span_at_row(index.row()))
        )

    def show_current(self, span: Span | None) -> None:
        row = self.model.row_of(span)
        if row < 0:
            self.table.clearSelection()
        else:
            self.table.selectRow(row)
            self.table.scrollTo(self.model.index(row, 0))
