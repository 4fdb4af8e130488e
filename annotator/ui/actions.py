"""Every command of the window, as data: menus, shortcuts and the Help table come from SPECS."""

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


MENUS = ("&File", "&Edit", "E&ntity", "&Navigate", "A&rticle", "&Labels", "Revie&w",
         "&Project", "&View", "&Help")  # in menu-bar order; Labels is filled from the scheme

SPECS: tuple[ActionSpec, ...] = (
    ActionSpec("new_project", "&File", "&New project…", ("Ctrl+Shift+N",),
               "Make an empty project in a folder you choose"),
    ActionSpec("open_project", "&File", "&Open project…", ("Ctrl+O",),
               "Open another project folder (File › Open recent lists the last 8)"),
    ActionSpec("import_files", "&File", "&Import files…", ("Ctrl+I",), "Import .txt or .jsonl"),
    ActionSpec("import_folder", "&File", "Import &folder…", (), "Import every file in a folder"),
    ActionSpec("export", "&File", "&Export JSONL…", ("Ctrl+E",), "Export annotations"),
    ActionSpec("quit", "&File", "&Quit", ("Ctrl+Q",), "Close the window"),
    ActionSpec("undo", "&Edit", "&Undo", ("Ctrl+Z",), "Undo the last edit"),
    ActionSpec("redo", "&Edit", "&Redo", ("Ctrl+Shift+Z", "Ctrl+Y"), "Redo"),
    ActionSpec("accept", "&Edit", "&Accept suggestion", ("A", "Return", "Enter"),
               "Accept the current suggestion and go to the next"),
    ActionSpec("reject", "&Edit", "Reject / &delete span", ("X", "Delete", "Backspace"),
               "Reject the current suggestion (remembered) or delete the span"),
    ActionSpec("accept_all", "&Edit", "Accept a&ll in article", ("Ctrl+Shift+A",),
               "Accept every suggestion of the article (one undo step)"),
    ActionSpec("toggle_unsure", "&Edit", "Mark span &unsure / sure", ("?",),
               "Flag the current span as unsure (review treats it as a conflict)"),
    ActionSpec("comment_span", "&Edit", "&Comment on span…", ("C",),
               "A note on the current span, shown in review and exported"),
    ActionSpec("comment_article", "&Edit", "Comment on &article…", ("Shift+C",),
               "A note on the whole article, shown in review and exported"),
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
    ActionSpec("mark_done", "A&rticle", "Mark &done", ("Ctrl+D",),
               "Mark the article done (asks about undecided suggestions)"),
    ActionSpec("mark_open", "A&rticle", "Mark in &progress", (), "Reopen a done article"),
    ActionSpec("ignore_article", "A&rticle", "&Ignore article", ("Ctrl+Shift+I",),
               "Skip a junk, duplicate or off-topic article: never exported (undoable)"),
    ActionSpec("delete_article", "A&rticle", "De&lete article…", ("Ctrl+Shift+Del",),
               "Remove the article and everyone's annotations on it from the project (asks "
               "first; undoable until the window closes)"),
    ActionSpec("review_toggle", "Revie&w", "Start / stop review", ("Ctrl+R",),
               "Compare annotators; edits go into the gold version"),
    ActionSpec("review_next", "Revie&w", "Next item", ("Alt+Down",),
               "Review: next undecided conflict"),
    ActionSpec("review_previous", "Revie&w", "Previous item", ("Alt+Up",),
               "Review: previous undecided conflict"),
    ActionSpec("review_reject", "Revie&w", "Reject item in gold", ("Alt+X",),
               "Review: leave the item out of gold"),
    ActionSpec("review_accept_agreed", "Revie&w", "Accept all agreed", ("Alt+A",),
               "Review: take every agreed span into gold"),
    ActionSpec("review_mark_reviewed", "Revie&w", "Mark article reviewed", ("Alt+M",),
               "Review: the gold version of the article is final"),
    ActionSpec("review_side_by_side", "Revie&w", "Versions side by side", ("Alt+S",),
               "Review: every version and gold in columns that scroll together"),
    *(ActionSpec(f"review_version_{i}", "Revie&w", f"Use version {i}", (f"Alt+{i}",),
                 f"Review: take annotator {i}'s version into gold") for i in range(1, 10)),
    ActionSpec("find", "&Project", "Find…", ("Ctrl+F",),
               "Find in the article or in all articles"),
    ActionSpec("find_next", "&Project", "Find next", ("F3",), "Next hit"),
    ActionSpec("find_previous", "&Project", "Find previous", ("Shift+F3",), "Previous hit"),
    ActionSpec("statistics", "&Project", "Statistics…", ("Ctrl+Shift+S",),
               "Articles by status, spans per label, progress"),
    ActionSpec("label_scheme", "&Project", "Label scheme…", ("Ctrl+Shift+L",),
               "Add, rename, recolour or delete labels"),
    ActionSpec("settings", "&Project", "Settings…", ("Ctrl+,",), "Your and the project's settings"),
    ActionSpec("link_all", "&Project", "Link all…", ("Ctrl+Shift+K",),
               "Link every unlinked mention (one undo step)"),
    ActionSpec("train_model", "&Project", "Train model", ("Ctrl+Shift+T",),
               "Train the suggester on this project's annotations"),
    ActionSpec("model_scores", "&Project", "Model scores…", (), "The learned model's scores"),
    ActionSpec("accept_auto_links", "&Project", "Accept auto links", (),
               "Confirm every link made by Link all"),
    ActionSpec("legend", "&View", "Highlight &legend", ("F2",),
               "What each fill, underline and line in the text means"),
    ActionSpec("zoom_in", "&View", "Zoom &in", ("Ctrl+=", "Ctrl++"), "Larger text"),
    ActionSpec("zoom_out", "&View", "Zoom &out", ("Ctrl+-",), "Smaller text"),
    ActionSpec("shortcuts", "&Help", "&Help and shortcuts", ("F1",),
               "The workflow and every shortcut"),
)

