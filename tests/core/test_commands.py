"""Core edit commands: each one does, undoes and redoes exactly its change."""

from __future__ import annotations

import pytest

from annotator.core.commands import (
    AcceptAll,
    AcceptSuggestion,
    AddSpan,
    RejectAll,
    RejectSuggestion,
    RemoveSpan,
    ReplaceSpan,
    SetStatus,
)
from annotator.core.labels import LabelScheme
from annotator.core.model import ArticleInfo, ArticleStatus, Origin, Span
from annotator.core.project import Project

TEXT = "Presiden Vladimir Putin bertemu Kim Jong Un di Vladivostok."


@pytest.fixture()
def project() -> Project:
    p = Project("ayu", LabelScheme.default(), lambda _id: TEXT, [ArticleInfo("a1", "t")])
    p.merge_suggestions(
        "a1",
        [
            Span(9, 23, "PER", Origin.SUGGESTED),
            Span(32, 43, "PER", Origin.SUGGESTED),
            Span(47, 58, "GPE", Origin.SUGGESTED),
        ],
    )
    return p


def state(p: Project) -> tuple:
    s = p.annotation_set("a1")
    return (
        [(x.key, x.origin) for x in s.spans],
        [x.key for x in s.suggestions],
        sorted(s.rejected),
        s.status,
    )


def roundtrip(p: Project, cmd) -> tuple:
    before = state(p)
    cmd.do(p)
    after = state(p)
    assert after != before
    cmd.undo(p)
    assert state(p) == before
    cmd.do(p)
    assert state(p) == after
    return after


def test_accept_suggestion_moves_it_and_starts_progress(project: Project) -> None:
    spans, suggs, rej, status = roundtrip(project, AcceptSuggestion("a1", Span(9, 23, "PER")))
    assert spans == [((9, 23, "PER"), Origin.SUGGESTED)]
    assert (9, 23, "PER") not in suggs
    assert status == ArticleStatus.IN_PROGRESS


def test_reject_remembers_and_is_not_suggested_again(project: Project) -> None:
    roundtrip(project, RejectSuggestion("a1", Span(47, 58, "GPE")))
    added = project.merge_suggestions("a1", [Span(47, 58, "GPE", Origin.SUGGESTED)])
    assert added == []


def test_add_span_replaces_overlapping_suggestion(project: Project) -> None:
    spans, suggs, _, _ = roundtrip(project, AddSpan("a1", Span(0, 23, "PER")))
    assert spans == [((0, 23, "PER"), Origin.MANUAL)]
    assert (9, 23, "PER") not in suggs


def test_relabel_suggestion_accepts_with_new_label_and_rejects_old(project: Project) -> None:
    old = Span(47, 58, "GPE", Origin.SUGGESTED)
    spans, suggs, rej, _ = roundtrip(project, ReplaceSpan("a1", old, old.with_(label="LOC")))
    assert ((47, 58, "LOC"), Origin.SUGGESTED) in spans
    assert (47, 58, "GPE") in rej


def test_resize_accepted_span(project: Project) -> None:
    AcceptSuggestion("a1", Span(9, 23, "PER")).do(project)
    current = project.annotation_set("a1").spans[0]
    spans, *_ = roundtrip(project, ReplaceSpan("a1", current, current.with_(start=0)))
    assert spans[0][0] == (0, 23, "PER")


def test_remove_machine_span_rejects_it(project: Project) -> None:
    AcceptSuggestion("a1", Span(9, 23, "PER")).do(project)
    spans, _, rej, _ = roundtrip(project, RemoveSpan("a1", Span(9, 23, "PER")))
    assert spans == [] and (9, 23, "PER") in rej


def test_accept_all_is_one_undoable_step(project: Project) -> None:
    spans, suggs, _, _ = roundtrip(project, AcceptAll("a1"))
    assert len(spans) == 3 and suggs == []


def test_reject_all_remembers_every_suggestion_and_undoes_in_one_step(project: Project) -> None:
    pending = {s.key for s in project.annotation_set("a1").suggestions}
    spans, suggs, rejected, _ = roundtrip(project, RejectAll("a1"))
    assert suggs == [] and spans == [] and set(rejected) == pending


def test_set_status_done(project: Project) -> None:
    *_, status = roundtrip(project, SetStatus("a1", ArticleStatus.DONE))
    assert status == ArticleStatus.DONE


def test_listeners_hear_every_change(project: Project) -> None:
    heard: list[str] = []
    project.subscribe(heard.append)
    cmd = AcceptAll("a1")
    cmd.do(project)
    cmd.undo(project)
    assert heard == ["a1", "a1"]


def test_unknown_span_is_an_error(project: Project) -> None:
    with pytest.raises(KeyError):
        AcceptSuggestion("a1", Span(0, 3, "PER")).do(project)


def test_annotation_set_roundtrips_through_dict(project: Project) -> None:
    AcceptSuggestion("a1", Span(9, 23, "PER")).do(project)
    RejectSuggestion("a1", Span(47, 58, "GPE")).do(project)
    from annotator.core.annotations import AnnotationSet

    aset = project.annotation_set("a1")
    assert AnnotationSet.from_dict(aset.to_dict()) == aset


def test_overlapping_uses_the_sorted_order_and_finds_every_overlap() -> None:
    from annotator.core.annotations import AnnotationSet

    spans = [Span(i * 10, i * 10 + 5, "PER") for i in range(200)]
    aset = AnnotationSet("a", "ayu", spans=list(spans))
    for start, end in [(0, 1), (3, 12), (4, 1000), (1995, 2000), (5, 10), (2001, 3000)]:
        expected = [s for s in spans if s.overlaps(start, end)]
        assert aset.overlapping(start, end) == expected
    aset.delete_span(Span(500, 505, "PER"))
    assert Span(500, 505, "PER") not in aset.spans and len(aset.spans) == 199


def test_span_notes_and_article_comment_undo_and_survive_a_round_trip(project: Project) -> None:
    from annotator.core.annotations import AnnotationSet
    from annotator.core.commands import SetArticleComment, SetSpanNote

    spans, *_ = roundtrip(project, SetSpanNote("a1", Span(9, 23, "PER"), unsure=True,
                                                comment=" jabatan? "))
    aset = project.annotation_set("a1")
    assert [(s.key, s.unsure, s.comment) for s in aset.spans] == [((9, 23, "PER"), True,
                                                                   "jabatan?")]
    cmd = SetArticleComment("a1", "terpotong")
    cmd.do(project)
    assert aset.comment == "terpotong"
    again = AnnotationSet.from_dict(aset.to_dict())
    assert again.comment == "terpotong" and again.spans[0].unsure and again.spans[0].comment
    cmd.undo(project)
    assert aset.comment == ""
