"""Alias propagation as a worker job: the project's texts and saved spans are read from disk."""

from __future__ import annotations

from collections.abc import Collection, Iterable
from pathlib import Path

from annotator.core.model import Span
from annotator.jobs.child import JobContext

Entities = dict[str, tuple[str, Iterable[str]]]


def propagate_job(ctx: JobContext, root: str, annotator: str, entities: Entities,
                  batch_size: int = 200, wanted: Collection[str] | None = None) -> int:
    """Emit [(article_id, spans), ...] batches of propagated suggestions; return how many.

    `entities` is {kb_id: (label, surfaces)} of the knowledge base; only the suggestions of
    `wanted` (all when None) are sent, but every entity counts for ambiguity and for the
    longest match, so a pass over a few entities finds what a pass over all would. Accepted
    spans and rejections come from the saved sets (the window flushes its saves first).
    """
    from annotator.core.propagation import AliasFinder, existing_snapshot, propagate_article
    from annotator.store.session import reading_project

    with reading_project(Path(root), annotator) as (project, _store):
        finder = AliasFinder(entities)
        existing = existing_snapshot(project)
        ids = project.article_ids
        found = 0
        batch: list[tuple[str, list[Span]]] = []
        ctx.progress(0, len(ids))
        for done, article_id in enumerate(ids, start=1):
            ctx.check()
            accepted, rejected = existing(article_id)
            spans = propagate_article(project.text(article_id), finder, accepted, rejected)
            if wanted is not None:
                spans = [s for s in spans if s.kb_id in wanted]
            if spans:
                batch.append((article_id, spans))
                found += len(spans)
            if len(batch) >= batch_size or done == len(ids):
                ctx.emit(batch)
                batch = []
                ctx.progress(done, len(ids))
        return found
