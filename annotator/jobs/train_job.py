"""Training the learned model as a worker job, on the annotations saved in the project."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from annotator.jobs.child import JobCancelled, JobContext

PHASE = "phase"  # items ("phase", text) name what the job is doing now


def train_job(ctx: JobContext, root: str, annotator: str, settings: dict[str, Any],
              labels: list[str], options: dict[str, Any]) -> Any:
    """Train on the saved sets (the window flushes first); return `learned.TrainResult`.

    First the word classes of the project's texts (cached under models/vectors, learned again
    only when the texts changed), then the model. The current sources (built from the
    window's `settings`) are scored on the same held-out articles, so the model replaces them
    only when it is better. `options` are `learned.train`'s (iterations, params).
    """
    from annotator.jobs.suggest_job import pass_sources
    from annotator.nlp import learned, wordvec
    from annotator.nlp.sources import CombinedSource
    from annotator.store.session import reading_project

    def phase(text: str) -> None:
        ctx.emit((PHASE, text))

    with reading_project(Path(root), annotator) as (project, _store):
        phase("Learning the project's words…")
        try:
            clusters = wordvec.ensure_clusters(Path(root), wordvec.project_texts(project),
                                               progress=ctx.progress,
                                               cancelled=lambda: ctx.cancelled)
        except wordvec.VectorsCancelled:
            raise JobCancelled from None
        current = CombinedSource(pass_sources(settings, Path(root), labels, []))
        return learned.train(project, learned.learned_dir(Path(root)), current=current,
                             progress=ctx.progress, **options,
                             cancelled=lambda: ctx.cancelled, clusters=clusters, phase=phase)
