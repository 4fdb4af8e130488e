"""Review diff: the union of several annotators' accepted spans, with every disagreement marked.

Spans of all compared annotators are grouped into clusters of overlapping spans (connected
components of the overlap graph); each cluster becomes one `ReviewItem` whose `kind` says how
the annotators differ there:

- AGREED: every compared annotator has exactly one span there, all identical
  (start, end, label and kb_id);
- BOUNDARY: spans overlap with different extents (also when one annotator has two spans
  where another has one);
- LABEL: the same extent everywhere, different labels;
- LINK: the same extent and label everywhere, different kb_id;
- UNSURE: everyone agrees exactly, but at least one marked the span unsure (a conflict: the
  reviewer decides it);
- ONLY_ONE: some compared annotators have nothing there and those who do agree exactly
  (with two annotators: a span only one of them marked). With three or more, "A and B agree,
  C has nothing" is ONLY_ONE too: it is not safe to accept as agreed. When those who have
  something disagree among themselves, the item gets their disagreement's kind and the
  missing annotators show up in `ReviewItem.missing`. With a single compared annotator
  every item is ONLY_ONE.

Who is compared: an annotator whose set is None or untouched (status new, no spans, nothing
rejected: they never worked on the article) is left out of that article's comparison; an
empty set that was worked on (e.g. marked done) counts as "found nothing".
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum

from annotator.core.annotations import AnnotationSet
from annotator.core.model import Span


class Kind(StrEnum):
    """How the compared annotators differ on one cluster of overlapping spans."""

    AGREED = "agreed"
    LABEL = "label"
    BOUNDARY = "boundary"
    LINK = "link"
    ONLY_ONE = "only_one"
    UNSURE = "unsure"  # everyone agrees, but someone marked the span unsure


Version = tuple[Span, ...]


@dataclass(frozen=True)
class ReviewItem:
    """One cluster of overlapping spans: its extent, each annotator's spans there, the kind."""

    start: int
    end: int
    kind: Kind
    versions: dict[str, Version] = field(hash=False)  # every compared annotator; () = nothing

    @property
    def annotators(self) -> list[str]:
        """The annotators compared on this article, in the order they were given."""
        return list(self.versions)

    @property
    def missing(self) -> list[str]:
        """Compared annotators with no span in this cluster."""
        return [a for a, spans in self.versions.items() if not spans]

    @property
    def is_conflict(self) -> bool:
        return self.kind != Kind.AGREED

    @property
    def span(self) -> Span | None:
        """The agreed span of an AGREED item (the first annotator's copy), else None."""
        if self.kind != Kind.AGREED:
            return None
        return next(iter(self.versions.values()))[0]

    def version(self, annotator: str) -> Version:
        """The spans `annotator` has in this cluster (empty when none or not compared)."""
        return self.versions.get(annotator, ())

    def labels(self) -> dict[str, list[str]]:
        """Annotator -> labels of their spans here, for display."""
        return {a: [s.label for s in spans] for a, spans in self.versions.items()}

    def keys(self) -> set[tuple[int, int, str]]:
        """(start, end, label) of every span of every version."""
        return {s.key for spans in self.versions.values() for s in spans}


def compared(sets: Mapping[str, AnnotationSet | None]) -> list[str]:
    """Annotators whose set exists and was worked on, in the mapping's order."""
    return [a for a, aset in sets.items() if aset is not None and aset.touched]


def diff_article(sets: Mapping[str, AnnotationSet | None]) -> list[ReviewItem]:
    """Review items of one article over accepted spans, sorted by position (see module doc)."""
    who = compared(sets)
    tagged: list[tuple[Span, int]] = []
    for n, annotator in enumerate(who):
        aset = sets[annotator]
        assert aset is not None
        tagged += [(span, n) for span in aset.spans]
    tagged.sort(key=lambda t: (t[0].start, t[0].end, t[1], t[0].label, t[0].kb_id or ""))
    items: list[ReviewItem] = []
    cluster: list[tuple[Span, int]] = []
    end = -1
    for span, n in tagged:
        if cluster and span.start >= end:
            items.append(_item(cluster, who))
            cluster = []
        cluster.append((span, n))
        end = max(end, span.end) if len(cluster) > 1 else span.end
    if cluster:
        items.append(_item(cluster, who))
    return items


def _item(cluster: list[tuple[Span, int]], who: Sequence[str]) -> ReviewItem:
    versions: dict[str, list[Span]] = {a: [] for a in who}
    for span, n in cluster:
        versions[who[n]].append(span)
    frozen = {a: tuple(spans) for a, spans in versions.items()}
    start = min(s.start for s, _ in cluster)
    end = max(s.end for s, _ in cluster)
    return ReviewItem(start, end, classify(frozen), frozen)


def classify(versions: Mapping[str, Version]) -> Kind:
    """The kind of one cluster given every compared annotator's spans there."""
    present = [spans for spans in versions.values() if spans]
    if not present:
        raise ValueError("a review cluster needs at least one span")
    if any(len(spans) > 1 for spans in present):
        return Kind.BOUNDARY
    firsts = [spans[0] for spans in present]
    if len({(s.start, s.end) for s in firsts}) > 1:
        return Kind.BOUNDARY
    if len({s.label for s in firsts}) > 1:
        return Kind.LABEL
    if len({s.kb_id for s in firsts}) > 1:
        return Kind.LINK
    everyone = len(present) == len(versions) > 1
    if not everyone:
        return Kind.ONLY_ONE
    return Kind.UNSURE if any(s.unsure for s in firsts) else Kind.AGREED


def conflict_counts(items: Iterable[ReviewItem]) -> Counter[Kind]:
    """Items per kind; every kind is present (zero when absent)."""
    counts: Counter[Kind] = Counter({kind: 0 for kind in Kind})
    for item in items:
        counts[item.kind] += 1
    return counts


def conflicts(items: Iterable[ReviewItem]) -> list[ReviewItem]:
    """The items that need a decision (everything but AGREED), in order."""
    return [item for item in items if item.is_conflict]


def step(
    items: Sequence[ReviewItem],
    position: int,
    *,
    backwards: bool = False,
    gold: AnnotationSet | None = None,
) -> ReviewItem | None:
    """The next (or previous) conflict starting after (before) `position`, for Tab stepping;
    with `gold`, conflicts the gold set already decided are skipped. None at the end."""
    pool = [i for i in conflicts(items) if gold is None or not is_resolved(i, gold)]
    if backwards:
        return next((i for i in reversed(pool) if i.start < position), None)
    return next((i for i in pool if i.start > position), None)


def is_resolved(item: ReviewItem, gold: AnnotationSet | None) -> bool:
    """True when the gold set decided this item: a span there, or its versions rejected."""
    if gold is None:
        return False
    if gold.overlapping(item.start, item.end):
        return True
    return bool(item.keys() & gold.rejected)
