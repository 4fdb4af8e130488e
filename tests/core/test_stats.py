"""Statistics: counts by status and label, top entities, progress per annotator, CSV."""

from __future__ import annotations

import csv
import io
from datetime import UTC, date, datetime

import pytest

from annotator.core.annotations import AnnotationSet
from annotator.core.entities import Entity
from annotator.core.labels import LabelScheme
from annotator.core.model import ArticleInfo, ArticleStatus, Span
from annotator.core.project import Project
from annotator.core.stats import (
    CSV_HEADER,
    EntityCount,
    compute,
    csv_rows,
    cumulative,
    progress_over_time,
    spans_per_label,
    status_counts,
    to_csv,
    top_entities,
)


def stamp(day: int, hour: int = 12) -> float:
    return datetime(2023, 9, day, hour, tzinfo=UTC).timestamp()


def aset(article: str, who: str, status: ArticleStatus, spans=(), updated=0.0):  # noqa: ANN001, ANN201
    s = AnnotationSet(article, who, status=status, updated=updated)
    for span in spans:
        s.insert_span(span)
    return s


@pytest.fixture()
def project() -> Project:
    infos = [ArticleInfo(f"a{i}", f"Artikel {i}") for i in range(1, 5)]
    p = Project("ayu", LabelScheme.default(), lambda i: "x" * 100, infos)
    p.kb.add(Entity("kim", "Kim Jong Un", "PER"))
    p.kb.add(Entity("putin", "Vladimir Putin", "PER"))
    p.load_sets(
        [
            aset(
                "a1",
                "ayu",
                ArticleStatus.DONE,
                [
                    Span(0, 3, "PER", kb_id="kim"),
                    Span(5, 8, "PER", kb_id="kim"),
                    Span(10, 15, "PER", kb_id="putin"),
                    Span(20, 25, "GPE"),
                ],
                stamp(12),
            ),
            aset(
                "a2",
                "ayu",
                ArticleStatus.DONE,
                [
                    Span(0, 3, "PER", kb_id="putin"),
                    Span(5, 9, "WEAPON"),
                    Span(12, 14, "XTRA"),
                ],
                stamp(12, 23),
            ),
            aset(
                "a3", "ayu", ArticleStatus.IN_PROGRESS, [Span(0, 3, "PER", kb_id="kim")], stamp(13)
            ),
            aset("a1", "budi", ArticleStatus.REVIEWED, [Span(0, 3, "ORG")], stamp(14)),
            aset("zz", "budi", ArticleStatus.DONE, [], stamp(14)),  # not in this project
        ]
    )
    return p


def test_status_counts_every_status_and_new_for_unopened() -> None:
    sets = [aset("a1", "ayu", ArticleStatus.DONE)]
    assert status_counts(["a1", "a2"], sets) == {
        "new": 1,
        "in progress": 0,
        "done": 1,
        "reviewed": 0,
        "ignored": 0,
    }


def test_spans_per_label_scheme_order_then_others(project: Project) -> None:
    counts = spans_per_label(project.sets_of("ayu"), project.scheme.names)
    assert list(counts)[:7] == project.scheme.names
    assert counts["PER"] == 5 and counts["GPE"] == 1 and counts["ORG"] == 0
    assert list(counts)[-1] == "XTRA" and counts["XTRA"] == 1
    s = aset("a1", "ayu", ArticleStatus.NEW)
    s.insert_suggestion(Span(0, 2, "LOC"))
    assert spans_per_label([s]) == {} and spans_per_label([s], suggestions=True) == {"LOC": 1}


def test_top_entities_by_mentions_and_by_articles(project: Project) -> None:
    stats = compute(project, tz=UTC)
    assert [(e.kb_id, e.mentions, e.articles) for e in stats.by_mentions] == [
        ("kim", 3, 2),
        ("putin", 2, 2),
    ]
    # equal article counts: more mentions first
    assert [e.kb_id for e in stats.by_articles] == ["kim", "putin"]
    assert stats.by_mentions[0].name == "Kim Jong Un"
    ranked = top_entities(
        [EntityCount("b", "B", "PER", 1, 3), EntityCount("a", "A", "PER", 5, 1)], 1, "articles"
    )
    assert [e.kb_id for e in ranked] == ["b"]
    with pytest.raises(ValueError):
        top_entities([], by="letters")


def test_progress_counts_finished_sets_per_day_per_annotator(project: Project) -> None:
    progress = progress_over_time(
        [s for who in project.annotators() for s in project.sets_of(who)], tz=UTC
    )
    assert progress == {
        "ayu": [(date(2023, 9, 12), 2)],
        "budi": [(date(2023, 9, 14), 2)],
    }
    stats = compute(project, tz=UTC)
    assert stats.progress["budi"] == [(date(2023, 9, 14), 1)]  # "zz" is not an article here
    assert cumulative([(date(2023, 9, 1), 2), (date(2023, 9, 3), 1)]) == [
        (date(2023, 9, 1), 2),
        (date(2023, 9, 3), 3),
    ]
    never_saved = aset("a9", "ayu", ArticleStatus.DONE)
    assert progress_over_time([never_saved]) == {}


def test_compute_for_another_annotator(project: Project) -> None:
    stats = compute(project, annotator="budi", tz=UTC)
    assert stats.statuses["reviewed"] == 1 and stats.statuses["new"] == 3
    assert stats.labels["ORG"] == 1 and stats.total_spans == 1
    assert stats.total_articles == 4


def test_csv_has_every_figure(project: Project) -> None:
    stats = compute(project, tz=UTC)
    rows = list(csv.reader(io.StringIO(to_csv(stats))))
    assert tuple(rows[0]) == CSV_HEADER
    assert ["status", "done", "", "ayu", "2"] in rows
    assert ["label", "PER", "", "ayu", "5"] in rows
    assert ["entity_mentions", "kim", "Kim Jong Un", "ayu", "3"] in rows
    assert ["done_total", "2023-09-14", "", "budi", "1"] in rows
    assert len(rows) == len(csv_rows(stats)) + 1
