"""doccano JSONL: record shape, round trip through import, doccano's own export shapes."""

from __future__ import annotations

import json
from pathlib import Path

from annotator.core.model import ArticleStatus
from annotator.io.export import export_project
from annotator.io.importer import import_paths
from annotator.io.readers import read_source
from annotator.store.session import load_all_sets
from tests.io.test_formats_common import Opener, annotated_project


def test_record_shape(tmp_path: Path, open_proj: Opener) -> None:
    project, _ = annotated_project(open_proj, tmp_path / "p", n=2)
    out = tmp_path / "d.jsonl"
    report = export_project(project, out, format="doccano")
    [line] = out.read_text("utf-8").splitlines()
    rec = json.loads(line)
    article_id = project.article_ids[0]
    assert list(rec) == ["label", "meta", "text"]  # keys sorted
    assert rec["text"] == project.text(article_id)
    assert rec["meta"] == {"annotator": "ayu", "article_id": article_id,
                           "source": "p-corpus.jsonl", "title": project.info(article_id).title}
    spans = project.annotation_set(article_id).spans
    assert rec["label"] == [[s.start, s.end, s.label] for s in spans]
    assert report.records == 1 and report.spans_per_label == {"GPE": 2, "ORG": 2, "PER": 4}


def test_export_import_export_is_byte_identical(tmp_path: Path, open_proj: Opener) -> None:
    project, _ = annotated_project(open_proj, tmp_path / "p", n=4, annotators=("ayu", "budi"))
    first = tmp_path / "first.jsonl"
    export_project(project, first, format="doccano", annotator="all")
    fresh, store = open_proj(tmp_path / "q", "zz")
    report = import_paths(fresh, store, [first])
    assert report.issues == [] and report.added == 4 and report.new_labels == []
    load_all_sets(fresh, store)
    assert fresh.annotators() == ["ayu", "budi"]
    for article_id in project.article_ids:
        for who in ("ayu", "budi"):
            old = project.existing_set(article_id, who)
            new = fresh.existing_set(article_id, who)
            if old is None or not old.touched:
                assert new is None
                continue
            assert new is not None and new.spans == old.spans
            assert new.status == ArticleStatus.DONE
        assert fresh.info(article_id).title == project.info(article_id).title
        assert fresh.info(article_id).meta == {"source": "p-corpus.jsonl"}
    second = tmp_path / "second.jsonl"
    export_project(fresh, second, format="doccano", annotator="all")
    assert second.read_bytes() == first.read_bytes()


def test_doccano_shapes_and_bad_entries(tmp_path: Path) -> None:
    path = tmp_path / "doccano.jsonl"
    path.write_text("\n".join([
        json.dumps({"id": 1, "text": "Joko Widodo ke Bali", "label": [[0, 11, "PER"],
                                                                   [15, 19, "LOC"]],
                    "Comments": []}),
        json.dumps({"id": 2, "text": "Putin di Moskow", "entities": [
            {"id": 7, "label": "PER", "start_offset": 0, "end_offset": 5},
            {"id": 8, "label": "GPE", "start_offset": 9, "end_offset": 15}], "relations": []}),
        json.dumps({"text": "Kim tiba", "label": [[0, 3], "x", [0, 99, "PER"], [4, 8, "O"]],
                    "meta": {"annotator": "citra", "title": "Judul"}}),
    ]) + "\n", "utf-8")
    result = read_source(path)
    one, two, three = result.records
    assert [(one.text[s.start:s.end], s.label) for s in one.spans] == [("Joko Widodo", "PER"),
                                                                       ("Bali", "LOC")]
    assert (one.answer, one.annotator, one.meta) == ("accept", None, {"source": path.name})
    assert [s.key for s in two.spans] == [(0, 5, "PER"), (9, 15, "GPE")]
    assert (three.annotator, three.title, [s.key for s in three.spans]) == (
        "citra", "Judul", [(4, 8, "O")])
    assert [str(i) for i in result.issues] == [
        f"{path}:3: span 1: \"label\" must be a non-empty string, got None; span skipped",
        f"{path}:3: span 2: expected an object, got a string; span skipped",
        f"{path}:3: span 3: 0..99 is outside the text (0..8); span skipped",
    ]
