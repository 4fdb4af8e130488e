"""Link agreement: two annotators' entity clusterings compared with MUC, B³, CEAF-e, CoNLL.

The mentions compared are the accepted spans both annotators marked with the same boundaries
(labels may differ), identified as (article_id, start, end). A mention's cluster is its kb_id;
an unlinked mention is a cluster of its own. B is the reference (key), A the response, as for
span P/R/F. Each annotator has their own knowledge base, so only the grouping counts, never
the kb_id strings themselves.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from annotator.core.annotations import AnnotationSet
from annotator.core.coref_metrics import scores
from annotator.core.project import Project

Mention = tuple[str, int, int]
SetPairs = Iterable[tuple[str, AnnotationSet | None, AnnotationSet | None]]
METRICS = ("muc", "b_cubed", "ceaf_e")


def _by_boundaries(aset: AnnotationSet | None) -> dict[tuple[int, int], str | None]:
    out: dict[tuple[int, int], str | None] = {}
    for span in aset.spans if aset is not None else ():
        out.setdefault((span.start, span.end), span.kb_id)
    return out


def link_clusterings(pairs: SetPairs) -> tuple[dict[Mention, object], dict[Mention, object]]:
    """(A's clustering, B's clustering) of the mentions both marked, from (article, A, B)."""
    clustering_a: dict[Mention, object] = {}
    clustering_b: dict[Mention, object] = {}
    for article_id, set_a, set_b in pairs:
        spans_a, spans_b = _by_boundaries(set_a), _by_boundaries(set_b)
        for start, end in sorted(spans_a.keys() & spans_b.keys()):
            mention = (article_id, start, end)
            clustering_a[mention] = spans_a[(start, end)] or ("unlinked", mention)
            clustering_b[mention] = spans_b[(start, end)] or ("unlinked", mention)
    return clustering_a, clustering_b


def link_agreement_of(clustering_a: Mapping[Mention, object],
                      clustering_b: Mapping[Mention, object]) -> dict[str, Any]:
    """The `links` JSON section: counts, then P/R/F per metric and CoNLL (None if no mention)."""
    linked_a = {m for m, c in clustering_a.items() if not isinstance(c, tuple)}
    linked_b = {m for m, c in clustering_b.items() if not isinstance(c, tuple)}
    out: dict[str, Any] = {
        "mentions": len(clustering_a),
        "linked": {
            "a": len(linked_a),
            "b": len(linked_b),
            "both": len(linked_a & linked_b),
            "only_a": len(linked_a - linked_b),
            "only_b": len(linked_b - linked_a),
        },
    }
    if not clustering_a:
        out.update({m: {"p": None, "r": None, "f": None} for m in METRICS}, conll=None)
        return out
    out.update(scores(clustering_b, clustering_a))
    return out


def link_agreement(source: Project | Mapping[str, Mapping[str, AnnotationSet | None]],
                   a: str, b: str) -> dict[str, Any]:
    """Link agreement of annotator `a` against `b` over a project (or sets by article)."""
    if isinstance(source, Project):
        pairs = ((aid, source.existing_set(aid, a), source.existing_set(aid, b))
                 for aid in source.article_ids)
    else:
        pairs = ((aid, sets.get(a), sets.get(b)) for aid, sets in source.items())
    return link_agreement_of(*link_clusterings(pairs))
