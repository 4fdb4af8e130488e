"""Suggestion sources: built-in, a spaCy pipeline by path, propagation, and combining them."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from pathlib import Path

import pytest
import spacy

from annotator.core.entities import Entity, KnowledgeBase
from annotator.core.model import Origin, Span
from annotator.core.project import ProjectSettings
from annotator.nlp import sources as src
from annotator.nlp.sources import (
    BuiltinSource,
    CombinedSource,
    PropagationSource,
    SourceError,
    SpacyPipelineSource,
    SuggestionSource,
    combine,
    combine_named,
    sources_from_settings,
)

TEXT = "Presiden Vladimir Putin bertemu Kim Jong Un di Vladivostok, Rusia, pada hari Rabu."


def ruler_pipeline(folder: Path, patterns: list[dict]) -> Path:
    """A tiny spaCy pipeline (blank xx + entity_ruler) saved with nlp.to_disk."""
    nlp = spacy.blank("xx")
    nlp.add_pipe("entity_ruler").add_patterns(patterns)
    nlp.to_disk(folder)
    return folder


@pytest.fixture
def ruler(tmp_path: Path) -> Path:
    return ruler_pipeline(tmp_path / "ruler", [
        {"label": "PERSON", "pattern": "Vladimir Putin"},
        {"label": "PERSON", "pattern": [{"TEXT": "Kim"}, {"TEXT": "Jong"}, {"TEXT": "Un"}]},
        {"label": "GPE", "pattern": "Rusia"},
        {"label": "MISC", "pattern": "Rabu"},
        {"label": "DATE", "pattern": "hari"},
    ])


class Fixed:
    """A source that returns given spans for every text."""

    origin = Origin.MODEL
    cacheable = True

    def __init__(self, name: str, spans: list[Span]) -> None:
        self.name, self.spans = name, spans

    def signature(self) -> str:
        return self.name

    def suggest_many(self, texts: Iterable[str], batch_size: int = 64) -> Iterator[list[Span]]:
        for _ in texts:
            yield list(self.spans)


def test_combine_keeps_the_higher_source_on_overlap() -> None:
    high = [Span(0, 8, "PER", Origin.PROPAGATED, "q1"), Span(20, 25, "GPE", Origin.PROPAGATED)]
    low = [Span(4, 12, "ORG"), Span(10, 15, "LOC"), Span(20, 25, "LOC"), Span(30, 34, "PER")]
    assert combine([high, low]) == [high[0], Span(10, 15, "LOC"), high[1], Span(30, 34, "PER")]
    assert combine([low, high])[0] == Span(4, 12, "ORG")
    named = combine_named([("propagation", high), ("builtin", low)])
    assert [name for name, _ in named] == ["propagation", "builtin", "propagation", "builtin"]
    assert named[0][1].kb_id == "q1" and named[0][1].origin is Origin.PROPAGATED
    assert combine([]) == [] and combine([[], []]) == []


def test_combine_prefers_longer_spans_within_one_source() -> None:
    spans = [Span(0, 3, "PER"), Span(0, 10, "ORG"), Span(5, 8, "GPE"), Span(12, 14, "PER")]
    assert combine([spans]) == [Span(0, 10, "ORG"), Span(12, 14, "PER")]


def test_builtin_source_suggests_with_its_origin() -> None:
    source = BuiltinSource()
    assert isinstance(source, SuggestionSource) and source.name == "builtin"
    spans = next(source.suggest_many([TEXT]))
    assert spans and all(s.origin is Origin.SUGGESTED for s in spans)
    assert ("Vladimir Putin", "PER") in {(TEXT[s.start:s.end], s.label) for s in spans}
    assert source.signature() == BuiltinSource().signature()
    assert source.signature() != BuiltinSource(labels=["PER"]).signature()


def test_spacy_pipeline_by_path_maps_labels(ruler: Path) -> None:
    source = SpacyPipelineSource(ruler, {"PERSON": "PER", "MISC": None}, labels=["PER", "GPE"])
    assert source.name == f"spacy:{ruler}"
    [spans] = list(source.suggest_many([TEXT]))
    got = [(TEXT[s.start:s.end], s.label, s.origin) for s in spans]
    assert got == [("Vladimir Putin", "PER", Origin.MODEL), ("Kim Jong Un", "PER", Origin.MODEL),
                   ("Rusia", "GPE", Origin.MODEL)]  # MISC dropped, DATE not ours
    unfiltered = SpacyPipelineSource(ruler)
    assert {s.label for s in next(unfiltered.suggest_many([TEXT]))} == {
        "PERSON", "GPE", "MISC", "DATE"}


def test_spacy_pipeline_signature_follows_the_folder_and_map(ruler: Path) -> None:
    first = SpacyPipelineSource(ruler, {"PERSON": "PER"}).signature()
    assert first == SpacyPipelineSource(str(ruler), {"PERSON": "PER"}).signature()
    assert first != SpacyPipelineSource(ruler, {"PERSON": "ORG"}).signature()
    ruler_pipeline(ruler, [{"label": "PERSON", "pattern": "Putin"}, {"label": "X", "pattern": "Y"}])
    assert SpacyPipelineSource(ruler, {"PERSON": "PER"}).signature() != first


def test_unusable_pipelines_say_why(tmp_path: Path) -> None:
    with pytest.raises(SourceError, match="not found"):
        src.resolve_pipeline("no_such_pipeline_xyz")
    (tmp_path / "empty").mkdir()
    with pytest.raises(SourceError, match="no config.cfg"):
        src.resolve_pipeline(str(tmp_path / "empty"))
    spacy.blank("xx").to_disk(tmp_path / "blank")
    with pytest.raises(SourceError, match="sets entities"):
        next(SpacyPipelineSource(tmp_path / "blank").suggest_many(["x"]))


def test_propagation_source_finds_linked_aliases() -> None:
    kb = KnowledgeBase([Entity("putin", "Vladimir Putin", "PER", aliases=["Putin"])])
    source = PropagationSource(kb)
    assert not source.cacheable
    [spans] = list(source.suggest_many([TEXT]))
    assert [(TEXT[s.start:s.end], s.kb_id, s.origin) for s in spans] == [
        ("Vladimir Putin", "putin", Origin.PROPAGATED)]
    assert PropagationSource(KnowledgeBase()).signature() != source.signature()


def test_combined_source_applies_priority() -> None:
    high = Fixed("a", [Span(0, 5, "PER")])
    low = Fixed("b", [Span(3, 8, "ORG"), Span(10, 12, "GPE")])
    combined = CombinedSource([high, low])
    assert combined.name == "a+b"
    assert list(combined.suggest_many(["x" * 20, "y" * 20], batch_size=1)) == [
        [Span(0, 5, "PER"), Span(10, 12, "GPE")]] * 2


def test_sources_from_settings_in_priority_order(tmp_path: Path, ruler: Path) -> None:
    settings = ProjectSettings()
    kb = KnowledgeBase()
    assert [s.name for s in sources_from_settings(settings, tmp_path, kb=kb)] == [
        "propagation", "builtin"]
    assert [s.name for s in sources_from_settings(settings, tmp_path)] == ["builtin"]
    settings = settings.with_(suggest_pipeline=str(ruler), suggest_pipeline_labels="PERSON=PER",
                              suggest_priority=["builtin", "pipeline"])
    chosen = sources_from_settings(settings, tmp_path, kb=kb, labels=["PER"])
    assert [s.name for s in chosen] == ["builtin", f"spacy:{ruler}", "propagation"]
    pipeline = chosen[1]
    assert isinstance(pipeline, SpacyPipelineSource) and pipeline.label_map == {"PERSON": "PER"}
    assert [s.name for s in sources_from_settings(settings, tmp_path, kinds=["builtin"])] == [
        "builtin"]


def test_unusable_sources_are_reported_or_raised(tmp_path: Path) -> None:
    settings = ProjectSettings(suggest_propagation=False, suggest_model=True,
                               suggest_pipeline=str(tmp_path / "missing"))
    problems: list[str] = []
    chosen = sources_from_settings(settings, tmp_path, problems=problems)
    assert [s.name for s in chosen] == ["builtin"]
    assert len(problems) == 2 and "no learned model" in problems[0] and "not found" in problems[1]
    with pytest.raises(SourceError):
        sources_from_settings(settings, tmp_path)


def test_source_from_spec(tmp_path: Path, ruler: Path) -> None:
    assert src.source_from_spec("builtin").name == "builtin"
    assert src.source_from_spec(f"spacy:{ruler}").name == f"spacy:{ruler}"
    assert src.source_from_spec("propagation", kb=KnowledgeBase()).name == "propagation"
    for bad, message in (("learned", "no learned model"), ("propagation", "needs a project"),
                         ("magic", "unknown source")):
        with pytest.raises(SourceError, match=message):
            src.source_from_spec(bad, tmp_path)
