"""Importing into a project: articles, duplicates, spans, labels, colleagues, cancel."""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from annotator.config import seeds_dir
from annotator.core.model import ArticleStatus, Span
from annotator.core.project import Project
from annotator.io.importer import finish_import, import_paths, prepare_import
from annotator.io.seeding import ensure_seeded
from annotator.store.project_store import ProjectStore, StoreError

Opener = Callable[..., tuple[Project, ProjectStore]]  # the `open_proj` fixture (conftest.py)

TEXT = "Presiden Vladimir Putin bertemu Kim Jong Un di Vostochny."
PUTIN = Span(9, 23, "PER")
KIM = Span(32, 43, "PER", kb_id="kim-jong-un")
VOST = Span(47, 56, "FAC")


def write_jsonl(path: Path, *objs: object) -> Path:
    path.write_text("".join(json.dumps(o, ensure_ascii=False) + "\n" for o in objs), "utf-8")
    return path


def snapshot(root: Path) -> dict[str, bytes]:
    return {
        p.relative_to(root).as_posix(): p.read_bytes()
        for p in sorted(root.rglob("*"))
        if p.is_file() and "locks" not in p.relative_to(root).parts
    }


def span_obj(span: Span) -> dict[str, object]:
    data: dict[str, object] = {"start": span.start, "end": span.end, "label": span.label}
    if span.kb_id:
        data["kb_id"] = span.kb_id
    return data


def test_surfaces() -> None:
    assert [TEXT[s.start : s.end] for s in (PUTIN, KIM, VOST)] == [
        "Vladimir Putin", "Kim Jong Un", "Vostochny"]


def test_import_folder_adds_articles_to_project_and_store(tmp_path: Path, open_proj: Opener):
    project, store = open_proj(tmp_path / "p")
    calls: list[tuple[int, int]] = []
    report = import_paths(project, store, [seeds_dir()], progress=lambda d, t: calls.append((d, t)))
    assert (report.added, report.duplicates, report.issues) == (5, [], [])
    assert calls == [(0, 5), (1, 5), (2, 5), (3, 5), (4, 5), (5, 5)]
    assert len(project) == 5
    assert [i.id for i in store.article_infos()] == project.article_ids
    first = project.infos[0]
    assert first.title.startswith("Kunjungan Kim ke Wilayah Timur Jauh Rusia")
    assert first.meta == {"source": "000_caef013da0fd211d.txt"}
    raw = (seeds_dir() / "000_caef013da0fd211d.txt").read_text("utf-8")
    assert project.text(first.id) == raw


def test_duplicates_are_skipped_and_import_twice_changes_nothing(tmp_path: Path,
                                                                  open_proj: Opener):
    src = tmp_path / "src"
    src.mkdir()
    (src / "a.txt").write_text("Judul A\nIsi A", "utf-8")
    (src / "copy-of-a.txt").write_text("Judul A\nIsi A", "utf-8")
    write_jsonl(src / "b.jsonl",
                {"text": TEXT, "meta": {"title": "B"}, "spans": [span_obj(PUTIN), span_obj(KIM)]})
    project, store = open_proj(tmp_path / "p")
    first = import_paths(project, store, [src])
    assert (first.added, first.duplicates, first.spans) == (2, ["Judul A"], 2)
    store.flush()
    before = snapshot(store.root)
    second = import_paths(project, store, [src])
    store.flush()
    assert (second.added, second.spans, second.issues) == (0, 0, [])
    assert second.duplicates == ["Judul A", "B"]
    assert snapshot(store.root) == before
    assert project.annotation_set(project.article_ids[1]).spans == [PUTIN, KIM]


def test_spans_status_and_new_labels_are_saved(tmp_path: Path, open_proj: Opener) -> None:
    f = write_jsonl(
        tmp_path / "in.jsonl",
        {"text": TEXT, "spans": [span_obj(PUTIN), span_obj(KIM)]},
        {"text": "Rudal Kinzhal diluncurkan.", "answer": "accept",
         "spans": [{"start": 6, "end": 13, "label": "MISSILE"}]},
    )
    project, store = open_proj(tmp_path / "p")
    report = import_paths(project, store, [f])
    assert (report.added, report.spans, report.new_labels) == (2, 3, ["MISSILE"])
    a, b = (project.annotation_set(i) for i in project.article_ids)
    assert a.spans == [PUTIN, KIM] and a.spans[1].kb_id == "kim-jong-un"
    assert a.status == ArticleStatus.IN_PROGRESS and b.status == ArticleStatus.DONE
    store.close()
    again, store2 = open_proj(tmp_path / "p")
    assert "MISSILE" in again.scheme
    saved = {s.article_id: s for s in store2.load_sets("ayu")}
    assert saved[a.article_id].spans == [PUTIN, KIM]
    assert saved[b.article_id].status == ArticleStatus.DONE


def test_reject_records_become_rejected_keys(tmp_path: Path, open_proj: Opener) -> None:
    f = write_jsonl(tmp_path / "r.jsonl",
                    {"text": TEXT, "spans": [span_obj(PUTIN)], "answer": "accept"},
                    {"text": TEXT, "spans": [span_obj(VOST)], "answer": "reject"})
    project, store = open_proj(tmp_path / "p")
    report = import_paths(project, store, [f])
    assert (report.added, report.duplicates) == (1, [])
    aset = project.annotation_set(project.article_ids[0])
    assert aset.spans == [PUTIN] and aset.rejected == {VOST.key}


