"""Training the learned model as a worker job, on the annotations saved in the project."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from annotator.jobs.child import JobContext


def train_job(ctx: JobContext, root: str, annotator: str, settings: dict[str, Any],
              labels: list[str], max_steps: int) -> Any:
    """Train on the saved sets (the window flushes first); return `learned.TrainResult`.

    The current sources (built from the window's `settings`) are scored on the same held-out
    articles, so the model replaces them only when it is better.
    """
    from annotator.core.project import ProjectSettings
    from annotator.nlp import learned
    from annotator.nlp.sources import (
        PROPAGATION,
        CombinedSource,
        enabled_kinds,
        sources_from_settings,
    )
    from annotator.store.session import open_project

    project, store = open_project(Path(root), annotator, create=False, read_only=True)
    try:
        wanted = ProjectSettings.from_dict(settings)
        kinds = [k for k in enabled_kinds(wanted) if k != PROPAGATION]
        current = CombinedSource(sources_from_settings(wanted, Path(root), labels=labels,
                                                       problems=[], kinds=kinds))
        return learned.train(project, learned.learned_dir(Path(root)), current=current,
                             max_steps=max_steps, progress=ctx.progress,
                             cancelled=lambda: ctx.cancelled)
    finally:
        store.close()
