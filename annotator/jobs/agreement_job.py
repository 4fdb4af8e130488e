"""Project-wide agreement figures as a worker job, on the annotations saved in the project."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

from annotator.jobs.child import JobContext


def word_tokens(text: str, tokens: Sequence[Sequence[int]]) -> list[tuple[int, int]]:
    """Token offsets without the whitespace tokens spaCy keeps for double spaces."""
    return [(t[0], t[1]) for t in tokens if not text[t[0] : t[1]].isspace()]


def agreement_job(ctx: JobContext, root: str, annotator: str, who: list[str]) -> Any:
    """Span and link agreement of `who` over every saved set (the window flushes first)."""
    from annotator.core.agreement import project_agreement
    from annotator.core.link_agreement import link_agreement
    from annotator.nlp.tokens import tokenize
    from annotator.store.session import reading_project

    with reading_project(Path(root), annotator, sets="all") as (project, _store):

        def tokens_for(article_id: str) -> list[tuple[int, int]]:
            text = project.text(article_id)
            return word_tokens(text, tokenize(text))

        report = project_agreement(project, who, tokens_for, progress=ctx.progress,
                                   cancelled=lambda: ctx.cancelled)
        report.links = link_agreement(project, who[0], who[1])  # type: ignore[attr-defined]
        return report
