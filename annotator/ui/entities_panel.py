"""Entities panel: the knowledge base with mention counts, and every mention in context."""

from __future__ import annotations

from collections import Counter
from typing import Any

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from annotator.core.entities import Entity
from annotator.core.model import Span
from annotator.core.project import Project
from annotator.ui.models import ColumnsModel
from annotator.ui.panels import fixed_columns, make_table

Index = QModelIndex | QPersistentModelIndex
_KWIC_WIDTH = 36
_MENTION_ROLE = Qt.ItemDataRole.UserRole + 3


class EntityTableModel(ColumnsModel):
    """One row per entity: name, label, aliases, mentions, articles."""

    COLUMNS = ("Name", "Label", "Aliases", "Mentions", "Articles")

    def __init__(self, project: Project) -> None:
        super().__init__()
        self.project = project
        self._rows: list[Entity] = []
        self.mentions: Counter[str] = Counter()
        self.articles: Counter[str] = Counter()
        self.refresh()

    def refresh(self) -> None:
        """Re-read the knowledge base and recount mentions (cheap: one pass over the spans)."""
        self.beginResetModel()
        self._rows = sorted(self.project.kb, key=lambda e: (e.name.casefold(), e.kb_id))
        pairs = self.project.mentions()
        self.mentions = Counter(span.kb_id for _, span in pairs if span.kb_id)
        self.articles = Counter(kb for kb, _ in {(s.kb_id, a) for a, s in pairs if s.kb_id})
        self.endResetModel()

    def row_total(self) -> int:
        return len(self._rows)

    def entity_at_row(self, row: int) -> Entity:
        return self._rows[row]

    def row_of(self, kb_id: str) -> int:
        return next((i for i, e in enumerate(self._rows) if e.kb_id == kb_id), -1)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        entity = self._rows[index.row()]
        col = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            return (
                entity.name,
                entity.label,
                ", ".join(entity.aliases),
                self.mentions[entity.kb_id],
                self.articles[entity.kb_id],
            )[col]
        if role == Qt.ItemDataRole.ToolTipRole:
            ids = ", ".join(f"{k}: {v}" for k, v in entity.external_ids.items())
            return f"{entity.kb_id}\n{entity.note}\n{ids}".strip()
        return None


def kwic(text: str, span: Span, width: int = _KWIC_WIDTH) -> tuple[str, str, str]:
    """Keyword in context: (left, mention, right) on one line each."""
    left = text[max(0, span.start - width) : span.start].replace("\n", " ")
    right = text[span.end : span.end + width].replace("\n", " ")
    return left, text[span.start : span.end], right


class EntitiesPanel(QWidget):
    """Entity table above its mentions in context; double-click a mention to open it."""

    jumpRequested = Signal(str, object)  # article_id, Span

    def __init__(self, project: Project) -> None:
        super().__init__()
        self.project = project
        self.model = EntityTableModel(project)
        self.table = make_table("entityTable")
        self.table.setModel(self.model)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        fixed_columns(self.table, {1: 64, 2: 120, 3: 70, 4: 62})
        self.mentions = QTableWidget(0, 4)
        self.mentions.setObjectName("kwicTable")
        self.mentions.setHorizontalHeaderLabels(["", "Mention", "", "Article"])
        self.mentions.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.mentions.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.mentions.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.mentions.verticalHeader().setVisible(False)
        self.mentions.verticalHeader().setDefaultSectionSize(20)
        self.mentions.setWordWrap(False)
        self.mentions.setShowGrid(False)
        kwic_header = self.mentions.horizontalHeader()
        for col in range(4):
            kwic_header.setSectionResizeMode(col, QHeaderView.ResizeMode.ResizeToContents)
        self.edit_button = QPushButton("Edit…")
        self.merge_button = QPushButton("Merge into…")
        self.accept_button = QPushButton("Accept all suggestions")
        for name, button in (
            ("editEntityButton", self.edit_button),
            ("mergeEntityButton", self.merge_button),
            ("acceptEntityButton", self.accept_button),
        ):
            button.setObjectName(name)
        buttons = QHBoxLayout()
        for button in (self.edit_button, self.merge_button, self.accept_button):
            buttons.addWidget(button)
        self.summary = QLabel()
        self.summary.setObjectName("entitySummary")
        top = QWidget()
        top_layout = QVBoxLayout(top)
        top_layout.setContentsMargins(0, 0, 0, 0)
        top_layout.addWidget(self.table)
        top_layout.addLayout(buttons)
        split = QSplitter(Qt.Orientation.Vertical)
        split.addWidget(top)
        split.addWidget(self.mentions)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(split)
        layout.addWidget(self.summary)
        self.table.selectionModel().currentRowChanged.connect(lambda *_: self.show_mentions())
        self.mentions.itemActivated.connect(self._jump)  # double-click or Enter

    def current_entity(self) -> Entity | None:
        row = self.table.currentIndex().row()
        return self.model.entity_at_row(row) if 0 <= row < self.model.rowCount() else None

    def refresh(self) -> None:
        current = self.current_entity()
        self.model.refresh()
        if current is not None and (row := self.model.row_of(current.kb_id)) >= 0:
            self.table.selectRow(row)
        self.show_mentions()
        self.summary.setText(
            f"{self.model.rowCount()} entities · {sum(self.model.mentions.values())} mentions"
        )

    def select(self, kb_id: str) -> None:
        row = self.model.row_of(kb_id)
        if row >= 0:
            self.table.selectRow(row)

    def show_mentions(self) -> None:
        """One KWIC row per mention: left context, the mention in bold, right context, title."""
        entity = self.current_entity()
        found = self.project.mentions(entity.kb_id) if entity else []
        self.mentions.setRowCount(len(found))
        right_aligned = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
        for row, (article_id, span) in enumerate(found):
            title = self.project.info(article_id).title
            cells = [*kwic(self.project.text(article_id), span), title]
            for col, text in enumerate(cells):
                item = QTableWidgetItem(text)
                item.setData(_MENTION_ROLE, (article_id, span))
                if col == 0:
                    item.setTextAlignment(right_aligned)
                if col == 1:
                    font = item.font()
                    font.setBold(True)
                    item.setFont(font)
                self.mentions.setItem(row, col, item)

    def mention_at(self, row: int) -> tuple[str, Span]:
        return self.mentions.item(row, 0).data(_MENTION_ROLE)

    def _jump(self, item: QTableWidgetItem) -> None:
        article_id, span = item.data(_MENTION_ROLE)
        self.jumpRequested.emit(article_id, span)
