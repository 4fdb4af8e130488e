"""Undoable edits of the gold set (annotator "gold") built from a review of several annotators.

Every command here plans primitive `Change`s like the commands in `commands.py`, but applies
them to `project.annotation_set(article_id, GOLD)` instead of the current annotator's set.
A linked span taken into gold brings its entity into the gold KB (`project.kb_of(GOLD)`):
copied from the chosen annotator's KB, else another's, else built from the spans.
The reviewer edits gold spans with the usual tools: the window's edit gateway points any
ordinary `ArticleCommand` at the gold set (`commands.retarget`).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING

from annotator.core.annotations import AnnotationSet
from annotator.core.commands import ArticleCommand, Change
from annotator.core.commands import Kind as ChangeKind
from annotator.core.model import ArticleStatus, Span
from annotator.core.review import Kind, ReviewItem

if TYPE_CHECKING:
    from annotator.core.entities import KnowledgeBase
    from annotator.core.project import Project

GOLD = "gold"


class GoldCommand(ArticleCommand):
    """An ArticleCommand whose changes go to the gold set."""

    annotator = GOLD


def _spans(value: Span | Iterable[Span]) -> list[Span]:
    spans = sorted([value] if isinstance(value, Span) else value)
    for left, right in zip(spans, spans[1:], strict=False):
        if right.start < left.end:
            raise ValueError(f"gold spans {left.key} and {right.key} overlap")
    return spans


def _same(a: Span, b: Span) -> bool:
    return a.key == b.key and a.kb_id == b.kb_id


class ChooseVersion(GoldCommand):
    """Decide one review item: put these spans (one annotator's version, or edited ones) into
    gold, replacing overlapping gold spans; None rejects the item: no gold span there, and every
    version's (start, end, label) is remembered as rejected."""

    def __init__(
        self, article_id: str, item: ReviewItem, spans: Span | Iterable[Span] | None
    ) -> None:
        super().__init__(article_id)
        self.item = item
        self.spans: list[Span] | None = None if spans is None else _spans(spans)
        self.text = "Reject in gold" if spans is None else "Choose version"

    def entity_sources(self, project: Project) -> list[KnowledgeBase]:
        """The KB of the annotator whose version was chosen first, then the others'."""
        chosen = [(s.key, s.kb_id) for s in self.spans or []]
        names = sorted(self.item.annotators, key=lambda who: chosen != [
            (s.key, s.kb_id) for s in self.item.version(who)])
        return [project.kb_of(who) for who in names] + super().entity_sources(project)

    def plan(self, aset: AnnotationSet) -> list[Change]:
        new = self.spans or []
        regions = [(self.item.start, self.item.end)] + [(s.start, s.end) for s in new]

        def hit(span: Span) -> bool:
            return any(span.overlaps(a, b) for a, b in regions)

        old: list[tuple[ChangeKind, Span]] = [("span", s) for s in aset.spans if hit(s)]
        old += [("sugg", s) for s in aset.suggestions if hit(s)]
        kept = [s for kind, s in old if kind == "span" and any(_same(s, n) for n in new)]
        changes = [Change(kind, False, s) for kind, s in old if kind != "span" or s not in kept]
        changes += [Change("span", True, s) for s in new if not any(_same(s, k) for k in kept)]
        if self.spans is None:
            changes += [
                Change("rej", True, key=key)
                for key in sorted(self.item.keys())
                if key not in aset.rejected
            ]
        else:
            changes += [Change("rej", False, key=s.key) for s in new if s.key in aset.rejected]
        return changes


class AcceptAgreed(GoldCommand):
    """Put every AGREED item's span into gold in one step; items the gold set already decided
    (a span overlapping them, or the span rejected) are left as the reviewer decided them."""

    text = "Accept all agreed"

    def __init__(self, article_id: str, items: Sequence[ReviewItem]) -> None:
        super().__init__(article_id)
        self.items = list(items)

    def entity_sources(self, project: Project) -> list[KnowledgeBase]:
        """The compared annotators' KBs (they agree on the links), then any other."""
        names = dict.fromkeys(who for item in self.items for who in item.annotators)
        return [project.kb_of(who) for who in names] + super().entity_sources(project)

    def plan(self, aset: AnnotationSet) -> list[Change]:
        changes: list[Change] = []
        for item in self.items:
            span = item.span
            if item.kind != Kind.AGREED or span is None or span.key in aset.rejected:
                continue
            if aset.overlapping(item.start, item.end):
                continue
            changes.append(Change("span", True, span))
        return changes


class MarkReviewed(GoldCommand):
    """Set the gold set's status to reviewed and record who reviewed it."""

    starts_progress = False

    def __init__(self, article_id: str, reviewer: str) -> None:
        super().__init__(article_id)
        if not reviewer.strip():
            raise ValueError("the reviewer's name must not be empty")
        self.reviewer = reviewer.strip()
        self.text = f"Mark reviewed by {self.reviewer}"

    def plan(self, aset: AnnotationSet) -> list[Change]:
        return [
            Change("status", True, old_status=aset.status, new_status=ArticleStatus.REVIEWED),
            Change("reviewer", True, old_text=aset.reviewer, new_text=self.reviewer),
        ]
