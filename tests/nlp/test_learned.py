"""The learned model: training data and split, tiny training runs, saving, switching, retraining."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from pathlib import Path

import pytest
import spacy

from annotator.core.model import Article, ArticleStatus, Origin, Span
from annotator.core.project import Project, ProjectSettings
from annotator.nlp import crf, heldout, learned
from annotator.nlp import refresh as loop
from annotator.nlp.heldout import should_switch
from annotator.nlp.learned import (
    TrainError,
    promote_candidate,
    retrain_due,
    train,
    training_data,
)
from annotator.nlp.model_store import (
    LearnedSource,
    candidate_dir,
    learned_dir,
    load_learned,
    read_scores,
)
from annotator.nlp.ranks import RANK_WEAK
from annotator.nlp.tokens import make_nlp
from annotator.store.project_store import ProjectStore
from annotator.store.session import open_project
from tests.io.test_formats_common import article, spans_of

TINY = {"iterations": 12}


def build(root: Path, n: int = 12, done: int = 10) -> tuple[Project, ProjectStore]:
    """`n` articles; the first `done` finished, the next one in progress, the rest untouched."""
    project, store = open_project(root, "ayu", sync=False, window=0.0)
    store.add_articles(Article.from_text(article(i)[0], f"A{i}") for i in range(n))
    project.add_infos(store.article_infos())
    for i, article_id in enumerate(project.article_ids[: done + 1]):
        aset = project.annotation_set(article_id)
        spans = spans_of(project.text(article_id), article(i)[1])
        for span in spans if i < done else spans[:2]:
            aset.insert_span(span)
        aset.rejected.add((0, 6, "ORG"))  # "Berita" is not an organisation
        aset.status = ArticleStatus.DONE if i < done else ArticleStatus.IN_PROGRESS
    return project, store


@pytest.fixture
def proj(tmp_path: Path) -> Iterator[tuple[Project, Path]]:
    project, store = build(tmp_path / "p")
    yield project, tmp_path / "p"
    store.close()


def result_items(project: Project) -> list[learned.TrainItem]:
    data = training_data(project)
    return [*data.train, *data.dev]


class Perfect:
    """A current source that knows every answer."""

    name = "perfect"
    origin = Origin.SUGGESTED
    cacheable = False

    def __init__(self, project: Project) -> None:
        self.answers = {project.text(i): list(project.annotation_set(i).spans)
                        for i in project.article_ids}

    def signature(self) -> str:
        return "perfect"

    def suggest_many(self, texts: Iterable[str], batch_size: int = 64) -> Iterator[list[Span]]:
        for text in texts:
            yield self.answers.get(text, [])


def test_training_data_split_by_article(proj: tuple[Project, Path]) -> None:
    project, root = proj
    data = training_data(project, seed=0, dev_ratio=0.3)
    assert len(data.train) + len(data.dev) == 11
    assert data.dev and all(item.complete for item in data.dev)
    partial = [item for item in data.train if not item.complete]
    assert len(partial) == 1 and len(partial[0].spans) == 2
    assert data.labels == ["GPE", "ORG", "PER"]
    dev = {item.article_id for item in data.dev}
    more, store = build(root.parent / "q", n=30, done=28)
    bigger = {item.article_id for item in training_data(more, seed=0, dev_ratio=0.3).dev}
    store.close()
    assert dev <= bigger  # an article keeps its side as the project grows
    assert training_data(project, "nobody").train == []


def test_sequences_of_articles_in_progress_are_their_marked_sentences(
        proj: tuple[Project, Path]) -> None:
    project, _ = proj
    data = training_data(project)
    nlp = make_nlp()
    partial = next(item for item in data.train if not item.complete)
    doc = nlp.make_doc(partial.text)
    sentences = learned._sequences(nlp, partial)
    assert 0 < len(sentences) < len(crf.sentence_ranges(doc))  # only the marked sentences
    tagged = [t for _, tags in sentences for t in tags if t != "O"]
    assert len([t for t in tagged if t.startswith("B-")]) == len(partial.spans)
    first_words = [feats[0] for feats, _ in sentences]
    assert "w=berita" in first_words[0]  # the rejected "Berita": a sentence of evidence
    assert sentences[0][1][0] == "O"
    [(feats, tags)] = learned._sequences(nlp, data.dev[0])  # a finished article: whole
    assert len(feats) == len(tags) == len(nlp.make_doc(data.dev[0].text))


def test_train_saves_a_model_that_suggests(proj: tuple[Project, Path]) -> None:
    project, root = proj
    steps: list[int] = []
    result = train(project, learned_dir(root), progress=lambda d, t: steps.append(d), **TINY)
    assert not result.cancelled and result.switched and result.path == learned_dir(root)
    assert set(result.scores) == {"ents_p", "ents_r", "ents_f", "ents_per_type"}
    assert 0 < result.steps <= 12 and result.n_dev >= 1
    fits = result.folds + 1  # small: every finished article checked in folds, then all
    assert result.folds > 1 and result.n_dev == sum(i.complete for i in result_items(project))
    assert steps[-1] == len(result_items(project)) + fits * 12 and steps == sorted(steps)
    scores = read_scores(result.path)
    assert scores is not None and scores["ents_f"] == result.f and scores["labels"] == [
        "GPE", "ORG", "PER"]
    source = load_learned(root)
    assert isinstance(source, LearnedSource) and source.name == "learned"
    [spans] = list(source.suggest_many([project.text(project.article_ids[0])]))
    assert all(s.origin is Origin.MODEL for s in spans)
    # spaCy loads it by itself (the rule features' factory is an entry point of the package)
    assert spacy.load(result.path).pipe_names == ["annotator_rule_features", "annotator_crf_ner"]


def test_a_model_that_does_not_win_goes_to_candidate(proj: tuple[Project, Path]) -> None:
    project, root = proj
    first = train(project, learned_dir(root), **TINY)
    first_id = read_scores(first.path)["model_id"]  # type: ignore[index]
    result = train(project, learned_dir(root), current=Perfect(project), **TINY)
    assert result.current is not None and result.current["ents_f"] == pytest.approx(1.0)
    assert not result.switched and result.path == candidate_dir(root)
    assert read_scores(learned_dir(root))["model_id"] == first_id  # type: ignore[index]
    assert promote_candidate(root) == learned_dir(root)
    assert read_scores(learned_dir(root))["current_source"] == "perfect"  # type: ignore[index]
    assert read_scores(root / "models" / "learned-previous")["model_id"] == first_id  # type: ignore
    with pytest.raises(TrainError, match="no candidate"):
        promote_candidate(root)


def test_cancel_saves_nothing(proj: tuple[Project, Path]) -> None:
    project, root = proj
    result = train(project, learned_dir(root), cancelled=lambda: True, **TINY)
    assert result.cancelled and result.path is None
    assert not (root / "models").exists() or not any((root / "models").iterdir())


def test_nothing_to_train_on(tmp_path: Path) -> None:
    project, store = build(tmp_path / "p", n=3, done=0)
    try:
        project.annotation_set(project.article_ids[0]).spans.clear()
        with pytest.raises(TrainError, match="nothing to train on"):
            train(project, learned_dir(tmp_path / "p"), **TINY)
    finally:
        store.close()


def test_should_switch() -> None:
    assert should_switch(0.6, 0.5) and should_switch(0.1, None)
    assert not should_switch(0.5, 0.5) and not should_switch(None, 0.2)
    assert not should_switch(None, None) and not should_switch(0.55, 0.5, margin=0.1)


def test_switching_needs_a_win_beyond_the_held_out_noise() -> None:
    from annotator.nlp.heldout import switch_margin

    assert switch_margin(50) > 0.07 > switch_margin(52) and switch_margin(0) == 0.5
    assert not should_switch(0.678, 0.667, switch_margin(60))  # a seed-1 case: noise
    assert should_switch(0.683, 0.601, switch_margin(330))


def test_retrain_after_newly_finished_articles(tmp_path: Path) -> None:
    project, store = build(tmp_path / "p", n=14, done=10)
    root = tmp_path / "p"
    try:
        assert retrain_due(project, root, 10) and not retrain_due(project, root, 11)
        train(project, learned_dir(root), **TINY)
        assert not retrain_due(project, root, 1)
        for article_id in project.article_ids[11:13]:
            aset = project.annotation_set(article_id)
            aset.insert_span(Span(0, 6, "ORG"))
            aset.status = ArticleStatus.DONE
        assert learned.newly_finished(project, root) == 2
        assert retrain_due(project, root, 2) and not retrain_due(project, root, 3)
        assert not retrain_due(project, root, 0)
        settings = ProjectSettings(retrain_after=2)
        assert not learned.auto_retrain_due(project, root, settings)  # learned model off
        settings = settings.with_(suggest_model=True)
        assert learned.auto_retrain_due(project, root, settings)
        settings = settings.with_(retrain_after=0)
        assert not learned.auto_retrain_due(project, root, settings)
    finally:
        store.close()


def test_updates_in_the_loop_take_fewer_passes_on_large_data() -> None:
    from annotator.nlp.refresh import REFRESH_TOKEN_PASSES, refresh_passes

    assert refresh_passes(10, 1_000) == 10 and refresh_passes(10, REFRESH_TOKEN_PASSES // 10) == 10
    assert refresh_passes(10, REFRESH_TOKEN_PASSES // 4) == 4
    assert refresh_passes(10, 10 * REFRESH_TOKEN_PASSES) == 2 and refresh_passes(1, 10**9) == 1


def test_training_fills_the_feature_cache_the_update_reads(proj: tuple[Project, Path]) -> None:
    project, root = proj
    train(project, learned_dir(root), **TINY)
    [folder] = list((root / "models" / "features").iterdir())
    files = {p.name: p.stat().st_mtime_ns for p in folder.iterdir()}
    assert len(files) >= len(result_items(project))  # each text (and some lower-cased ones)
    first = result_items(project)[0].article_id
    assert loop.refresh(project, root, [first]) == learned_dir(root)
    assert {p.name: p.stat().st_mtime_ns for p in folder.iterdir()} == files  # only read


def test_small_projects_are_checked_on_every_finished_article_in_folds(tmp_path: Path) -> None:
    project, store = build(tmp_path / "p", n=14, done=12)
    try:
        items = result_items(project)
        folds = learned._folds(items, seed=0)
        ids = [i.article_id for fold in folds for i in fold]
        finished = sorted(i.article_id for i in items if i.complete)
        assert sorted(ids) == finished and 1 < len(folds) <= learned.FOLDS  # each in one fold
        assert learned._folds(items, seed=1) != folds  # the seed decides
        assert learned._folds(items[:9], seed=0) == []  # too few articles: one held-out part
    finally:
        store.close()


def test_an_update_in_the_loop_trains_on_the_new_articles_and_a_sample_of_the_rest(
        proj: tuple[Project, Path], monkeypatch: pytest.MonkeyPatch) -> None:
    project, root = proj
    items = result_items(project)
    fresh = {items[-1].article_id}
    size = len(items[0].text)
    assert loop.refresh_sample(items, fresh, 0, budget=10**9) == [
        items[-1], *items[:-1]]  # while everything fits: all of it
    sample = loop.refresh_sample(items, fresh, 0, budget=4 * size)
    assert sample[0] == items[-1] and 1 < len(sample) < len(items)
    assert sum(len(i.text) for i in sample) <= 4 * size
    assert sample == loop.refresh_sample(items, fresh, 0, budget=4 * size)  # seeded
    assert loop.refresh_sample(items, fresh, 1, budget=4 * size) != sample
    alone = loop.refresh_sample(items, fresh, 0, budget=1)  # the new ones, whatever it costs
    assert alone == [items[-1]]

    train(project, learned_dir(root), **TINY)
    trained_on: list[int] = []
    real = crf.train_crf
    monkeypatch.setattr(crf, "train_crf",
                        lambda seqs, **kw: trained_on.append(len(seqs)) or real(seqs, **kw))
    monkeypatch.setattr(loop, "REFRESH_CHARS", 3 * size)
    before = read_scores(learned_dir(root))["model_id"]  # type: ignore[index]
    assert loop.refresh(project, root, [items[0].article_id]) == learned_dir(root)
    assert read_scores(learned_dir(root))["model_id"] != before  # type: ignore[index]
    monkeypatch.setattr(loop, "REFRESH_CHARS", 10**9)
    loop.refresh(project, root, [items[0].article_id])
    assert trained_on[0] < trained_on[1]  # a sample, then every article


GUESSES = ["Marvolen", "Sindaru", "Kombrat", "Tralisca", "Dorvemi", "Pelunta"]


def guessing_texts(n: int) -> list[tuple[str, list[tuple[str, str]]]]:
    """News texts (and their names) with capitalised made-up words that are not names, which
    the rules guess are people."""
    texts = []
    for i in range(n):
        text, ents = article(i)
        a, b = GUESSES[i % 6], GUESSES[(i + 3) % 6]
        texts.append((f"{text} Lagu {a} dan {b} diputar lagi kemarin, juga {a}ku.", ents))
    return texts


def guessing_project(root: Path, n: int = 12) -> tuple[Project, ProjectStore]:
    """Finished articles whose made-up words the analyst did not mark: on this text the
    rules' guesses are wrong."""
    project, store = open_project(root, "ayu", sync=False, window=0.0)
    texts = guessing_texts(n)
    store.add_articles(Article.from_text(t, f"G{i}") for i, (t, _) in enumerate(texts))
    project.add_infos(store.article_infos())
    for article_id, (text, ents) in zip(project.article_ids, texts, strict=True):
        aset = project.annotation_set(article_id)
        for span in spans_of(text, ents):
            aset.insert_span(span)
        aset.status = ArticleStatus.DONE
    return project, store


