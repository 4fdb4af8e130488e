"""Deleted articles: each annotator's deletions in `deletions/<slug>.json`, read by everyone.

An article is deleted while its newest deletion (by anyone) is newer than its newest
re-import; annotation sets last saved before its newest deletion are stale for good, so an
import of the same text later brings the article back clean.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

from annotator.core.annotations import AnnotationSet
from annotator.store import schema
from annotator.store.atomic import StoreError, first_doc, read_tables

log = logging.getLogger(__name__)

FOLDER = "deletions"
_SHAPE = {"deleted": schema.Each((int, float)), "restored": schema.Each((int, float))}
Times = dict[str, float]


class DeletionLog:
    """Every annotator's deletions and re-imports; this annotator's are kept and saved."""

    def __init__(self, root: Path, own_slug: str) -> None:
        self.folder = root / FOLDER
        self.own_slug = own_slug
        self.own_deleted: Times = {}
        self.own_restored: Times = {}
        self._others: list[tuple[Times, Times]] = []
        self._newest_deleted: Times = {}  # by anyone: what the queries read
        self._newest_restored: Times = {}
        self.warnings: list[str] = []

    @property
    def own_file(self) -> Path:
        return self.folder / f"{self.own_slug}.json"

    def load(self) -> None:
        """Read every annotator's file; a damaged one is skipped and named in `warnings`."""
        self._others = []
        for path in sorted(self.folder.glob("*.json")) if self.folder.is_dir() else []:
            if path.name.startswith("."):
                continue
            times = self._read(path)
            if path == self.own_file:
                self.own_deleted, self.own_restored = times
            else:
                self._others.append(times)
        self._merge()

    def reload_others(self) -> None:
        """Read the other annotators' files again (ours is newer in memory than on disk)."""
        own = self.own_deleted, self.own_restored
        self.load()
        self.own_deleted, self.own_restored = own
        self._merge()

    def _read(self, path: Path) -> tuple[Times, Times]:
        try:
            doc = first_doc(read_tables(path), "deletions") or {}
            schema.check(doc, {"deleted?": _SHAPE["deleted"], "restored?": _SHAPE["restored"]})
        except (StoreError, schema.ShapeError) as exc:
            message = f"{path} is damaged ({exc}); the deletions it lists were ignored."
            log.warning("%s", message)
            self.warnings.append(message)
            return {}, {}
        return ({k: float(v) for k, v in (doc.get("deleted") or {}).items()},
                {k: float(v) for k, v in (doc.get("restored") or {}).items()})

    def _merge(self) -> None:
        """The newest deletion and re-import of each article over every annotator's file."""
        deleted: Times = {}
        restored: Times = {}
        for own_or_other_deleted, own_or_other_restored in (
                (self.own_deleted, self.own_restored), *self._others):
            for article_id, at in own_or_other_deleted.items():
                deleted[article_id] = max(at, deleted.get(article_id, at))
            for article_id, at in own_or_other_restored.items():
                restored[article_id] = max(at, restored.get(article_id, at))
        self._newest_deleted, self._newest_restored = deleted, restored

    def is_deleted(self, article_id: str) -> bool:
        deleted = self._newest_deleted.get(article_id)
        return deleted is not None and deleted > self._newest_restored.get(article_id, -1.0)

    def hides(self, aset: AnnotationSet) -> bool:
        """The set belongs to a deleted article or was saved before its last deletion."""
        deleted = self._newest_deleted.get(aset.article_id)
        return deleted is not None and (aset.updated <= deleted
                                        or self.is_deleted(aset.article_id))

    def record(self, article_id: str, deleted_at: float) -> None:
        self.own_deleted[article_id] = deleted_at
        self._merge()

    def forget(self, article_id: str) -> None:
        """An undone deletion: as if it never happened (its sets count again)."""
        self.own_deleted.pop(article_id, None)
        self._merge()

    def restore(self, article_id: str, at: float) -> None:
        """A re-import of a deleted article's text: it is back, without the stale sets."""
        self.own_restored[article_id] = at
        self._merge()

    def payload(self) -> dict[str, Any]:
        return {"deletions": {"1": {"deleted": dict(self.own_deleted),
                                    "restored": dict(self.own_restored)}}}
