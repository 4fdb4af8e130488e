"""Runs the project's suggestion sources over every article in a background thread."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QObject, Signal

from annotator.core.model import Span
from annotator.core.project import Project
from annotator.ui.tasks import BackgroundTask, TaskContext

SuggestedItem = tuple[str, list[Span], list[tuple[int, int, bool]]]


def suggest_body(
    project: Project, root: Path, article_ids: list[str], batch_size: int = 32
) -> Callable[[TaskContext], int]:
    """Task body: combined suggestions of the configured sources (cache first), per batch.

    Propagation is left out: the window runs it live whenever the knowledge base changes.
    """

    def body(ctx: TaskContext) -> int:
        from annotator.nlp.cache import suggest_articles
        from annotator.nlp.sources import PROPAGATION, enabled_kinds, sources_from_settings
        from annotator.nlp.tokens import tokenize

        problems: list[str] = []
        kinds = [k for k in enabled_kinds(project.settings) if k != PROPAGATION]
        sources = sources_from_settings(
            project.settings, root, labels=project.scheme.names, problems=problems, kinds=kinds
        )
        if problems:
            ctx.emit(("problems", problems))
        total = len(article_ids)
        ctx.progress(0, total)
        batch: list[SuggestedItem] = []
        found_all = suggest_articles(
            project, root, sources, article_ids, cancelled=lambda: ctx.cancelled,
            batch_size=batch_size, sync=not project.read_only,
        )
        for done, found in enumerate(found_all, start=1):
            # the article on screen (first) brings its tokens along for snapping
            tokens = tokenize(project.text(found.article_id)) if done == 1 else []
            named = [s.with_(source=name) for s, name in zip(found.spans, found.sources,
                                                               strict=False)]
            batch.append((found.article_id, named, tokens))
            if len(batch) >= batch_size or done == total:
                ctx.emit(("spans", batch))  # one queued event per batch, not per article
                batch = []
                ctx.progress(done, total)
        ctx.check()
        return total

    return body


class SuggestionRunner(QObject):
    """Owns the suggestion task; results are merged on the UI thread as they arrive."""

    itemReady = Signal(object)
    problems = Signal(list)
    progressed = Signal(int, int)
    finished = Signal(str)

    def __init__(self, project: Project, root: Path) -> None:
        super().__init__()
        self.project = project
        self.root = root
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
        task = BackgroundTask("Suggestions", suggest_body(self.project, self.root, ids))
        task.item_ready.connect(self._item)
        task.progressed.connect(self.progressed)
        task.succeeded.connect(lambda n: self.finished.emit(f"Suggestions ready for {n} articles"))
        task.failed.connect(self.finished)
        task.cancelled.connect(lambda: self.finished.emit("Suggestions cancelled"))
        self.task = task
        task.start()
        return task

    def _item(self, item: object) -> None:
        kind, payload = item  # type: ignore[misc]
        if kind == "problems":
            self.problems.emit(payload)
        else:
            self.itemReady.emit(payload)

    def stop(self, wait_ms: int = 5000) -> None:
        if self.task is not None:
            self.task.cancel()
            self.task.wait(wait_ms)
            self.task = None
