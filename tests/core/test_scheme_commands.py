"""Label scheme commands: add, edit, rename (relabels everything), delete; all undoable."""

from __future__ import annotations

import pytest

from annotator.core.commands import CompositeCommand
from annotator.core.entities import Entity
from annotator.core.labels import Label, LabelScheme
from annotator.core.model import ArticleInfo, Origin, Span
from annotator.core.project import Project
from annotator.core.scheme_commands import (
    AddLabel,
    DeleteLabel,
    EditLabel,
    LabelInUse,
    RenameLabel,
    free_key,
    label_problems,
    label_usage,
)

TEXT = "Presiden Vladimir Putin bertemu Kim Jong Un di Vladivostok."


@pytest.fixture()
def project() -> Project:
    p = Project(
        "ayu",
        LabelScheme.default(),
        lambda _id: TEXT,
        [ArticleInfo("a1", "t"), ArticleInfo("a2", "u")],
    )
    mine = p.annotation_set("a1")
    mine.insert_span(Span(9, 23, "PER", kb_id="putin"))
    mine.insert_suggestion(Span(32, 43, "PER", Origin.SUGGESTED))
    mine.insert_suggestion(Span(47, 58, "GPE", Origin.SUGGESTED))
    mine.rejected.add((0, 8, "PER"))
    mine.updated = 123.0
    theirs = p.annotation_set("a1", "budi")
    theirs.insert_span(Span(32, 43, "PER"))
    p.kb.add(Entity("putin", "Vladimir Putin", "PER"))
    return p


def snapshot(p: Project) -> tuple:
    sets = [s for who in p.annotators() for s in p.sets_of(who)]
    return (
        p.scheme.to_list(),
        sorted(
            (
                s.annotator,
                s.article_id,
                [x.key for x in s.spans],
                [x.key for x in s.suggestions],
                sorted(s.rejected),
                s.updated,
            )
            for s in sets
        ),
        sorted((e.kb_id, e.label) for e in p.kb),
    )


def roundtrip(p: Project, cmd) -> tuple:  # noqa: ANN001
    before = snapshot(p)
    cmd.do(p)
    after = snapshot(p)
    assert after != before
    cmd.undo(p)
    assert snapshot(p) == before
    cmd.do(p)
    assert snapshot(p) == after
    return after


def test_rename_relabels_spans_suggestions_rejections_entities_of_everyone(
    project: Project,
) -> None:
    seen: list[LabelScheme] = []
    notified: list[str] = []
    project.subscribe(notified.append)
    cmd = RenameLabel("PER", "PERSON", on_changed=seen.append)
    roundtrip(project, cmd)
    assert project.scheme.names[0] == "PERSON" and "PER" not in project.scheme
    assert project.scheme.get("PERSON").color == "#E69F00"
    mine = project.annotation_set("a1")
    assert [s.label for s in mine.spans] == ["PERSON"]
    assert mine.spans[0].kb_id == "putin"
    assert [s.label for s in mine.suggestions] == ["PERSON", "GPE"]
    assert mine.rejected == {(0, 8, "PERSON")}
    assert mine.updated == 123.0  # not annotation work
    assert [s.label for s in project.annotation_set("a1", "budi").spans] == ["PERSON"]
    assert project.kb["putin"].label == "PERSON"
    assert seen[-1] is project.scheme and len(seen) == 3
    assert notified == ["a1"] * 3 and cmd.articles == ["a1"]


def test_rename_refuses_clashes_and_bad_names(project: Project) -> None:
    for new in ("ORG", "two words", "", "PER"):
        with pytest.raises(ValueError):
            RenameLabel("PER", new).prepare(project)
    with pytest.raises(KeyError):
        RenameLabel("NOPE", "X").prepare(project)
    assert project.scheme.names[0] == "PER"


def test_add_label_takes_its_key_from_another(project: Project) -> None:
    after = roundtrip(project, AddLabel(Label("MISC", "#777777", "dot", "3", "Lain-lain")))
    assert project.scheme.names[-1] == "MISC"
    assert project.scheme.by_key("3").name == "MISC" and project.scheme.get("GPE").key == ""
    assert after[0][-1]["description"] == "Lain-lain"
    with pytest.raises(ValueError, match="already"):
        AddLabel(Label("MISC", "#777777")).prepare(project)
    with pytest.raises(ValueError, match="RRGGBB"):
        AddLabel(Label("NEW", "red")).prepare(project)


def test_edit_label_colour_key_description(project: Project) -> None:
    roundtrip(project, EditLabel("ORG", color="#000000", key="1", description="Lembaga"))
    org = project.scheme.get("ORG")
    assert (org.color, org.key, org.description) == ("#000000", "1", "Lembaga")
    assert project.scheme.get("PER").key == ""
    assert project.scheme.names == LabelScheme.default().names  # order kept
    with pytest.raises(ValueError):
        EditLabel("ORG", key="0").prepare(project)
    with pytest.raises(ValueError):
        EditLabel("ORG", description="two\nlines").prepare(project)


def test_delete_unused_label_directly(project: Project) -> None:
    assert label_usage(project, "EVENT").unused
    roundtrip(project, DeleteLabel("EVENT"))
    assert "EVENT" not in project.scheme


def test_delete_used_label_needs_confirmation_and_undoes_in_one_step(project: Project) -> None:
    usage = label_usage(project, "PER")
    assert (usage.spans, usage.suggestions, usage.articles, usage.entities) == (2, 1, 1, 1)
    assert "2 span(s)" in usage.describe() and "1 entity" in usage.describe()
    with pytest.raises(LabelInUse) as info:
        DeleteLabel("PER").prepare(project)
    assert info.value.usage == usage
    assert "PER" in project.scheme
    roundtrip(project, DeleteLabel("PER", confirmed=True))
    mine = project.annotation_set("a1")
    assert [s.label for s in mine.all_spans()] == ["GPE"]
    assert project.annotation_set("a1", "budi").spans == []
    assert mine.rejected == {(0, 8, "PER")}  # kept
    assert project.kb["putin"].label == "PER"  # kept


def test_commands_compose_into_one_undo_step(project: Project) -> None:
    before = snapshot(project)
    combo = CompositeCommand("Relabel", [RenameLabel("PER", "ORANG"), EditLabel("ORANG", key="9")])
    combo.do(project)
    assert project.scheme.by_key("9").name == "ORANG"
    combo.undo(project)
    assert snapshot(project) == before


def test_label_problems_and_free_key() -> None:
    scheme = LabelScheme.default()
    assert label_problems(scheme, Label("NEW", "#123456", "wave", "", "ok")) == []
    assert len(label_problems(scheme, Label("a b", "#12345", "zigzag", "x", ""))) == 4
    assert free_key(scheme) == "8"
    assert free_key(LabelScheme([Label(str(i), "#000000", key=str(i)) for i in range(1, 10)])) == ""


def test_two_renames_undo_back_to_the_first_name(project: Project) -> None:
    first = RenameLabel("PER", "ORANG")
    first.do(project)
    second = RenameLabel("ORANG", "PERSON")
    second.do(project)
    assert "PERSON" in project.scheme and "PER" not in project.scheme
    second.undo(project)
    first.undo(project)
    assert project.scheme.names[0] == "PER" and "ORANG" not in project.scheme
