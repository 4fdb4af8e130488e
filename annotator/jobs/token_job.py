"""spaCy's tokens for texts, as a worker job (the window never loads spaCy itself)."""

from __future__ import annotations

from annotator.jobs.child import JobContext

Tokens = list[tuple[int, int, bool]]


def tokens_job(ctx: JobContext, texts: list[tuple[str, str]]) -> list[tuple[str, Tokens]]:
    """(article id, tokens) for each (article id, text)."""
    from annotator.nlp.tokens import tokenize

    out = []
    for article_id, text in texts:
        ctx.check()
        out.append((article_id, tokenize(text)))
    return out