def test_the_rules_guesses_stay_out_when_the_held_out_check_finds_them_wrong(
        tmp_path: Path) -> None:
    from annotator.nlp.sources import BuiltinSource, CombinedSource, with_learned_choice

    project, store = guessing_project(tmp_path / "p")
    root = tmp_path / "p"
    try:
        text = project.text(project.article_ids[0])
        rules = BuiltinSource()
        [guessed] = list(rules.suggest_many([text]))
        [plain] = list(rules.with_min_rank(RANK_WEAK).suggest_many([text]))
        assert len(set(GUESSES) & {text[s.start:s.end] for s in guessed}) == 2
        assert not set(GUESSES) & {text[s.start:s.end] for s in plain}
        assert len(guessed) - len(plain) == 3  # "...ku" too; the analyst's names stay
        assert rules.with_min_rank(RANK_WEAK).signature() != rules.signature()  # cached apart

        result = train(project, learned_dir(root), current=rules, **TINY)
        assert result.min_rank >= RANK_WEAK and result.switched
        assert any("rules' spans from rank 0 / 1 / 2 / 3" in note for note in result.notes)
        scores = read_scores(learned_dir(root))
        assert scores is not None and scores["min_rank"] == result.min_rank
        source = load_learned(root)
        shown = with_learned_choice([source, BuiltinSource()])
        assert [s.name for s in shown] == ["learned", "builtin"]
        assert shown[1].min_rank == result.min_rank  # type: ignore[attr-defined]
        [seen] = list(CombinedSource(shown).suggest_many([text]))
        assert not set(GUESSES) & {text[s.start:s.end] for s in seen}
    finally:
        store.close()


