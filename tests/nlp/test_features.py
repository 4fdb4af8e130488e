"""The built-in suggester's spans as features of the learned model (token tags before ner)."""

from __future__ import annotations

from pathlib import Path

import pytest
import spacy

from annotator.core.model import Span
from annotator.nlp import crf, features
from annotator.nlp.builtin import BuiltinSuggester
from annotator.nlp.learned import train
from annotator.nlp.model_store import LearnedSource, learned_dir, read_scores
from annotator.nlp.tokens import make_nlp
from tests.nlp.test_learned import TINY, build

TEXT = "Presiden Joko Widodo bertemu Vladimir Putin di Moskow, Rusia."


def test_rule_tags_follow_the_builtin_spans(suggester: BuiltinSuggester) -> None:
    doc = make_nlp().make_doc(TEXT)
    tags = features.rule_tags(doc, suggester)
    assert len(tags) == len(doc)
    expected = ["O"] * len(doc)
    for span in suggester.suggest(TEXT):
        found = doc.char_span(span.start, span.end)
        assert found is not None
        for i in range(found.start, found.end):
            expected[i] = f"{'B' if i == found.start else 'I'}-{span.label}"
    assert tags == expected and any(t != "O" for t in tags)
    assert "ruler" not in doc.spans  # the suggester's scratch key is not left behind


def test_component_sets_token_tags() -> None:
    nlp = make_nlp()
    nlp.add_pipe(features.FACTORY)
    doc = nlp(TEXT)
    assert [t.tag_ for t in doc] == features.rule_tags(make_nlp().make_doc(TEXT))
    assert [t.tag_ for t in nlp("")] == []
    lowered = nlp(TEXT.lower())  # no capitals: the rules see little, the look-ups still work
    lemmas = {t.text: t.lemma_ for t in lowered}
    assert lemmas["moskow"] == "GB-GPE" and lemmas["di"] == "COMMON"
    assert lemmas["vladimir"] in ("FIRST", "GB-PER")


def test_trained_with_features_saves_and_loads(tmp_path: Path) -> None:
    project, store = build(tmp_path / "p")
    try:
        result = train(project, learned_dir(tmp_path / "p"), **TINY)
    finally:
        store.close()
    assert result.path is not None and read_scores(result.path)["features"] is True  # type: ignore
    assert spacy.load(result.path).pipe_names == [features.FACTORY, crf.FACTORY]
    source = LearnedSource(result.path, read_scores(result.path) or {})
    [spans] = list(source.suggest_many([TEXT]))
    assert all(0 <= s.start < s.end <= len(TEXT) for s in spans)


def test_trained_without_features_is_the_crf_alone(tmp_path: Path) -> None:
    project, store = build(tmp_path / "p")
    try:
        result = train(project, learned_dir(tmp_path / "p"), features=False, **TINY)
    finally:
        store.close()
    assert result.path is not None and spacy.load(result.path).pipe_names == [crf.FACTORY]


def test_training_scores_both_orders_and_the_app_follows_the_better(tmp_path: Path) -> None:
    from annotator.core.project import ProjectSettings
    from annotator.nlp.heldout import MODEL_FIRST, OTHERS_FIRST
    from annotator.nlp.sources import BuiltinSource, sources_from_settings
    from annotator.store.atomic import write_json_atomic

    root = tmp_path / "p"
    project, store = build(root)
    try:
        result = train(project, learned_dir(root), current=BuiltinSource(), **TINY)
    finally:
        store.close()
    assert result.order in (MODEL_FIRST, OTHERS_FIRST) and result.combined is not None
    from annotator.nlp.heldout import MIN_SWITCH_SPANS, switch_margin
    from annotator.nlp.learned import training_data

    held_out = sum(len(i.spans) for i in training_data(project).dev)
    assert result.switched == ((result.combined["ents_f"] or 0) > (result.current or {}).get(
        "ents_f", 0) + switch_margin(held_out) and held_out >= MIN_SWITCH_SPANS)
    saved = read_scores(result.path)  # type: ignore[arg-type]
    assert saved is not None and saved["order"] == result.order
    settings = ProjectSettings(suggest_propagation=False, suggest_model=True)
    for order, names in ((MODEL_FIRST, ["learned", "builtin"]),
                         (OTHERS_FIRST, ["builtin", "learned"])):
        # a model kept aside is promoted by hand here, so both orders can be checked
        target = learned_dir(root)
        if result.path != target:
            from annotator.nlp.learned import promote_candidate

            promote_candidate(root)
            result.path = target
        write_json_atomic(target / "scores.json", {**saved, "order": order})
        assert [s.name for s in sources_from_settings(settings, root)] == names
    settings = settings.with_(suggest_priority=["learned", "builtin"])  # the analyst's order
    assert [s.name for s in sources_from_settings(settings, root)] == ["learned", "builtin"]


def test_refresh_updates_the_learned_model_in_place(tmp_path: Path) -> None:
    from annotator.nlp.refresh import refresh

    root = tmp_path / "p"
    project, store = build(root)
    try:
        from annotator.nlp.learned import training_data

        data = training_data(project)
        first = next(i.article_id for i in data.train if i.complete)
        assert refresh(project, root, [first]) is None  # no learned model yet
        train(project, learned_dir(root), **TINY)
        before = read_scores(learned_dir(root))
        model = (learned_dir(root) / crf.FACTORY / crf.MODEL_FILE).read_bytes()
        aset = project.annotation_set(first)  # the analyst adds a name, then it is trained on
        aset.insert_span(Span(0, 6, "PER"))
        assert refresh(project, root, [first]) == learned_dir(root)
        assert (learned_dir(root) / crf.FACTORY / crf.MODEL_FILE).read_bytes() != model
        after = read_scores(learned_dir(root))
        assert before is not None and after is not None
        assert after["model_id"] != before["model_id"] and after["refreshed_on"] == [first]
        assert after["ents_f"] == before["ents_f"] and after["articles"] == before["articles"]
        assert sorted(p.name for p in (root / "models").iterdir()) == ["features", "learned"]
        source = LearnedSource(learned_dir(root), after)
        assert len(list(source.suggest_many([TEXT, project.text(first)]))) == 2
        assert refresh(project, root, ["no-such-article"]) is None
        project.annotation_set(first).insert_span(Span(7, 12, "EVENT"))  # a label it lacks
        assert refresh(project, root, [first]) is None  # waits for the next full training
    finally:
        store.close()


