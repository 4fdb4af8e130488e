"""Agreement maths against hand-computed and published figures."""

from __future__ import annotations

import json
import math
import random
from collections import Counter

import pytest

from annotator.core.agreement import (
    PRF,
    Coincidences,
    article_agreement,
    cohen_kappa,
    krippendorff_alpha,
    project_agreement,
    span_prf,
    token_labels,
)
from annotator.core.annotations import AnnotationSet
from annotator.core.labels import LabelScheme
from annotator.core.model import ArticleInfo, ArticleStatus, Span
from annotator.core.project import Project
from annotator.core.review import Kind

A = [Span(0, 5, "PER"), Span(10, 15, "PER"), Span(20, 25, "ORG"), Span(30, 35, "GPE")]
B = [Span(0, 5, "PER"), Span(10, 14, "PER"), Span(20, 25, "ORG"), Span(30, 35, "LOC"),
     Span(40, 45, "PER")]


def prf(x: PRF) -> tuple[float, float, float]:
    return (round(x.p, 4), round(x.r, 4), round(x.f, 4))


def test_span_prf_by_hand() -> None:
    scores = span_prf(A, B)
    # matched: PER 0-5 and ORG 20-25; |A| = 4, |B| = 5.
    assert (scores.overall.matched, scores.overall.n_a, scores.overall.n_b) == (2, 4, 5)
    assert prf(scores.overall) == (0.5, 0.4, round(2 * 0.5 * 0.4 / 0.9, 4))
    assert prf(scores.per_label["PER"]) == (0.5, round(1 / 3, 4), 0.4)
    assert prf(scores.per_label["ORG"]) == (1.0, 1.0, 1.0)
    assert prf(scores.per_label["GPE"]) == (0.0, 0.0, 0.0)  # only A has it
    assert prf(scores.per_label["LOC"]) == (0.0, 0.0, 0.0)  # only B has it
    assert sorted(scores.to_json()["per_label"]) == ["GPE", "LOC", "ORG", "PER"]


def test_span_prf_ignores_kb_id_and_origin_and_swaps() -> None:
    linked = [s.with_(kb_id="x") for s in A]
    assert prf(span_prf(linked, A).overall) == (1.0, 1.0, 1.0)
    ab, ba = span_prf(A, B).overall, span_prf(B, A).overall
    assert (ab.p, ab.r) == (ba.r, ba.p)


def test_span_prf_degenerate_cases() -> None:
    assert prf(span_prf([], []).overall) == (1.0, 1.0, 1.0)  # both found nothing
    assert prf(span_prf([], B).overall) == (0.0, 0.0, 0.0)
    assert prf(span_prf(A, []).overall) == (0.0, 0.0, 0.0)
    assert span_prf([], []).per_label == {}


def test_token_labels() -> None:
    tokens = [(0, 8), (9, 17), (18, 23), (24, 31), (32, 35), (36, 40)]
    spans = [Span(9, 23, "PER"), Span(32, 34, "ORG"), Span(34, 38, "GPE")]
    assert token_labels(spans, tokens) == ["O", "PER", "PER", "O", "ORG", "GPE"]
    assert token_labels([], tokens) == ["O"] * 6
    assert token_labels(spans, [(t[0], t[1], True) for t in tokens])[1] == "PER"


def test_cohen_kappa_textbook_example() -> None:
    # Wikipedia "Cohen's kappa": 20 yes/yes, 5 yes/no, 10 no/yes, 15 no/no -> 0.4.
    a = ["yes"] * 25 + ["no"] * 25
    b = ["yes"] * 20 + ["no"] * 5 + ["yes"] * 10 + ["no"] * 15
    assert cohen_kappa(a, b) == pytest.approx(0.4)
    # second example: 45/15/25/15 -> 0.1304
    a = ["yes"] * 60 + ["no"] * 40
    b = ["yes"] * 45 + ["no"] * 15 + ["yes"] * 25 + ["no"] * 15
    assert cohen_kappa(a, b) == pytest.approx(0.1304, abs=1e-4)


def test_cohen_kappa_matches_the_confusion_matrix_formula() -> None:
    rng = random.Random(7)
    labels = ["O", "PER", "ORG", "GPE"]
    a = [rng.choice(labels) for _ in range(500)]
    b = [x if rng.random() < 0.7 else rng.choice(labels) for x in a]
    n = len(a)
    matrix = Counter(zip(a, b, strict=True))
    p_o = sum(matrix[(k, k)] for k in labels) / n
    p_e = sum((a.count(k) / n) * (b.count(k) / n) for k in labels)
    assert cohen_kappa(a, b) == pytest.approx((p_o - p_e) / (1 - p_e))


