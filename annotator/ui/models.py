"""Thin Qt item models over the core project: article list and span table."""

from __future__ import annotations

from typing import Any

from PySide6 import QtGui
from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QBrush, QColor, QFont

from annotator.core.model import ArticleStatus, Span
from annotator.core.project import Project
from annotator.core.review_commands import GOLD

Index = QModelIndex | QPersistentModelIndex


def plain_tooltip(text: str) -> str:
    """`text` as a tooltip that shows it literally.

    Qt renders a tooltip as HTML whenever it looks like HTML (Qt.mightBeRichText), so a title
    holding "<b>" or "<img src=...>" would be drawn bold or as an image; escaped into a
    paragraph it is drawn as the characters it is.
    """
    return QtGui.Qt.convertFromPlainText(text, QtGui.Qt.WhiteSpaceMode.WhiteSpaceNormal)


_STATUS_COLORS = {
    ArticleStatus.NEW: "#777777",
    ArticleStatus.IN_PROGRESS: "#B8860B",
    ArticleStatus.DONE: "#2E7D32",
    ArticleStatus.REVIEWED: "#1565C0",
    ArticleStatus.IGNORED: "#9E9E9E",
}


class ColumnsModel(QAbstractTableModel):
    """A flat table with named COLUMNS; subclasses say how many rows there are."""

    COLUMNS: tuple[str, ...] = ()

    def row_total(self) -> int:
        raise NotImplementedError

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else self.row_total()

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.COLUMNS)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = 0) -> Any:
        if role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Horizontal:
            return self.COLUMNS[section]
        return None


class ArticleListModel(ColumnsModel):
    """One row per article: title, status, number of accepted entities."""

    COLUMNS = ("Title", "Status", "Entities")
    SortRole = Qt.ItemDataRole.UserRole + 1

    def __init__(self, project: Project) -> None:
        super().__init__()
        self.project = project

    def row_total(self) -> int:
        return len(self.project)

    def article_id(self, row: int) -> str:
        return self.project.infos[row].id

    _ROLES = frozenset({Qt.ItemDataRole.DisplayRole, SortRole, Qt.ItemDataRole.ToolTipRole,
                        Qt.ItemDataRole.ForegroundRole, Qt.ItemDataRole.TextAlignmentRole})

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if role not in self._ROLES or not index.isValid():  # most roles asked are not ours
            return None
        info = self.project.infos[index.row()]
        aset = self.project.existing_set(info.id)
        col = index.column()
        if role in (Qt.ItemDataRole.DisplayRole, self.SortRole):
            if col == 0:
                return info.title or "(untitled)"
            if col == 1:
                gold = self.project.existing_set(info.id, GOLD)
                if gold is not None and gold.status == ArticleStatus.REVIEWED:
                    return str(ArticleStatus.REVIEWED)
                return str(aset.status if aset else ArticleStatus.NEW)
            return len(aset.spans) if aset else 0
        if role == Qt.ItemDataRole.ToolTipRole:
            pending = len(aset.suggestions) if aset else 0
            return plain_tooltip(f"{info.title}\n{pending} suggestion(s) waiting")
        if role == Qt.ItemDataRole.ForegroundRole and col == 1:
            status = ArticleStatus(self.data(index))
            return QBrush(QColor(_STATUS_COLORS[status]))
        if role == Qt.ItemDataRole.TextAlignmentRole and col == 2:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None

    def article_changed(self, article_id: str) -> None:
        if not self.project.has_article(article_id):
            return
        row = self.project.position(article_id)
        self.dataChanged.emit(self.index(row, 0), self.index(row, len(self.COLUMNS) - 1))

    def reset(self) -> None:
        self.beginResetModel()
        self.endResetModel()


class SpanTableModel(ColumnsModel):
    """Spans of the shown article: text, label, origin, status (accepted or suggested)."""

    COLUMNS = ("Text", "Label", "Entity", "Origin", "Status")
    SpanRole = Qt.ItemDataRole.UserRole + 2

    def __init__(self) -> None:
        super().__init__()
        self._text = ""
        self._spans: list[Span] = []
        self._pending: set[tuple[int, int, str]] = set()
        self._colors: dict[str, str] = {}
        self._names: dict[str, str] = {}

    def set_spans(
        self,
        text: str,
        spans: list[Span],
        pending: set[tuple[int, int, str]],
        colors: dict[str, str],
        entity_names: dict[str, str] | None = None,
    ) -> None:
        # rows changed in place, then added or removed at the end: a model reset would make
        # the view rebuild its header and layout from scratch (2 ms on every switch)
        spans = sorted(spans)
        old, new = len(self._spans), len(spans)
        if new < old:
            self.beginRemoveRows(QModelIndex(), new, old - 1)
            del self._spans[new:]
            self.endRemoveRows()
        self._text, self._pending, self._colors = text, pending, colors
        self._names = entity_names or {}
        self._spans[: min(old, new)] = spans[: min(old, new)]
        if min(old, new):
            last = self.index(min(old, new) - 1, len(self.COLUMNS) - 1)
            self.dataChanged.emit(self.index(0, 0), last)
        if new > old:
            self.beginInsertRows(QModelIndex(), old, new - 1)
            self._spans.extend(spans[old:])
            self.endInsertRows()

    def row_total(self) -> int:
        return len(self._spans)

    def span_at_row(self, row: int) -> Span:
        return self._spans[row]

    def row_of(self, span: Span | None) -> int:
        return next((i for i, s in enumerate(self._spans) if s == span), -1)

    _ROLES = frozenset({Qt.ItemDataRole.DisplayRole, SpanRole, Qt.ItemDataRole.DecorationRole,
                        Qt.ItemDataRole.FontRole})

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if role not in self._ROLES or not index.isValid():  # most roles asked are not ours
            return None
        span = self._spans[index.row()]
        col = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            if col == 0:
                return self._text[span.start : span.end].replace("\n", " ")
            if col == 1:
                return span.label
            if col == 2:
                return self._names.get(span.kb_id, span.kb_id or "") if span.kb_id else ""
            if col == 3:
                return f"{span.origin} ({span.source})" if span.source else str(span.origin)
            state = "suggested" if span.key in self._pending else "accepted"
            if not (span.unsure or span.comment):
                return state
            notes = [state] + (["unsure"] if span.unsure else []) + (
                [f"“{span.comment}”"] if span.comment else [])
            return " · ".join(notes)
        if role == self.SpanRole:
            return span
        if role == Qt.ItemDataRole.DecorationRole and col == 1:
            return QColor(self._colors.get(span.label, "#999999"))
        if role == Qt.ItemDataRole.FontRole and col == 4 and span.key in self._pending:
            font = QFont()
            font.setItalic(True)
            return font
        return None
