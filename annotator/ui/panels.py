"""Side panels: the article list and the span table with its buttons."""

from __future__ import annotations

from PySide6.QtCore import Signal
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
from annotator.ui.models import ArticleListModel, SpanTableModel


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
    """The project's articles; emits the id of the article the user picks."""

    articleActivated = Signal(str)

    def __init__(self, model: ArticleListModel) -> None:
        super().__init__()
        self.model = model
        self.table = make_table("articleList")
        self.table.setModel(model)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.ResizeToContents)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        title = QLabel("Articles")
        title.setObjectName("panelTitle")
        layout.addWidget(title)
        layout.addWidget(self.table)
        self.table.selectionModel().currentRowChanged.connect(self._row_changed)

    def _row_changed(self, current, _previous) -> None:  # noqa: ANN001
        if current.isValid():
            self.articleActivated.emit(self.model.article_id(current.row()))

    def select_row(self, row: int) -> None:
        if 0 <= row < self.model.rowCount():
            self.table.selectRow(row)
            self.table.scrollTo(self.model.index(row, 0))


class SpanPanel(QWidget):
    """Spans of the shown article with accept / reject / accept-all / done buttons."""

    spanActivated = Signal(object)

    def __init__(self, model: SpanTableModel) -> None:
        super().__init__()
        self.model = model
        self.table = make_table("spanTable")
        self.table.setModel(model)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        for col in (1, 2, 3, 4):
            header.setSectionResizeMode(col, QHeaderView.ResizeMode.ResizeToContents)
        self.summary = QLabel()
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
