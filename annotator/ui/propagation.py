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
        self._pending: set[str] | None = set()
        self.scope: set[str] = set()  # kb_ids the running pass looks for
        self.reported: set[str] = set()  # articles it has sent results for

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
        entities = {e.kb_id: (e.label, list(e.surfaces())) for e in self.project.kb}
        wanted = set(entities) if self._pending is None else self._pending & set(entities)
        if not wanted:
            return None
        args = (str(self.root), self.project.annotator, entities, 200, sorted(wanted))
        task = ProcessTask("Propagation", propagate_job, args, before=self._flush)
        self.scope, self.reported = wanted, set()
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
        self._pending = set()
        self.swept.emit(self.scope, self.reported)
        self.finished.emit(f"Propagation: {found} mention(s) found")

    def stop(self) -> None:
        if self.task is not None:
            self.task.cancel()
            self.task.wait(5000)
            self.task = None
