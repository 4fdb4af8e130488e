"""Background work on a QThread with progress, partial results and cancel."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QThread, Signal

log = logging.getLogger(__name__)


class TaskCancelled(Exception):
    """Raised inside a task body when the user cancelled it."""


class TaskContext:
    """What a task body sees: progress reporting, partial results, the cancel flag."""

    def __init__(self, task: BackgroundTask) -> None:
        self._task = task

    @property
    def cancelled(self) -> bool:
        return self._task.cancel_event.is_set()

    def check(self) -> None:
        if self.cancelled:
            raise TaskCancelled

    def progress(self, done: int, total: int) -> None:
        self._task.progressed.emit(done, total)

    def emit(self, item: object) -> None:
        self._task.item_ready.emit(item)


class BackgroundTask(QThread):
    """Runs `body(ctx)` off the UI thread; results arrive as queued signals."""

    progressed = Signal(int, int)
    item_ready = Signal(object)
    succeeded = Signal(object)
    failed = Signal(str)
    cancelled = Signal()

    def __init__(self, name: str, body: Callable[[TaskContext], Any]) -> None:
        super().__init__()
        self.setObjectName(name)
        self.name = name
        self._body = body
        self.cancel_event = threading.Event()

    def cancel(self) -> None:
        self.cancel_event.set()

    def run(self) -> None:
        try:
            result = self._body(TaskContext(self))
        except TaskCancelled:
            self.cancelled.emit()
        except Exception as exc:  # reported to the user, never a traceback dialog
            from annotator.config import log_file

            details = getattr(exc, "details", "")  # a worker's traceback, from its process
            if details:
                log.error("task %s failed in a worker: %s\n%s", self.name, exc, details)
            else:
                log.exception("task %s failed", self.name)
            self.failed.emit(f"{self.name} failed: {exc} (details in {log_file()})")
        else:
            if self.cancel_event.is_set():
                self.cancelled.emit()
            else:
                self.succeeded.emit(result)


class ProcessTask(BackgroundTask):
    """Runs `target(ctx, *args)` in a warm worker process; this thread only relays.

    The worker has its own interpreter, so CPU-bound work (spaCy, export) never holds the
    window's GIL. `target` and `args` must be picklable (a module-level function). Cancel asks
    the job to stop and waits `grace` seconds at most; a job still running then finishes on its
    own in a parked worker, so cancelling (and closing the window) never waits long.
    """

    def __init__(self, name: str, target: Callable[..., Any], args: tuple[Any, ...],
                 grace: float = 0.5, before: Callable[[], None] | None = None) -> None:
        super().__init__(name, self._relay)
        self._target, self._args, self._grace = target, args, grace
        self._before = before  # run on this thread first (e.g. wait for pending saves)

    def _relay(self, ctx: TaskContext) -> Any:
        from annotator.jobs.child import JobCancelled
        from annotator.jobs.pool import POOL

        if self._before is not None:
            self._before()

        try:
            return POOL.run(self._target, self._args, progress=ctx.progress, item=ctx.emit,
                            cancelled=lambda: ctx.cancelled, grace=self._grace)
        except JobCancelled:
            raise TaskCancelled from None
