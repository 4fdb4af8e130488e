"""Every command of the window as a QAction with its shortcuts; Help lists the same table."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QMainWindow, QMenu

if TYPE_CHECKING:
    from annotator.ui.main_window import MainWindow


@dataclass(frozen=True)
class ActionSpec:
    """One window command: id, menu, text, shortcuts, help line."""

    id: str
    menu: str
    text: str
    keys: tuple[str, ...] = ()
    help: str = ""


SPECS: tuple[ActionSpec, ...] = (
    ActionSpec("import_files", "&File", "&Import files…", ("Ctrl+I",), "Import .txt or .jsonl"),
    ActionSpec("import_folder", "&File", "Import &folder…", (), "Import every file in a folder"),
    ActionSpec("export", "&File", "&Export JSONL…", ("Ctrl+E",), "Export annotations"),
    ActionSpec("quit", "&File", "&Quit", ("Ctrl+Q",), "Close the window"),
    ActionSpec("undo", "&Edit", "&Undo", ("Ctrl+Z",), "Undo the last edit"),
    ActionSpec("redo", "&Edit", "&Redo", ("Ctrl+Shift+Z", "Ctrl+Y"), "Redo"),
    ActionSpec("accept", "&Edit", "&Accept suggestion", ("A", "Return", "Enter"), "Accept"),
    ActionSpec("reject", "&Edit", "Reject / &delete span", ("X", "Delete", "Backspace"), "Reject"),
    ActionSpec("accept_all", "&Edit", "Accept a&ll in article", ("Ctrl+Shift+A",), "Accept all"),
    ActionSpec("clear", "&Edit", "Clear selection", ("Escape",), "Clear selection and span"),
    ActionSpec("link", "E&ntity", "&Link span to entity…", ("L",), "Link the current span"),
    ActionSpec("unlink", "E&ntity", "&Unlink span", ("U",), "Remove the current span's link"),
    ActionSpec(
        "accept_entity", "E&ntity", "Accept all for this &entity", ("Shift+A",),
        "Accept every suggestion linked to the current span's entity",
    ),
    ActionSpec("entities", "E&ntity", "Show &entities", ("Ctrl+K",), "The knowledge base"),
    ActionSpec("next_span", "&Navigate", "&Next span", ("Tab",), "Next span"),
    ActionSpec("prev_span", "&Navigate", "&Previous span", ("Shift+Tab", "Backtab"), "Prev span"),
    ActionSpec("next_article", "&Navigate", "Next &article", ("N",), "Next article"),
    ActionSpec("prev_article", "&Navigate", "Previous a&rticle", ("P",), "Previous article"),
    ActionSpec("mark_done", "A&rticle", "Mark &done", ("Ctrl+D",), "Mark the article done"),
    ActionSpec("mark_open", "A&rticle", "Mark in &progress", (), "Reopen a done article"),
    ActionSpec("zoom_in", "&View", "Zoom &in", ("Ctrl+=", "Ctrl++"), "Larger text"),
    ActionSpec("zoom_out", "&View", "Zoom &out", ("Ctrl+-",), "Smaller text"),
    ActionSpec("shortcuts", "&Help", "&Keyboard shortcuts", ("F1",), "This list"),
)

EXTRA_HELP: tuple[tuple[str, str], ...] = (
    ("1 – 9", "Label the selected text, or relabel the current span"),
    ("Shift+← / Shift+→", "Move the end of the current span by one token"),
    ("Alt+Shift+← / Alt+Shift+→", "Move the start of the current span by one token"),
    ("Drag a span edge", "Resize the current span with the mouse"),
    ("Click a span", "Make it the current span"),
    ("Ctrl+F / F3 / Shift+F3", "Find in the article or all articles; next / previous hit"),
    ("Ctrl+Shift+S", "Statistics"),
    ("Ctrl+Shift+L", "Label scheme editor"),
    ("Ctrl+,", "Settings"),
    ("Ctrl+R", "Start / stop review mode"),
    ("Alt+↓ / Alt+↑", "Review: next / previous undecided conflict"),
    ("Alt+1 – Alt+9", "Review: take that annotator's version into gold"),
    ("Alt+X / Alt+A / Alt+M", "Review: reject item / accept all agreed / mark reviewed"),
    ("Alt+S", "Review: every version side by side, scrolling together"),
)


def on_triggered(action: QAction, slot: Callable[[], object]) -> None:
    """Connect `slot` to the action, dropping `triggered`'s checked flag (never an argument)."""
    action.triggered.connect(lambda _checked=False: slot())


def build_actions(
    window: QMainWindow, slots: dict[str, Callable[[], object]]
) -> dict[str, QAction]:
    """Create the actions, put them in menus, and connect each to its slot."""
    actions: dict[str, QAction] = {}
    menus: dict[str, QMenu] = {}
    for spec in SPECS:
        action = QAction(spec.text, window)
        action.setObjectName(f"action_{spec.id}")
        action.setShortcuts([QKeySequence(k) for k in spec.keys])
        action.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
        action.setToolTip(spec.help)
        if spec.id in slots:
            on_triggered(action, slots[spec.id])
        menu = menus.get(spec.menu)
        if menu is None:
            menu = window.menuBar().addMenu(spec.menu)
            menus[spec.menu] = menu
        menu.addAction(action)
        window.addAction(action)
        actions[spec.id] = action
    return actions


def shortcut_rows() -> list[tuple[str, str]]:
    """(keys, what it does) for the Help menu."""
    rows = [(" / ".join(s.keys), s.text.replace("&", "").rstrip("…")) for s in SPECS if s.keys]
    return list(EXTRA_HELP) + rows


def window_slots(window: MainWindow) -> dict[str, Callable[[], object]]:
    """What each window action does (the table above says which keys trigger it)."""
    from annotator.core.model import ArticleStatus
    from annotator.ui.dialogs import ShortcutsDialog

    self, edit = window, window.editor
    return {
        "import_files": self.transfer.import_files,
        "import_folder": self.transfer.import_folder,
        "export": self.transfer.export,
        "quit": self.close,
        "undo": self.undo_stack.undo,
        "redo": self.undo_stack.redo,
        "accept": edit.accept_current,
        "reject": edit.reject_current,
        "accept_all": edit.accept_all,
        "clear": self.clear_selection,
        "next_span": lambda: edit.next_span(1),
        "prev_span": lambda: edit.next_span(-1),
        "next_article": lambda: self.step_article(1),
        "prev_article": lambda: self.step_article(-1),
        "mark_done": self.mark_done,
        "mark_open": lambda: edit.set_status(ArticleStatus.IN_PROGRESS),
        "zoom_in": lambda: self.zoom(1),
        "zoom_out": lambda: self.zoom(-1),
        "shortcuts": lambda: ShortcutsDialog(self).open(),
        "link": self.linking.link_current,
        "unlink": self.linking.unlink_current,
        "accept_entity": self.linking.accept_for_entity,
        "entities": lambda: self.side_tabs.setCurrentWidget(self.entities_panel),
    }
