"""Small dialogs and menus: keyboard help, span context menu, annotator name."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import QPoint, Qt
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QHeaderView,
    QMenu,
    QMessageBox,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from annotator.ui.actions import shortcut_rows

if TYPE_CHECKING:
    from annotator.ui.main_window import MainWindow


PENDING_CHOICES = ("accept", "reject", "keep")  # what "Mark done" does with undecided ones


def pending_on_done_prompt(
    parent: QWidget, pending: int, decide: Callable[[str], object]
) -> QMessageBox:
    """Ask what to do with `pending` undecided suggestions before marking done; calls `decide`."""
    box = QMessageBox(parent)
    box.setObjectName("pendingOnDoneDialog")
    box.setIcon(QMessageBox.Icon.Question)
    box.setWindowTitle("Undecided suggestions")
    box.setTextFormat(Qt.TextFormat.PlainText)
    box.setText(f"{pending} suggestion(s) in this article are still undecided.")
    box.setInformativeText(
        "Accept them, reject them, or mark done anyway (undecided suggestions are left out of "
        "exports and counted as undecided). Settings › 'Undecided when done' stops this question."
    )
    buttons = {
        box.addButton("&Accept them", QMessageBox.ButtonRole.AcceptRole): "accept",
        box.addButton("&Reject them", QMessageBox.ButtonRole.DestructiveRole): "reject",
        box.addButton("Mark done &anyway", QMessageBox.ButtonRole.ActionRole): "keep",
    }
    box.addButton(QMessageBox.StandardButton.Cancel)
    box.setDefaultButton(next(iter(buttons)))
    box.buttonClicked.connect(lambda button: button in buttons and decide(buttons[button]))
    box.open()
    return box


class ShortcutsDialog(QDialog):
    """Help > Keyboard shortcuts: the same table the actions are built from."""

    def __init__(
        self, label_keys: list[tuple[str, str]] | None = None, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setObjectName("shortcutsDialog")
        self.setWindowTitle("Keyboard shortcuts")
        rows = shortcut_rows(label_keys)
        table = QTableWidget(len(rows), 3)
        table.setObjectName("shortcutsTable")
        table.setHorizontalHeaderLabels(["Keys", "Command", "What it does"])
        for i, row in enumerate(rows):
            for column, text in enumerate(row):
                table.setItem(i, column, QTableWidgetItem(text))
        table.horizontalHeader().setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        table.verticalHeader().setVisible(False)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(table)
        layout.addWidget(buttons)
        self.resize(760, 560)


def span_context_menu(window: MainWindow, pos: QPoint) -> QMenu:
    """Right-click menu: label the selection, or act on the span under the mouse."""
    view = window.view
    menu = QMenu(view)
    menu.setObjectName("spanMenu")
    if view.selection_range() is None:
        span = view.span_at(view.codepoint_at(pos))
        if span is not None:
            view.set_current_span(span, reveal=False)
    current = view.current_span
    for action in window.label_actions:
        menu.addAction(action)
    menu.addSeparator()
    if current is not None:
        if view.is_pending(current):
            menu.addAction(window.actions_by_id["accept"])
        menu.addAction(window.actions_by_id["reject"])
    menu.addAction(window.actions_by_id["accept_all"])
    return menu
