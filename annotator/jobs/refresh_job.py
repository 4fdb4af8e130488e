"""Learning in the loop as a worker job: a few updates of the learned model on finished articles."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from annotator.jobs.child import JobContext


def refresh_job(ctx: JobContext, root: str, annotator: str, article_ids: list[str]) -> Any:
    """`refresh.refresh` on the saved sets (the window flushes first); the model folder or None."""
    from annotator.nlp import refresh
    from annotator.store.session import reading_project

    with reading_project(Path(root), annotator) as (project, _store):
        return refresh.refresh(project, Path(root), article_ids, cancelled=lambda: ctx.cancelled)