GESTURES: tuple[tuple[str, str], ...] = (  # what is not a menu command
    ("Shift+← / Shift+→", "Move the end of the current span by one token"),
    ("Alt+Shift+← / Alt+Shift+→", "Move the start of the current span by one token"),
    ("Drag a span edge", "Resize the current span with the mouse"),
    ("Click a span", "Make it the current span"),
)


def on_triggered(action: QAction, slot: Callable[[], object]) -> None:
    """Connect `slot` to the action, dropping `triggered`'s checked flag (never an argument)."""
    action.triggered.connect(lambda _checked=False: slot())


def build_actions(
    window: QMainWindow, slots: dict[str, Callable[[], object]]
) -> tuple[dict[str, QAction], dict[str, QMenu]]:
    """Create the menus and every action of the table, each connected to its slot."""
    menus = {name: window.menuBar().addMenu(name) for name in MENUS}
    actions: dict[str, QAction] = {}
    for spec in SPECS:
        action = QAction(spec.text, window)
        action.setObjectName(f"action_{spec.id}")
        action.setShortcuts([QKeySequence(k) for k in spec.keys])
        action.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
        action.setToolTip(spec.help)
        on_triggered(action, slots[spec.id])
        menus[spec.menu].addAction(action)
        window.addAction(action)
        actions[spec.id] = action
    return actions, menus


def shortcut_rows(label_keys: list[tuple[str, str]] | None = None) -> list[tuple[str, ...]]:
    """(keys, command, what it does) for the Help table: label keys, the table, gestures."""
    labels = [(key, f"Label {name}", "Label the selection, or relabel the current span")
              for key, name in label_keys or []]
    commands = [(" / ".join(s.keys), s.text.replace("&", "").rstrip("…"), s.help)
                for s in SPECS if s.keys]
    return labels + commands + [(keys, what, "") for keys, what in GESTURES]


def window_slots(window: MainWindow) -> dict[str, Callable[[], object]]:
    """What each action does (the table above says which keys trigger it and where it shows)."""
    from annotator.core.model import ArticleStatus
    from annotator.ui.dialogs import HelpDialog
    from annotator.ui.legend import LegendDialog

    self, edit, desk, review = window, window.editor, window.desk, window.review
    slots: dict[str, Callable[[], object]] = {
        "new_project": self.project_menu.new_project,
        "open_project": self.project_menu.open_project,
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
        "toggle_unsure": edit.toggle_unsure,
        "comment_span": edit.comment_span,
        "comment_article": edit.comment_article,
        "next_span": lambda: edit.next_span(1),
        "prev_span": lambda: edit.next_span(-1),
        "next_article": lambda: self.step_article(1),
        "prev_article": lambda: self.step_article(-1),
        "mark_done": self.mark_done,
        "mark_open": lambda: edit.set_status(ArticleStatus.IN_PROGRESS),
        "ignore_article": lambda: edit.set_status(ArticleStatus.IGNORED),
        "delete_article": self.deleter.ask,
        "review_toggle": review.toggle,
        "review_next": lambda: review.step(1),
        "review_previous": lambda: review.step(-1),
        "review_reject": review.reject,
        "review_accept_agreed": review.accept_agreed,
        "review_mark_reviewed": review.mark_reviewed,
        "review_side_by_side": review.side_by_side,
        "find": desk.find,
        "find_next": desk.find_panel.find_next,
        "find_previous": desk.find_panel.find_previous,
        "statistics": desk.statistics,
        "label_scheme": desk.edit_scheme,
        "settings": desk.edit_settings,
        "link_all": self.linking.link_all,
        "train_model": self.training.train,
        "model_scores": self.training.show_scores,
        "accept_auto_links": self.linking.accept_auto,
        "zoom_in": lambda: self.zoom(1),
        "zoom_out": lambda: self.zoom(-1),
        "shortcuts": lambda: HelpDialog(self.label_keys(), self).open(),
        "legend": lambda: LegendDialog(self.styles, self.project.scheme, self).open(),
        "link": self.linking.link_current,
        "unlink": self.linking.unlink_current,
        "accept_entity": self.linking.accept_for_entity,
        "entities": lambda: self.side_tabs.setCurrentWidget(self.entities_panel),
    }
    for i in range(1, 10):
        slots[f"review_version_{i}"] = lambda i=i: review.choose(i - 1)
    return slots
