"""The learned model's CRF tagger: features, BIO decoding, training, saving and loading."""

from __future__ import annotations

from pathlib import Path

import pytest
import spacy

from annotator.nlp import crf
from annotator.nlp.features import FACTORY as RULES
from annotator.nlp.tokens import make_nlp

TEXT = "Presiden Joko Widodo bertemu Vladimir Putin di Moskow.\n\nKim tiba di Rusia."


def test_shape_collapses_runs() -> None:
    assert crf.shape("Kim") == "Xx" and crf.shape("2023") == "d" and crf.shape("A.S.") == "X.X."
    assert crf.shape("KTT-Asia") == "X-Xx"


def test_tag_spans_decodes_bio() -> None:
    tags = ["B-PER", "I-PER", "O", "I-GPE", "B-GPE", "I-ORG", "O", "B-PER"]
    assert crf.tag_spans(tags) == [(0, 2, "PER"), (3, 4, "GPE"), (4, 5, "GPE"), (5, 6, "ORG"),
                                   (7, 8, "PER")]
    assert crf.tag_spans([]) == [] and crf.tag_spans(["O"]) == []


def test_sentence_ranges_split_at_stops_and_line_breaks() -> None:
    doc = make_nlp().make_doc(TEXT)
    ranges = crf.sentence_ranges(doc)
    assert [doc[a:b].text.strip() for a, b in ranges] == [
        "Presiden Joko Widodo bertemu Vladimir Putin di Moskow.", "", "Kim tiba di Rusia."]
    assert ranges[0][0] == 0 and ranges[-1][1] == len(doc)


def test_features_read_the_rules_and_the_neighbours() -> None:
    nlp = make_nlp()
    nlp.add_pipe(RULES)
    doc = nlp(TEXT)
    feats = crf.token_features(doc)
    assert len(feats) == len(doc)
    joko = feats[1]
    assert "w=joko" in joko and "sh=Xx" in joko and "t=1" in joko
    assert any(f.startswith("rt=B-PER") for f in joko) and "-1w=presiden" in joko
    assert "BOS" in feats[0] and "BOS" not in joko
    kim = next(i for i, t in enumerate(doc) if t.text == "Kim")
    assert "BOS" in feats[kim]  # the first word after a paragraph break
    blank = make_nlp()(TEXT)  # without the rule features: no rule tags
    assert "rt=O" in crf.token_features(blank)[1]


def _toy() -> list[tuple[list[list[str]], list[str]]]:
    nlp = make_nlp()
    data = []
    for name, place in [("Putin", "Moskow"), ("Kim", "Pyongyang"), ("Lavrov", "Vostochny")] * 5:
        doc = nlp.make_doc(f"{name} tiba di {place} hari ini.")
        tags = ["B-PER", "O", "O", "B-GPE", "O", "O", "O"]
        data.append((crf.token_features(doc), tags))
    return data


def test_train_reports_progress_and_learns_the_toy_data() -> None:
    seen: list[tuple[int, int]] = []
    model = crf.train_crf(_toy(), iterations=30, progress=lambda d, t: seen.append((d, t)))
    assert model and seen and all(t == 30 for _, t in seen)
    assert [d for d, _ in seen] == sorted(d for d, _ in seen) and seen[-1][0] <= 30
    tagger = crf.CrfTagger(make_nlp(), "crf")
    tagger.set_model(model, ["GPE", "PER"])
    doc = tagger(make_nlp().make_doc("Kim tiba di Moskow hari ini."))
    assert [(e.text, e.label_) for e in doc.ents] == [("Kim", "PER"), ("Moskow", "GPE")]


def test_the_same_data_and_seed_give_the_same_model() -> None:
    """crfsuite's passive-aggressive trainer shuffles with the C library's rand(): seeded, a
    training can be repeated (and the held-out check compared) exactly."""
    data = _toy() * 4
    first, again = (crf.train_crf(data, iterations=5, algorithm="pa") for _ in range(2))
    assert first == again
    others = {crf.train_crf(data, iterations=5, algorithm="pa", seed=s) for s in (1, 2, 3)}
    assert len(others | {first}) > 1  # the seed is what decides the order


def test_cancel_is_noticed_before_and_after_the_run() -> None:
    with pytest.raises(crf.TrainingCancelled):
        crf.train_crf(_toy(), iterations=5, cancelled=lambda: True)
    calls: list[int] = []

    def late() -> bool:  # cancelled while crfsuite runs: noticed when it returns
        calls.append(1)
        return len(calls) > len(_toy())

    with pytest.raises(crf.TrainingCancelled):
        crf.train_crf(_toy(), iterations=5, cancelled=late)


def test_the_component_saves_and_loads_with_spacy(tmp_path: Path) -> None:
    nlp = make_nlp()
    tagger = nlp.add_pipe(crf.FACTORY)
    tagger.set_model(crf.train_crf(_toy(), iterations=30), ["GPE", "PER"])
    nlp.to_disk(tmp_path / "m")
    loaded = spacy.load(tmp_path / "m")  # the factory is an entry point of the package
    assert loaded.pipe_names == [crf.FACTORY]
    doc = loaded("Lavrov tiba di Pyongyang hari ini.")
    assert [(e.text, e.label_) for e in doc.ents] == [("Lavrov", "PER"), ("Pyongyang", "GPE")]
    assert loaded.get_pipe(crf.FACTORY).labels == ["GPE", "PER"]
    empty = make_nlp()
    empty.add_pipe(crf.FACTORY)
    assert empty("Kim tiba.").ents == ()  # no model yet: no entities


def test_the_feature_cache_gives_back_what_it_was_given(tmp_path: Path) -> None:
    cache = crf.FeatureCache(tmp_path / "features", "sig1")
    rows = crf.token_features(make_nlp()(TEXT))
    assert cache.get(TEXT) is None
    cache.put(TEXT, rows)
    assert cache.get(TEXT) == rows and cache.get("another text") is None
    cache.put("", [])
    assert cache.get("") == []
    cache.put("odd", [["w=a\tb"]])  # a tab inside a feature cannot be stored: not cached
    assert cache.get("odd") is None
    next(cache.folder.iterdir()).write_bytes(b"not zlib")  # damaged: computed again
    assert sum(cache.get(t) is None for t in (TEXT, "")) == 1
    newer = crf.FeatureCache(tmp_path / "features", "sig2")
    newer.put(TEXT, rows)  # another feature set: the old rows are removed
    assert [p.name for p in (tmp_path / "features").iterdir()] == ["sig2"]
    assert crf.cache_signature("rules", None) != crf.cache_signature("rules", "classes")
