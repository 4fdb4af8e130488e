"""One annotator's work on one article: accepted spans, pending suggestions, rejections."""

from __future__ import annotations

import bisect
import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from annotator.core.model import ArticleStatus, Origin, Span, SpanKey


@dataclass
class AnnotationSet:
    """Spans for (article, annotator); mutated only through commands."""

    article_id: str
    annotator: str
    spans: list[Span] = field(default_factory=list)
    suggestions: list[Span] = field(default_factory=list)
    rejected: set[SpanKey] = field(default_factory=set)
    status: ArticleStatus = ArticleStatus.NEW
    updated: float = 0.0
    suggested: bool = False  # suggestions were merged in at least once
    reviewer: str = ""  # who marked a gold set reviewed
    comment: str = ""  # the annotator's note on the whole article
    # suggestions hidden by a linked suggestion or an accepted span (by its key), in memory
    # only: they come back once that one is gone and they are free (`restore_displaced`)
    displaced: dict[SpanKey, list[Span]] = field(default_factory=dict, compare=False, repr=False)

    # -- queries ----------------------------------------------------------
    def all_spans(self) -> list[Span]:
        """Accepted spans and pending suggestions, sorted by position."""
        return sorted([*self.spans, *self.suggestions])

    def overlapping(self, start: int, end: int, *, suggestions: bool = False) -> list[Span]:
        """Spans (or suggestions) overlapping [start, end); binary search over the sorted list."""
        pool = self.suggestions if suggestions else self.spans
        i = bisect.bisect_left(pool, end, key=_start)
        found = []
        for j in range(i - 1, -1, -1):
            span = pool[j]
            if span.end > start:
                found.append(span)
            elif span.start + _LONGEST_SPAN < start:
                break  # sorted by start: nothing further left can reach `start`
        return found[::-1]

    @property
    def touched(self) -> bool:
        return bool(self.spans or self.rejected or self.comment
                    or self.status != ArticleStatus.NEW)

    # -- primitive mutations (used by core commands) ----------------------
    def insert_span(self, span: Span) -> None:
        bisect.insort(self.spans, span)

    def delete_span(self, span: Span) -> None:
        del self.spans[_index(self.spans, span)]

    def insert_suggestion(self, span: Span) -> None:
        bisect.insort(self.suggestions, span)

    def delete_suggestion(self, span: Span) -> None:
        del self.suggestions[_index(self.suggestions, span)]

    def merge_suggestions(self, candidates: Iterable[Span]) -> list[Span]:
        """Add candidates that are not rejected and overlap no span; return those added.

        A linked candidate replaces overlapping unlinked suggestions (the link is worth more).
        """
        added: list[Span] = []
        for span in sorted(candidates):
            if span.key in self.rejected:
                continue
            cover = self.overlapping(span.start, span.end)
            if cover:  # under an accepted span: back if that one goes (as after a restart)
                hidden = self.displaced.setdefault(cover[0].key, [])
                if span not in hidden:
                    hidden.append(span)
                continue
            clash = self.overlapping(span.start, span.end, suggestions=True)
            if clash and (not span.kb_id or any(c.kb_id for c in clash)):
                if not span.kb_id:  # hidden by another suggestion: back when that goes
                    for other in clash:
                        hidden = self.displaced.setdefault(other.key, [])
                        if span not in hidden:
                            hidden.append(span)
                continue
            for old in clash:
                self.delete_suggestion(old)
            if clash:
                hidden = self.displaced.setdefault(span.key, [])
                hidden += [c for c in clash if c not in hidden]
            self.insert_suggestion(span)
            added.append(span)
        self.suggested = True
        return added

    def replace_pass(self, candidates: Iterable[Span], origins: frozenset[Origin]) -> bool:
        """A new suggestion pass's spans: pending and hidden suggestions of `origins` that it no
        longer makes go (its sources or model changed), then it is merged; True if it changed."""
        spans = list(candidates)
        found = {s.key for s in spans}

        def stale(span: Span) -> bool:
            return span.origin in origins and span.key not in found

        for key in list(self.displaced):
            kept = [s for s in self.displaced[key] if not stale(s)]
            if kept:
                self.displaced[key] = kept
            else:
                del self.displaced[key]
        changed = self.retire([s for s in self.suggestions if stale(s)])
        return bool(self.merge_suggestions(spans)) or changed

    def drop_links(self, valid: set[str]) -> bool:
        """Remove pending suggestions linked to entities that no longer exist.

        The unlinked suggestions such a one replaced come back (when still free), so undoing
        a new entity leaves the suggestions as they were before it.
        """
        return self.retire([s for s in self.suggestions if s.kb_id and s.kb_id not in valid])

    def retire(self, stale: list[Span]) -> bool:
        """Remove these pending suggestions, putting back the unlinked ones they replaced."""
        for span in stale:
            self.delete_suggestion(span)
        if stale:
            self.restore_displaced()
        return bool(stale)

    def hide_covered(self) -> None:
        """Pending suggestions under an accepted span go, remembered under it (an undo may put
        back a span where propagation suggested meanwhile; a restart would not show both)."""
        for span in list(self.suggestions):
            cover = self.overlapping(span.start, span.end)
            if cover:
                self.delete_suggestion(span)
                hidden = self.displaced.setdefault(cover[0].key, [])
                if span not in hidden:
                    hidden.append(span)

    def restore_displaced(self) -> list[Span]:
        """Hidden suggestions whose hider is gone, free and not rejected: back in."""
        present = {s.key for s in self.spans} | {s.key for s in self.suggestions}
        back: list[Span] = []
        for key, hidden in self.displaced.items():
            if key in present:
                continue
            for old in hidden:
                if old.key in self.rejected or old.key in present or self.overlapping(
                    old.start, old.end
                ) or self.overlapping(old.start, old.end, suggestions=True):
                    continue
                self.insert_suggestion(old)
                present.add(old.key)
                back.append(old)
        return back

    def touch(self) -> None:
        self.updated = time.time()

    # -- serialisation ----------------------------------------------------
    def to_dict(self) -> dict[str, Any]:
        return {
            "article_id": self.article_id,
            "annotator": self.annotator,
            "status": str(self.status),
            "updated": self.updated,
            "suggested": self.suggested,
            "spans": [s.to_dict() for s in self.spans],
            "suggestions": [s.to_dict() for s in self.suggestions],
            "rejected": [list(key) for key in sorted(self.rejected)],
            **({"reviewer": self.reviewer} if self.reviewer else {}),
            **({"comment": self.comment} if self.comment else {}),
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> AnnotationSet:
        return cls(
            article_id=str(data["article_id"]),
            annotator=str(data["annotator"]),
            spans=sorted((Span.from_dict(s) for s in data.get("spans", [])), key=_order),
            suggestions=sorted(
                (Span.from_dict(s) for s in data.get("suggestions", [])), key=_order
            ),
            rejected={(int(a), int(b), str(c)) for a, b, c in data.get("rejected", [])},
            status=ArticleStatus(data.get("status", ArticleStatus.NEW)),
            updated=float(data.get("updated", 0.0)),
            suggested=bool(data.get("suggested", False)),
            reviewer=str(data.get("reviewer", "")),
            comment=str(data.get("comment", "")),
        )


# Each list holds non-overlapping spans, so scanning back stops at the first span ending before
# `start`; this margin (code points) still finds a nested span in damaged data.
_LONGEST_SPAN = 1000


def _start(span: Span) -> int:
    return span.start


def _order(span: Span) -> SpanKey:
    return span.key


def _index(pool: list[Span], span: Span) -> int:
    """Position of the span equal to `span` in a sorted list (ValueError when absent)."""
    i = bisect.bisect_left(pool, span.key, key=_order)
    while i < len(pool) and pool[i].start == span.start:
        if pool[i] == span:
            return i
        i += 1
    raise ValueError(f"span {span.key} is not in the list")