def test_pick_order_needs_a_clear_win_for_the_model() -> None:
    from annotator.nlp.heldout import MODEL_FIRST, OTHERS_FIRST, pick_order

    assert pick_order(0.90, 0.65, 30) == OTHERS_FIRST  # 30 held-out spans cannot tell
    assert pick_order(0.70, 0.65, 400) == MODEL_FIRST
    assert pick_order(0.66, 0.65, 400) == OTHERS_FIRST  # within the noise
    assert pick_order(0.60, 0.65, 10_000) == OTHERS_FIRST
    assert pick_order(None, None, 0) == OTHERS_FIRST
    # a model that reads the rules' findings goes first unless clearly worse
    assert pick_order(0.60, 0.62, 30, reads_rules=True) == MODEL_FIRST
    assert pick_order(0.50, 0.65, 400, reads_rules=True) == OTHERS_FIRST


def test_the_new_model_is_combined_without_the_old_one() -> None:
    from annotator.nlp.heldout import without_learned
    from annotator.nlp.sources import BuiltinSource, CombinedSource

    class Old:
        name = "learned"

    builtin = BuiltinSource()
    both = CombinedSource([Old(), builtin])  # type: ignore[list-item]
    assert [s.name for s in without_learned(both).sources] == ["builtin"]  # type: ignore
    alone = CombinedSource([builtin])
    assert without_learned(alone) is alone and without_learned(builtin) is builtin


def test_the_others_fill_the_models_gaps_for_every_label(tmp_path: Path) -> None:
    from annotator.core.model import Article
    from annotator.core.project import ProjectSettings
    from annotator.nlp.cache import suggest_articles
    from annotator.nlp.sources import BuiltinSource, sources_from_settings

    root = tmp_path / "p"
    project, store = build(root)
    try:
        train(project, learned_dir(root), current=BuiltinSource(), **TINY)
        if not (learned_dir(root) / "scores.json").exists():
            from annotator.nlp.learned import promote_candidate

            promote_candidate(root)
        settings = ProjectSettings(suggest_propagation=False, suggest_model=True)
        sources = sources_from_settings(settings, root)
        assert sorted(s.name for s in sources) == ["builtin", "learned"]
        extra = Article.from_text(TEXT, "extra")
        store.add_articles([extra])
        project.add_infos(store.article_infos())
        [found] = list(suggest_articles(project, root, sources, [extra.id]))
        [rules] = list(suggest_articles(project, root, [BuiltinSource()], [extra.id]))
        [model] = list(suggest_articles(project, root, [s for s in sources if s.name == "learned"],
                                        [extra.id]))
        covered = {(s.start, s.end) for s in found.spans}
        for span in rules.spans:  # every rule span is shown, or overlaps one that is
            assert (span.start, span.end) in covered or any(
                s.start < span.end and span.start < s.end for s in found.spans)
        assert len(found.spans) >= len(model.spans)
    finally:
        store.close()


@pytest.mark.parametrize("cross_checked", [True, False])
def test_training_reports_progress_and_can_be_cancelled(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, cross_checked: bool) -> None:
    from annotator.nlp import learned
    from annotator.nlp.learned import training_data
    from annotator.nlp.sources import BuiltinSource

    if not cross_checked:  # a larger project: one held-out part instead of five folds
        monkeypatch.setattr(learned, "CROSS_CHECK_CHARS", 0)
    root = tmp_path / "p"
    project, store = build(root, n=14, done=10)
    try:
        progress: list[tuple[int, int]] = []
        phases: list[str] = []
        result = train(project, learned_dir(root), current=BuiltinSource(),
                       progress=lambda d, t: progress.append((d, t)), phase=phases.append,
                       **TINY)
        assert not result.cancelled and phases == [
            "Reading the annotated articles…", "Training…", "Training on every finished article…"]
        total = progress[-1][1]
        data = training_data(project)
        read = len(data.train) + len(data.dev)
        fits = result.folds + 1 if cross_checked else 2  # then once more on every article
        assert (result.folds > 1) == cross_checked
        assert total == read + fits * TINY["iterations"] and progress[-1][0] == total
        assert all(t == total for _, t in progress)
        assert [d for d, _ in progress] == sorted(d for d, _ in progress)
        assert any(d == read for d, _ in progress)  # the articles read, then the iterations
        saved = read_scores(result.path)  # type: ignore[arg-type]
        for when in ("Reading the annotated articles…", "Training…",
                     "Training on every finished article…"):
            seen: list[str] = []
            stopped = train(project, result.path, current=BuiltinSource(),  # type: ignore
                            cancelled=lambda w=when, s=seen: w in s, phase=seen.append,
                            **TINY)
            assert stopped.cancelled and stopped.path is None, when
            assert read_scores(result.path) == saved  # type: ignore[arg-type]
            assert sorted(p.name for p in (root / "models").iterdir()) == sorted(
                ["features", result.path.name])  # type: ignore[union-attr]
    finally:
        store.close()
