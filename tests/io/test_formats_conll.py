"""CoNLL / BIO: export layout, spaCy's converter reads it, round trip, reader rules, label map."""

from __future__ import annotations

from pathlib import Path

import pytest
from spacy.training.converters import conll_ner_to_docs

from annotator.core.annotations import AnnotationSet
from annotator.core.model import Span
from annotator.io.export import export_project
from annotator.io.formats.conll import SENTENCES_PER_ARTICLE, tags_for
from annotator.io.formats.remap import adjust_records, apply_label_map, parse_label_map
from annotator.io.importer import import_paths
from annotator.io.readers import read_source
from annotator.nlp.tokens import tokenize
from annotator.store.session import load_all_sets
from tests.io.test_formats_common import Opener, annotated_project

NERGRIT = Path(__file__).resolve().parents[3] / "shared" / "eval" / "ner-id" / "nergrit"


def block(text: str, *spans: tuple[str, str]) -> str:
    aset = AnnotationSet("x", "ayu")
    for surface, label in spans:
        start = text.index(surface)
        aset.insert_span(Span(start, start + len(surface), label))
    return tags_for(text, tokenize(text), aset.spans).text


def test_export_layout_and_sentence_rule() -> None:
    text = ("Presiden Joko Widodo tiba. Dia bertemu Dr. Kim di Jakarta! lalu pulang?\n"
            "Baris  baru. A. B. Smith")
    got = block(text, ("Joko Widodo", "PER"), ("Jakarta", "GPE"), ("A. B. Smith", "PER"))
    assert got == (
        "-DOCSTART- -X- O O\n\n"
        "Presiden\tO\nJoko\tB-PER\nWidodo\tI-PER\ntiba\tO\n.\tO\n\n"
        "Dia\tO\nbertemu\tO\nDr.\tO\n"  # one token (a tokenizer exception): no break
        "Kim\tO\ndi\tO\nJakarta\tB-GPE\n!\tO\nlalu\tO\npulang\tO\n?\tO\n\n"  # newline
        "Baris\tO\nbaru\tO\n.\tO\n\n"  # double space: no token, no break
        "A.\tB-PER\nB.\tI-PER\nSmith\tI-PER\n\n"  # never inside an entity
    )


def test_spacy_converter_reads_our_export(tmp_path: Path, open_proj: Opener) -> None:
    project, _ = annotated_project(open_proj, tmp_path / "p", n=3)
    out = tmp_path / "x.conll"
    report = export_project(project, out, format="conll")
    docs = list(conll_ner_to_docs(out.read_text("utf-8"), no_print=True))
    assert len(docs) == report.records == 2
    for doc, article_id in zip(docs, project.article_ids, strict=False):
        text = project.text(article_id)
        spans = project.annotation_set(article_id).spans
        assert [(e.text, e.label_) for e in doc.ents] == [
            (" ".join(t for t in text[s.start:s.end].split()), s.label) for s in spans]
        assert len(list(doc.sents)) == 5  # title line, 3 sentences ending . ! ?, and the last


def test_export_import_export_is_byte_identical(tmp_path: Path, open_proj: Opener) -> None:
    project, _ = annotated_project(open_proj, tmp_path / "p", n=4)
    first = tmp_path / "gold.conll"
    export_project(project, first, format="conll")
    fresh, store = open_proj(tmp_path / "q", "zz")
    report = import_paths(fresh, store, [first])
    assert report.issues == [] and report.added == 3 and report.spans == 24
    load_all_sets(fresh, store)
    assert fresh.annotators() == ["gold"]  # named after the file
    for old_id, new_id in zip(project.article_ids, fresh.article_ids, strict=False):
        old, new = project.annotation_set(old_id), fresh.annotation_set(new_id, "gold")
        old_text, new_text = project.text(old_id), fresh.text(new_id)
        assert [(old_text[s.start:s.end].split(), s.label) for s in old.spans] == [
            (new_text[s.start:s.end].split(), s.label) for s in new.spans]
        assert new.status == "done"
    second = tmp_path / "again.conll"
    export_project(fresh, second, format="conll", annotator="gold")
    assert second.read_bytes() == first.read_bytes()


def write(tmp_path: Path, name: str, content: str) -> Path:
    path = tmp_path / name
    path.write_text(content, "utf-8")
    return path


def test_reader_bio_bioes_iob1_and_docstart(tmp_path: Path) -> None:
    path = write(tmp_path, "corpus.iob", (
        "-DOCSTART- -X- -X- O\n\n"
        "Joko NNP B-PER\nWidodo NNP I-PER\nke IN O\nJakarta NNP S-LOC\n\n"
        "Kim\tI-PER\nJong\tI-PER\nUn\tE-PER\ndan\tO\nPutin\tI-PER\nBadan\tB-ORG\nIntelijen\tL-ORG\n"
        "\r\n-DOCSTART- -X- O O\n"
        "Satu\tU-ORG\ndua\tB-ORG\ntiga\tI-PER\n"
    ))
    result = read_source(path)
    assert result.issues == []
    first, second = result.records
    assert first.text == "Joko Widodo ke Jakarta\nKim Jong Un dan Putin Badan Intelijen"
    assert [(first.text[s.start:s.end], s.label) for s in first.spans] == [
        ("Joko Widodo", "PER"), ("Jakarta", "LOC"), ("Kim Jong Un", "PER"), ("Putin", "PER"),
        ("Badan Intelijen", "ORG")]
    assert (first.title, first.annotator, first.answer) == ("Joko Widodo ke Jakarta", "corpus",
                                                            "accept")
    assert (first.meta, first.line) == ({"source": "corpus.iob"}, 3)
    assert [(second.text[s.start:s.end], s.label) for s in second.spans] == [
        ("Satu", "ORG"), ("dua", "ORG"), ("tiga", "PER")]


