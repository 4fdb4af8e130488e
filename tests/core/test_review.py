"""Review diff: clusters of overlapping spans across annotators, each marked with its kind."""

from __future__ import annotations

from annotator.core.annotations import AnnotationSet
from annotator.core.model import ArticleStatus, Span
from annotator.core.review import (
    Kind,
    classify,
    conflict_counts,
    conflicts,
    diff_article,
    is_resolved,
    step,
)

# "Presiden Vladimir Putin bertemu Kim Jong Un di Vladivostok."
PUTIN = Span(9, 23, "PER", kb_id="putin")
KIM = Span(32, 43, "PER")
VLAD = Span(47, 58, "GPE")


def aset(
    who: str, *spans: Span, status: ArticleStatus = ArticleStatus.IN_PROGRESS
) -> AnnotationSet:
    return AnnotationSet("a1", who, spans=sorted(spans), status=status)


def kinds(items) -> list[tuple[int, int, Kind]]:
    return [(i.start, i.end, i.kind) for i in items]


def test_identical_spans_are_agreed() -> None:
    items = diff_article({"ayu": aset("ayu", PUTIN, KIM), "budi": aset("budi", KIM, PUTIN)})
    assert kinds(items) == [(9, 23, Kind.AGREED), (32, 43, Kind.AGREED)]
    assert items[0].versions == {"ayu": (PUTIN,), "budi": (PUTIN,)}
    assert items[0].span is PUTIN and items[0].span.kb_id == "putin"
    assert [i.span for i in items] == [PUTIN, KIM]
    assert conflicts(items) == []


def test_same_extent_other_label_is_label_conflict() -> None:
    items = diff_article({"ayu": aset("ayu", VLAD), "budi": aset("budi", VLAD.with_(label="LOC"))})
    assert kinds(items) == [(47, 58, Kind.LABEL)]
    assert items[0].labels() == {"ayu": ["GPE"], "budi": ["LOC"]}
    assert [i.span for i in items] == [None]


def test_same_span_other_kb_id_is_link_conflict() -> None:
    other = PUTIN.with_(kb_id="putin-2")
    items = diff_article({"ayu": aset("ayu", PUTIN), "budi": aset("budi", other)})
    assert kinds(items) == [(9, 23, Kind.LINK)]
    plain = PUTIN.with_(kb_id=None)
    unlinked = diff_article({"ayu": aset("ayu", PUTIN), "budi": aset("budi", plain)})
    assert unlinked[0].kind == Kind.LINK


def test_overlap_with_other_extent_is_boundary_conflict() -> None:
    shorter = Span(18, 23, "PER")  # "Putin"
    items = diff_article({"ayu": aset("ayu", PUTIN), "budi": aset("budi", shorter)})
    assert kinds(items) == [(9, 23, Kind.BOUNDARY)]
    assert items[0].versions["budi"] == (shorter,)


def test_one_span_against_two_is_one_boundary_cluster() -> None:
    # ayu: "Kim Jong Un di Vladivostok" as one (odd) span; budi: two spans under it.
    wide = Span(32, 58, "GPE")
    items = diff_article({"ayu": aset("ayu", wide), "budi": aset("budi", KIM, VLAD)})
    assert kinds(items) == [(32, 58, Kind.BOUNDARY)]
    assert items[0].versions == {"ayu": (wide,), "budi": (KIM, VLAD)}


def test_chained_overlaps_form_one_connected_cluster() -> None:
    a, b, c = Span(0, 10, "PER"), Span(8, 20, "PER"), Span(18, 30, "ORG")
    items = diff_article({"ayu": aset("ayu", a, c), "budi": aset("budi", b)})
    assert kinds(items) == [(0, 30, Kind.BOUNDARY)]


def test_span_of_one_annotator_only() -> None:
    items = diff_article({"ayu": aset("ayu", PUTIN, VLAD), "budi": aset("budi", PUTIN)})
    assert kinds(items) == [(9, 23, Kind.AGREED), (47, 58, Kind.ONLY_ONE)]
    assert items[1].missing == ["budi"]
    assert [i.start for i in conflicts(items)] == [47]


def test_adjacent_spans_do_not_overlap() -> None:
    a, b = Span(0, 5, "PER"), Span(5, 9, "PER")
    items = diff_article({"ayu": aset("ayu", a), "budi": aset("budi", b)})
    assert kinds(items) == [(0, 5, Kind.ONLY_ONE), (5, 9, Kind.ONLY_ONE)]


