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
    QTextBrowser,
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


WORKFLOW = """
<h3>Annotating an article</h3>
<ol>
<li>Pick an article in the list (<b>N</b> / <b>P</b> step through it as filtered). Suggestions
are already highlighted; <b>F2</b> shows what each highlight style means.</li>
<li><b>Tab</b> moves to the next span. <b>A</b> or <b>Enter</b> accepts a suggestion,
<b>X</b> rejects it (it is not suggested again), a digit <b>1</b>–<b>9</b> relabels it.</li>
<li>Select missed text with the mouse or <b>Shift+arrows</b> and press a label's digit.
<b>Shift+←/→</b> move a span's end by a token, <b>Alt+Shift+←/→</b> its start.</li>
<li><b>L</b> links the span to an entity of the project (one person, place or organisation
across articles); confirmed entities are then suggested in every other article.</li>
<li><b>Ctrl+D</b> marks the article done (it asks about suggestions still undecided).
Every edit is saved within a second; <b>Ctrl+Z</b> undoes anything.</li>
</ol>
<h3>Reviewing and exporting</h3>
<p><b>Ctrl+R</b> compares annotators: <b>Alt+1</b>… takes an annotator's version into the gold
set, <b>Alt+S</b> shows the versions side by side. <b>Ctrl+E</b> exports finished articles
as JSONL, spaCy DocBin, doccano or CoNLL.</p>
<h3>Every shortcut</h3>
"""


class HelpDialog(QDialog):
    """F1: the workflow in a page, then every shortcut, generated from the action table."""

    def __init__(
        self, label_keys: list[tuple[str, str]] | None = None, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setObjectName("helpDialog")
        self.setWindowTitle("Help")
        self.page = QTextBrowser()
        self.page.setObjectName("helpWorkflow")
        self.page.setHtml(WORKFLOW)  # our own text, never an article's
        rows = shortcut_rows(label_keys)
        table = QTableWidget(len(rows), 3)
        table.setObjectName("shortcutsTable")
        table.setHorizontalHeaderLabels(["Keys", "Command", "What it does"])
        for i, row in enumerate(rows):
            for column, text in enumerate(row):
                table.setItem(i, column, QTableWidgetItem(text))
        table.horizontalHeader().setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        table.verticalHeader().setVisible(False)
        self.table = table
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.page, 2)
        layout.addWidget(table, 3)
        layout.addWidget(buttons)
        self.resize(780, 720)


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
