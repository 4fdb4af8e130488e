"""Runs alias propagation over every article in the background after the KB changes."""

from __future__ import annotations

from collections.abc import Callable, Collection

from PySide6.QtCore import QObject, Signal

from annotator.core.model import Span
from annotator.core.project import Project
from annotator.core.propagation import AliasFinder, existing_snapshot, propagate_article
from annotator.ui.tasks import BackgroundTask, TaskContext

Batch = list[tuple[str, list[Span]]]


def propagation_body(
    project: Project, finder: AliasFinder, batch_size: int = 200
) -> Callable[[TaskContext], int]:
    """Task body: propagated suggestions, emitted in batches of articles."""
    ids = project.article_ids
    existing = existing_snapshot(project)  # taken now, on the UI thread

    def body(ctx: TaskContext) -> int:
        found, batch = 0, []
        ctx.progress(0, len(ids))
        for done, article_id in enumerate(ids, start=1):
            ctx.check()
            accepted, rejected = existing(article_id)
            spans = propagate_article(project.text(article_id), finder, accepted, rejected)
            if spans:
                batch.append((article_id, spans))
                found += len(spans)
            if len(batch) >= batch_size or done == len(ids):
                ctx.emit(batch)
                batch = []
                ctx.progress(done, len(ids))
        return found

    return body


class PropagationRunner(QObject):
    """Owns the propagation task; a newer request cancels and widens the running one."""

    batchReady = Signal(object)
    progressed = Signal(int, int)
    finished = Signal(str)

    def __init__(self, project: Project) -> None:
        super().__init__()
        self.project = project
        self.task: BackgroundTask | None = None
        self._pending: set[str] | None = set()

    @property
    def running(self) -> bool:
        return self.task is not None and self.task.isRunning()

    def start(self, only: Collection[str] | None) -> BackgroundTask | None:
        """Propagate the entities in `only` (every entity when None)."""
        if self.running:
            assert self.task is not None
            self.task.cancel()
            self.task.wait(5000)
            self._pending = None if only is None or self._pending is None else {
                *self._pending, *only
            }
        else:
            self._pending = None if only is None else set(only)
        finder = AliasFinder.from_kb(self.project.kb, only=self._pending)
        if not len(finder):
            return None
        task = BackgroundTask("Propagation", propagation_body(self.project, finder))
        task.item_ready.connect(self.batchReady)
        task.progressed.connect(self.progressed)
        task.succeeded.connect(self._done)
        task.failed.connect(self.finished)
        self.task = task
        task.start()
        return task

    def _done(self, found: object) -> None:
        self._pending = set()
        self.finished.emit(f"Propagation: {found} mention(s) found")

    def stop(self) -> None:
        if self.task is not None:
            self.task.cancel()
            self.task.wait(5000)
            self.task = None
