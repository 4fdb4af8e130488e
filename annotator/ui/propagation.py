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
    progressed = Signal(int, int)
    finished = Signal(str)

    def __init__(self, project: Project, root: Path, flush: Callable[[], object]) -> None:
        super().__init__()
        self.project, self.root = project, root
        self._flush = flush  # the worker reads the saved spans: wait for pending saves first
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
        wanted = self._pending
        entities = {e.kb_id: (e.label, list(e.surfaces())) for e in self.project.kb
                    if wanted is None or e.kb_id in wanted}
        if not entities:
            return None
        args = (str(self.root), self.project.annotator, entities)
        task = ProcessTask("Propagation", propagate_job, args, before=self._flush)
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
