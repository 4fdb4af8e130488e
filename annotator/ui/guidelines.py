"""The Guidelines tab: each label's key, colour, description and examples, as plain text."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHeaderView,
    QLabel,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from annotator.core.labels import LabelScheme

COLUMNS = ("Label", "Key", "What it covers", "Examples")


class GuidelinesPanel(QWidget):
    """Read-only guidelines from the label scheme (edited in Project › Label scheme…)."""

    def __init__(self, scheme: LabelScheme, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("guidelinesPanel")
        self.table = QTableWidget(0, len(COLUMNS))
        self.table.setObjectName("guidelinesTable")
        self.table.setHorizontalHeaderLabels(COLUMNS)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        self.table.verticalHeader().setVisible(False)
        self.table.setWordWrap(True)
        header = self.table.horizontalHeader()
        for col, mode in enumerate((QHeaderView.ResizeMode.ResizeToContents,
                                    QHeaderView.ResizeMode.ResizeToContents,
                                    QHeaderView.ResizeMode.Stretch,
                                    QHeaderView.ResizeMode.Stretch)):
            header.setSectionResizeMode(col, mode)
        hint = QLabel("Edit descriptions and examples in Project › Label scheme… "
                      "(Ctrl+Shift+L); F2 shows how each state is drawn.")
        hint.setWordWrap(True)
        hint.setTextFormat(Qt.TextFormat.PlainText)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.table, 1)
        layout.addWidget(hint)
        self.show_scheme(scheme)

    def show_scheme(self, scheme: LabelScheme) -> None:
        labels = scheme.labels
        self.table.setRowCount(len(labels))
        for row, label in enumerate(labels):
            examples = "\n".join(e.strip() for e in label.examples.split(";") if e.strip())
            cells = (label.name, label.key or "—", label.description, examples)
            for col, text in enumerate(cells):
                item = QTableWidgetItem(text)  # plain text: never interpreted as markup
                if col == 0:
                    colour = QColor(label.color)
                    colour.setAlpha(110)
                    item.setBackground(colour)
                self.table.setItem(row, col, item)
        self.table.resizeRowsToContents()
