"""Link agreement between two annotators' entity clusterings."""

from __future__ import annotations

import pytest

from annotator.core.annotations import AnnotationSet
from annotator.core.coref_metrics import scores
from annotator.core.labels import LabelScheme
from annotator.core.link_agreement import link_agreement, link_clusterings
from annotator.core.model import ArticleInfo, Span
from annotator.core.project import Project


def aset(article: str, who: str, *spans: tuple[int, int, str | None]) -> AnnotationSet:
    return AnnotationSet(article, who, spans=sorted(Span(s, e, "PER", kb_id=kb)
                                                    for s, e, kb in spans))


def sets(**by_article: tuple[AnnotationSet | None, AnnotationSet | None]) -> dict:
    return {aid: {"a": a, "b": b} for aid, (a, b) in by_article.items()}


def test_same_grouping_under_other_ids_agrees_fully() -> None:
    data = sets(
        x=(aset("x", "a", (0, 5, "p1"), (10, 15, "p1"), (20, 25, None)),
           aset("x", "b", (0, 5, "putin"), (10, 15, "putin"), (20, 25, None))),
        y=(aset("y", "a", (0, 5, "p1")), aset("y", "b", (0, 5, "putin"))),
    )
    doc = link_agreement(data, "a", "b")
    assert doc["mentions"] == 4
    assert doc["linked"] == {"a": 3, "b": 3, "both": 3, "only_a": 0, "only_b": 0}
    for metric in ("muc", "b_cubed", "ceaf_e"):
        assert doc[metric] == {"p": 1.0, "r": 1.0, "f": 1.0}
    assert doc["conll"] == 1.0


def test_only_mentions_with_the_same_boundaries_count() -> None:
    data = sets(x=(aset("x", "a", (0, 5, "k"), (10, 15, "k"), (30, 40, "k")),
                   aset("x", "b", (0, 5, "m"), (10, 16, "m"), (30, 40, None))))
    a, b = link_clusterings(("x", s["a"], s["b"]) for s in data.values())
    assert sorted(a) == sorted(b) == [("x", 0, 5), ("x", 30, 40)]
    doc = link_agreement(data, "a", "b")
    assert doc["linked"] == {"a": 2, "b": 1, "both": 1, "only_a": 1, "only_b": 0}
    # B (the reference) has two singletons, A one cluster of two: no link in the key
    assert doc["muc"] == {"p": 0.0, "r": 0.0, "f": 0.0}
    assert doc["b_cubed"] == pytest.approx({"p": 0.5, "r": 1.0, "f": 2 / 3})


def test_scores_are_a_against_b_as_reference() -> None:
    a = aset("x", "a", (0, 1, "e"), (2, 3, "e"), (4, 5, "e"), (6, 7, None))
    b = aset("x", "b", (0, 1, "f"), (2, 3, "f"), (4, 5, "g"), (6, 7, "g"))
    doc = link_agreement({"x": {"a": a, "b": b}}, "a", "b")
    key = [{("x", 0, 1), ("x", 2, 3)}, {("x", 4, 5), ("x", 6, 7)}]
    response = [{("x", 0, 1), ("x", 2, 3), ("x", 4, 5)}, {("x", 6, 7)}]
    expected = scores(key, response)
    assert doc["conll"] == pytest.approx(expected["conll"])
    assert doc["muc"] == pytest.approx(expected["muc"])
    assert doc["linked"]["only_b"] == 1


def test_nothing_in_common_gives_none() -> None:
    data = sets(x=(aset("x", "a", (0, 5, "k")), None), y=(None, aset("y", "b", (0, 5, "k"))))
    doc = link_agreement(data, "a", "b")
    assert doc["mentions"] == 0 and doc["conll"] is None
    assert doc["ceaf_e"] == {"p": None, "r": None, "f": None}


def test_project_input() -> None:
    project = Project("a", LabelScheme.default(), lambda _: "", [ArticleInfo("x", "x")])
    project.load_sets([aset("x", "a", (0, 5, "k"), (6, 9, "k")),
                       aset("x", "b", (0, 5, "m"), (6, 9, None))])
    doc = link_agreement(project, "a", "b")
    assert doc["mentions"] == 2 and doc["linked"]["only_a"] == 1
    assert doc["b_cubed"]["p"] == pytest.approx(0.5)
