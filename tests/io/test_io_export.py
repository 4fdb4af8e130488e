"""JSONL export: exact record fields, determinism, filters and round trip through import."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from pathlib import Path

import spacy
from spacy.tokens import Doc

from annotator.config import seeds_dir
from annotator.core.annotations import AnnotationSet
from annotator.core.labels import LabelScheme
from annotator.core.model import Article, ArticleInfo, ArticleStatus, Origin, Span
from annotator.core.project import Project
from annotator.io.export import export_project
from annotator.io.importer import import_paths
from annotator.io.jsonl_export import input_hash
from annotator.store.project_store import ProjectStore

Opener = Callable[..., tuple[Project, ProjectStore]]  # the `open_proj` fixture (conftest.py)

# Astral characters (emoji, math letters) before the entities must not shift offsets.
TEXT = "😀 Presiden 𝕍ladimir: Vladimir Putin 🇷🇺 bertemu Kim Jong-un di Vostochny 🚀."
KEYS = {"text", "meta", "_input_hash", "_task_hash", "tokens", "spans", "answer",
        "_annotator_id", "_timestamp"}


def at(text: str, surface: str, label: str, **kw: object) -> Span:
    start = text.index(surface)
    return Span(start, start + len(surface), label, **kw)  # type: ignore[arg-type]


def article_and_set() -> tuple[Article, AnnotationSet]:
    article = Article.from_text(TEXT, "Judul", {"source": "a.txt", "url": "http://x"})
    aset = AnnotationSet(article.id, "ayu", status=ArticleStatus.DONE, updated=1700000000.7)
    for span in (at(TEXT, "Kim Jong-un", "PER", kb_id="kim-jong-un"),
                 at(TEXT, "Vladimir Putin", "PER"), at(TEXT, "Vostochny", "FAC")):
        aset.insert_span(span)
    aset.insert_suggestion(at(TEXT, "Presiden", "PER", origin=Origin.SUGGESTED))
    aset.rejected.add(at(TEXT, "𝕍ladimir", "PER").key)
    return article, aset


def exported(tmp_path: Path) -> dict:
    """The one record `export_project` writes for `article_and_set`."""
    article, aset = article_and_set()
    project = Project("ayu", LabelScheme.default(), {article.id: TEXT}.__getitem__,
                      [ArticleInfo(article.id, article.title, article.meta)])
    project.load_sets([aset])
    export_project(project, tmp_path / "one.jsonl", allow_undecided=True)  # "Presiden" pends
    [line] = (tmp_path / "one.jsonl").read_text(encoding="utf-8").splitlines()
    return json.loads(line)


def test_export_record_fields_are_exact(tmp_path: Path) -> None:
    article, aset = article_and_set()
    rec = exported(tmp_path)
    assert set(rec) == KEYS
    assert rec["text"] == TEXT
    assert rec["meta"] == {"title": "Judul", "article_id": article.id, "source": "a.txt"}
    assert rec["answer"] == "accept" and rec["_annotator_id"] == "ayu"
    assert rec["_timestamp"] == 1700000000
    expected = int.from_bytes(hashlib.sha1(TEXT.encode()).digest()[:4], "big", signed=True)
    assert rec["_input_hash"] == expected == input_hash(TEXT)
    assert -(2**31) <= rec["_task_hash"] < 2**31 and rec["_task_hash"] != rec["_input_hash"]
    for i, tok in enumerate(rec["tokens"]):
        assert set(tok) == {"text", "start", "end", "id", "ws"}
        assert tok["id"] == i and TEXT[tok["start"] : tok["end"]] == tok["text"]
    surfaces = [(TEXT[s["start"] : s["end"]], s["label"], s.get("kb_id")) for s in rec["spans"]]
    assert surfaces == [("Vladimir Putin", "PER", None), ("Kim Jong-un", "PER", "kim-jong-un"),
                        ("Vostochny", "FAC", None)]  # sorted, no suggestion, no rejection
    assert "kb_id" not in rec["spans"][0]
    toks = rec["tokens"]
    for span in rec["spans"]:
        assert set(span) <= {"start", "end", "token_start", "token_end", "label", "kb_id"}
        assert toks[span["token_start"]]["start"] == span["start"]
        assert toks[span["token_end"]]["end"] == span["end"]  # token_end is inclusive
    putin = rec["spans"][0]
    assert [t["text"] for t in toks[putin["token_start"] : putin["token_end"] + 1]] == [
        "Vladimir", "Putin"]


def test_exported_tokens_and_spans_build_a_spacy_doc(tmp_path: Path) -> None:
    rec = exported(tmp_path)
    nlp = spacy.blank("id")
    doc = Doc(nlp.vocab, words=[t["text"] for t in rec["tokens"]],
              spaces=[t["ws"] for t in rec["tokens"]])
    assert doc.text == TEXT
    ents = [doc.char_span(s["start"], s["end"], label=s["label"]) for s in rec["spans"]]
    assert all(e is not None for e in ents)
    assert [(e.start, e.end - 1) for e in ents] == [  # type: ignore[union-attr]
        (s["token_start"], s["token_end"]) for s in rec["spans"]]


def seeded(open_proj: Opener, root: Path) -> tuple[Project, ProjectStore]:
    project, store = open_proj(root)
    import_paths(project, store, [seeds_dir()])
    ids = project.article_ids
    a = project.annotation_set(ids[0])
    text = project.text(ids[0])
    a.insert_span(at(text, "Kim Jong-un", "PER", kb_id="kim-jong-un"))
    a.insert_span(at(text, "Vladimir Putin", "PER"))
    a.rejected.add(at(text, "Komsomolsk-on-Amur", "GPE").key)
    a.status, a.updated = ArticleStatus.DONE, 1700000123.9
    b = project.annotation_set(ids[2])
    b.insert_span(at(project.text(ids[2]), "Kremlin", "ORG"))
    b.status, b.updated = ArticleStatus.IN_PROGRESS, 1700000456.0
    project.annotation_set(ids[1]).insert_suggestion(Span(0, 3, "PER"))  # untouched: skipped
    for aset in (a, b):
        store.save_set(aset)
    store.flush()
    return project, store


def test_export_is_deterministic_and_ordered(tmp_path: Path, open_proj: Opener) -> None:
    project, _ = seeded(open_proj, tmp_path / "p")
    one = export_project(project, tmp_path / "out" / "one.jsonl", status="any")
    two = export_project(project, tmp_path / "two.jsonl", status="any")
    data = (tmp_path / "out" / "one.jsonl").read_bytes()
    assert data == (tmp_path / "two.jsonl").read_bytes()
    assert data.endswith(b"\n")
    lines = [json.loads(x) for x in data.decode().splitlines()]
    assert [r["meta"]["article_id"] for r in lines] == [project.article_ids[0],
                                                        project.article_ids[2]]
    assert list(json.loads(data.splitlines()[0])) == sorted(KEYS)  # keys sorted
    assert (one.records, one.spans_per_label) == (2, {"ORG": 1, "PER": 2})
    assert sorted(reason for _, reason in one.skipped) == ["no annotations"] * 3
    assert two.path == tmp_path / "two.jsonl"
    assert [p.name for p in tmp_path.iterdir() if p.name.endswith(".tmp")] == []


def test_filters_and_rejected_records(tmp_path: Path, open_proj: Opener) -> None:
    project, _ = seeded(open_proj, tmp_path / "p")
    out = tmp_path / "x.jsonl"
    done = export_project(project, out, status=ArticleStatus.DONE, include_rejected=True)
    lines = [json.loads(x) for x in out.read_text("utf-8").splitlines()]
    assert [r["answer"] for r in lines] == ["accept", "reject"]
    rej = lines[1]
    assert [(rej["text"][s["start"]:s["end"]], s["label"]) for s in rej["spans"]] == [
        ("Komsomolsk-on-Amur", "GPE")]
    assert rej["_input_hash"] == lines[0]["_input_hash"]
    assert rej["_task_hash"] != lines[0]["_task_hash"]
    assert done.records == 2
    assert ("Kredit gambar: AFP", "status is in progress, not done") in done.skipped
    nobody = export_project(project, out, annotator="budi")
    assert nobody.records == 0 and out.read_bytes() == b""
    assert {reason for _, reason in nobody.skipped} == {"no annotations",
                                                       "annotated only by other annotators"}


def test_cancelled_export_writes_nothing(tmp_path: Path, open_proj: Opener) -> None:
    project, _ = seeded(open_proj, tmp_path / "p")
    calls: list[tuple[int, int]] = []
    report = export_project(project, tmp_path / "c.jsonl", cancelled=lambda: len(calls) >= 2,
                          progress=lambda d, t: calls.append((d, t)), status="any")
    assert report.cancelled and not (tmp_path / "c.jsonl").exists()
    assert calls == [(0, 2), (1, 2)]


def test_export_import_round_trip(tmp_path: Path, open_proj: Opener) -> None:
    project, _ = seeded(open_proj, tmp_path / "p")
    first = tmp_path / "first.jsonl"
    export_project(project, first, include_rejected=True, status="any")
    fresh, store = open_proj(tmp_path / "q")
    report = import_paths(fresh, store, [first])
    assert report.issues == [] and report.added == 2 and report.new_labels == []
    for article_id in fresh.article_ids:
        old, new = project.annotation_set(article_id), fresh.annotation_set(article_id)
        assert [(s.key, s.kb_id) for s in new.spans] == [(s.key, s.kb_id) for s in old.spans]
        assert new.rejected == old.rejected
        assert new.status == ArticleStatus.DONE  # every exported record says "accept"
        assert fresh.info(article_id).title == project.info(article_id).title
    second = tmp_path / "second.jsonl"
    export_project(fresh, second, include_rejected=True, status="any")
    assert second.read_bytes() == first.read_bytes()
    again = import_paths(fresh, store, [first])
    assert (again.added, again.spans, len(again.duplicates)) == (0, 0, 2)


def test_emoji_text_round_trip_keeps_code_point_offsets(tmp_path: Path,
                                                        open_proj: Opener) -> None:
    article, aset = article_and_set()
    src = tmp_path / "in.jsonl"
    src.write_text(json.dumps({"text": TEXT, "meta": {"title": "Judul"}, "answer": "accept",
                               "spans": [s.to_dict() for s in aset.spans]}) + "\n", "utf-8")
    project, store = open_proj(tmp_path / "p")
    assert import_paths(project, store, [src]).spans == 3
    out = tmp_path / "out.jsonl"
    export_project(project, out)
    [rec] = [json.loads(x) for x in out.read_text("utf-8").splitlines()]
    assert [rec["text"][s["start"] : s["end"]] for s in rec["spans"]] == [
        "Vladimir Putin", "Kim Jong-un", "Vostochny"]
    assert rec["spans"][1]["kb_id"] == "kim-jong-un"
    again, store2 = open_proj(tmp_path / "q")
    import_paths(again, store2, [out])
    assert again.annotation_set(article.id).spans == aset.spans
