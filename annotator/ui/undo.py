"""Adapter that lets core commands live on a QUndoStack."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtGui import QUndoCommand

from annotator.core.commands import Command
from annotator.core.project import Project


class CoreUndoCommand(QUndoCommand):
    """Runs a core command on redo/undo and reports which article it touched."""

    def __init__(
        self, project: Project, command: Command, on_applied: Callable[[str], None] | None = None
    ) -> None:
        super().__init__(command.text)
        self.project = project
        self.command = command
        self._on_applied = on_applied

    def redo(self) -> None:
        self.command.do(self.project)
        if self._on_applied and self.command.article_id:
            self._on_applied(self.command.article_id)

    def undo(self) -> None:
        self.command.undo(self.project)
        if self._on_applied and self.command.article_id:
            self._on_applied(self.command.article_id)