def test_span_overlapping_existing_one_is_reported(tmp_path: Path, open_proj: Opener) -> None:
    one = write_jsonl(tmp_path / "one.jsonl", {"text": TEXT, "spans": [span_obj(PUTIN)]})
    two = write_jsonl(tmp_path / "two.jsonl",
                      {"text": TEXT, "spans": [{"start": 18, "end": 23, "label": "ORG"}]})
    project, store = open_proj(tmp_path / "p")
    import_paths(project, store, [one])
    report = import_paths(project, store, [two])
    [issue] = report.issues
    assert str(issue).startswith(f"{two}:1: 18..23 ORG overlaps ayu's existing span 9..23 PER")
    assert project.annotation_set(project.article_ids[0]).spans == [PUTIN]


def test_bad_input_is_reported_and_the_rest_imported(tmp_path: Path, open_proj: Opener) -> None:
    src = tmp_path / "src"
    src.mkdir()
    (src / "bad.jsonl").write_text('{"text": "ok"}\n{"text": \n', "utf-8")
    (src / "latin.txt").write_bytes(b"caf\xe9")
    project, store = open_proj(tmp_path / "p")
    report = import_paths(project, store, [src])
    assert report.added == 1
    assert [(i.path.name, i.line) for i in report.issues] == [("bad.jsonl", 2), ("latin.txt", 1)]


def test_cancel_before_writing_writes_nothing(tmp_path: Path, open_proj: Opener) -> None:
    project, store = open_proj(tmp_path / "p")
    before = snapshot(store.root)
    report = import_paths(project, store, [seeds_dir()], cancelled=lambda: True)
    assert report.cancelled and report.added == 0
    assert len(project) == 0 and snapshot(store.root) == before
    calls = iter([False] * 5)  # cancelled after reading the five files, before any write
    report = import_paths(project, store, [seeds_dir()], cancelled=lambda: next(calls, True))
    assert report.cancelled and report.issues == [] and snapshot(store.root) == before


def test_prepare_in_a_worker_then_finish(tmp_path: Path, open_proj: Opener) -> None:
    project, store = open_proj(tmp_path / "p")
    with ThreadPoolExecutor(1) as pool:
        prepared = pool.submit(prepare_import, store, [seeds_dir()]).result()
    assert len(prepared.records) == 5 and len(project) == 0
    assert store.article_infos() == []
    report = finish_import(project, store, prepared)
    assert report.added == 5 and len(project) == 5
    prepared.cancelled = True
    assert finish_import(project, store, prepared).cancelled


def test_colleague_records_go_to_their_folder(tmp_path: Path, open_proj: Opener) -> None:
    f = write_jsonl(tmp_path / "budi.jsonl",
                    {"text": TEXT, "spans": [span_obj(KIM)], "answer": "accept",
                     "_annotator_id": "budi", "_timestamp": 1700000000})
    project, store = open_proj(tmp_path / "p")
    report = import_paths(project, store, [f])
    assert report.issues == [] and report.spans == 1
    assert project.existing_set(project.article_ids[0]) is None
    store.close()
    budi, _ = open_proj(tmp_path / "p", "budi")
    aset = budi.annotation_set(budi.article_ids[0])
    assert aset.spans == [KIM] and aset.updated == 1700000000
    assert aset.status == ArticleStatus.DONE


def test_colleague_with_window_open_is_reported(tmp_path: Path, open_proj: Opener) -> None:
    f = write_jsonl(tmp_path / "budi.jsonl",
                    {"text": TEXT, "spans": [span_obj(KIM)], "_annotator_id": "budi"})
    project, store = open_proj(tmp_path / "p")
    open_proj(tmp_path / "p", "budi")  # budi's window holds the lock
    report = import_paths(project, store, [f])
    assert report.added == 1 and report.spans == 0
    [issue] = report.issues
    assert str(issue).startswith(f"{f}: annotations of budi not imported: Project 'p' is already")


def test_read_only_store_refuses_import(tmp_path: Path, open_proj: Opener) -> None:
    open_proj(tmp_path / "p")
    project, store = open_proj(tmp_path / "p")
    assert store.read_only
    with pytest.raises(StoreError, match="already open"):
        import_paths(project, store, [seeds_dir()])


def test_missing_path_raises_before_writing(tmp_path: Path, open_proj: Opener) -> None:
    project, store = open_proj(tmp_path / "p")
    with pytest.raises(FileNotFoundError):
        import_paths(project, store, [seeds_dir(), tmp_path / "nope"])
    assert len(project) == 0


def test_ensure_seeded_only_when_empty(tmp_path: Path, open_proj: Opener) -> None:
    seeds = tmp_path / "seeds"
    shutil.copytree(seeds_dir(), seeds)
    project, store = open_proj(tmp_path / "p")
    report = ensure_seeded(project, store, seeds)
    assert report is not None and report.added == 5
    assert ensure_seeded(project, store, seeds) is None
    assert isinstance(store, ProjectStore) and len(store.article_infos()) == 5
