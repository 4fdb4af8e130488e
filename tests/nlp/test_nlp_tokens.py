"""The shared tokenizer: spaCy's blank("id") tokens as code-point offsets."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

from annotator.nlp import make_nlp, tokenize


def test_make_nlp_is_blank_indonesian() -> None:
    nlp = make_nlp()
    assert nlp.lang == "id"
    assert nlp.pipe_names == []


def test_make_nlp_shares_the_tokenizer_but_not_the_pipeline() -> None:
    first, second = make_nlp(), make_nlp()
    assert first is not second and first.vocab is second.vocab
    first.add_pipe("sentencizer")
    assert second.pipe_names == []
    own = make_nlp(shared=False)
    assert own.vocab is not first.vocab
    text = "Presiden Vladimir Putin (70) tiba di Komsomolsk-on-Amur."
    assert [t.text for t in own(text)] == [t.text for t in second(text)]


def test_tokens_match_spacy_and_cover_the_text() -> None:
    text = "Kim Jong-un tiba di Komsomolsk-on-Amur, kata TASS.\n\nPutin  menyambut."
    doc = make_nlp()(text)
    tokens = tokenize(text)
    assert [text[s:e] for s, e, _ in tokens] == [t.text for t in doc]
    assert [ws for _, _, ws in tokens] == [bool(t.whitespace_) for t in doc]
    rebuilt = "".join(text[s:e] + (" " if ws else "") for s, e, ws in tokens)
    assert rebuilt == text


def test_offsets_are_code_points_after_an_emoji() -> None:
    text = "👍🏽 Rusia dan 🇰🇵 Korea Utara"
    tokens = tokenize(text)
    surfaces = [text[s:e] for s, e, _ in tokens]
    assert "Rusia" in surfaces
    start, end, _ = tokens[surfaces.index("Korea")]
    assert text[start:end] == "Korea"
    assert start == text.index("Korea")


def test_empty_text_has_no_tokens() -> None:
    assert tokenize("") == []


def test_tokenize_from_worker_threads() -> None:
    texts = [f"Presiden Vladimir Putin bertemu Kim {i} kali di Vladivostok." for i in range(64)]
    with ThreadPoolExecutor(max_workers=4) as pool:
        results = list(pool.map(tokenize, texts))
    assert results == [tokenize(t) for t in texts]
