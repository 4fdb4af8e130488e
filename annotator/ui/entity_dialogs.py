"""Edit an entity's fields, or choose the entity another one is merged into."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLineEdit,
    QPlainTextEdit,
    QWidget,
)

from annotator.core.entities import Entity, KnowledgeBase


def _buttons(dialog: QDialog) -> QDialogButtonBox:
    buttons = QDialogButtonBox(
        QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
    )
    buttons.accepted.connect(dialog.accept)
    buttons.rejected.connect(dialog.reject)
    return buttons


class EntityEditDialog(QDialog):
    """Canonical name, label, aliases, note and an external id such as a Wikidata QID."""

    def __init__(self, parent: QWidget, entity: Entity, labels: list[str]) -> None:
        super().__init__(parent)
        self.setObjectName("entityEditDialog")
        self.setWindowTitle(f"Edit entity {entity.kb_id}")
        self.entity = entity
        self.name = QLineEdit(entity.name)
        self.name.setObjectName("entityName")
        self.label = QComboBox()
        self.label.setObjectName("entityLabel")
        self.label.addItems(sorted({*labels, entity.label}))
        self.label.setCurrentText(entity.label)
        self.aliases = QLineEdit(", ".join(entity.aliases))
        self.aliases.setObjectName("entityAliases")
        self.wikidata = QLineEdit(entity.external_ids.get("wikidata", ""))
        self.wikidata.setObjectName("entityWikidata")
        self.wikidata.setPlaceholderText("e.g. Q7747")
        self.note = QPlainTextEdit(entity.note)
        self.note.setObjectName("entityNote")
        self.note.setMaximumHeight(90)
        form = QFormLayout(self)
        form.addRow("Name", self.name)
        form.addRow("Label", self.label)
        form.addRow("Aliases (comma-separated)", self.aliases)
        form.addRow("Wikidata id", self.wikidata)
        form.addRow("Note", self.note)
        form.addRow(_buttons(self))

    def edited(self) -> Entity:
        """The entity as the dialog's fields now describe it."""
        aliases = [a.strip() for a in self.aliases.text().split(",") if a.strip()]
        external = dict(self.entity.external_ids)
        qid = self.wikidata.text().strip()
        if qid:
            external["wikidata"] = qid
        else:
            external.pop("wikidata", None)
        return self.entity.with_(
            name=self.name.text().strip() or self.entity.name,
            label=self.label.currentText(),
            aliases=aliases,
            note=self.note.toPlainText().strip(),
            external_ids=external,
        )


class MergeDialog(QDialog):
    """Pick the entity that absorbs `source`."""

    def __init__(self, parent: QWidget, kb: KnowledgeBase, source: Entity) -> None:
        super().__init__(parent)
        self.setObjectName("mergeDialog")
        self.setWindowTitle(f"Merge {source.name} into…")
        self.target = QComboBox()
        self.target.setObjectName("mergeTarget")
        others = sorted((e for e in kb if e.kb_id != source.kb_id), key=lambda e: e.name)
        for entity in others:
            self.target.addItem(f"{entity.name} [{entity.label}] ({entity.kb_id})", entity.kb_id)
        form = QFormLayout(self)
        form.addRow("Into", self.target)
        form.addRow(_buttons(self))

    def target_id(self) -> str | None:
        return self.target.currentData()
