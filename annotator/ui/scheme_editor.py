"""Label scheme editor: add, rename, recolour, key, underline, description, delete.

Every change is a core scheme command pushed on the window's QUndoStack, so Ctrl+Z in the
window (or Undo here) takes it back, spans included.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QIcon, QKeySequence, QPixmap, QShowEvent, QUndoStack
from PySide6.QtWidgets import (
    QAbstractItemView,
    QColorDialog,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from annotator.core.labels import Label, LabelScheme
from annotator.core.project import Project
from annotator.core.scheme_commands import (
    KEYS,
    UNDERLINES,
    AddLabel,
    DeleteLabel,
    EditLabel,
    LabelInUse,
    RenameLabel,
    SchemeCommand,
    free_key,
    label_usage,
    loaded_sets,
)
from annotator.ui.undo import CoreUndoCommand

# Okabe-Ito plus greys: colour-blind-safe; pair a colour with an underline style.
PALETTE = (
    ("Orange", "#E69F00"),
    ("Sky blue", "#56B4E9"),
    ("Bluish green", "#009E73"),
    ("Yellow", "#F0E442"),
    ("Blue", "#0072B2"),
    ("Vermillion", "#D55E00"),
    ("Reddish purple", "#CC79A7"),
    ("Grey", "#999999"),
    ("Dark grey", "#555555"),
)
CUSTOM = "custom"
COLUMNS = ("Label", "Colour", "Underline", "Key", "Description", "Spans")


def swatch(color: str, size: int = 14) -> QIcon:
    pixmap = QPixmap(size, size)
    pixmap.fill(QColor(color))
    return QIcon(pixmap)


class LabelSchemeDialog(QDialog):
    """The project's labels in a table with a form below for the selected one.

    `on_scheme_changed(scheme)` is handed to every command and so runs after each do, undo
    and redo, even when this dialog is closed: the window uses it to save the scheme and
    refresh its styles and label actions.
    """

    def __init__(
        self,
        project: Project,
        undo_stack: QUndoStack,
        parent: QWidget | None = None,
        on_scheme_changed: Callable[[LabelScheme], None] | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("labelSchemeDialog")
        self.setWindowTitle("Label scheme")
        self.project, self.stack = project, undo_stack
        self.on_scheme_changed = on_scheme_changed
        self.confirm: QMessageBox | None = None
        self.color_dialog: QColorDialog | None = None
        self._loading = False

        self.table = self._table()
        self._fields()
        self._buttons(undo_stack)
        self._lay_out()
        self._connect(undo_stack)
        self.reload()
        if self.table.rowCount():
            self.table.selectRow(0)
        if project.read_only:
            editors = [self.name_edit, self.desc_edit, self.examples_edit, self.rename_button,
                       self.add_button]
            editors += [self.delete_button, self.color_combo, self.underline_combo, self.key_combo]
            for widget in editors:
                widget.setEnabled(False)
            self.message.setText("This project is open read-only: the scheme cannot change.")
        self.resize(720, 520)

    # -- construction -----------------------------------------------------
    def _table(self) -> QTableWidget:
        """The labels, one row each."""
        table = QTableWidget(0, len(COLUMNS))
        table.setObjectName("schemeTable")
        table.setHorizontalHeaderLabels(COLUMNS)
        table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        table.verticalHeader().setVisible(False)
        header = table.horizontalHeader()
        for col in range(len(COLUMNS)):
            header.setSectionResizeMode(col, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(4, QHeaderView.ResizeMode.Stretch)
        return table

    def _fields(self) -> None:
        """The selected label's name, colour, underline, key, description and examples."""
        self.name_edit = QLineEdit()
        self.name_edit.setObjectName("schemeName")
        self.name_edit.setMaxLength(32)
        self.color_combo = QComboBox()
        self.color_combo.setObjectName("schemeColor")
        self.underline_combo = QComboBox()
        self.underline_combo.setObjectName("schemeUnderline")
        self.underline_combo.addItems(UNDERLINES)
        self.key_combo = QComboBox()
        self.key_combo.setObjectName("schemeKey")
        self.desc_edit = QLineEdit()
        self.desc_edit.setObjectName("schemeDescription")
        self.desc_edit.setPlaceholderText("One line, shown as the label's tooltip")
        self.examples_edit = QLineEdit()
        self.examples_edit.setObjectName("schemeExamples")
        self.examples_edit.setPlaceholderText("Example mentions for the guidelines, separated by ;")
        self.message = QLabel()
        self.message.setObjectName("schemeMessage")
        self.message.setTextFormat(Qt.TextFormat.PlainText)
        self.message.setWordWrap(True)

    def _buttons(self, undo_stack: QUndoStack) -> None:
        """Rename, add, delete, and undo / redo of the scheme edits."""
        self.rename_button = QPushButton("Rename")
        self.rename_button.setObjectName("schemeRename")
        self.add_button = QPushButton("Add as new label")
        self.add_button.setObjectName("schemeAdd")
        self.delete_button = QPushButton("Delete…")
        self.delete_button.setObjectName("schemeDelete")
        self.undo_action = undo_stack.createUndoAction(self, "Undo")
        self.undo_action.setShortcut(QKeySequence.StandardKey.Undo)
        self.redo_action = undo_stack.createRedoAction(self, "Redo")
        self.redo_action.setShortcuts([QKeySequence("Ctrl+Shift+Z"), QKeySequence("Ctrl+Y")])
        self.addActions([self.undo_action, self.redo_action])
        self.undo_button, self.redo_button = QToolButton(), QToolButton()
        self.undo_button.setObjectName("schemeUndo")
        self.redo_button.setObjectName("schemeRedo")
        self.undo_button.setDefaultAction(self.undo_action)
        self.redo_button.setDefaultAction(self.redo_action)

    def _lay_out(self) -> None:
        """The table on top, the fields below it, the buttons at the bottom."""
        name_row = QHBoxLayout()
        name_row.addWidget(self.name_edit, 1)
        name_row.addWidget(self.rename_button)
        name_row.addWidget(self.add_button)
        form = QFormLayout()
        form.addRow("Name", name_row)
        form.addRow("Colour", self.color_combo)
        form.addRow("Underline", self.underline_combo)
        form.addRow("Key", self.key_combo)
        form.addRow("Description", self.desc_edit)
        form.addRow("Examples", self.examples_edit)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        bottom = QHBoxLayout()
        bottom.addWidget(self.delete_button)
        bottom.addWidget(self.undo_button)
        bottom.addWidget(self.redo_button)
        bottom.addStretch(1)
        bottom.addWidget(buttons)
        layout = QVBoxLayout(self)
        layout.addWidget(self.table, 1)
        layout.addLayout(form)
        layout.addWidget(self.message)
        layout.addLayout(bottom)

    def _connect(self, undo_stack: QUndoStack) -> None:
        """Every gesture of the dialog to what it does."""
        self.table.itemSelectionChanged.connect(self._load_form)
        self.name_edit.returnPressed.connect(self.rename_selected)
        self.rename_button.clicked.connect(self.rename_selected)
        self.add_button.clicked.connect(self.add_label)
        self.delete_button.clicked.connect(self.delete_selected)
        self.color_combo.activated.connect(self._color_chosen)
        self.underline_combo.activated.connect(
            lambda _i: self._edit(underline=self.underline_combo.currentText())
        )
        self.key_combo.activated.connect(lambda _i: self._edit(key=self.key_combo.currentData()))
        self.desc_edit.editingFinished.connect(self._description_done)
        self.examples_edit.editingFinished.connect(self._examples_done)
        undo_stack.indexChanged.connect(self._stack_moved)

    # -- public -----------------------------------------------------------
    def selected_name(self) -> str | None:
        row = self.table.currentRow()
        item = self.table.item(row, 0) if row >= 0 else None
        return item.text() if item is not None else None

    def select(self, name: str) -> None:
        row = self.project.scheme.names.index(name) if name in self.project.scheme else -1
        if row >= 0:
            self.table.selectRow(row)

    def reload(self) -> None:
        """Re-read the scheme (after undo, redo or any command) keeping the selection."""
        keep = self.selected_name()
        row_before = self.table.currentRow()
        counts = self._counts()
        labels = self.project.scheme.labels
        self.table.blockSignals(True)
        self.table.setRowCount(len(labels))
        for row, label in enumerate(labels):
            cells = (
                label.name,
                label.color,
                label.underline,
                label.key or "—",
                label.description,
                str(counts[label.name]),
            )
            for col, text in enumerate(cells):
                item = QTableWidgetItem(text)
                if col == 1:
                    item.setIcon(swatch(label.color))
                if col == 0:
                    item.setToolTip(label.description)
                self.table.setItem(row, col, item)
        self.table.blockSignals(False)
        if keep in self.project.scheme:
            self.select(keep)
        elif labels:
            self.table.selectRow(min(max(row_before, 0), len(labels) - 1))
        self._load_form()

    def add_label(self) -> bool:
        """Add the name typed in the Name box as a new label with a free colour and key."""
        name = self.name_edit.text().strip()
        used = {label.color.upper() for label in self.project.scheme.labels}
        color = next((c for _, c in PALETTE if c.upper() not in used), PALETTE[-1][1])
        label = Label(name, color, "solid", free_key(self.project.scheme), "")
        if self._push(AddLabel(label, on_changed=self.on_scheme_changed)):
            self.select(name)
            self._say(f"Added {name}. Pick its colour, key and description below.")
            return True
        return False

    def rename_selected(self) -> bool:
        old, new = self.selected_name(), self.name_edit.text().strip()
        if old is None or new == old:
            return False
        command = RenameLabel(old, new, self.on_scheme_changed)
        if self._push(command):
            self.select(new)
            self._say(f"Renamed {old} to {new} in {len(command.articles)} article(s).")
            return True
        return False

    def delete_selected(self) -> QMessageBox | None:
        """Delete at once when unused; otherwise ask first (the box is `self.confirm`)."""
        name = self.selected_name()
        if name is None:
            return None
        usage = label_usage(self.project, name)
        if usage.unused:
            if self._push(DeleteLabel(name, on_changed=self.on_scheme_changed)):
                self._say(f"Deleted {name}.")
            return None
        box = QMessageBox(self)
        box.setObjectName("schemeDeleteConfirm")
        box.setIcon(QMessageBox.Icon.Warning)
        box.setWindowTitle("Delete label")
        box.setTextFormat(Qt.TextFormat.PlainText)
        box.setText(f"{name} is used by {usage.describe()}.")
        box.setInformativeText(
            "Deleting it removes those spans and suggestions too. Undo brings them back."
        )
        box.setStandardButtons(QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No)
        box.setDefaultButton(QMessageBox.StandardButton.No)
        box.buttonClicked.connect(lambda button: self._confirmed(box, button, name))
        self.confirm = box
        box.open()
        return box

    def choose_color(self) -> QColorDialog:
        """Open a (non-native) colour dialog for the selected label."""
        name = self.selected_name()
        label = self.project.scheme.get(name) if name else None
        dialog = QColorDialog(QColor(label.color if label else "#999999"), self)
        dialog.setObjectName("schemeColorDialog")
        dialog.setOption(QColorDialog.ColorDialogOption.DontUseNativeDialog, True)
        dialog.colorSelected.connect(lambda c: self._edit(color=c.name().upper()))
        dialog.rejected.connect(self._load_form)
        self.color_dialog = dialog
        dialog.open()
        return dialog

    # -- internals --------------------------------------------------------
    def _counts(self) -> Counter[str]:
        counts: Counter[str] = Counter()
        for aset in loaded_sets(self.project):
            counts.update(s.label for s in aset.spans)
        return counts

    def _push(self, command: SchemeCommand) -> bool:
        try:
            command.prepare(self.project)
        except LabelInUse as exc:
            self._say(str(exc), error=True)
            return False
        except (ValueError, KeyError) as exc:
            self._say(str(exc).strip("'\""), error=True)
            return False
        self._say("")
        self.stack.push(CoreUndoCommand(self.project, command))
        return True

    def _confirmed(self, box: QMessageBox, button: object, name: str) -> None:
        if box.standardButton(button) != QMessageBox.StandardButton.Yes:  # type: ignore[arg-type]
            return
        command = DeleteLabel(name, confirmed=True, on_changed=self.on_scheme_changed)
        if self._push(command):
            self._say(f"Deleted {name} and its spans in {len(command.articles)} article(s).")

    def _edit(self, **fields: str) -> bool:
        name = self.selected_name()
        if name is None or self._loading:
            return False
        label = self.project.scheme.get(name)
        if label is None or all(getattr(label, k) == v for k, v in fields.items()):
            return False
        taken = self.project.scheme.by_key(fields.get("key") or "")
        ok = self._push(EditLabel(name, **fields, on_changed=self.on_scheme_changed))
        if ok and taken is not None and taken.name != name:
            self._say(f"Key {taken.key} moved from {taken.name} to {name}.")
        elif not ok:
            self._load_form()
        return ok

    def _color_chosen(self, index: int) -> None:
        data = self.color_combo.itemData(index)
        if data == CUSTOM:
            self.choose_color()
        else:
            self._edit(color=data)

    def _description_done(self) -> None:
        name = self.selected_name()
        label = self.project.scheme.get(name) if name else None
        if label is not None and self.desc_edit.text().strip() != label.description:
            self._edit(description=self.desc_edit.text().strip())

    def _examples_done(self) -> None:
        name = self.selected_name()
        label = self.project.scheme.get(name) if name else None
        if label is not None and self.examples_edit.text().strip() != label.examples:
            self._edit(examples=self.examples_edit.text().strip())

    def _load_form(self) -> None:
        name = self.selected_name()
        label = self.project.scheme.get(name) if name else None
        self._loading = True
        try:
            self.name_edit.setText(label.name if label else "")
            self._fill_colors(label.color if label else None)
            self.underline_combo.setCurrentText(label.underline if label else "solid")
            self._fill_keys(label.key if label else "")
            self.desc_edit.setText(label.description if label else "")
            self.examples_edit.setText(label.examples if label else "")
            self.delete_button.setEnabled(label is not None and not self.project.read_only)
        finally:
            self._loading = False

    def _fill_colors(self, current: str | None) -> None:
        combo = self.color_combo
        combo.clear()
        for name, color in PALETTE:
            combo.addItem(swatch(color), f"{name}  {color}", color)
        if current and all(current.upper() != c.upper() for _, c in PALETTE):
            combo.addItem(swatch(current), f"Custom  {current}", current)
        combo.addItem("Custom colour…", CUSTOM)
        colors = [str(combo.itemData(i)).upper() for i in range(combo.count())]
        index = colors.index(current.upper()) if current and current.upper() in colors else 0
        combo.setCurrentIndex(index)

    def _fill_keys(self, current: str) -> None:
        combo = self.key_combo
        combo.clear()
        combo.addItem("No key", "")
        holders = {label.key: label.name for label in self.project.scheme.labels if label.key}
        for key in KEYS:
            holder = holders.get(key)
            combo.addItem(f"{key}  ({holder})" if holder else key, key)
        combo.setCurrentIndex(max(combo.findData(current), 0))

    def _stack_moved(self, _index: int) -> None:
        if self.isVisible():
            self.reload()

    def showEvent(self, event: QShowEvent) -> None:
        self.reload()
        super().showEvent(event)

    def _say(self, text: str, *, error: bool = False) -> None:
        self.message.setStyleSheet("color:#B00020;" if error else "")
        self.message.setText(text)
