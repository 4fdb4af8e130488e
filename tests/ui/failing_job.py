"""A worker job that fails (for tests of how a worker's failure is reported)."""

from __future__ import annotations

from annotator.jobs.child import JobContext


def boom(ctx: JobContext, message: str) -> None:
    """Raise inside the worker process, as a broken model or file would."""
    raise RuntimeError(message)
