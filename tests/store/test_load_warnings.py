"""Issue 21.11: a deleted kb/<annotator>.json, or spans linked to entities that do not exist,
are said on load (CLI and window) and the missing entities are rebuilt from the spans."""

from __future__ import annotations

import json
from pathlib import Path

from annotator.cli import main
from annotator.store.kb_store import kb_file, load_kb, save_kb
from annotator.store.session import open_project

TEXT = "Presiden Kim Jong Un tiba di Rusia. Kim bertemu Putin."


def linked_project(tmp_path: Path) -> Path:
    """A project whose annotator ayu has three linked spans (and so a KB of two entities)."""
    spans = [{"start": 9, "end": 20, "label": "PER", "kb_id": "kim-jong-un"},
             {"start": 36, "end": 39, "label": "PER", "kb_id": "kim-jong-un"},
             {"start": 48, "end": 53, "label": "PER", "kb_id": "putin"}]
    src = tmp_path / "linked.jsonl"
    src.write_text(json.dumps({"text": TEXT, "spans": spans, "answer": "accept"}) + "\n",
                   encoding="utf-8")
    root = tmp_path / "p"
    assert main(["import", str(src), "--project", str(root), "--annotator", "ayu"]) == 0
    return root


def test_deleted_kb_file_is_said_and_rebuilt(tmp_path: Path) -> None:
    root = linked_project(tmp_path)
    (root / "kb" / "ayu.json").unlink()
    project, store = open_project(root, "ayu")
    try:
        assert len(project.load_warnings) == 1
        warning = project.load_warnings[0]
        assert str(root / "kb" / "ayu.json") in warning and "missing" in warning
        assert "2 entities rebuilt" in warning
        assert sorted(project.kb.ids()) == ["kim-jong-un", "putin"]
        assert project.kb["kim-jong-un"].surfaces() == ["Kim Jong Un", "Kim"]
    finally:
        assert store.close()
    assert (root / "kb" / "ayu.json").exists()  # saved again
    project, store = open_project(root, "ayu")
    assert project.load_warnings == []
    store.close()


def test_link_to_an_unknown_entity_is_said_and_rebuilt(tmp_path: Path) -> None:
    root = linked_project(tmp_path)
    project, store = open_project(root, "ayu")
    project.kb.remove("putin")
    save_kb(store, project.kb)
    assert store.close()
    project, store = open_project(root, "ayu")
    try:
        assert project.load_warnings == [
            f"{kb_file(store)}: 1 linked entity missing (putin); rebuilt from its spans"]
        assert project.kb["putin"].name == "Putin"
    finally:
        store.close()


def test_cli_says_it_and_kb_export_is_whole(tmp_path: Path, capsys) -> None:  # noqa: ANN001
    root = linked_project(tmp_path)
    (root / "kb" / "ayu.json").unlink()
    capsys.readouterr()
    out = tmp_path / "kb.jsonl"
    assert main(["export", "--project", str(root), "--annotator", "ayu", "--format", "kb",
                 "--out", str(out)]) == 0
    err = capsys.readouterr().err
    assert f"annotator: warning: {root / 'kb' / 'ayu.json'}: missing" in err
    assert len(out.read_text(encoding="utf-8").splitlines()) == 2


def test_read_only_reader_rebuilds_in_memory_only(tmp_path: Path) -> None:
    root = linked_project(tmp_path)
    (root / "kb" / "ayu.json").unlink()
    project, store = open_project(root, "ayu", create=False, read_only=True)
    try:
        assert sorted(project.kb.ids()) == ["kim-jong-un", "putin"]
    finally:
        store.close()
    assert not (root / "kb" / "ayu.json").exists()
    assert len(load_kb(store)) == 0


def test_bad_label_in_project_json_is_said_and_left_out(tmp_path: Path, capsys) -> None:  # noqa: ANN001
    root = linked_project(tmp_path)
    path = root / "project.json"
    data = json.loads(path.read_text(encoding="utf-8"))
    doc = data["project"]["1"]
    doc["labels"].append({**doc["labels"][0], "name": "PER\nX", "key": ""})
    path.write_text(json.dumps(data), encoding="utf-8")
    out = tmp_path / "out.jsonl"
    assert main(["export", "--project", str(root), "--annotator", "ayu", "--out", str(out)]) == 0
    assert f"annotator: warning: {path}: label 'PER\\nX' contains a control" in \
        capsys.readouterr().err
    project, store = open_project(root, "ayu")
    try:
        assert "PER\nX" not in project.scheme and "PER" in project.scheme
    finally:
        store.close()


def test_review_fills_the_gold_kb_for_gold_links_made_before(tmp_path: Path) -> None:
    """Gold reviewed before gold had a KB: attaching gold gives it the linked entities,
    copied from the annotators' KBs (ayu named Putin fully), else built from the spans."""
    from annotator.core.annotations import AnnotationSet
    from annotator.core.model import Span
    from annotator.core.review_commands import GOLD
    from annotator.store.project_store import ProjectStore
    from annotator.store.session import attach_gold

    root = linked_project(tmp_path)
    project, store = open_project(root, "ayu")
    project.kb.replace(project.kb["putin"].with_(name="Vladimir Putin"))
    save_kb(store, project.kb)
    article_id = project.article_ids[0]
    assert store.close()
    gold = AnnotationSet(article_id, GOLD)
    gold.insert_span(Span(48, 53, "PER", kb_id="putin"))
    gold.insert_span(Span(29, 34, "GPE", kb_id="rusia"))
    with ProjectStore(root, GOLD) as gold_store:
        gold_store.save_set(gold)
    project, store = open_project(root, "rina")
    gold_store, _ = attach_gold(project, root)
    try:
        gold_kb = project.kb_of(GOLD)
        assert gold_kb["putin"].name == "Vladimir Putin" and gold_kb["rusia"].name == "Rusia"
    finally:
        assert gold_store.close()
        store.close()
    with ProjectStore(root, GOLD) as again:
        assert sorted(load_kb(again).ids()) == ["putin", "rusia"]
