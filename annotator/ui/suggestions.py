"""Runs the project's suggestion sources over every article in a worker process."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QObject, Signal

from annotator.core.project import Project
from annotator.jobs.suggest_job import suggest_job
from annotator.ui.tasks import BackgroundTask, ProcessTask


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
        project = self.project
        args = (str(self.root), project.annotator, ids, project.settings.to_dict(),
                list(project.scheme.names), not project.read_only)
        task = ProcessTask("Suggestions", suggest_job, args)
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
