"""The L picker: candidate entities ranked by the matcher, plus a pre-filled new entity."""

from __future__ import annotations

from collections.abc import Mapping

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QDialog,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QVBoxLayout,
    QWidget,
)

from annotator.core.entities import Entity, KnowledgeBase, draft_entity
from annotator.core.linking import CandidateMatcher
from annotator.ui.models import plain_tooltip

PRESELECT_SCORE = 85.0
_ROLE = Qt.ItemDataRole.UserRole + 1


class LinkPicker(QDialog):
    """Type to re-rank; Up/Down choose; Enter links; the best strong candidate is pre-selected."""

    def __init__(
        self,
        parent: QWidget,
        kb: KnowledgeBase,
        matcher: CandidateMatcher,
        surface: str,
        label: str,
        frequencies: Mapping[str, int] | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("linkPicker")
        self.setWindowTitle("Link to entity")
        self.kb, self.matcher, self.label = kb, matcher, label
        self.frequencies = frequencies or {}
        self.search = QLineEdit(surface)
        self.search.setObjectName("linkSearch")
        self.search.setPlaceholderText("Type a name or alias")
        self.list = QListWidget()
        self.list.setObjectName("linkCandidates")
        hint = QLabel("Enter links · ↑/↓ choose · Esc cancels")
        hint.setObjectName("hint")
        layout = QVBoxLayout(self)
        self.heading = QLabel(f"Link “{surface}” ({label}) to:")
        self.heading.setObjectName("linkHeading")
        self.heading.setTextFormat(Qt.TextFormat.PlainText)  # the surface is article text
        layout.addWidget(self.heading)
        layout.addWidget(self.search)
        layout.addWidget(self.list)
        layout.addWidget(hint)
        self.search.textChanged.connect(self._populate)
        self.search.returnPressed.connect(self.accept)
        self.search.installEventFilter(self)
        self.list.itemActivated.connect(lambda _item: self.accept())
        self.chosen: tuple[Entity, bool] | None = None
        self._populate(surface)
        self.resize(460, 340)

    def _populate(self, text: str) -> None:
        self.list.clear()
        candidates = self.matcher.rank(text, self.label, limit=8, frequencies=self.frequencies)
        best = self.matcher.best(text, self.label, PRESELECT_SCORE, frequencies=self.frequencies)
        preselect = 0
        for candidate in candidates:
            entity = candidate.entity
            mentions = self.frequencies.get(entity.kb_id, 0)
            item = QListWidgetItem(
                f"{entity.name}  [{entity.label}]  {candidate.score:.0f} · {candidate.reason}"
                f" · {mentions} mention(s)"
            )
            item.setToolTip(plain_tooltip("Aliases: " + (", ".join(entity.aliases) or "none")))
            item.setData(_ROLE, (entity, False))
            self.list.addItem(item)
            if best is not None and entity.kb_id == best.entity.kb_id:
                preselect = self.list.count() - 1
        draft = draft_entity(self.kb, text, self.label) if text.strip() else None
        if draft is not None:
            new = QListWidgetItem(f"+ New entity “{draft.name}” [{draft.label}]")
            new.setData(_ROLE, (draft, True))
            self.list.addItem(new)
            if best is None:
                preselect = self.list.count() - 1
        if self.list.count():
            self.list.setCurrentRow(preselect)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.search and event.type() == QEvent.Type.KeyPress:
            assert isinstance(event, QKeyEvent)
            if event.key() in (Qt.Key.Key_Up, Qt.Key.Key_Down):
                step = -1 if event.key() == Qt.Key.Key_Up else 1
                row = max(0, min(self.list.currentRow() + step, self.list.count() - 1))
                self.list.setCurrentRow(row)
                return True
        return super().eventFilter(watched, event)

    def accept(self) -> None:
        item = self.list.currentItem()
        if item is None:
            return
        self.chosen = item.data(_ROLE)
        super().accept()
