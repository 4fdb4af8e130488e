"""The child side of a worker process: a context for progress, items and cancel over a pipe.

A worker (`annotator.jobs.pool`) runs `serve`; for each job `target(ctx, *args)` runs there
with its own interpreter (its own GIL), so CPU-bound work never stalls the window. Messages
sent back per job, in order:
("progress", done, total) and ("item", obj) any number of times, then exactly one of
("done", result), ("cancelled",) or ("failed", message).
"""

from __future__ import annotations

import logging
import traceback
from collections.abc import Callable
from multiprocessing.connection import Connection
from typing import Any, Protocol

log = logging.getLogger(__name__)


class CancelFlag(Protocol):
    def is_set(self) -> bool: ...


class JobCancelled(Exception):
    """Raised inside a job when the user cancelled it."""


class JobContext:
    """What a job sees in the child: progress, partial results and the cancel flag."""

    def __init__(self, conn: Connection, cancel: CancelFlag) -> None:
        self._conn = conn
        self._cancel = cancel

    @property
    def cancelled(self) -> bool:
        return self._cancel.is_set()

    def check(self) -> None:
        if self.cancelled:
            raise JobCancelled

    def progress(self, done: int, total: int) -> None:
        self._conn.send(("progress", done, total))

    def emit(self, item: object) -> None:
        self._conn.send(("item", item))


Job = Callable[..., Any]


def run_job(target: Job, args: tuple[Any, ...], conn: Connection, cancel: CancelFlag) -> None:
    """Run one job and send its outcome; never raises (except when the pipe is gone)."""
    ctx = JobContext(conn, cancel)
    try:
        result = target(ctx, *args)
    except JobCancelled:
        message: tuple[Any, ...] = ("cancelled",)
    except Exception as exc:  # noqa: BLE001 - the parent shows the message, not a traceback
        message = ("failed", f"{exc}" or type(exc).__name__, traceback.format_exc())
    else:
        message = ("cancelled",) if ctx.cancelled else ("done", result)
    try:
        conn.send(message)
    except (BrokenPipeError, OSError):
        raise
    except Exception as exc:  # noqa: BLE001 - e.g. a result that cannot be pickled
        conn.send(("failed", f"the result could not be sent back: {exc}"))


def serve(conn: Connection, cancel: CancelFlag, warmup: Callable[[], None] | None = None) -> None:
    """Worker process main loop: run each (target, args) received until the pipe closes.

    `warmup` runs first (e.g. build spaCy's tokenizer); the process stays warm between jobs.
    """
    try:
        if warmup is not None:
            try:
                warmup()
            except Exception:  # noqa: BLE001 - the jobs will report the real problem
                log.debug("warm-up failed:\n%s", traceback.format_exc())
        while True:
            try:
                target, args = conn.recv()
            except (EOFError, OSError):
                return
            run_job(target, args, conn, cancel)
    except (BrokenPipeError, OSError):
        return
    finally:
        conn.close()
