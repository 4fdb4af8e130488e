"""A live project: what other programs add to the project folder appears in the open window.

Watches `articles/` (a command-line import for another annotator rewrites the index) and
`inbox/` (a command-line import for this window's annotator, queued for it); reading happens
in a background thread, the window only adds rows.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QFileSystemWatcher, QObject, QTimer, Signal

from annotator.core.model import ArticleInfo
from annotator.core.project import Project
from annotator.io.inbox import done, inbox_dir, queued
from annotator.store.project_store import ProjectStore
from annotator.ui.tasks import BackgroundTask

DEBOUNCE_MS = 300


class LiveProject(QObject):
    """Watches the project folder; new articles are added, queued imports are run."""

    articlesAdded = Signal(int)  # how many articles another program added

    def __init__(self, project: Project, store: ProjectStore,
                 start_import: Callable[[list[Path]], BackgroundTask | None],
                 parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.project, self.store, self.start_import = project, store, start_import
        self.task: BackgroundTask | None = None
        self.importing: Path | None = None  # the inbox folder being imported
        self.watcher = QFileSystemWatcher(self)
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(DEBOUNCE_MS)
        self._timer.timeout.connect(self.check)
        if store.read_only:
            return
        inbox = inbox_dir(store.root)
        inbox.mkdir(exist_ok=True)
        for folder in (store.root / "articles", inbox):
            if folder.is_dir():
                self.watcher.addPath(str(folder))
        self.watcher.directoryChanged.connect(lambda _path: self._timer.start())
        QTimer.singleShot(0, self.check)  # imports queued while the window was closed

    def check(self) -> None:
        """Look for new articles in the index and for queued imports."""
        self._watch_inbox_folders()
        if self.task is not None and self.task.isRunning():
            self._timer.start()  # once the current read is done
            return
        store = self.store
        task = BackgroundTask("Read the index", lambda _ctx: store.refresh_index())
        task.succeeded.connect(self._added)
        self.task = task
        task.start()
        self._run_queued()

    def _watch_inbox_folders(self) -> None:
        """A queued import's folder changes when its manifest arrives: watch those too."""
        watched = set(self.watcher.directories())
        for folder in inbox_dir(self.store.root).glob("*"):
            if folder.is_dir() and str(folder) not in watched:
                self.watcher.addPath(str(folder))

    def _added(self, infos: object) -> None:
        new = [i for i in infos if isinstance(i, ArticleInfo)]  # type: ignore[attr-defined]
        if new:
            self.project.add_infos(new)
            self.articlesAdded.emit(len(new))

    def _run_queued(self) -> None:
        if self.importing is not None:
            return
        pending = queued(self.store.root, self.project.annotator)
        if not pending:
            return
        folder, files = pending[0]
        task = self.start_import(files)
        if task is None:  # another import or export runs: try again shortly
            if not files:
                done(folder)
            self._timer.start()
            return
        self.importing = folder
        task.finished.connect(lambda: self._imported(folder))

    def _imported(self, folder: Path) -> None:
        done(folder)
        self.importing = None
        self._timer.start()  # the next queued one, if any

    def stop(self) -> None:
        """The window closes: no more watching; a read still running is waited for."""
        self._timer.stop()
        paths = self.watcher.directories()
        if paths:
            self.watcher.removePaths(paths)
        if self.task is not None:
            self.task.wait(2000)
