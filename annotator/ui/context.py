"""What a UI controller may use of the window, handed over as one object instead of the window."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from PySide6.QtCore import QSettings
from PySide6.QtGui import QUndoStack
from PySide6.QtWidgets import QWidget

from annotator.core.commands import Command, retarget
from annotator.core.project import Project
from annotator.store.project_store import ProjectStore
from annotator.ui.statusbar import ProjectStatusBar
from annotator.ui.undo import CoreUndoCommand


class EditGateway:
    """The one way an edit reaches the undo stack: it refuses edits of a read-only project or
    article, points article edits at the edit target (gold in review) and says which
    article each applied edit touched."""

    def __init__(self, project: Project, undo_stack: QUndoStack, say: Callable[[str], None],
                 current_article: Callable[[], str | None]) -> None:
        self.project, self.undo_stack, self.say = project, undo_stack, say
        self.current_article = current_article
        self.target: str | None = None  # whose set edits go to: None = mine, "gold" in review
        self.on_applied: Callable[[str], None] | None = None

    def push(self, command: Command, *, of_article: bool = True) -> bool:
        """Apply `command` as one undo step; `of_article` False for project-wide edits
        (settings, deleting an article), which a damaged shown article does not block."""
        if self.project.read_only:
            self.say("This project is open read-only; edits are not possible.")
            return False
        damaged = self.project.damaged_articles.get(self.current_article() or "")
        if of_article and damaged:
            self.say(f"This article is read-only: {damaged}.")
            return False
        retarget(command, self.target)
        self.undo_stack.push(CoreUndoCommand(self.project, command, self.on_applied))
        return True


@dataclass(frozen=True)
class WindowContext:
    """The project, its store, the edit gateway, messages and navigation of one window."""

    project: Project
    store: ProjectStore
    edits: EditGateway
    status: ProjectStatusBar
    settings: QSettings
    parent: QWidget  # dialogs' parent
    say: Callable[[str], None]
    current_article: Callable[[], str | None]
    show_article: Callable[[str], None]
    flush_saves: Callable[[], None]  # own and gold edits on disk, before a worker reads them
    start_suggestions: Callable[[], None]

    @property
    def undo_stack(self) -> QUndoStack:
        return self.edits.undo_stack