def test_cohen_kappa_degenerate_cases() -> None:
    assert math.isnan(cohen_kappa([], []))
    assert cohen_kappa(["O"] * 5, ["O"] * 5) == 1.0  # no variation: no disagreement
    assert cohen_kappa(["O", "PER"], ["PER", "O"]) == pytest.approx(-1.0)
    with pytest.raises(ValueError, match="length"):
        cohen_kappa(["O"], [])


PACKAGE_EXAMPLE = [  # krippendorff.alpha docstring: nominal alpha 0.691358
    [None, None, None, None, None, 3, 4, 1, 2, 1, 1, 3, 3, None, 3],
    [1, None, 2, 1, 3, 3, 4, 3, None, None, None, None, None, None, None],
    [None, None, 2, 1, 3, 4, 4, None, 2, 1, 1, 3, 3, None, 4],
]
PAPER_EXAMPLE = [  # Krippendorff (2011), "Computing Krippendorff's alpha-reliability": 0.743
    [1, 2, 3, 3, 2, 1, 4, 1, 2, None, None, None],
    [1, 2, 3, 3, 2, 2, 4, 1, 2, 5, None, 3],
    [None, 3, 3, 3, 2, 3, 4, 2, 2, 5, 1, None],
    [1, 2, 3, 3, 2, 4, 4, 1, 2, 5, 1, None],
]


def labels(rows: list[list[int | None]]) -> list[list[str | None]]:
    return [[None if x is None else f"L{x}" for x in row] for row in rows]


def test_krippendorff_alpha_published_examples() -> None:
    assert krippendorff_alpha(labels(PACKAGE_EXAMPLE)) == pytest.approx(0.691358, abs=1e-6)
    assert krippendorff_alpha(labels(PAPER_EXAMPLE)) == pytest.approx(0.743, abs=5e-4)


def test_pooled_coincidences_equal_the_package() -> None:
    pooled = Coincidences()
    rows = labels(PAPER_EXAMPLE)
    pooled.add([r[:5] for r in rows])
    pooled.add([r[5:] for r in rows])
    assert pooled.alpha() == pytest.approx(krippendorff_alpha(rows))
    rng = random.Random(3)
    for _ in range(5):
        rows = [[rng.choice("OOOOPGL") if rng.random() > 0.2 else None for _ in range(300)]
                for _ in range(3)]
        pooled = Coincidences()
        pooled.add(rows)
        assert pooled.alpha() == pytest.approx(krippendorff_alpha(rows))


def test_krippendorff_alpha_degenerate_cases() -> None:
    assert krippendorff_alpha([["O", "O"], ["O", "O"]]) == 1.0
    assert math.isnan(krippendorff_alpha([["O", None], [None, "PER"]]))  # nothing pairable
    assert math.isnan(krippendorff_alpha([]))
    assert math.isnan(Coincidences().alpha())
    with pytest.raises(ValueError, match="length"):
        krippendorff_alpha([["O"], ["O", "O"]])


# -- per article and per project ---------------------------------------------------------
TOKENS = [(i * 5, i * 5 + 4) for i in range(10)]  # "xxxx " * 10


def s(who: str, aid: str, *spans: Span) -> AnnotationSet:
    return AnnotationSet(aid, who, spans=sorted(spans), status=ArticleStatus.DONE)


def corpus() -> dict[str, dict[str, AnnotationSet | None]]:
    return {
        "a1": {"ayu": s("ayu", "a1", Span(0, 9, "PER"), Span(20, 24, "ORG")),
               "budi": s("budi", "a1", Span(0, 9, "PER"), Span(20, 24, "GPE"))},
        "a2": {"ayu": s("ayu", "a2", Span(10, 14, "PER")),
               "budi": s("budi", "a2", Span(10, 19, "PER"), Span(30, 34, "LOC"))},
        "a3": {"ayu": s("ayu", "a3", Span(0, 4, "PER")), "budi": None},  # not compared
        "a4": {"ayu": s("ayu", "a4"), "budi": s("budi", "a4")},  # both found nothing
    }


