"""Each annotator's entity knowledge base: one TinyDB file, `kb/<annotator>.json`."""

from __future__ import annotations

from pathlib import Path

from annotator.core.entities import Entity, KnowledgeBase
from annotator.store import schema
from annotator.store.atomic import StoreError, read_tables, slug
from annotator.store.backups import restore_hint
from annotator.store.project_store import ProjectStore


def kb_file(store: ProjectStore, annotator: str | None = None) -> Path:
    return store.root / "kb" / f"{slug(annotator or store.annotator)}.json"


def load_kb(store: ProjectStore, annotator: str | None = None) -> KnowledgeBase:
    """The saved knowledge base (empty when none was saved); StoreError names a bad file."""
    path = kb_file(store, annotator)
    try:
        tables = read_tables(path)
    except StoreError as exc:
        raise StoreError(f"{exc}{restore_hint(store.root, path)}", path) from exc
    docs = (tables or {}).get("entities") or {}
    try:
        schema.check(docs, schema.Each(schema.ENTITY), "entities")
        ordered = sorted(docs.items(), key=lambda item: int(item[0]))
        return KnowledgeBase(Entity.from_dict(doc) for _, doc in ordered)
    except schema.ShapeError as exc:
        why = f"{exc}"
    except (KeyError, TypeError, ValueError) as exc:
        why = f"bad entity ({exc})"
    raise StoreError(f"{path} is damaged: {why}.{restore_hint(store.root, path)}", path)


def save_kb(store: ProjectStore, kb: KnowledgeBase) -> int:
    """Queue the whole knowledge base for the writer thread (small: names and aliases)."""
    if store.read_only:
        raise StoreError(store.lock_message or f"Project {store.root} is read-only.", store.root)
    if store.writer is None:
        raise StoreError(f"Project {store.root} is closed.", store.root)
    docs = {str(i): entity.to_dict() for i, entity in enumerate(kb, start=1)}
    return store.writer.submit(kb_file(store), {"entities": docs}, indent=True)
