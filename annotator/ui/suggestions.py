"""Runs the built-in suggester over the project in a background thread."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QObject, Signal

from annotator.core.model import Span
from annotator.core.project import Project
from annotator.ui.tasks import BackgroundTask, TaskContext

SuggestedItem = tuple[str, list[Span], list[tuple[int, int, bool]]]


def suggest_body(
    project: Project, article_ids: list[str], batch_size: int = 32
) -> Callable[[TaskContext], int]:
    """Task body: suggestions and tokens for each article, emitted as they are ready."""

    def body(ctx: TaskContext) -> int:
        from annotator.nlp.builtin import BuiltinSuggester
        from annotator.nlp.tokens import tokenize

        suggester = BuiltinSuggester()
        total = len(article_ids)
        ctx.progress(0, total)
        for offset in range(0, total, batch_size):
            ctx.check()
            batch = article_ids[offset : offset + batch_size]
            texts = [project.text(aid) for aid in batch]
            found = suggester.suggest_many(texts)
            ctx.emit([  # one queued event per batch, not per article
                (aid, spans, tokenize(text) if offset == 0 else [])
                for aid, text, spans in zip(batch, texts, found, strict=True)
            ])
            ctx.progress(min(offset + batch_size, total), total)
        return total

    return body


class SuggestionRunner(QObject):
    """Owns the suggestion task; results are merged on the UI thread as they arrive."""

    itemReady = Signal(object)
    progressed = Signal(int, int)
    finished = Signal(str)

    def __init__(self, project: Project) -> None:
        super().__init__()
        self.project = project
        self.task: BackgroundTask | None = None

    @property
    def running(self) -> bool:
        return self.task is not None and self.task.isRunning()

    def start(self, first: str | None = None) -> BackgroundTask:
        """Suggest for every article, starting with `first` (the one on screen)."""
        self.stop()
        ids = self.project.article_ids
        if first in ids:
            ids.remove(first)
            ids.insert(0, first)
        task = BackgroundTask("Suggestions", suggest_body(self.project, ids))
        task.item_ready.connect(self.itemReady)
        task.progressed.connect(self.progressed)
        task.succeeded.connect(lambda n: self.finished.emit(f"Suggestions ready for {n} articles"))
        task.failed.connect(self.finished)
        task.cancelled.connect(lambda: self.finished.emit("Suggestions cancelled"))
        self.task = task
        task.start()
        return task

    def stop(self, wait_ms: int = 5000) -> None:
        if self.task is not None:
            self.task.cancel()
            self.task.wait(wait_ms)
            self.task = None
