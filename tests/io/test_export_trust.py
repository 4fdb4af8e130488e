"""Data you can trust: which versions an export takes by default, token-aligned spans in every
format, and the export validator (issue 16)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from annotator.core.model import ArticleStatus, Origin, Span
from annotator.core.review_commands import GOLD
from annotator.io.export import ExportError, export_project
from annotator.io.importer import import_paths
from annotator.io.jsonl_export import input_hash, task_hash
from annotator.io.validate import check_records, validate_file
from tests.io.test_formats_common import Opener, annotated_project

LABELS = ("PER", "ORG", "GPE", "LOC", "FAC", "WEAPON", "EVENT")
TEXT = "Tuturpedia.com – Kim Jong Un terbang keMoskow hari Rabu."


def lines(path: Path) -> list[dict]:
    return [json.loads(x) for x in path.read_text("utf-8").splitlines()]


def at(text: str, surface: str, label: str) -> Span:
    start = text.index(surface)
    return Span(start, start + len(surface), label)


# -- 1. defaults: one version per article, finished only ----------------------------------
def test_default_export_takes_gold_where_reviewed_else_the_chosen_annotator_done_only(
    tmp_path: Path, open_proj: Opener
) -> None:
    project, _ = annotated_project(open_proj, tmp_path / "p", n=5, annotators=("ayu", "budi"))
    ids = project.article_ids
    gold = project.annotation_set(ids[1], GOLD)
    gold.insert_span(Span(0, 6, "PER"))
    gold.status = ArticleStatus.REVIEWED
    draft = project.annotation_set(ids[3], GOLD)  # a review not finished: not gold yet
    draft.insert_span(Span(0, 6, "ORG"))
    draft.status = ArticleStatus.IN_PROGRESS
    project.annotation_set(ids[2], "ayu").status = ArticleStatus.IN_PROGRESS
    report = export_project(project, tmp_path / "out.jsonl")
    records = lines(tmp_path / "out.jsonl")
    assert [(r["meta"]["article_id"], r["_annotator_id"]) for r in records] == [
        (ids[0], "ayu"), (ids[1], "gold"), (ids[3], "ayu")]
    reasons = sorted(r for _, r in report.skipped)
    assert reasons == ["annotated only by other annotators", "not finished (in progress)"]
    assert report.versions == {"ayu": 2, "gold": 1}
    assert "gold version where reviewed, else ayu" in report.selection


def test_default_spacy_split_never_holds_an_article_twice(tmp_path: Path,
                                                          open_proj: Opener) -> None:
    from spacy.tokens import DocBin

    from annotator.nlp.tokens import make_nlp

    project, _ = annotated_project(open_proj, tmp_path / "p", n=6,
                                   annotators=("ayu", "budi", "rina"))
    gold = project.annotation_set(project.article_ids[0], GOLD)
    gold.insert_span(Span(0, 6, "PER"))
    gold.status = ArticleStatus.REVIEWED
    out = tmp_path / "split"
    export_project(project, out, format="spacy", split=0.8)
    vocab = make_nlp().vocab
    seen = [doc.user_data["article_id"] for part in ("train", "dev")
            for doc in DocBin().from_disk(out / f"{part}.spacy").get_docs(vocab)]
    assert len(seen) == len(set(seen)) == 5  # ayu left the last article untouched


def test_annotator_all_is_jsonl_only_and_a_split_keeps_versions_together(
    tmp_path: Path, open_proj: Opener
) -> None:
    project, _ = annotated_project(open_proj, tmp_path / "p", n=8, annotators=("ayu", "budi"))
    for fmt in ("spacy", "conll"):
        with pytest.raises(ExportError, match="one version per article"):
            export_project(project, tmp_path / f"x.{fmt}", format=fmt, annotator="all")
    report = export_project(project, tmp_path / "all", annotator="all", split=0.5)
    train = {(r["meta"]["article_id"], r["_annotator_id"]) for r in lines(report.files[0])}
    dev = {(r["meta"]["article_id"], r["_annotator_id"]) for r in lines(report.files[1])}
    assert len(train | dev) == 15 and not {a for a, _ in train} & {a for a, _ in dev}


def test_finished_article_with_undecided_suggestions_is_skipped_unless_allowed(
    tmp_path: Path, open_proj: Opener
) -> None:
    project, _ = annotated_project(open_proj, tmp_path / "p", n=3)
    aset = project.annotation_set(project.article_ids[0])
    aset.insert_suggestion(Span(0, 6, "PER", Origin.SUGGESTED))
    report = export_project(project, tmp_path / "a.jsonl")
    assert report.records == 1
    assert ("Berita 0: Joko Widodo tiba di Jakarta",
            "finished with undecided suggestions") in report.skipped
    allowed = export_project(project, tmp_path / "b.jsonl", allow_undecided=True)
    assert allowed.records == 2
    assert any("1 undecided suggestion(s)" in n and "written as O" in n for n in allowed.notes)


def test_status_any_includes_unfinished_articles(tmp_path: Path, open_proj: Opener) -> None:
    project, _ = annotated_project(open_proj, tmp_path / "p", n=3)
    project.annotation_set(project.article_ids[0]).status = ArticleStatus.IN_PROGRESS
    assert export_project(project, tmp_path / "a.jsonl").records == 1
    assert export_project(project, tmp_path / "b.jsonl", status="any").records == 2


# -- 2. spans that are not token-aligned -----------------------------------------------
def char_project(open_proj: Opener, root: Path) -> tuple[object, list[tuple[int, int, str]]]:
    src = root.parent / "char.jsonl"
    wanted = [("Tuturpedia", "ORG"), ("Kim Jong Un", "PER"), ("Moskow", "GPE")]
    spans = [{"start": (s := TEXT.index(w)), "end": s + len(w), "label": lab}
             for w, lab in wanted]
    src.write_text(json.dumps({"text": TEXT, "answer": "accept", "spans": spans}) + "\n",
                   "utf-8")
    project, store = open_proj(root)
    assert import_paths(project, store, [src]).spans == 3
    return project, [(s["start"], s["end"], s["label"]) for s in spans]


def test_span_edges_inside_tokens_split_the_tokens_in_jsonl(tmp_path: Path,
                                                            open_proj: Opener) -> None:
    project, spans = char_project(open_proj, tmp_path / "p")
    export_project(project, tmp_path / "x.jsonl")
    [record] = lines(tmp_path / "x.jsonl")
    toks = record["tokens"]
    got = [(s["start"], s["end"], s["label"]) for s in record["spans"]]
    assert got == spans
    for span in record["spans"]:
        assert toks[span["token_start"]]["start"] == span["start"]
        assert toks[span["token_end"]]["end"] == span["end"]
    assert [t["text"] for t in toks[:2]] == ["Tuturpedia", ".com"]
    assert "".join(t["text"] + (" " if t["ws"] else "") for t in toks) == TEXT


def test_span_edges_inside_tokens_keep_every_entity_in_docbin_conll_doccano(
    tmp_path: Path, open_proj: Opener
) -> None:
    from spacy.tokens import DocBin

    from annotator.nlp.tokens import make_nlp

    project, spans = char_project(open_proj, tmp_path / "p")
    export_project(project, tmp_path / "x.spacy", format="spacy")
    [doc] = DocBin().from_disk(tmp_path / "x.spacy").get_docs(make_nlp().vocab)
    assert doc.text == TEXT
    assert [(e.start_char, e.end_char, e.label_) for e in doc.ents] == spans
    export_project(project, tmp_path / "x.conll", format="conll")
    rows = [ln.split("\t") for ln in (tmp_path / "x.conll").read_text("utf-8").splitlines()
            if "\t" in ln]
    assert rows[:2] == [["Tuturpedia", "B-ORG"], [".com", "O"]]
    assert ["ke", "O"] in rows and ["Moskow", "B-GPE"] in rows
    export_project(project, tmp_path / "x.doccano.jsonl", format="doccano")
    [rec] = lines(tmp_path / "x.doccano.jsonl")
    assert [tuple(x) for x in rec["label"]] == spans


# -- 3. the validator -----------------------------------------------------------------
def good_record() -> dict:
    toks = [{"text": "Kim", "start": 0, "end": 3, "id": 0, "ws": True},
            {"text": "tiba", "start": 4, "end": 8, "id": 1, "ws": False},
            {"text": ".", "start": 8, "end": 9, "id": 2, "ws": False}]
    spans = [{"start": 0, "end": 3, "token_start": 0, "token_end": 0, "label": "PER"}]
    h = input_hash("Kim tiba.")
    return {"text": "Kim tiba.", "tokens": toks, "spans": spans, "_input_hash": h,
            "_task_hash": task_hash(h, spans), "answer": "accept", "_annotator_id": "ayu",
            "meta": {"article_id": "a1"}}


def test_validator_accepts_a_good_record_and_names_each_problem() -> None:
    assert check_records([good_record()], labels=LABELS) == []
    r = good_record()
    r["spans"][0]["end"] = 2
    r["_task_hash"] = task_hash(r["_input_hash"], r["spans"])
    probs = check_records([r], labels=LABELS)
    assert any("token_end 0 ends at 3, the span at 2" in p.message for p in probs)
    r = good_record()
    r["spans"][0]["text"] = "Kin"
    assert any("text field 'Kin'" in p.message for p in check_records([r], labels=LABELS))
    r = good_record()
    r["tokens"][0]["ws"] = False
    assert any("do not tile the text" in p.message for p in check_records([r], labels=LABELS))
    r = good_record()
    r["spans"][0]["label"] = "MISC"
    r["_task_hash"] = task_hash(r["_input_hash"], r["spans"])
    assert any("label 'MISC' is not in the scheme" in p.message
               for p in check_records([r], labels=LABELS))
    r = good_record()
    r["_input_hash"] += 1
    assert any("_input_hash" in p.message for p in check_records([r], labels=LABELS))
    twice = check_records([good_record(), good_record()], labels=LABELS)
    assert [(p.line, p.message) for p in twice] == [
        (2, "article a1 already at line 1 for annotator ayu")]


def test_export_validates_before_writing_and_skips_a_bad_record(tmp_path: Path,
                                                                open_proj: Opener) -> None:
    project, _ = annotated_project(open_proj, tmp_path / "p", n=3)
    stale = project.annotation_set(project.article_ids[0])
    stale.insert_span(Span(len(project.text(project.article_ids[0])) - 5,
                           len(project.text(project.article_ids[0])) - 1, "GONE"))
    report = export_project(project, tmp_path / "x.jsonl")
    assert report.records == 1
    assert any("failed validation" in r and "'GONE' is not in the scheme" in r
               for _, r in report.skipped)
    assert validate_file(tmp_path / "x.jsonl", labels=LABELS) == []


@pytest.mark.parametrize("fmt", ["jsonl", "doccano", "conll", "spacy"])
def test_every_format_of_a_messy_project_passes_the_validator(fmt: str, tmp_path: Path,
                                                              open_proj: Opener) -> None:
    project, spans = char_project(open_proj, tmp_path / "p")
    report = export_project(project, tmp_path / f"x.{fmt}", format=fmt)
    assert report.records == 1 and report.spans == 3 and not report.skipped
    if fmt in ("jsonl", "doccano"):
        assert validate_file(tmp_path / f"x.{fmt}", labels=LABELS) == []


def test_the_suite_validates_every_jsonl_export_it_writes(tmp_path: Path) -> None:
    from annotator.io import export as export_module

    record = good_record()
    record["spans"][0]["end"] = 2  # "Ki": token_end no longer ends with the span
    with pytest.raises(AssertionError, match=r"bad\.jsonl:1: span 1: token_end 0 ends at 3"):
        export_module.write_bytes_atomic(tmp_path / "bad.jsonl",
                                         (json.dumps(record) + "\n").encode())


def test_the_exporters_offset_check_catches_gaps_empty_tokens_and_false_ws() -> None:
    from annotator.io.validate import check_offsets

    assert check_offsets("Kim tiba.", [(0, 3, True), (4, 8, False), (8, 9, False)]) == []
    assert "offsets" in check_offsets("Kim tiba.", [(0, 3, False), (4, 8, False), (8, 9, False)])[0]
    assert "empty" in check_offsets("Kim tiba.", [(0, 3, True), (4, 4, False), (4, 9, False)])[0]
    assert "no space" in check_offsets("Kim\ttiba", [(0, 3, True), (4, 8, False)])[0]
