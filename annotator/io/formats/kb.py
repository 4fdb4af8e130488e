"""The entity knowledge base as JSONL, and loading it into spaCy's `InMemoryLookupKB`."""

from __future__ import annotations

from collections import Counter, defaultdict
from pathlib import Path
from typing import Any

import orjson

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


def kb_bytes(records: list[dict[str, Any]]) -> bytes:
    return b"".join(orjson.dumps(r, option=orjson.OPT_SORT_KEYS) + b"\n" for r in records)


def alias_priors(records: list[dict[str, Any]]) -> dict[str, dict[str, float]]:
    """P(entity | alias) from mention counts; an alias never seen shares its mass evenly."""
    table: dict[str, dict[str, float]] = defaultdict(dict)
    for record in records:
        for alias, count in record["alias_mentions"].items():
            table[alias][record["kb_id"]] = float(count)
    priors: dict[str, dict[str, float]] = {}
    for alias, counts in table.items():
        total = sum(counts.values())
        if total:
            priors[alias] = {k: v / total for k, v in counts.items()}
        else:
            priors[alias] = {k: 1.0 / len(counts) for k in counts}
    return priors


def to_spacy_kb(records: list[dict[str, Any]], vocab: Any, vector_length: int = 1) -> Any:
    """A spaCy `InMemoryLookupKB` with every entity, alias and prior probability."""
    from spacy.kb import InMemoryLookupKB

    kb = InMemoryLookupKB(vocab=vocab, entity_vector_length=vector_length)
    for record in records:
        kb.add_entity(
            entity=record["kb_id"], freq=max(record["mentions"], 1),
            entity_vector=[0.0] * vector_length,
        )
    for alias, priors in sorted(alias_priors(records).items()):
        entities = sorted(priors)
        kb.add_alias(alias=alias, entities=entities, probabilities=[priors[e] for e in entities])
    return kb
