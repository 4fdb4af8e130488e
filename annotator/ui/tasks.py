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
            log.exception("task %s failed", self.name)
            self.failed.emit(f"{self.name} failed: {exc}")
        else:
            if self.cancel_event.is_set():
                self.cancelled.emit()
            else:
                self.succeeded.emit(result)
