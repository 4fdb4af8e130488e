"""The suggestion pass as a worker job: combined sources per article, cache first, in batches."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from annotator.core.model import Span
from annotator.jobs.child import JobContext

SuggestedItem = tuple[str, list[Span], list[tuple[int, int, bool]]]


def pass_sources(settings: dict[str, Any], root: Path, labels: list[str],
                 problems: list[str]) -> list[Any]:
    """The window's enabled sources that run over the corpus (all but live propagation)."""
    from annotator.core.project import ProjectSettings
    from annotator.nlp.sources import PROPAGATION, enabled_kinds, sources_from_settings

    wanted = ProjectSettings.from_dict(settings)
    kinds = [k for k in enabled_kinds(wanted) if k != PROPAGATION]
    return sources_from_settings(wanted, root, labels=labels, problems=problems, kinds=kinds)


def suggest_job(
    ctx: JobContext, root: str, annotator: str, article_ids: list[str],
    settings: dict[str, Any], labels: list[str], sync: bool, batch_size: int = 32,
) -> int:
    """Suggest for `article_ids` with the window's settings; emits ("spans", batch) items.

    The project is read from disk (texts only); `settings` and `labels` are the window's, so
    unsaved setting changes count. Propagation is left out: the window runs it live. The first
    article (the one on screen) brings its tokens along for snapping.
    """
    from annotator.nlp.cache import suggest_articles
    from annotator.nlp.tokens import tokenize
    from annotator.store.session import reading_project

    with reading_project(Path(root), annotator, sets="none") as (project, _store):
        problems: list[str] = []
        sources = pass_sources(settings, Path(root), labels, problems)
        if problems:
            ctx.emit(("problems", problems))
        ids = [i for i in article_ids  # articles whose text file is lost are left alone
               if project.has_article(i) and i not in project.damaged_articles]
        total = len(ids)
        ctx.progress(0, total)
        batch: list[SuggestedItem] = []
        found_all = suggest_articles(project, Path(root), sources, ids,
                                     cancelled=lambda: ctx.cancelled, batch_size=batch_size,
                                     sync=sync)
        for done, found in enumerate(found_all, start=1):
            tokens = tokenize(project.text(found.article_id)) if done == 1 else []
            named = [s.with_(source=name) for s, name in zip(found.spans, found.sources,
                                                               strict=False)]
            batch.append((found.article_id, named, tokens))
            if len(batch) >= batch_size or done in (1, total):  # the first at once
                ctx.emit(("spans", batch))  # one message per batch, not per article
                batch = []
                ctx.progress(done, total)
        ctx.check()
        return total
