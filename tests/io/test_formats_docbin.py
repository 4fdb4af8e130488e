"""spaCy DocBin export: entities, links, user data, alignment, determinism, training config."""

from __future__ import annotations

from pathlib import Path

import spacy
from spacy.tokens import DocBin
from thinc.api import Config

from annotator.core.model import Span
from annotator.io.export import export_project
from annotator.io.formats.docbin import training_config
from tests.io.test_formats_common import Opener, annotated_project


def docs(path: Path) -> list[spacy.tokens.Doc]:
    nlp = spacy.blank("id")
    return list(DocBin().from_disk(path).get_docs(nlp.vocab))


def test_docs_entities_links_and_user_data(tmp_path: Path, open_proj: Opener) -> None:
    project, _ = annotated_project(open_proj, tmp_path / "p", n=3)
    first = project.article_ids[0]
    aset = project.annotation_set(first)
    text = project.text(first)
    kim = aset.spans[0]
    aset.delete_span(kim)
    aset.insert_span(kim.with_(kb_id="joko-widodo"))
    partial = text.index("Senin")
    aset.insert_span(Span(partial + 1, partial + 3, "EVENT"))  # inside a token: split there
    out = tmp_path / "x.spacy"
    report = export_project(project, out, format="spacy")
    got = docs(out)
    assert report.records == len(got) == 2 and report.skipped[-1][1] == "no annotations"
    doc = got[0]
    assert doc.text == text
    assert doc.user_data == {"article_id": first, "annotator": "ayu",
                             "title": project.info(first).title, "source": "p-corpus.jsonl"}
    ents = [(e.text, e.label_, e.kb_id_) for e in doc.ents]
    assert ents[0] == ("Joko Widodo", "PER", "joko-widodo")
    assert ("en", "EVENT", "") in ents  # exactly the span, not its token
    assert report.spans_per_label == {"EVENT": 1, "GPE": 4, "ORG": 4, "PER": 8}
    assert {t.ent_iob_ for t in doc} == {"B", "I", "O"}  # complete: no missing tags


def test_overlapping_spans_are_reported(tmp_path: Path, open_proj: Opener) -> None:
    project, _ = annotated_project(open_proj, tmp_path / "p", n=2)
    article_id = project.article_ids[0]
    aset = project.annotation_set(article_id)
    text = project.text(article_id)
    per = aset.spans[0]
    aset.delete_span(per)
    joko = text.index("Joko")
    aset.insert_span(Span(joko, joko + 4, "PER"))
    aset.insert_span(Span(joko + 2, joko + 11, "ORG"))  # "ko Widodo": overlaps "Joko"
    report = export_project(project, tmp_path / "x.spacy", format="spacy")
    assert ("Berita 0: Joko Widodo tiba di Jakarta",
            "1 span(s) of ayu overlap another span") in report.skipped
    assert [e.text for e in docs(tmp_path / "x.spacy")[0].ents][0] == "Joko"


def test_docbin_export_is_deterministic(tmp_path: Path, open_proj: Opener) -> None:
    project, _ = annotated_project(open_proj, tmp_path / "p", n=4)
    export_project(project, tmp_path / "a.spacy", format="spacy")
    export_project(project, tmp_path / "b.spacy", format="spacy")
    assert (tmp_path / "a.spacy").read_bytes() == (tmp_path / "b.spacy").read_bytes()


def test_training_config() -> None:
    text = training_config(["ORG", "PER"])
    assert text.startswith("# spaCy training config") and "# Labels: ORG, PER\n" in text
    config = Config().from_str(text, interpolate=False)
    assert config["nlp"]["lang"] == "id"
    assert config["nlp"]["pipeline"] == ["tok2vec", "ner"]
    assert config["paths"]["train"] == "train.spacy" and config["paths"]["dev"] == "dev.spacy"
    assert config["paths"]["vectors"] is None
    assert config["components"]["tok2vec"]["model"]["embed"]["include_static_vectors"] is False
    assert training_config(["ORG", "PER"]) == text