def test_three_annotators() -> None:
    sets = {
        "ayu": aset("ayu", PUTIN, KIM, VLAD),
        "budi": aset("budi", PUTIN, KIM, VLAD.with_(label="LOC")),
        "cici": aset("cici", PUTIN, VLAD),
    }
    items = diff_article(sets)
    # KIM: ayu and budi agree, cici has nothing -> ONLY_ONE (not safe to accept as agreed);
    # VLAD: label conflict among those who marked it.
    assert kinds(items) == [(9, 23, Kind.AGREED), (32, 43, Kind.ONLY_ONE), (47, 58, Kind.LABEL)]
    assert items[1].missing == ["cici"]
    assert items[0].annotators == ["ayu", "budi", "cici"]
    counts = conflict_counts(items)
    assert counts == {Kind.AGREED: 1, Kind.ONLY_ONE: 1, Kind.LABEL: 1, Kind.BOUNDARY: 0,
                      Kind.LINK: 0, Kind.UNSURE: 0}


def test_missing_and_untouched_sets_are_not_compared() -> None:
    assert diff_article({}) == []
    assert diff_article({"ayu": None, "budi": None}) == []
    untouched = AnnotationSet("a1", "budi", suggestions=[PUTIN])  # never worked on
    items = diff_article({"ayu": aset("ayu", PUTIN), "budi": untouched, "cici": None})
    assert kinds(items) == [(9, 23, Kind.ONLY_ONE)]  # a single compared annotator
    assert items[0].annotators == ["ayu"]


def test_empty_but_worked_on_set_counts_as_found_nothing() -> None:
    done = aset("budi", status=ArticleStatus.DONE)
    items = diff_article({"ayu": aset("ayu", PUTIN), "budi": done})
    assert kinds(items) == [(9, 23, Kind.ONLY_ONE)]
    assert items[0].versions == {"ayu": (PUTIN,), "budi": ()}
    both_empty = diff_article({"ayu": aset("ayu"), "budi": done})
    assert both_empty == [] and conflict_counts(both_empty)[Kind.AGREED] == 0


def test_suggestions_are_ignored() -> None:
    a = aset("ayu", PUTIN)
    a.suggestions = [KIM]
    items = diff_article({"ayu": a, "budi": aset("budi", PUTIN)})
    assert kinds(items) == [(9, 23, Kind.AGREED)]


def test_order_is_stable_and_independent_of_mapping_order() -> None:
    sets = {"ayu": aset("ayu", VLAD, PUTIN), "budi": aset("budi", Span(18, 23, "PER"), KIM)}
    first = kinds(diff_article(sets))
    assert first == kinds(diff_article(dict(reversed(sets.items()))))
    assert [s for s, _, _ in first] == sorted(s for s, _, _ in first)


def test_classify_precedence() -> None:
    assert classify({"a": (PUTIN,), "b": (PUTIN.with_(label="ORG", kb_id="x"),)}) == Kind.LABEL
    assert classify({"a": (PUTIN,), "b": (Span(9, 17, "ORG"),)}) == Kind.BOUNDARY


def test_is_resolved_by_gold_span_or_rejection() -> None:
    loc = VLAD.with_(label="LOC")
    item = diff_article({"ayu": aset("ayu", VLAD), "budi": aset("budi", loc)})[0]
    gold = AnnotationSet("a1", "gold")
    assert not is_resolved(item, None) and not is_resolved(item, gold)
    gold.insert_span(VLAD)
    assert is_resolved(item, gold)
    gold.delete_span(VLAD)
    gold.rejected.add(VLAD.key)
    assert is_resolved(item, gold)


def test_step_through_conflicts_skipping_decided_ones() -> None:
    sets = {"ayu": aset("ayu", PUTIN, KIM, VLAD),
            "budi": aset("budi", Span(18, 23, "PER"), KIM, VLAD.with_(label="LOC"))}
    items = diff_article(sets)  # boundary 9-23, agreed 32-43, label 47-58
    assert step(items, -1).start == 9
    assert step(items, 9).start == 47
    assert step(items, 47) is None
    assert step(items, 100, backwards=True).start == 47
    assert step(items, 47, backwards=True).start == 9
    gold = AnnotationSet("a1", "gold", spans=[PUTIN])
    assert step(items, -1, gold=gold).start == 47


def test_agreement_with_an_unsure_span_is_a_conflict_to_decide() -> None:
    from annotator.core.model import Span
    from annotator.core.review import Kind, classify

    sure, unsure = Span(0, 5, "PER"), Span(0, 5, "PER", unsure=True)
    assert classify({"a": (sure,), "b": (sure,)}) == Kind.AGREED
    assert classify({"a": (unsure,), "b": (sure,)}) == Kind.UNSURE
