"""Jobs for the worker-pool tests (module level, so a spawned worker can import them)."""

from __future__ import annotations

import os
import time

from annotator.jobs.child import JobContext


def count(ctx: JobContext, n: int) -> dict[str, int]:
    """Report progress and one item per step; return the total and the worker's pid."""
    for i in range(n):
        ctx.progress(i + 1, n)
        ctx.emit(i * i)
    return {"total": n, "pid": os.getpid()}


def fail(ctx: JobContext, message: str) -> None:
    raise ValueError(message)


def until_cancelled(ctx: JobContext, started_file: str) -> str:
    """Loop until the parent cancels; polls the flag the way real jobs do."""
    open(started_file, "w").close()
    while True:
        ctx.check()
        time.sleep(0.01)


def stubborn(ctx: JobContext, started_file: str) -> None:
    """Never looks at the cancel flag (the pool must terminate the worker)."""
    open(started_file, "w").close()
    time.sleep(60)


def die(ctx: JobContext) -> None:
    os._exit(3)


def unpicklable(ctx: JobContext) -> object:
    return lambda: None


def sleep_then_return(ctx: JobContext, seconds: float) -> str:
    """Ignores the cancel flag for a while, then ends normally."""
    time.sleep(seconds)
    return "late"
