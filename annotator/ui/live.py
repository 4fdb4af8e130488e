"""A live project: what other programs add to the project folder appears in the open window.

Watches `articles/` (a command-line import for another annotator rewrites the index),
`inbox/` (a command-line import for this window's annotator, queued for it), `deletions/`
(a colleague deleted an article) and the other annotators' folders under `annotations/` (a
colleague's window saving); reading happens in a background thread, the window only takes
the result.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QFileSystemWatcher, QObject, QTimer, Signal

from annotator.core.model import ArticleInfo
from annotator.core.project import Project
from annotator.io.inbox import done, inbox_dir, queued
from annotator.store.deletions import FOLDER as DELETIONS
from annotator.store.project_store import ProjectStore
from annotator.ui.tasks import BackgroundTask

DEBOUNCE_MS = 300


class LiveProject(QObject):
    """Watches the project folder; new articles are added, queued imports are run."""

    articlesAdded = Signal(int)  # how many articles another program added
    articlesRemoved = Signal(list)  # (article id, its position) of those a colleague deleted
    colleaguesSaved = Signal(list)  # article ids whose colleagues' sets changed on disk

    def __init__(self, project: Project, store: ProjectStore,
                 start_import: Callable[[list[Path]], BackgroundTask | None],
                 parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.project, self.store, self.start_import = project, store, start_import
        self.task: BackgroundTask | None = None
        self.importing: Path | None = None  # the inbox folder being imported
        self._stopped = False
        self.watcher = QFileSystemWatcher(self)
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(DEBOUNCE_MS)
        self._timer.timeout.connect(self.check)
        if store.read_only:
            return
        inbox = inbox_dir(store.root)
        inbox.mkdir(exist_ok=True)
        deletions = store.root / DELETIONS
        with contextlib.suppress(OSError):
            deletions.mkdir(exist_ok=True)
        for folder in (store.root / "articles", inbox, store.root / "annotations", deletions):
            if folder.is_dir():
                self.watcher.addPath(str(folder))
        self.seen: dict[Path, float] = {}  # colleagues' files as last read (path -> mtime)
        self.colleagues_task: BackgroundTask | None = None
        self._read_again = False
        self.watcher.directoryChanged.connect(lambda _path: self._timer.start())
        QTimer.singleShot(0, self.check)  # imports queued while the window was closed

    def check(self) -> None:
        """Look for new articles in the index and for queued imports."""
        self._watch_inbox_folders()
        if self.task is not None and self.task.isRunning():
            self._timer.start()  # once the current read is done
            return
        store, listed = self.store, self.project.article_ids
        task = BackgroundTask("Read the index", lambda _ctx: (
            store.refresh_index(), store.deleted_among(listed)))
        task.succeeded.connect(self._index_read)
        self.task = task
        task.start()
        self._run_queued()
        self._read_colleagues()

    def _watch_inbox_folders(self) -> None:
        """A queued import's folder changes when its manifest arrives, a colleague's folder
        when their window saves: watch those too."""
        watched = set(self.watcher.directories())
        own = self._own_folders()
        folders = [*inbox_dir(self.store.root).glob("*"),
                   *(f for f in (self.store.root / "annotations").glob("*") if f.name not in own)]
        for folder in folders:
            if folder.is_dir() and str(folder) not in watched:
                self.watcher.addPath(str(folder))

    def _own_folders(self) -> set[str]:
        """Folders this window writes itself: its annotator's (and gold's, when reviewing)."""
        return {self.store.slug, "gold"}

    def _read_colleagues(self) -> None:
        if self.colleagues_task is not None and self.colleagues_task.isRunning():
            self._read_again = True  # a change during the read: look once more after it
            return
        self._read_again = False
        store, seen, own = self.store, self.seen, self._own_folders()
        task = BackgroundTask("Read colleagues' work",
                              lambda _ctx: store.changed_sets(seen, own))
        task.succeeded.connect(self._colleagues_read)
        task.finished.connect(lambda: self._read_again and not self._stopped
                              and self._read_colleagues())
        self.colleagues_task = task
        task.start()

    def _colleagues_read(self, sets: object) -> None:
        changed = list(sets)  # type: ignore[call-overload]
        if not changed:
            return
        self.project.load_sets(changed)
        self.colleaguesSaved.emit(sorted({s.article_id for s in changed}))

    def _index_read(self, result: object) -> None:
        infos, gone = result  # type: ignore[misc]
        new = [i for i in infos if isinstance(i, ArticleInfo)]
        if new:
            self.project.add_infos(new)
            self.articlesAdded.emit(len(new))
        gone = [i for i in gone if self.project.has_article(i)]
        if gone:  # a colleague deleted them: gone here too (their deletion, not ours to undo)
            self.articlesRemoved.emit(
                [(i, self.project.forget_article(i).position) for i in gone])

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
        self._stopped = True
        self._timer.stop()
        paths = self.watcher.directories()
        if paths:
            self.watcher.removePaths(paths)
        for task in (self.task, getattr(self, "colleagues_task", None)):
            if task is not None:
                task.wait(2000)
