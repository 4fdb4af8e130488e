"""Article › Delete article…: asks first, then deletes as one undoable step."""

from __future__ import annotations

import time

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtWidgets import QMessageBox

from annotator.core.commands import DeleteArticle
from annotator.ui.context import WindowContext


class ArticleDeleter(QObject):
    """Deletes the shown article (with every annotator's work on it) after a confirmation;
    undo brings it back until the window closes. Says which article to show instead."""

    deleted = Signal(str, int)  # deleted article id, the position it had in the list
    restored = Signal(str)  # an undone deletion: the article is back

    def __init__(self, context: WindowContext) -> None:
        super().__init__(context.parent)
        project = context.project
        self.project, self.edits, self.parent_widget = project, context.edits, context.parent
        self.current, self.say = context.current_article, context.say
        self.prompt: QMessageBox | None = None
        self._positions: dict[str, int] = {}
        self._gone: set[str] = set()  # deleted in this window and not undone
        project.subscribe_articles(self._changed)

    def ask(self) -> QMessageBox | None:
        """The confirmation (non-modal); its Delete button deletes the shown article."""
        article_id = self.current()
        if article_id is None:
            self.say("No article is shown.")
            return None
        if self.project.read_only:
            self.say("This project is open read-only; articles cannot be deleted.")
            return None
        others = [a for a in self.project.annotators()
                  if a != self.project.annotator and self.project.existing_set(article_id, a)]
        box = QMessageBox(self.parent_widget)
        box.setObjectName("deleteArticleDialog")
        box.setIcon(QMessageBox.Icon.Warning)
        box.setWindowTitle("Delete article")
        box.setTextFormat(Qt.TextFormat.PlainText)
        box.setText(f"Delete “{self.project.info(article_id).title}” from the project?")
        work = "your annotations" + (f" and those of {', '.join(others)}" if others else "")
        box.setInformativeText(
            f"The article and {work} on it go with it; it is never exported. Ctrl+Z brings it "
            "back until you close the window; importing the same text later brings it back "
            "without annotations.")
        delete = box.addButton("&Delete article", QMessageBox.ButtonRole.DestructiveRole)
        box.addButton(QMessageBox.StandardButton.Cancel)
        box.setDefaultButton(QMessageBox.StandardButton.Cancel)
        box.buttonClicked.connect(lambda button: button is delete and self.delete(article_id))
        box.open()
        self.prompt = box
        return box

    def delete(self, article_id: str) -> None:
        """Delete now, as one step on the undo stack."""
        if not self.project.has_article(article_id):
            return
        self._positions[article_id] = self.project.position(article_id)
        command = DeleteArticle(article_id, time.time())
        if not self.edits.push(command, of_article=False):  # a damaged article can go too
            return
        self.say(f"Deleted “{command.removed.info.title if command.removed else article_id}”; "
                 "Ctrl+Z brings it back.")

    def imported(self) -> None:
        """An import brought back an article deleted here: the undo history goes (its steps
        are about the old annotations, which stay hidden, as after a restart)."""
        back = {a for a in self._gone if self.project.has_article(a)}
        if back:
            self._gone -= back
            self.edits.undo_stack.clear()
            self.say("A deleted article was imported again (without its annotations); "
                     "the undo history was cleared.")

    def _changed(self, article_id: str, deleted_at: float | None) -> None:
        if deleted_at is None:
            self._gone.discard(article_id)
            self.restored.emit(article_id)
            return
        self._gone.add(article_id)
        self.deleted.emit(article_id, self._positions.get(article_id, 0))

    def stop(self) -> None:
        self.project.unsubscribe_articles(self._changed)
