"""Project statistics: status counts, spans per label, top entities, progress over time.

Everything here works on annotation sets and returns plain values, so the Statistics
dialog draws it and the CSV export writes exactly the same numbers.
"""

from __future__ import annotations

import csv
import io
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, tzinfo
from typing import TYPE_CHECKING

from annotator.core.annotations import AnnotationSet
from annotator.core.model import ArticleStatus

if TYPE_CHECKING:
    from annotator.core.project import Project

FINISHED = (ArticleStatus.DONE, ArticleStatus.REVIEWED)
CSV_HEADER = ("table", "key", "name", "annotator", "value")


@dataclass(frozen=True, slots=True)
class EntityCount:
    """One knowledge-base entity with its accepted mentions and the articles they are in."""

    kb_id: str
    name: str
    label: str
    mentions: int
    articles: int


@dataclass
class Statistics:
    """What the Statistics view shows for one annotator (progress covers every annotator)."""

    annotator: str
    statuses: dict[str, int]
    labels: dict[str, int]
    by_mentions: list[EntityCount]
    by_articles: list[EntityCount]
    progress: dict[str, list[tuple[date, int]]] = field(default_factory=dict)

    @property
    def total_articles(self) -> int:
        return sum(self.statuses.values())

    @property
    def total_spans(self) -> int:
        return sum(self.labels.values())


def status_counts(article_ids: Iterable[str], sets: Iterable[AnnotationSet]) -> dict[str, int]:
    """Articles per status, every status present (an article without a set is new)."""
    by_article = {s.article_id: s.status for s in sets}
    counts = Counter(by_article.get(a, ArticleStatus.NEW) for a in article_ids)
    return {str(status): counts[status] for status in ArticleStatus}


def spans_per_label(
    sets: Iterable[AnnotationSet], label_order: Iterable[str] = (), *, suggestions: bool = False
) -> dict[str, int]:
    """Accepted spans (and pending suggestions if asked) per label.

    Labels of `label_order` come first, in that order and even when unused; labels found in
    the data but not in the order follow alphabetically.
    """
    counts: Counter[str] = Counter()
    for aset in sets:
        counts.update(s.label for s in aset.spans)
        if suggestions:
            counts.update(s.label for s in aset.suggestions)
    ordered = {name: counts[name] for name in label_order}
    ordered.update({name: counts[name] for name in sorted(counts) if name not in ordered})
    return ordered


def entity_counts(
    sets: Iterable[AnnotationSet], names: dict[str, tuple[str, str]] | None = None
) -> list[EntityCount]:
    """Every linked kb_id with mention and article counts; `names` maps kb_id to (name, label)."""
    names = names or {}
    mentions: Counter[str] = Counter()
    articles: dict[str, set[str]] = defaultdict(set)
    labels: dict[str, Counter[str]] = defaultdict(Counter)
    for aset in sets:
        for span in aset.spans:
            if span.kb_id:
                mentions[span.kb_id] += 1
                articles[span.kb_id].add(aset.article_id)
                labels[span.kb_id][span.label] += 1
    out = []
    for kb_id, count in mentions.items():
        name, label = names.get(kb_id, (kb_id, ""))
        label = label or labels[kb_id].most_common(1)[0][0]
        out.append(EntityCount(kb_id, name, label, count, len(articles[kb_id])))
    return out


def top_entities(
    counts: Iterable[EntityCount], n: int = 10, by: str = "mentions"
) -> list[EntityCount]:
    """The `n` entities with most mentions (or articles); ties by name, then kb_id."""
    if by not in ("mentions", "articles"):
        raise ValueError(f"cannot rank entities by {by!r}")
    other = "articles" if by == "mentions" else "mentions"
    ranked = sorted(
        counts,
        key=lambda e: (-getattr(e, by), -getattr(e, other), e.name.casefold(), e.kb_id),
    )
    return ranked[: max(0, n)]


def day_of(timestamp: float, tz: tzinfo | None = None) -> date:
    """The calendar day of a Unix timestamp (local time unless `tz` is given)."""
    return datetime.fromtimestamp(timestamp, tz).date()


def progress_over_time(
    sets: Iterable[AnnotationSet], tz: tzinfo | None = None
) -> dict[str, list[tuple[date, int]]]:
    """Per annotator, the days on which finished (done or reviewed) sets were last saved, and how
    many; days sorted. Sets never saved (`updated` == 0) are left out."""
    days: dict[str, Counter[date]] = defaultdict(Counter)
    for aset in sets:
        if aset.status in FINISHED and aset.updated > 0:
            days[aset.annotator][day_of(aset.updated, tz)] += 1
    return {who: sorted(counts.items()) for who, counts in sorted(days.items())}


def cumulative(series: list[tuple[date, int]]) -> list[tuple[date, int]]:
    """Running totals of a daily series."""
    total, out = 0, []
    for day, count in series:
        total += count
        out.append((day, total))
    return out


def all_sets(project: Project) -> list[AnnotationSet]:
    """Every annotation set loaded in the project, of every annotator."""
    return [s for who in project.annotators() for s in project.sets_of(who)]


def compute(
    project: Project,
    sets: Iterable[AnnotationSet] | None = None,
    annotator: str | None = None,
    *,
    top: int = 10,
    tz: tzinfo | None = None,
) -> Statistics:
    """Statistics of `annotator` (the project's by default) over `sets` (the loaded ones).

    Pass the sets of every annotator (e.g. read from the store) to see everyone's progress.
    """
    pool = list(all_sets(project) if sets is None else sets)
    who = annotator or project.annotator
    known = set(project.article_ids)
    mine = [s for s in pool if s.annotator == who and s.article_id in known]
    names = {e.kb_id: (e.name, e.label) for e in project.kb}
    entities = entity_counts(mine, names)
    return Statistics(
        annotator=who,
        statuses=status_counts(project.article_ids, mine),
        labels=spans_per_label(mine, project.scheme.names),
        by_mentions=top_entities(entities, top, "mentions"),
        by_articles=top_entities(entities, top, "articles"),
        progress=progress_over_time((s for s in pool if s.article_id in known), tz),
    )


def csv_rows(stats: Statistics) -> list[tuple[str, str, str, str, int]]:
    """Long-format rows (table, key, name, annotator, value) of every figure shown."""
    who = stats.annotator
    rows: list[tuple[str, str, str, str, int]] = []
    rows += [("status", k, "", who, v) for k, v in stats.statuses.items()]
    rows += [("label", k, "", who, v) for k, v in stats.labels.items()]
    rows += [("entity_mentions", e.kb_id, e.name, who, e.mentions) for e in stats.by_mentions]
    rows += [("entity_articles", e.kb_id, e.name, who, e.articles) for e in stats.by_articles]
    for annotator, series in stats.progress.items():
        rows += [("done_per_day", d.isoformat(), "", annotator, n) for d, n in series]
        rows += [("done_total", d.isoformat(), "", annotator, n) for d, n in cumulative(series)]
    return rows


def to_csv(stats: Statistics) -> str:
    """The CSV text of `csv_rows`, with a header line (RFC 4180 quoting, \\r\\n line ends)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(CSV_HEADER)
    writer.writerows(csv_rows(stats))
    return buffer.getvalue()
