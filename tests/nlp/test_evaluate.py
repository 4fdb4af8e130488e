"""Scoring sources against gold data: CoNLL and JSONL gold, label maps, spaCy's keys."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from pathlib import Path

import pytest
from spacy.scorer import Scorer

from annotator.core.model import ArticleStatus, Origin, Span
from annotator.io.export import export_project
from annotator.nlp.evaluate import (
    GoldDoc,
    GoldError,
    evaluate_source,
    format_result,
    load_gold,
    make_doc,
    make_examples,
    score_predictions,
)
from annotator.nlp.tokens import make_nlp
from annotator.store.session import open_project

CONLL = """\
Presiden\tO
Joko\tB-PERSON
Widodo\tI-PERSON
tiba\tO
di\tO
Moskow\tS-PLACE
.\tO

Kremlin\tB-ORGANISATION
menyambut\tO
Kim\tB-PERSON
Jong\tI-PERSON
Un\tE-PERSON
"""


class Oracle:
    """Predicts given spans per text (by text), else nothing."""

    name = "oracle"
    origin = Origin.MODEL
    cacheable = False

    def __init__(self, answers: dict[str, list[Span]]) -> None:
        self.answers = answers
        self.seen: list[str] = []

    def signature(self) -> str:
        return "oracle"

    def suggest_many(self, texts: Iterable[str], batch_size: int = 64) -> Iterator[list[Span]]:
        for text in texts:
            self.seen.append(text)
            yield list(self.answers.get(text, []))


def spans_at(text: str, *pairs: tuple[str, str]) -> list[Span]:
    return [Span(text.index(s), text.index(s) + len(s), label) for s, label in pairs]


def test_conll_gold_is_read_per_sentence_with_bioes(tmp_path: Path) -> None:
    path = tmp_path / "gold.conll"
    path.write_text(CONLL, encoding="utf-8")
    gold = load_gold(path, {"PERSON": "PER", "ORGANISATION": "ORG", "PLACE": "LOC"})
    assert [d.text for d in gold.docs] == ["Presiden Joko Widodo tiba di Moskow .",
                                           "Kremlin menyambut Kim Jong Un"]
    first, second = gold.docs
    assert [(first.text[s.start:s.end], s.label) for s in first.spans] == [
        ("Joko Widodo", "PER"), ("Moskow", "LOC")]
    assert [(second.text[s.start:s.end], s.label) for s in second.spans] == [
        ("Kremlin", "ORG"), ("Kim Jong Un", "PER")]
    assert len(first.tokens) == 7 and gold.labels == ["LOC", "ORG", "PER"]
    assert first.where == f"{path}:1"


def test_conll_with_docstart_is_read_per_document(tmp_path: Path) -> None:
    path = tmp_path / "gold.conll"
    path.write_text("-DOCSTART- -X- O O\n\n" + CONLL, encoding="utf-8")
    [doc] = load_gold(path).docs
    assert doc.text.split("\n") == ["Presiden Joko Widodo tiba di Moskow .",
                                    "Kremlin menyambut Kim Jong Un"]


def test_gold_map_drops_labels_and_bad_files_are_named(tmp_path: Path) -> None:
    path = tmp_path / "gold.conll"
    path.write_text(CONLL + "\nx\tB-\n", encoding="utf-8")
    gold = load_gold(path, {"PLACE": None})
    assert "PLACE" not in gold.labels and "PERSON" in gold.labels
    assert gold.issues and gold.issues[0].startswith(f"{path}:15: unknown tag")
    with pytest.raises(GoldError, match="no gold file"):
        load_gold(tmp_path / "missing.conll")
    (tmp_path / "empty.conll").write_text("\n\n", encoding="utf-8")
    with pytest.raises(GoldError, match="no gold documents"):
        load_gold(tmp_path / "empty.conll")


def test_perfect_partial_and_empty_sources(tmp_path: Path) -> None:
    path = tmp_path / "gold.conll"
    path.write_text(CONLL, encoding="utf-8")
    gold = load_gold(path)
    perfect = Oracle({d.text: d.spans for d in gold.docs})
    result = evaluate_source(perfect, gold)
    assert result.scores["ents_f"] == pytest.approx(1.0)
    assert set(result.scores) == {"ents_p", "ents_r", "ents_f", "ents_per_type"}
    assert result.docs == 2 and result.gold_spans == 4 and result.predicted == 4
    first = gold.docs[0].text
    half = Oracle({first: spans_at(first, ("Joko Widodo", "PERSON"), ("Presiden", "PERSON"))})
    scores = evaluate_source(half, gold).scores
    assert scores["ents_p"] == pytest.approx(0.5) and scores["ents_r"] == pytest.approx(0.25)
    assert scores["ents_per_type"]["PERSON"]["p"] == pytest.approx(0.5)
    assert evaluate_source(Oracle({}), gold).scores["ents_r"] == 0.0


def test_predictions_are_mapped_and_unscored_labels_counted(tmp_path: Path) -> None:
    path = tmp_path / "gold.conll"
    path.write_text(CONLL, encoding="utf-8")
    gold = load_gold(path, {"PERSON": "PER", "ORGANISATION": "ORG", "PLACE": "LOC"})
    text = gold.docs[0].text
    source = Oracle({text: spans_at(text, ("Joko Widodo", "PER"), ("Moskow", "GPE"),
                                    ("Presiden", "TITLE"))})
    result = evaluate_source(source, gold, pred_map={"GPE": "LOC"})
    assert result.scores["ents_per_type"]["LOC"]["f"] == pytest.approx(1.0)
    assert result.ignored == {"TITLE": 1} and result.predicted == 2
    assert "Not scored (labels not in the gold): TITLE 1" in format_result(result)
    only_per = evaluate_source(source, gold, labels=["PER"])
    assert only_per.gold_spans == 2 and only_per.predicted == 1
    assert only_per.scores["ents_p"] == 1.0 and only_per.scores["ents_r"] == 0.5


def test_predictions_align_to_gold_tokens_by_expansion() -> None:
    text = "Pak Joko Widodo datang"
    gold = [GoldDoc(text, [(0, 3), (4, 8), (9, 15), (16, 22)], [Span(4, 15, "PER")])]
    result = score_predictions(gold, [[Span(5, 14, "PER")]])  # inside the tokens: expanded
    assert result.scores["ents_f"] == pytest.approx(1.0)
    result = score_predictions(gold, [[Span(4, 15, "PER"), Span(0, 8, "PER")]])
    assert result.predicted == 1  # overlapping predictions: the longest kept


def test_scores_equal_spacys_scorer() -> None:
    text = "Joko Widodo bertemu Putin di Moskow kemarin"
    tokens = [(m, m + len(w)) for m, w in _words(text)]
    gold = [GoldDoc(text, tokens, spans_at(text, ("Joko Widodo", "PER"), ("Moskow", "LOC")))]
    predicted = [spans_at(text, ("Joko Widodo", "PER"), ("Putin", "PER"), ("Moskow", "ORG"))]
    examples, _ = make_examples(gold, predicted)
    ours = score_predictions(gold, predicted).scores
    theirs = Scorer().score_spans(examples, "ents")
    assert ours["ents_p"] == pytest.approx(theirs["ents_p"])
    assert ours["ents_f"] == pytest.approx(theirs["ents_f"])


def _words(text: str) -> list[tuple[int, str]]:
    out, pos = [], 0
    for word in text.split(" "):
        out.append((pos, word))
        pos += len(word) + 1
    return out


def test_make_doc_keeps_the_text_exactly() -> None:
    text = "  Judul\n\nIsi  berita ,ok\t"
    tokens = [(2, 7), (9, 12), (14, 20), (21, 22), (22, 24)]
    doc = make_doc(make_nlp().vocab, text, tokens)
    assert doc.text == text
    assert {(t.idx, t.idx + len(t)) for t in doc} >= set(tokens)


def test_jsonl_export_is_gold(tmp_path: Path) -> None:
    project, store = open_project(tmp_path / "p", "ayu", sync=False)
    try:
        from annotator.core.model import Article

        text = "Presiden Joko Widodo bertemu Vladimir Putin di Moskow."
        article = Article.from_text(text, "t")
        store.add_articles([article])
        project.add_infos([store.article_infos()[0]])
        aset = project.annotation_set(article.id)
        for span in spans_at(text, ("Joko Widodo", "PER"), ("Moskow", "GPE")):
            aset.insert_span(span)
        aset.rejected.add((29, 43, "ORG"))
        aset.status = ArticleStatus.DONE
        export_project(project, tmp_path / "gold.jsonl", include_rejected=True)
    finally:
        store.close()
    gold = load_gold(tmp_path / "gold.jsonl")
    [doc] = gold.docs  # the reject record is not gold
    assert doc.text == text and [s.label for s in doc.spans] == ["PER", "GPE"]
    assert (9, 13) in doc.tokens
    result = evaluate_source(Oracle({text: spans_at(text, ("Joko Widodo", "PER"))}), gold)
    assert result.scores["ents_p"] == 1.0 and result.scores["ents_r"] == 0.5
