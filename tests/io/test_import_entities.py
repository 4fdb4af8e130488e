"""Issue 16.6: imported links bring their entities (the knowledge base is built on import)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from annotator.cli import main
from annotator.core.entities import Entity
from annotator.store.kb_store import save_kb
from annotator.store.session import open_project

TEXTS = [
    "Presiden Kim Jong Un tiba di Rusia. Kim bertemu Putin di Vostochny.",
    "Kim Jong Un pulang ke Pyongyang setelah Kim Jong Un bertemu Vladimir Putin.",
]


def span(text: str, surface: str, label: str, kb_id: str, nth: int = 0) -> dict[str, Any]:
    start = -1
    for _ in range(nth + 1):
        start = text.index(surface, start + 1)
    return {"start": start, "end": start + len(surface), "label": label, "kb_id": kb_id}


def linked_jsonl(path: Path, annotator: str | None = None) -> Path:
    one, two = TEXTS
    records = [
        {"text": one, "spans": [span(one, "Kim Jong Un", "PER", "kim-jong-un"),
                                span(one, "Kim", "ORG", "kim-jong-un", nth=1),
                                span(one, "Putin", "PER", "putin")]},
        {"text": two, "spans": [span(two, "Kim Jong Un", "PER", "kim-jong-un"),
                                span(two, "Kim Jong Un", "PER", "kim-jong-un", nth=1),
                                span(two, "Vladimir Putin", "PER", "putin")]},
    ]
    for record in records:
        record["answer"] = "accept"
        if annotator:
            record["_annotator_id"] = annotator
    path.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    return path


def kb_export(root: Path, tmp_path: Path, annotator: str) -> dict[str, dict[str, Any]]:
    out = tmp_path / f"{annotator}.kb.jsonl"
    assert main(["export", "--project", str(root), "--annotator", annotator,
                 "--format", "kb", "--out", str(out)]) == 0
    lines = out.read_text(encoding="utf-8").splitlines()
    return {r["kb_id"]: r for r in map(json.loads, lines)}


def test_import_builds_entities_that_export_kb_writes(tmp_path: Path, capsys) -> None:  # noqa: ANN001
    root = tmp_path / "p"
    src = linked_jsonl(tmp_path / "linked.jsonl")
    assert main(["import", str(src), "--project", str(root), "--annotator", "ayu"]) == 0
    assert "2 entit" in capsys.readouterr().out  # the summary says entities were built
    kb = kb_export(root, tmp_path, "ayu")
    assert set(kb) == {"kim-jong-un", "putin"}
    kim = kb["kim-jong-un"]
    assert kim["name"] == "Kim Jong Un" and kim["label"] == "PER"  # most frequent, majority
    assert kim["aliases"] == ["Kim Jong Un", "Kim"] and kim["mentions"] == 4
    assert kb["putin"]["aliases"] == ["Putin", "Vladimir Putin"]  # a tie: first seen first


def test_colleagues_links_build_their_own_kb(tmp_path: Path) -> None:
    root = tmp_path / "p"
    src = linked_jsonl(tmp_path / "budi.jsonl", annotator="budi")
    assert main(["import", str(src), "--project", str(root), "--annotator", "ayu"]) == 0
    assert set(kb_export(root, tmp_path, "budi")) == {"kim-jong-un", "putin"}
    assert kb_export(root, tmp_path, "ayu") == {}


def test_existing_entity_keeps_its_name_and_learns_new_aliases(tmp_path: Path) -> None:
    root = tmp_path / "p"
    project, store = open_project(root, "ayu")
    project.kb.add(Entity("putin", "Vladimir Vladimirovich Putin", "PER", ["Putin"], note="x"))
    save_kb(store, project.kb)
    assert store.close()
    src = linked_jsonl(tmp_path / "linked.jsonl")
    assert main(["import", str(src), "--project", str(root), "--annotator", "ayu"]) == 0
    putin = kb_export(root, tmp_path, "ayu")["putin"]
    assert putin["name"] == "Vladimir Vladimirovich Putin" and putin["note"] == "x"
    assert putin["aliases"] == ["Vladimir Vladimirovich Putin", "Putin", "Vladimir Putin"]