def test_article_agreement() -> None:
    art = article_agreement("a1", corpus()["a1"], ["ayu", "budi"], TOKENS)
    assert art is not None and art.compared == ["ayu", "budi"]
    assert prf(art.spans.overall) == (0.5, 0.5, 0.5)
    rows = [["PER", "PER", "O", "O", "ORG"] + ["O"] * 5,
            ["PER", "PER", "O", "O", "GPE"] + ["O"] * 5]
    assert art.kappa == pytest.approx(cohen_kappa(*rows))
    assert art.alpha == pytest.approx(krippendorff_alpha(rows))
    assert art.conflicts[Kind.AGREED] == 1 and art.conflicts[Kind.LABEL] == 1
    assert article_agreement("a3", corpus()["a3"], ["ayu", "budi"], TOKENS) is None


def test_project_agreement_pools_articles() -> None:
    data = corpus()
    report = project_agreement(data, ["ayu", "budi"], lambda _aid: TOKENS)
    assert [a.article_id for a in report.articles] == ["a1", "a2", "a4"]
    assert (report.spans.overall.matched, report.spans.overall.n_a, report.spans.overall.n_b) == (
        1, 3, 4)
    rows: list[list[str]] = [[], []]
    for aid in ("a1", "a2", "a4"):
        for i, who in enumerate(("ayu", "budi")):
            aset = data[aid][who]
            assert aset is not None
            rows[i] += token_labels(aset.spans, TOKENS)
    assert report.kappa == pytest.approx(cohen_kappa(*rows))
    assert report.alpha == pytest.approx(krippendorff_alpha(rows))
    assert report.tokens == 30
    doc = report.to_json()
    assert list(doc) == ["annotators", "articles", "articles_a_b", "tokens", "overall",
                         "per_label", "span_counts", "cohen_kappa", "krippendorff_alpha",
                         "conflicts"]
    assert doc["articles"] == 3 and doc["annotators"] == ["ayu", "budi"]
    assert doc["conflicts"] == {"agreed": 1, "label": 1, "boundary": 1, "link": 0, "only_one": 1,
                                 "unsure": 0}
    assert set(doc["per_label"]) == {"PER", "ORG", "GPE", "LOC"}
    assert set(doc["overall"]) == {"p", "r", "f"}
    json.dumps(doc, allow_nan=False)


def test_three_annotators_alpha_uses_partial_articles_kappa_does_not() -> None:
    data = corpus()
    data["a3"]["cici"] = s("cici", "a3", Span(0, 4, "PER"))
    report = project_agreement(data, ["ayu", "budi", "cici"], lambda _aid: TOKENS)
    assert [a.article_id for a in report.articles] == ["a1", "a2", "a3", "a4"]
    assert report.pairs_compared == 3
    a3 = report.article("a3")
    assert a3 is not None and a3.spans is None and a3.kappa is None and a3.alpha == 1.0
    two = project_agreement(corpus(), ["ayu", "budi"], lambda _aid: TOKENS)
    assert report.kappa == pytest.approx(two.kappa)


def test_project_agreement_on_a_project_with_progress_and_cancel() -> None:
    project = Project("ayu", LabelScheme.default(), lambda _id: "x" * 50,
                      [ArticleInfo(aid, aid) for aid in corpus()])
    for sets in corpus().values():
        project.load_sets(x for x in sets.values() if x is not None)
    seen: list[tuple[int, int]] = []
    report = project_agreement(project, ["ayu", "budi"], lambda _aid: TOKENS,
                               progress=lambda d, t: seen.append((d, t)))
    assert len(report.articles) == 3 and seen[-1] == (4, 4)
    stopped = project_agreement(project, ["ayu", "budi"], lambda _aid: TOKENS,
                                cancelled=lambda: True)
    assert stopped.cancelled and stopped.articles == []


def test_nothing_to_compare_is_not_an_error() -> None:
    report = project_agreement({"a3": corpus()["a3"]}, ["ayu", "budi"], lambda _aid: TOKENS)
    doc = report.to_json()
    assert doc["articles"] == 0 and doc["cohen_kappa"] is None
    assert doc["krippendorff_alpha"] is None and doc["overall"] == {"p": None, "r": None, "f": None}
    with pytest.raises(ValueError):
        project_agreement({}, ["ayu"], lambda _aid: TOKENS)
    with pytest.raises(ValueError):
        project_agreement({}, ["ayu", "ayu"], lambda _aid: TOKENS)
