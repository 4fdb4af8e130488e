"""Runs alias propagation over every article in a worker process after the KB changes."""

from __future__ import annotations

from collections.abc import Callable, Collection
from pathlib import Path

from PySide6.QtCore import QObject, Signal

from annotator.core.project import Project
from annotator.jobs.propagate_job import propagate_job
from annotator.ui.tasks import BackgroundTask, ProcessTask


class PropagationRunner(QObject):
    """Owns the propagation task; a newer request cancels and widens the running one."""

    batchReady = Signal(object)
    swept = Signal(object, object)  # a pass ended: (kb_ids it looked for, articles it reported)
    progressed = Signal(int, int)
    finished = Signal(str)

    def __init__(self, project: Project, root: Path, flush: Callable[[], object]) -> None:
        super().__init__()
        self.project, self.root = project, root
        self._flush = flush  # the worker reads the saved spans: wait for pending saves first
        self.task: BackgroundTask | None = None
        self.scope: set[str] = set()  # kb_ids the running pass looks for
        self.reported: set[str] = set()  # articles it has sent results for

    @property
    def running(self) -> bool:
        return self.task is not None and self.task.isRunning()

    def start(self, only: Collection[str] | None = None) -> BackgroundTask | None:
        """Propagate every entity again (a running pass is cancelled and replaced).

        `only` (the entities that changed) no longer narrows the pass: a new or changed entity
        also changes what others find (an alias two entities share is ambiguous, the longest
        alias wins), so only a pass over all gives what a restart gives.
        """
        if self.running:
            assert self.task is not None
            self.task.cancel()
            self.task.wait(5000)
        entities = {e.kb_id: (e.label, list(e.surfaces())) for e in self.project.kb}
        if not entities:
            return None
        args = (str(self.root), self.project.annotator, entities)
        task = ProcessTask("Propagation", propagate_job, args, before=self._flush)
        self.scope, self.reported = set(entities), set()
        task.item_ready.connect(lambda batch, t=task: self._batch(t, batch))
        task.progressed.connect(self.progressed)
        task.succeeded.connect(self._done)
        task.failed.connect(self.finished)
        self.task = task
        task.start()
        return task

    def _batch(self, task: BackgroundTask, batch: object) -> None:
        if task is not self.task:
            return  # a cancelled pass: the one replacing it looks for its entities too
        self.reported.update(article_id for article_id, _ in batch)  # type: ignore[attr-defined]
        self.batchReady.emit(batch)

    def _done(self, found: object) -> None:
        self.swept.emit(self.scope, self.reported)
        self.finished.emit(f"Propagation: {found} mention(s) found")

    def stop(self) -> None:
        if self.task is not None:
            self.task.cancel()
            self.task.wait(5000)
            self.task = None
