"""Gold-set commands: each does, undoes and redoes exactly its change, on the gold set only."""

from __future__ import annotations

import pytest

from annotator.core.annotations import AnnotationSet
from annotator.core.commands import AddSpan, CompositeCommand, RemoveSpan, SetStatus, retarget
from annotator.core.labels import LabelScheme
from annotator.core.model import ArticleInfo, ArticleStatus, Origin, Span
from annotator.core.project import Project
from annotator.core.review import Kind, diff_article, is_resolved
from annotator.core.review_commands import (
    GOLD,
    AcceptAgreed,
    ChooseVersion,
    MarkReviewed,
)

TEXT = "Presiden Vladimir Putin bertemu Kim Jong Un di Vladivostok."
PUTIN = Span(9, 23, "PER", kb_id="putin")
SHORT_PUTIN = Span(18, 23, "PER")
KIM = Span(32, 43, "PER")
VLAD = Span(47, 58, "GPE")


@pytest.fixture()
def project() -> Project:
    p = Project("rina", LabelScheme.default(), lambda _id: TEXT, [ArticleInfo("a1", "t")])
    p.load_sets([
        AnnotationSet("a1", "ayu", spans=[PUTIN, KIM, VLAD], status=ArticleStatus.DONE),
        AnnotationSet("a1", "budi", spans=[SHORT_PUTIN, KIM, VLAD.with_(label="LOC")],
                      status=ArticleStatus.DONE),
    ])
    return p


def items(p: Project):
    return diff_article({a: p.existing_set("a1", a) for a in ("ayu", "budi")})


def state(p: Project, who: str = GOLD) -> tuple:
    s = p.annotation_set("a1", who)
    return ([(x.key, x.kb_id, x.origin) for x in s.spans], [x.key for x in s.suggestions],
            sorted(s.rejected), s.status)


def roundtrip(p: Project, cmd) -> tuple:
    others = (state(p, "ayu"), state(p, "budi"), state(p, "rina"))
    before = state(p)
    cmd.do(p)
    after = state(p)
    assert after != before
    cmd.undo(p)
    assert state(p) == before
    cmd.do(p)
    assert state(p) == after
    assert (state(p, "ayu"), state(p, "budi"), state(p, "rina")) == others
    return after


def test_items_of_the_fixture(project: Project) -> None:
    assert [i.kind for i in items(project)] == [Kind.BOUNDARY, Kind.AGREED, Kind.LABEL]


def test_accept_agreed_is_one_step(project: Project) -> None:
    notified: list[str] = []
    project.subscribe(notified.append)
    spans, _, rej, status = roundtrip(project, AcceptAgreed("a1", items(project)))
    assert spans == [(KIM.key, None, Origin.MANUAL)]
    assert status == ArticleStatus.IN_PROGRESS and rej == []
    assert notified == ["a1"] * 3


def test_choose_one_annotators_version(project: Project) -> None:
    boundary = items(project)[0]
    spans, _, _, _ = roundtrip(project, ChooseVersion("a1", boundary, boundary.version("ayu")))
    assert spans == [(PUTIN.key, "putin", Origin.MANUAL)]
    assert is_resolved(boundary, project.annotation_set("a1", GOLD))


def test_choose_replaces_overlapping_gold_spans(project: Project) -> None:
    boundary = items(project)[0]
    ChooseVersion("a1", boundary, PUTIN).do(project)
    cmd = ChooseVersion("a1", boundary, SHORT_PUTIN)
    spans, _, _, _ = roundtrip(project, cmd)
    assert spans == [(SHORT_PUTIN.key, None, Origin.MANUAL)]


def test_choose_an_edited_span(project: Project) -> None:
    label = items(project)[2]
    edited = Span(47, 58, "LOC", kb_id="vladivostok")
    spans, _, _, _ = roundtrip(project, ChooseVersion("a1", label, edited))
    assert spans == [(edited.key, "vladivostok", Origin.MANUAL)]


def test_reject_removes_and_remembers(project: Project) -> None:
    boundary = items(project)[0]
    ChooseVersion("a1", boundary, PUTIN).do(project)
    spans, _, rej, _ = roundtrip(project, ChooseVersion("a1", boundary, None))
    assert spans == []
    assert rej == sorted([PUTIN.key, SHORT_PUTIN.key])
    assert is_resolved(boundary, project.annotation_set("a1", GOLD))
    # choosing a version later lifts the rejection of that span only
    spans, _, rej, _ = roundtrip(project, ChooseVersion("a1", boundary, SHORT_PUTIN))
    assert spans == [(SHORT_PUTIN.key, None, Origin.MANUAL)] and rej == [PUTIN.key]


def test_choose_same_span_again_changes_nothing(project: Project) -> None:
    boundary = items(project)[0]
    ChooseVersion("a1", boundary, PUTIN).do(project)
    again = ChooseVersion("a1", boundary, PUTIN)
    again.do(project)
    assert again.changes == []


def test_choose_rejects_overlapping_spans() -> None:
    only = AnnotationSet("a1", "a", spans=[PUTIN], status=ArticleStatus.DONE)
    item = diff_article({"a": only})[0]
    with pytest.raises(ValueError, match="overlap"):
        ChooseVersion("a1", item, [PUTIN, SHORT_PUTIN])


def test_accept_agreed_leaves_decided_items_alone(project: Project) -> None:
    agreed = items(project)[1]
    ChooseVersion("a1", agreed, None).do(project)  # the reviewer rejected KIM
    cmd = AcceptAgreed("a1", items(project))
    cmd.do(project)
    assert cmd.changes == [] and project.annotation_set("a1", GOLD).spans == []


def test_mark_reviewed_records_the_reviewer(project: Project) -> None:
    AcceptAgreed("a1", items(project)).do(project)
    cmd = MarkReviewed("a1", " rina ")
    *_, status = roundtrip(project, cmd)
    gold = project.annotation_set("a1", GOLD)
    assert status == ArticleStatus.REVIEWED and gold.reviewer == "rina"
    assert gold.to_dict()["reviewer"] == "rina"
    cmd.undo(project)
    assert gold.reviewer == "" and gold.status == ArticleStatus.IN_PROGRESS
    with pytest.raises(ValueError):
        MarkReviewed("a1", "  ")


def test_ordinary_commands_on_gold(project: Project) -> None:
    spans, *_ = roundtrip(project, retarget(AddSpan("a1", VLAD), GOLD))
    assert spans == [(VLAD.key, None, Origin.MANUAL)]
    spans, *_ = roundtrip(project, retarget(RemoveSpan("a1", VLAD), GOLD))
    assert spans == []
    *_, status = roundtrip(project, retarget(SetStatus("a1", ArticleStatus.DONE), GOLD))
    assert status == ArticleStatus.DONE


def test_a_whole_review_undoes_as_one_composite(project: Project) -> None:
    its = items(project)
    before = state(project)
    review = CompositeCommand("Review", [
        AcceptAgreed("a1", its),
        ChooseVersion("a1", its[0], its[0].version("budi")),
        ChooseVersion("a1", its[2], None),
        MarkReviewed("a1", "rina"),
    ])
    after = roundtrip(project, review)
    assert after[0] == [(SHORT_PUTIN.key, None, Origin.MANUAL), (KIM.key, None, Origin.MANUAL)]
    assert after[2] == sorted([VLAD.key, VLAD.with_(label="LOC").key])
    assert after[3] == ArticleStatus.REVIEWED
    review.undo(project)
    assert state(project) == before