def test_reader_groups_sentences_without_docstart(tmp_path: Path) -> None:
    n = 2 * SENTENCES_PER_ARTICLE + 5
    path = write(tmp_path, "s.tsv", "".join(f"Kalimat\tO\nke-{i}\tB-NUM\n.\tO\n\n"
                                            for i in range(n)))
    records = read_source(path).records
    assert [r.text.count("\n") + 1 for r in records] == [20, 20, 5]
    assert records[1].text.split("\n")[0] == "Kalimat ke-20 ."
    assert [len(r.spans) for r in records] == [20, 20, 5]
    assert records[2].line == 40 * 4 + 1


def test_reader_issues_name_file_and_line(tmp_path: Path) -> None:
    path = write(tmp_path, "bad.bio", "Joko\tB-PER\nWidodo\nke\tX-PER\nsini\tPER\n\n")
    result = read_source(path)
    assert [str(i) for i in result.issues] == [
        f"{path}:2: no tag after the token 'Widodo'; taken as O",
        f"{path}:3: unknown tag 'X-PER' (expected O or B-, I-, E-, S-, L-, U- and a label); "
        "taken as O",
        f"{path}:4: unknown tag 'PER' (expected O or B-, I-, E-, S-, L-, U- and a label); "
        "taken as O",
    ]
    [record] = result.records
    assert record.text == "Joko Widodo ke sini" and [s.key for s in record.spans] == [
        (0, 4, "PER")]
    latin = tmp_path / "latin.conll"
    latin.write_bytes(b"Jos\xe9\tB-PER\n")
    assert "not valid UTF-8" in str(read_source(latin).issues[0])
    empty = write(tmp_path, "empty.conll", "\n\n-DOCSTART- -X- O O\n\n")
    assert [str(i) for i in read_source(empty).issues] == [f"{empty}: no tokens found; skipped"]


def test_folder_import_reads_conll(tmp_path: Path) -> None:
    folder = tmp_path / "corpus"
    folder.mkdir()
    write(folder, "a.conll", "Joko\tB-PER\n")
    write(folder, "b.txt", "Teks biasa.")
    write(folder, "c.tsv", "not\tread\n")  # .tsv only when named explicitly
    records = read_source(folder).records
    assert [(r.meta["source"], r.annotator) for r in records] == [("a.conll", "a"),
                                                                   ("b.txt", None)]


def test_label_map_parse_and_apply(tmp_path: Path) -> None:
    mapping = parse_label_map(" PERSON=PER, ORGANISATION=ORG,PLACE=LOC,FNB=- ,")
    assert mapping == {"PERSON": "PER", "ORGANISATION": "ORG", "PLACE": "LOC", "FNB": None}
    for bad, message in (("PERSON", "bad label map entry 'PERSON'"),
                         ("A=B,A=C", "label 'A' is mapped twice"), ("=X", "bad label map"),
                         (" , ", "the label map is empty"), ("A B=C", "bad label map")):
        with pytest.raises(ValueError, match=message):
            parse_label_map(bad)
    path = write(tmp_path, "x.conll", "Nasi\tB-FNB\ngoreng\tI-FNB\ndi\tO\nBali\tB-PLACE\n"
                                      "oleh\tO\nAyu\tB-PERSON\n")
    records = read_source(path).records
    records[0].rejected = [(0, 4, "FNB"), (12, 16, "PLACE")]
    dropped = adjust_records(records, label_map=mapping, annotator="citra")
    assert dropped == {"FNB": 1}
    assert [s.label for s in records[0].spans] == ["LOC", "PER"]
    assert records[0].rejected == [(12, 16, "LOC")] and records[0].annotator == "citra"
    assert apply_label_map(records, {}) == {}


@pytest.mark.skipif(not (NERGRIT / "train.conll").exists(), reason="no ../shared/eval data")
def test_public_corpus_imports_with_a_label_map(tmp_path: Path, open_proj: Opener) -> None:
    source = NERGRIT / "train.conll"
    tags = [line.split("\t")[-1] for line in source.read_text("utf-8").splitlines() if line]
    result = read_source(source)
    assert result.issues == []
    sentences = sum(r.text.count("\n") + 1 for r in result.records)
    assert sentences == len(source.read_text("utf-8").strip().split("\n\n"))
    assert len(result.records) == -(-sentences // SENTENCES_PER_ARTICLE)
    assert sum(len(r.spans) for r in result.records) == sum(t.startswith("B-") for t in tags)
    dropped = apply_label_map(result.records, parse_label_map(
        "PERSON=PER,ORGANISATION=ORG,PLACE=-"))
    assert dropped["PLACE"] == sum(t == "B-PLACE" for t in tags)
    assert {s.label for r in result.records for s in r.spans} == {"PER", "ORG"}
