"""Knowledge base export: JSONL records, guidelines and the CLI."""

from __future__ import annotations

from pathlib import Path

import orjson

from annotator.cli import main
from annotator.core.entities import draft_entity
from annotator.core.entity_commands import link_span
from annotator.core.model import Origin, Span
from annotator.io.export import export_project
from annotator.io.formats.kb import kb_records
from annotator.io.seeding import ensure_seeded
from annotator.store.session import open_project
from tests.conftest import SEEDS


def linked_project(root: Path):  # noqa: ANN201
    """Seeds with Putin linked three times (two surfaces) and Kim once, saved to disk."""
    project, store = open_project(root, "ayu")
    ensure_seeded(project, store, SEEDS)
    putin = kim = None
    for article_id in project.article_ids[:3]:
        text = project.text(article_id)
        for surface in ("Vladimir Putin", "Putin"):
            start = text.find(surface)
            if start < 0 or any(s.overlaps(start, start + len(surface))
                                for s in project.annotation_set(article_id).spans):
                continue
            span = Span(start, start + len(surface), "PER", Origin.MANUAL)
            project.annotation_set(article_id).insert_span(span)
            if putin is None:
                putin = draft_entity(project.kb, "Vladimir Putin", "PER")
                link_span(project, article_id, span, putin, is_new=True).do(project)
            else:
                link_span(project, article_id, span, project.kb["vladimir-putin"],
                          is_new=False).do(project)
    text = project.text(project.article_ids[0])
    start = text.index("Kim Jong-un")
    span = Span(start, start + len("Kim Jong-un"), "PER")
    project.annotation_set(project.article_ids[0]).insert_span(span)
    kim = draft_entity(project.kb, "Kim Jong-un", "PER").with_(external_ids={"wikidata": "Q56226"})
    link_span(project, project.article_ids[0], span, kim, is_new=True).do(project)
    return project, store


def test_kb_records(tmp_path: Path) -> None:
    project, store = linked_project(tmp_path / "p")
    records = {r["kb_id"]: r for r in kb_records(project)}
    assert set(records) == {"vladimir-putin", "kim-jong-un"}
    putin = records["vladimir-putin"]
    assert putin["mentions"] == sum(putin["alias_mentions"].values()) >= 3
    assert {"Vladimir Putin", "Putin"} <= set(putin["aliases"])
    assert records["kim-jong-un"]["external_ids"] == {"wikidata": "Q56226"}
    store.close()


def test_kb_export_is_deterministic_and_from_the_cli(tmp_path: Path, monkeypatch) -> None:  # noqa: ANN001
    project, store = linked_project(tmp_path / "p")
    first = export_project(project, tmp_path / "a.kb.jsonl", format="kb")
    export_project(project, tmp_path / "b.kb.jsonl", format="kb")
    assert first.records == 2 and first.spans_per_label == {"PER": 2}
    assert (tmp_path / "a.kb.jsonl").read_bytes() == (tmp_path / "b.kb.jsonl").read_bytes()
    store.close()
    out = tmp_path / "cli.kb.jsonl"
    code = main(["export", "--project", str(tmp_path / "p"), "--annotator", "ayu",
                 "--format", "kb", "--out", str(out)])
    assert code == 0
    assert out.read_bytes() == (tmp_path / "a.kb.jsonl").read_bytes()
    lines = [orjson.loads(line) for line in out.read_bytes().splitlines()]
    assert [r["kb_id"] for r in lines] == ["kim-jong-un", "vladimir-putin"]
    guide = orjson.loads((tmp_path / "cli.guidelines.json").read_bytes())  # beside the KB
    per = next(g for g in guide["labels"] if g["label"] == "PER")
    assert per["key"] == "1" and per["description"] and "Kim Jong Un" in per["examples"]
