"""Word classes learned from the project's raw text: vectors, classes, cache, features."""

from __future__ import annotations

import random
from pathlib import Path

import pytest

from annotator.nlp import crf, features, wordvec
from annotator.nlp.tokens import make_nlp

CITIES = ["moskow", "jakarta", "bandung", "surabaya", "medan", "tokyo"]
PEOPLE = ["putin", "shoigu", "lavrov", "jokowi", "prabowo", "anies"]


def corpus(n: int = 600, seed: int = 0) -> list[str]:
    """Sentences where cities and people appear in their own contexts."""
    rng = random.Random(seed)
    city = ["Ia tiba di {} pagi ini.", "Banjir melanda kota {} kemarin.",
            "Penerbangan ke {} ditunda."]
    person = ["Kata {} kepada wartawan.", "Menurut {} , rapat berjalan lancar.",
              "Presiden {} berpidato."]
    out = []
    for _ in range(n):
        if rng.random() < 0.5:
            out.append(rng.choice(city).format(rng.choice(CITIES).title()))
        else:
            out.append(rng.choice(person).format(rng.choice(PEOPLE).title()))
    return out


def test_word_key_and_texts_hash() -> None:
    assert wordvec.word_key("Su-57") == "su-00" and wordvec.word_key("MOSKOW") == "moskow"
    assert wordvec.texts_hash(["a", "b"]) == wordvec.texts_hash(["a", "b"])
    assert wordvec.texts_hash(["a", "b"]) != wordvec.texts_hash(["a", "c"])


def test_words_in_the_same_contexts_share_a_class() -> None:
    found = wordvec.learn_clusters(corpus(), ks=(2, 4))
    assert found.ks == (2, 4) and found.key == wordvec.texts_hash(corpus())
    coarse = {w: found.classes[w][0] for w in CITIES + PEOPLE}
    assert len({coarse[w] for w in CITIES}) == 1 and len({coarse[w] for w in PEOPLE}) == 1
    assert coarse[CITIES[0]] != coarse[PEOPLE[0]]
    assert found.of("MOSKOW") == found.of("moskow") and found.of("unseen-word") is None
    assert wordvec.WordClusters.from_json(found.to_json()) == found


def test_learned_once_then_read_from_the_cache(tmp_path: Path,
                                              monkeypatch: pytest.MonkeyPatch) -> None:
    texts = corpus()
    progress: list[tuple[int, int]] = []
    first = wordvec.ensure_clusters(tmp_path, texts, min_chars=1,
                                    progress=lambda d, t: progress.append((d, t)))
    assert first is not None and progress and progress[-1][0] == progress[-1][1]
    path = wordvec.clusters_path(tmp_path, first.key)
    assert path.is_file() and path.parent == tmp_path / "models" / "vectors"

    def fail(*_args: object, **_kw: object) -> None:
        raise AssertionError("learned again")

    monkeypatch.setattr(wordvec, "learn_clusters", fail)
    assert wordvec.ensure_clusters(tmp_path, texts, min_chars=1) == first
    assert first.chars == sum(map(len, texts))
    fewer = texts[: int(len(texts) * 0.9)]  # a tenth less text: the classes are kept
    assert wordvec.ensure_clusters(tmp_path, fewer, min_chars=1) == first
    monkeypatch.undo()
    half = texts[: len(texts) // 2]  # half the text: learned again
    other = wordvec.ensure_clusters(tmp_path, half, min_chars=1)
    assert other is not None and other.key != first.key
    assert [p.name for p in path.parent.iterdir()] == [f"{other.key}.json"]
    assert wordvec.ensure_clusters(tmp_path, texts, min_chars=10**9) is None  # too little text


def test_cancel_stops_learning_and_caches_nothing(tmp_path: Path) -> None:
    with pytest.raises(wordvec.VectorsCancelled):
        wordvec.ensure_clusters(tmp_path, corpus(), min_chars=1, cancelled=lambda: True)
    assert not (tmp_path / "models" / "vectors").exists()


def test_the_component_writes_classes_and_saves_them(tmp_path: Path) -> None:
    table = wordvec.learn_clusters(corpus(), ks=(2, 4))
    nlp = make_nlp()
    nlp.add_pipe(features.CLUSTERS_FACTORY).table = table
    doc = nlp("Putin tiba di Moskow kemarin zzz")
    by_text = {t.text: (str(t.morph), t.dep_) for t in doc}
    coarse, fine = table.of("putin")  # type: ignore[misc]
    assert by_text["Putin"] == (f"C={coarse}", f"c{fine}") and by_text["zzz"] == ("", "")
    component = nlp.get_pipe(features.CLUSTERS_FACTORY)
    component.to_disk(tmp_path / "c")
    again = features.WordClassFeatures(nlp, "x").from_disk(tmp_path / "c")
    assert again.table == table
    assert features.WordClassFeatures(nlp, "y").from_disk(tmp_path / "nothing").table is None


def test_a_model_trained_with_word_classes_saves_loads_and_refreshes(tmp_path: Path) -> None:
    import spacy

    from annotator.nlp.learned import train
    from annotator.nlp.model_store import LearnedSource, learned_dir, read_scores
    from annotator.nlp.refresh import refresh
    from tests.nlp.test_learned import TINY, build

    root = tmp_path / "p"
    project, store = build(root)
    try:
        texts = wordvec.project_texts(project) + corpus()
        table = wordvec.ensure_clusters(root, texts, min_chars=1)
        assert table is not None
        result = train(project, learned_dir(root), clusters=table, **TINY)
        if result.path != learned_dir(root):
            from annotator.nlp.learned import promote_candidate

            promote_candidate(root)
        scores = read_scores(learned_dir(root))
        assert scores is not None and scores["clusters"] == table.key
        nlp = spacy.load(learned_dir(root))
        assert nlp.pipe_names == [features.FACTORY, features.CLUSTERS_FACTORY, crf.FACTORY]
        assert nlp.get_pipe(features.CLUSTERS_FACTORY).table == table
        source = LearnedSource(learned_dir(root), scores)
        [spans] = list(source.suggest_many([project.text(project.article_ids[0])]))
        assert all(s.start < s.end for s in spans)
        from annotator.nlp.learned import training_data

        first = next(i.article_id for i in training_data(project).train if i.complete)
        assert refresh(project, root, [first]) == learned_dir(root)
        again = spacy.load(learned_dir(root))
        assert again.get_pipe(features.CLUSTERS_FACTORY).table == table  # kept on refresh
    finally:
        store.close()
