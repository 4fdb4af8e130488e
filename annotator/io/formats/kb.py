"""The entity knowledge base as JSONL records, and the label scheme as guidelines beside it."""

from __future__ import annotations

from collections import Counter, defaultdict
from pathlib import Path
from typing import Any

from annotator.core.linking import surface_key
from annotator.core.project import Project

EXTENSION = ".kb.jsonl"


def kb_records(project: Project) -> list[dict[str, Any]]:
    """One record per entity of the project's KB, with mention counts, sorted by kb_id."""
    mentions: Counter[str] = Counter()
    surfaces: dict[str, Counter[str]] = defaultdict(Counter)
    for article_id, span in project.mentions():
        assert span.kb_id is not None
        mentions[span.kb_id] += 1
        text = project.text(article_id)[span.start : span.end]
        surfaces[span.kb_id][surface_key(text)] += 1
    records = []
    for entity in sorted(project.kb, key=lambda e: e.kb_id):
        alias_counts = {
            alias: surfaces[entity.kb_id].get(surface_key(alias), 0)
            for alias in entity.surfaces()
        }
        records.append(
            {
                "kb_id": entity.kb_id,
                "name": entity.name,
                "label": entity.label,
                "aliases": entity.surfaces(),
                "alias_mentions": alias_counts,
                "note": entity.note,
                "external_ids": dict(sorted(entity.external_ids.items())),
                "mentions": mentions[entity.kb_id],
            }
        )
    return records


def guidelines(project: Project) -> dict[str, Any]:
    """The label scheme as annotation guidelines: key, colour, description, examples."""
    return {"labels": [
        {"label": label.name, "key": label.key, "color": label.color,
         "description": label.description,
         "examples": [e.strip() for e in label.examples.split(";") if e.strip()]}
        for label in project.scheme.labels]}


def guidelines_path(out: Path) -> Path:
    """Where the guidelines go beside a KB export: x.kb.jsonl -> x.guidelines.json."""
    name = out.name.removesuffix(EXTENSION).removesuffix(".jsonl")
    return out.with_name(f"{name}.guidelines.json")