def test_the_rank_with_the_best_held_out_f_fills_the_gaps() -> None:
    assert heldout.pick_min_rank({0: 0.70, 1: 0.73, 2: 0.72, 3: 0.71}) == 1
    assert heldout.pick_min_rank({0: 0.70, 1: 0.73, 2: 0.73, 3: 0.74}) == 3
    assert heldout.pick_min_rank({0: 0.74, 1: 0.74, 3: 0.74}) == 0  # a tie: more rules
    assert heldout.pick_min_rank({0: None, 1: 0.5}) == 1
    assert heldout.pick_min_rank({0: None, 1: None}) == 0


def test_the_rules_ranks_narrow_down_to_their_lists() -> None:
    from annotator.nlp.ranks import RANK_GAZ, RANK_RULE, rules_min_rank
    from annotator.nlp.sources import BuiltinSource

    text = ("Presiden Sandiaga Mulyono bertemu Kombrat Selatan di Jakarta, kata juru bicara "
            "Universitas Tadulako.")
    rules = BuiltinSource()
    found = {rank: {text[s.start:s.end] for s in next(rules.with_min_rank(rank).suggest_many(
        [text]))} for rank in (0, RANK_WEAK, RANK_RULE, RANK_GAZ)}
    assert found[RANK_GAZ] == {"Jakarta"}
    assert found[RANK_GAZ] < found[RANK_RULE] <= found[RANK_WEAK] <= found[0]
    assert "Sandiaga Mulyono" in found[RANK_RULE]  # a title vouches for him
    assert rules_min_rank({"guesses": False}) == RANK_WEAK  # models saved before ranks
    assert rules_min_rank({"min_rank": RANK_GAZ, "guesses": False}) == RANK_GAZ
    assert rules_min_rank({}) == 0
